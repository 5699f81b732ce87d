"""The API's database connections: one per server thread, kept open between requests; a failing database → 503.

**Kept open.** Closing the SQLite connection after every request (the usual Flask pattern) made the last
connection's close run a WAL checkpoint with its fsyncs, and the next request re-open the file and re-apply the
pragmas: about 25 ms of a signed ``POST /v1/events`` went there (docs/benchmarks.md, "Intake profile"). Each
gunicorn thread now keeps its peewee connection (peewee connections are per thread) for as long as it lives.
PostgreSQL saves a TCP connect and authentication per request the same way.

**Dropped when in doubt.** A request that ended in an unhandled exception, or left a transaction open, or hit a
database error, closes its thread's connection (rolling back what it held), so the next request starts on a fresh
one: a PostgreSQL server that restarted, or a SQLite file that was locked or full, is not remembered.

**503, not 500.** ``OperationalError`` / ``InterfaceError`` (database locked past the busy timeout, disk full,
server gone) answer 503 ``database_unavailable`` with ``Retry-After``: nothing was acknowledged, so the plugin's
Action Scheduler retries the event later and nothing is lost.
"""

from __future__ import annotations

import logging

import peewee
from flask import Flask, g, jsonify

from sidecar.store.db import database

log = logging.getLogger(__name__)
UNAVAILABLE = (peewee.OperationalError, peewee.InterfaceError)
RETRY_AFTER_S = 5


def init_app(app: Flask) -> None:
    """Open the thread's connection before a request, keep it after, drop it after a database error."""

    @app.before_request
    def _open_db():
        try:
            database.connect(reuse_if_open=True)
        except UNAVAILABLE as exc:
            return _unavailable(exc)
        return None

    @app.teardown_request
    def _keep_or_drop(exc):
        if exc is not None or g.get("drop_db_connection") or database.in_transaction():
            drop_connection()

    @app.errorhandler(peewee.OperationalError)
    @app.errorhandler(peewee.InterfaceError)
    def _database_error(exc):
        return _unavailable(exc)


def _unavailable(exc: Exception):
    log.warning("database unavailable: %s", exc)
    g.drop_db_connection = True
    body = {"error": {"code": "database_unavailable",
                      "message": "the sidecar's database is unavailable (locked, full or unreachable); "
                                 "nothing was stored — try again later"}}
    return jsonify(body), 503, {"Retry-After": str(RETRY_AFTER_S)}


def drop_connection() -> None:
    """Roll back and close this thread's connection, whatever state it is in."""
    if database.is_closed():
        return
    try:
        while database.in_transaction():  # peewee keeps a stack of open transactions per thread
            database.pop_transaction()
        database.rollback()
    except Exception:  # a broken connection cannot roll back; closing is what matters
        log.debug("rolling back a broken database connection failed", exc_info=True)
    try:
        database.close()
    except Exception:  # same: a broken connection may refuse to close; forget it
        log.debug("closing a broken database connection failed", exc_info=True)
        database._state.reset()
