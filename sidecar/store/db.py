"""The one database handle, chosen at run time from SIDECAR_DATABASE_URL.

Models bind to ``database`` (a peewee DatabaseProxy); ``connect_database`` picks SQLite (WAL, busy timeout,
foreign keys — all pragmas in this one place) or PostgreSQL/MySQL from the URL.
"""

from __future__ import annotations

from urllib.parse import urlparse

import peewee
from playhouse.db_url import connect

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10_000,  # ms: writers wait for each other instead of failing
    "foreign_keys": 1,
    "synchronous": "normal",  # safe with WAL; a crash loses no committed transaction
}


def make_database(url: str) -> peewee.Database:
    """Return an unconnected peewee database for ``url`` (sqlite:///path, postgresql://…, mysql://…)."""
    scheme = urlparse(url).scheme
    if scheme.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ":memory:"
        return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10, check_same_thread=False)
    if scheme in {"postgres", "postgresql", "postgresext"}:
        url = url.replace("postgres://", "postgresql://", 1)
    return connect(url)


def connect_database(url: str) -> peewee.Database:
    """Point the proxy at the database for ``url`` and return it."""
    db = make_database(url)
    database.initialize(db)
    return db


def is_sqlite(db: peewee.Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, peewee.SqliteDatabase)
