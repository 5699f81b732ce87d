"""Group commit for SQLite: the writes that threads of one process hand in together share one transaction.

**Why.** SQLite has one writer at a time. With gunicorn's 2 processes × 4 threads, every intake request took the
write lock on its own (``BEGIN IMMEDIATE``); a writer that found it taken slept in SQLite's busy handler (1, 2, 5,
10, 15, 20, 25 … ms) however soon the lock came free, which made the p99 and left the cores idle. Each commit
also appended every page it touched (the event table, three of its indexes, the task table and its index) to
the WAL, once per event.

**How.** A thread calls ``group_write(work)``. Threads of one process queue up; the one at the front (the leader)
takes the cross-process write lock (``writelock``), opens one ``BEGIN IMMEDIATE`` transaction on its own
connection, runs every queued ``work`` (its own and the others') each in a savepoint, commits, and releases each
waiting thread with its own result. No thread is released before the commit that holds its rows, so nothing is
acknowledged that could still be lost (as in LevelDB's write queue: no extra thread, and a lone request leads
its own group of one, after waiting 0.3 ms for company).

**Failures stay with their owner.** A ``work`` that raises a row's error (a duplicate key, a bad value, a bug:
anything but a database failure) has its savepoint rolled back and its exception re-raised in *its* thread; the
rest of the group commits. A database failure (any ``DatabaseError`` but ``IntegrityError``/``DataError``: locked
past the busy timeout, disk full, a broken file; or the commit failing) rolls back the whole transaction and
every thread of the group gets an ``OperationalError`` (the API answers 503, nothing of the group is stored).

**Rules for ``work``.** It runs on another thread: it may only use the database (through ``database``) and its
own arguments, never thread-locals such as Flask's ``g`` or ``request``; it must be quick (no network) because it
holds SQLite's write lock; it must not call ``group_write``. On other backends (several writers at once) and
inside a caller's transaction ``group_write`` just runs ``work`` in ``write_transaction()``.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import TypeVar

import peewee

from sidecar.store import writelock
from sidecar.store.db import database, is_sqlite
from sidecar.store.txn import write_transaction

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_GROUP = 64  # rows of one transaction at most: a group's commit must stay short (the others wait for it)
LINGER_S, LINGER_ROUNDS = 0.0003, 5  # a new leader waits while others keep queueing: 0.3 ms, at most 5 times
ROW_ERRORS = (peewee.IntegrityError, peewee.DataError)  # a row's own database errors; any other fails the group


class _Item:
    __slots__ = ("done", "error", "value", "work")

    def __init__(self, work: Callable[[], object]):
        self.work = work
        self.done = False
        self.value: object = None
        self.error: BaseException | None = None


class _GroupFailed(peewee.OperationalError):
    """What the other threads of a group see when the group's transaction failed (an OperationalError: 503)."""


_queue: deque[_Item] = deque()
_cond = threading.Condition()


def group_write(work: Callable[[], T]) -> T:
    """Run ``work`` in a write transaction, shared with other threads' on SQLite; return its result once committed."""
    if not is_sqlite() or database.in_transaction():
        with write_transaction():
            return work()
    item = _Item(work)
    with _cond:
        _queue.append(item)
        while not item.done and _queue[0] is not item:
            _cond.wait()
        if not item.done:
            _linger()
        batch = [] if item.done else [_queue[i] for i in range(min(len(_queue), MAX_GROUP))]
    if batch:  # this thread leads: it writes the group (its own item first), then wakes every member
        try:
            _write(batch)
        finally:
            with _cond:
                for _ in batch:
                    _queue.popleft().done = True
                _cond.notify_all()
    if item.error is not None:
        raise item.error
    return item.value  # type: ignore[return-value]


def _linger() -> None:
    """Before writing, give the process's other request threads a moment to queue (called holding ``_cond``,
    which the wait releases): 0.3 ms, again while the queue still grows. Bigger groups cost less CPU per event
    and fewer hand-overs of the write lock between processes; in six back-to-back pairs of bench runs the p99
    was lower in every pair (docs/performance.md)."""
    for _ in range(LINGER_ROUNDS):
        queued = len(_queue)
        _cond.wait(LINGER_S)
        if len(_queue) == queued or len(_queue) >= MAX_GROUP:
            return


def _write(batch: list[_Item]) -> None:
    """One transaction for ``batch``: each item in a savepoint; a database failure fails them all."""
    db = database.obj
    try:
        with writelock.held(db), db.atomic("IMMEDIATE"):
            if len(batch) == 1:  # alone: the transaction is its savepoint (an error rolls it all back)
                batch[0].value = batch[0].work()
            else:
                for item in batch:
                    _run_one(db, item)
    except BaseException as exc:  # nothing of the group is stored: every member fails
        if len(batch) > 1:  # (alone, the caller's own error — a duplicate key is one — is simply its answer)
            log.warning("group write of %d rows failed: %s", len(batch), exc)
        for item in batch:
            item.value = None
            item.error = exc if len(batch) == 1 else _GroupFailed(
                f"the write transaction this request was grouped in failed: {exc}")
        if not isinstance(exc, Exception):  # SystemExit, KeyboardInterrupt: the members are released, then go on
            raise


def _run_one(db: peewee.Database, item: _Item) -> None:
    db.execute_sql('SAVEPOINT "group_item"')
    try:
        item.value = item.work()
    except peewee.DatabaseError as exc:
        if not isinstance(exc, ROW_ERRORS):
            raise  # locked, full, broken: the transaction itself is in doubt, fail the group
        db.execute_sql('ROLLBACK TO SAVEPOINT "group_item"')
        item.error = exc
    except Exception as exc:  # noqa: BLE001 — this item's own error (any kind): undo its writes, hand it back
        db.execute_sql('ROLLBACK TO SAVEPOINT "group_item"')
        item.error = exc
    db.execute_sql('RELEASE SAVEPOINT "group_item"')

