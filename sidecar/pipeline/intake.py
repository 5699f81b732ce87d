"""Accepting an event: its ``Event`` row and its huey task are committed together (DESIGN.md §4).

With huey's SQL storage (the default) the task row lives in the same database, so both writes are one
transaction: an acknowledged event always has its job. With Redis the ``Event`` row is authoritative and the task
is enqueued after the commit; the sweeper re-enqueues a pending event whose task went missing. Duplicates are
found by the unique ``Event.key`` and answered with the first event, never a second job.
"""

from __future__ import annotations

import logging

import peewee

from sidecar.flows.base import NewEvent
from sidecar.pipeline import counters
from sidecar.pipeline.enqueue import enqueue_after_commit, enqueue_in_transaction
from sidecar.store.fastinsert import insert_row
from sidecar.store.models import Event
from sidecar.store.txn import write_transaction

log = logging.getLogger(__name__)


def accept(new: NewEvent) -> tuple[Event, bool]:
    """Store ``new`` with its job, or find the event already stored under its key. Returns (event, created).

    Insert first, look up only on a conflict: a new event (the usual case) costs two inserts and no SELECT; the
    unique key decides duplicates, including two requests racing with the same key."""
    try:
        with write_transaction():
            values = {"key": new.key, "source": new.source, "topic": new.topic, "resource_id": new.resource_id,
                      "payload": new.payload, "occurred_at": new.occurred_at, "status": "pending"}
            event = Event(id=insert_row(Event, **values), **values)
            enqueue_in_transaction(event.id)
    except peewee.IntegrityError:  # a concurrent request with the same key won the race
        counters.incr("events.duplicate")
        return Event.get(Event.key == new.key), False
    enqueue_after_commit(event.id)
    return event, True
