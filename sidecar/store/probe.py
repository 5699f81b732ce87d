"""Is the database usable for what intake needs — reading and taking the write lock — right now?

``GET /readyz`` asks this. On SQLite (WAL) a plain ``SELECT 1`` succeeds while another process holds the write
lock for minutes, yet every intake would wait out the busy timeout and answer 503; so the probe also takes the
write lock (``BEGIN IMMEDIATE`` + ``ROLLBACK``, nothing written) with a short timeout of its own. Elsewhere a
``SELECT 1`` on the connection is the question (a server that is gone fails it).
"""

from __future__ import annotations

from sidecar.store.db import database, is_sqlite

PROBE_TIMEOUT_MS = 1000


def probe_database(timeout_ms: int = PROBE_TIMEOUT_MS) -> None:
    """Raise the driver's error when the database cannot be read, or (SQLite) its write lock not taken."""
    database.execute_sql("SELECT 1")
    if not is_sqlite() or database.in_transaction():
        return
    previous = database.execute_sql("PRAGMA busy_timeout").fetchone()[0]
    database.execute_sql(f"PRAGMA busy_timeout = {int(timeout_ms)}")
    try:
        database.execute_sql("BEGIN IMMEDIATE")
        database.execute_sql("ROLLBACK")
    finally:
        database.execute_sql(f"PRAGMA busy_timeout = {int(previous)}")
