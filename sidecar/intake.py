"""Accepting an event: its ``Event`` row and its huey task are committed together (DESIGN.md §4).

With huey's SQL storage (the default) the task row lives in the same database, so both writes are one
transaction: an acknowledged event always has its job. With Redis the ``Event`` row is authoritative and the task
is enqueued after the commit; the sweeper re-enqueues a pending event whose task went missing. Duplicates are
found by the unique ``Event.key`` and answered with the first event, never a second job.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import peewee

from . import counters
from .models import Event, utcnow
from .queue import huey, uses_sql_storage
from .txn import write_transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewEvent:
    """What a source (plugin, webhook, catch-up poll) hands to the pipeline."""

    key: str
    source: str
    topic: str
    resource_id: str | None
    payload: Any = None
    occurred_at: dt.datetime | None = None


@huey.task(name="sidecar.process_event")
def process_event_task(event_id: int) -> None:
    """The huey job of one event; everything that matters is in ``sidecar.worker``."""
    from .worker import process_event

    process_event(event_id)


def accept(new: NewEvent) -> tuple[Event, bool]:
    """Store ``new`` with its job, or find the event already stored under its key. Returns (event, created)."""
    existing = Event.get_or_none(Event.key == new.key)
    if existing is not None:
        counters.incr("events.duplicate")
        return existing, False
    try:
        with write_transaction():
            event = Event.create(key=new.key, source=new.source, topic=new.topic, resource_id=new.resource_id,
                                 payload=new.payload, occurred_at=new.occurred_at, status="pending")
            enqueue_in_transaction(event.id)
    except peewee.IntegrityError:  # a concurrent request with the same key won the race
        counters.incr("events.duplicate")
        return Event.get(Event.key == new.key), False
    enqueue_after_commit(event.id)
    return event, True


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
