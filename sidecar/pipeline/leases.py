"""Leases held by this process: registered while a job runs, renewed by the sweeper thread.

A lease says "a live worker is on this"; it is short (``SIDECAR_JOB_LEASE_S``) and renewed every sweep, so a
long NetSuite call never looks like a dead worker, while a killed worker's leases simply run out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator

from sidecar.pipeline.timing import timing
from sidecar.store.models import Event, FlowLock, utcnow

_held: set[tuple[str, object, int]] = set()
_lock = threading.Lock()


@contextlib.contextmanager
def holding(kind: str, key: object, token: int) -> Iterator[None]:
    """Keep the lease of an event (``kind="event"``, key id, token attempts) or flow lock (``"flow"``, name,
    run id) alive for the duration of the block."""
    item = (kind, key, token)
    with _lock:
        _held.add(item)
    try:
        yield
    finally:
        with _lock:
            _held.discard(item)


def renew_all() -> int:
    """Push every lease this process holds ``lease_s`` into the future; returns how many were renewed."""
    with _lock:
        items = list(_held)
    until = utcnow() + dt.timedelta(seconds=timing().lease_s)
    renewed = 0
    for kind, key, token in items:
        if kind == "event":
            renewed += (Event.update(lease_until=until)
                        .where((Event.id == key) & (Event.status == "running") & (Event.attempts == token))
                        .execute())
        elif kind == "flow":
            renewed += (FlowLock.update(lease_until=until)
                        .where((FlowLock.flow == key) & (FlowLock.run_id == token)).execute())
    return renewed


def acquire_flow(flow: str, run_id: int) -> bool:
    """Take the flow's lock for ``run_id`` unless a live run holds it (a lock whose lease ran out is free)."""
    now = utcnow()
    FlowLock.insert(flow=flow, run_id=None, lease_until=now).on_conflict_ignore().execute()
    taken = (FlowLock.update(run_id=run_id, lease_until=now + dt.timedelta(seconds=timing().lease_s))
             .where((FlowLock.flow == flow) & (FlowLock.run_id.is_null() | (FlowLock.lease_until < now)))
             .execute())
    return taken == 1


def release_flow(flow: str, run_id: int) -> None:
    FlowLock.update(run_id=None).where((FlowLock.flow == flow) & (FlowLock.run_id == run_id)).execute()
