"""A cross-process lock file beside the SQLite database, taken around a group's write transaction.

SQLite's own wait for its write lock (the busy handler) sleeps 1, 2, 5, 10, 15, 20, 25 … ms between attempts,
however soon the lock comes free: with two gunicorn processes committing in turn, a waiting one slept most of
its turn away. Here the writers first take ``fcntl.flock`` on ``<database>.writelock``, polled every 0.1–1 ms,
then ``BEGIN IMMEDIATE`` (which then rarely waits). The lock is held only around the transaction (local
inserts, no network) and released on every path; a process that dies releases it with its file descriptor.

It is a courtesy between the writers that take it (the group writers of ``sidecar serve`` and ``sidecar
worker``): a writer that does not take it still works, SQLite's own lock stays the authority. The wait is
bounded by the connection's busy timeout, then ``OperationalError`` (the API answers 503) as SQLite would.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator

import peewee

log = logging.getLogger(__name__)
SUFFIX = ".writelock"
_fds: dict[tuple[int, str], int] = {}  # (pid, path) → descriptor: a forked child opens its own
_local = threading.Lock()  # threads of one process share a descriptor, and flock does not exclude them
_open_lock = threading.Lock()


def lock_path(db: peewee.Database) -> str | None:
    """``<database file>.writelock``, or None for an in-memory or non-SQLite database."""
    if not isinstance(db, peewee.SqliteDatabase):
        return None
    name = db.database
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        return None
    return str(name) + SUFFIX


@contextlib.contextmanager
def held(db: peewee.Database) -> Iterator[None]:
    """Hold the write lock of ``db``'s file (a no-op where there is none); raise OperationalError after the
    database's busy timeout."""
    path = lock_path(db)
    fd = _descriptor(path) if path else None
    if fd is None:
        yield
        return
    deadline = time.monotonic() + float(getattr(db, "_timeout", 10) or 10)
    if not _local.acquire(timeout=max(deadline - time.monotonic(), 0)):
        raise peewee.OperationalError("database is locked (write lock busy in this process)")
    try:
        _acquire(fd, deadline)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _local.release()


def _acquire(fd: int, deadline: float) -> None:
    pause = 0.0001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise peewee.OperationalError(f"cannot take the database write lock: {exc}") from exc
        if time.monotonic() >= deadline:
            raise peewee.OperationalError("database is locked (write lock held by another process)")
        time.sleep(pause)
        pause = min(pause * 2, 0.001)


def _descriptor(path: str) -> int | None:
    """This process's descriptor of the lock file; None (no lock, SQLite's alone) if it cannot be opened."""
    key = (os.getpid(), path)
    fd = _fds.get(key)
    if fd is None:
        with _open_lock:
            fd = _fds.get(key)
            if fd is None:
                _close_others(key)
                try:
                    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                except OSError as exc:
                    log.warning("no write lock file %s (%s); SQLite's busy wait alone orders writers", path, exc)
                    fd = -1
                _fds[key] = fd
    return fd if fd >= 0 else None


def _close_others(key: tuple[int, str]) -> None:
    """A process uses one database: when it moves to another (tests do), the old file's descriptor goes."""
    for other in [k for k in _fds if k != key]:
        fd = _fds.pop(other)
        if other[0] == key[0] and fd >= 0:  # a descriptor inherited from the parent is the parent's to close
            os.close(fd)
