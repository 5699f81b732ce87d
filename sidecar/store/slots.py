"""A concurrency limit shared by every process on one database: N leased slot rows (DESIGN.md §6).

NetSuite counts concurrent requests per account, across every thread of every worker. A process-local
semaphore holds the limit only while there is one worker process; with two ``sidecar worker`` on one
PostgreSQL each would allow the full limit. ``DbGate`` keeps N rows ``(name, slot)`` in ``concurrency_slot``;
taking a slot is a compare-and-set ``UPDATE … WHERE holder IS NULL OR lease_until < now`` on one free row, in
its own short transaction, so at most N holders exist at any instant whatever the number of processes; giving it
back clears the holder (only ours). A process killed while holding a slot loses it when the lease runs out
(``lease_s``, longer than a request can take), so a crash lowers the limit for a while but never raises it.

The gate is an object with ``limit`` and ``slot()``, like the NetSuite transport's own ``ConcurrencyGate``; the
pipeline builds it and hands it to the client (``clients/`` never reads the database). Threads of one process
first pass a local semaphore of the same size, so they do not poll the database for slots their own process
already holds; a thread that finds no free row waits ``poll_s`` (with jitter) and tries again.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import peewee

from sidecar.store.db import database
from sidecar.store.models import ConcurrencySlot, utcnow
from sidecar.store.txn import write_transaction


class GateTimeout(Exception):
    """No slot came free within ``wait_s``: the other holders are stuck or the limit is far too low."""


class DbGate:
    """At most ``limit`` holders of ``name`` at once across every process using this database."""

    def __init__(self, name: str, limit: int, *, lease_s: float = 180.0, poll_s: float = 0.01,
                 wait_s: float = 600.0):
        self.name, self.limit = name, limit
        self.lease_s, self.poll_s, self.wait_s = lease_s, poll_s, wait_s
        self._local = threading.BoundedSemaphore(limit)
        self._owner = f"{socket.gethostname()}:{os.getpid()}"
        self._seeded = False

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the ``limit`` slots for the duration of the block."""
        with self._local:
            slot_id, token = self._acquire()
            try:
                yield
            finally:
                self._release(slot_id, token)

    def _acquire(self) -> tuple[int, str]:
        token = f"{self._owner}:{uuid.uuid4().hex[:12]}"
        deadline = time.monotonic() + self.wait_s
        self._seed()
        while True:
            slot_id = self._try_take(token)
            if slot_id is not None:
                return slot_id, token
            if time.monotonic() > deadline:
                raise GateTimeout(f"no {self.name} slot free within {self.wait_s:.0f} s (limit {self.limit})")
            time.sleep(self.poll_s * random.uniform(0.5, 1.5))

    def _try_take(self, token: str) -> int | None:
        """Compare-and-set one free (or expired) row to ``token``; None when all ``limit`` are held."""
        now = utcnow()
        free = ((ConcurrencySlot.name == self.name) & (ConcurrencySlot.slot < self.limit)
                & (ConcurrencySlot.holder.is_null() | (ConcurrencySlot.lease_until < now)))
        with _connected():
            candidates = [r.id for r in ConcurrencySlot.select(ConcurrencySlot.id).where(free)
                          .order_by(ConcurrencySlot.slot)]
            random.shuffle(candidates)  # threads of other processes do not all race for the first free row
            for slot_id in candidates:
                with write_transaction():
                    taken = (ConcurrencySlot.update(holder=token, lease_until=now + dt.timedelta(seconds=self.lease_s))
                             .where(free & (ConcurrencySlot.id == slot_id)).execute())
                if taken == 1:
                    return slot_id
        return None

    def _release(self, slot_id: int, token: str) -> None:
        with _connected(), write_transaction():
            (ConcurrencySlot.update(holder=None, lease_until=None)
             .where((ConcurrencySlot.id == slot_id) & (ConcurrencySlot.holder == token)).execute())

    def _seed(self) -> None:
        """Make sure rows 0…limit−1 exist for this name (a raised limit adds rows; a lowered one ignores some)."""
        if self._seeded:
            return
        with _connected():
            have = {r.slot for r in ConcurrencySlot.select(ConcurrencySlot.slot)
                    .where(ConcurrencySlot.name == self.name)}
            for n in range(self.limit):
                if n not in have:
                    try:
                        with write_transaction():
                            ConcurrencySlot.insert(name=self.name, slot=n).execute()
                    except peewee.IntegrityError:  # another process seeded it first
                        pass
        self._seeded = True

    def holders(self) -> int:
        """Slots held right now (leases not expired), for tests and /v1/status."""
        now = utcnow()
        return (ConcurrencySlot.select().where((ConcurrencySlot.name == self.name)
                                               & ConcurrencySlot.holder.is_null(False)
                                               & (ConcurrencySlot.lease_until >= now)).count())


def _connected():
    """Use this thread's open connection, or open one for the call (and close it after)."""
    return database.connection_context() if database.is_closed() else _nothing()


@contextmanager
def _nothing() -> Iterator[None]:
    yield
