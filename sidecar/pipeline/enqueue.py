"""Putting an event's job on the huey queue — now, at a time, inside or after the caller's transaction.

This module owns the huey task of an event. The worker does not import it (the task imports the worker); the
worker is handed ``REQUEUE`` to schedule a retry, which keeps the import graph one-way: intake, sweeper and the
API enqueue through here, and here calls the worker.
"""

from __future__ import annotations

import datetime as dt
import logging

from sidecar.pipeline.queue import huey, uses_sql_storage
from sidecar.pipeline.worker import Requeue, process_event
from sidecar.store.models import utcnow

log = logging.getLogger(__name__)


@huey.task(name="sidecar.process_event")
def process_event_task(event_id: int) -> None:
    """The huey job of one event; everything that matters is in ``sidecar.pipeline.worker``."""
    process_event(event_id, REQUEUE)


def enqueue_in_transaction(event_id: int, eta: dt.datetime | None = None) -> None:
    """Enqueue (or schedule) the event's job inside the caller's transaction, when the queue is in SQL."""
    if uses_sql_storage():
        _enqueue(event_id, eta)


def enqueue_after_commit(event_id: int, eta: dt.datetime | None = None) -> bool:
    """With Redis, enqueue once the row is committed; a failure here is repaired by the sweeper.

    Returns False when Redis refused or timed out, so that a caller with many events (the sweeper) can stop
    paying a timeout per event while Redis is down."""
    if uses_sql_storage():
        return True
    try:
        _enqueue(event_id, eta)
    except Exception:  # the Event row is durable; the sweeper re-enqueues it
        log.warning("could not enqueue event %s; the sweeper will", event_id, exc_info=True)
        return False
    return True


def _enqueue(event_id: int, eta: dt.datetime | None) -> None:
    """Queue the job now, or at ``eta`` (naive UTC, as ``Event.next_attempt_at``).

    The eta goes to huey tz-aware: huey reads a naive eta as *local* time and drops its microseconds on the way
    (``local_to_utc``), so the task came due up to a second early (or hours off on a host not on UTC); the
    worker's claim then refused it as not yet due and the retry waited for the sweeper, a lease later.
    """
    if eta is not None and eta > utcnow():
        process_event_task.schedule((event_id,), eta=eta.replace(tzinfo=dt.UTC))
    else:
        process_event_task(event_id)


REQUEUE = Requeue(in_transaction=enqueue_in_transaction, after_commit=enqueue_after_commit)
