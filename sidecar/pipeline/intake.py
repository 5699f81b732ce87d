"""Accepting an event: its ``Event`` row and its huey task are committed together (DESIGN.md §4).

With huey's SQL storage (the default) the task row lives in the same database, so both writes are one
transaction: an acknowledged event always has its job. With Redis the ``Event`` row is authoritative and the task
is enqueued after the commit; the sweeper re-enqueues a pending event whose task went missing. Duplicates are
found by the unique ``Event.key`` and answered with the first event, never a second job.

On SQLite the two inserts go through ``store.groupwrite``: the events that the threads of one process accept at
the same moment share one transaction (one wait for the write lock, one commit), and each caller returns only
once the transaction holding its rows has committed.
"""

from __future__ import annotations

import logging

import peewee

from sidecar.flows.base import NewEvent
from sidecar.pipeline import counters
from sidecar.pipeline.enqueue import enqueue_after_commit, enqueue_in_transaction
from sidecar.store.fastinsert import insert_row
from sidecar.store.groupwrite import group_write
from sidecar.store.models import Event

log = logging.getLogger(__name__)


def accept(new: NewEvent) -> tuple[Event, bool]:
    """Store ``new`` with its job, or find the event already stored under its key. Returns (event, created).

    Insert first, look up only on a conflict: a new event (the usual case) costs two inserts and no SELECT; the
    unique key decides duplicates, including two requests racing with the same key (in one group or not)."""
    values = {"key": new.key, "source": new.source, "topic": new.topic, "resource_id": new.resource_id,
              "payload": new.payload, "occurred_at": new.occurred_at, "status": "pending"}
    try:
        event_id = group_write(lambda: _insert_with_job(values))
    except peewee.IntegrityError:  # a concurrent request with the same key won the race
        counters.incr("events.duplicate")
        return Event.get(Event.key == new.key), False
    enqueue_after_commit(event_id)
    return Event(id=event_id, **values), True


def _insert_with_job(values: dict) -> int:
    """The event's row and its job (with the SQL queue), in the caller's transaction: runs in ``group_write``."""
    event_id = insert_row(Event, **values)
    enqueue_in_transaction(event_id)
    return event_id
