"""One way to open a write transaction on any backend.

On SQLite a plain (deferred) transaction that reads before it writes can fail at once with "database is
locked" when another connection committed in between; ``BEGIN IMMEDIATE`` takes the write lock up front and
waits for it with the busy timeout instead. Other backends use their ordinary transaction.
"""

from __future__ import annotations

from sidecar.store.db import database, is_sqlite


def write_transaction():
    """A transaction (or a savepoint when already inside one) that is safe to write in."""
    if is_sqlite() and not database.in_transaction():
        return database.obj.atomic("IMMEDIATE")
    return database.atomic()
