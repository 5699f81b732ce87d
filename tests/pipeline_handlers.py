"""Test handlers for the pipeline, loaded with SIDECAR_EXTRA_FLOWS=tests.pipeline_handlers (also in worker
subprocesses). They replace the real flows for every topic.

``count`` records every invocation twice over: a line appended to ``invocations.log`` in SIDECAR_VAR_DIR the
moment it starts (so re-runs after a kill are visible), and an ``Effect`` row staged with ``ctx.on_done`` — the
side effect whose count must be exactly one per event. ``flaky`` fails while ``BROKEN`` holds a message (in this
process) or a file ``broken`` exists in the var dir (in a worker subprocess).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import peewee

from sidecar.flows.base import FlowBusy, FlowError
from sidecar.store.db import database
from sidecar.store.models import utcnow

BROKEN: dict[str, str] = {}  # {"message": …} → flaky raises RuntimeError(message); {"permanent": …} → FlowError;
# {"busy": seconds} → FlowBusy (another live job holds the record, its lease runs that long)
_ready = threading.Lock()
_created = False


class Effect(peewee.Model):
    event_id = peewee.IntegerField(index=True)
    key = peewee.CharField(max_length=190)
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        database = database
        table_name = "test_effect"


def ensure_table() -> None:
    global _created
    with _ready:
        if not _created:
            database.create_tables([Effect], safe=True)
            _created = True


def var_dir() -> Path:
    return Path(os.environ.get("SIDECAR_VAR_DIR", "var"))


def count(event, ctx) -> str:
    ensure_table()
    with open(var_dir() / "invocations.log", "a") as fh:
        fh.write(f"{event.id}\n")
    delay = float(os.environ.get("PIPELINE_TEST_DELAY_S", "0") or 0)
    if delay:
        time.sleep(delay)
    ctx.on_done(lambda: Effect.create(event_id=event.id, key=event.key))
    return f"Counted event {event.id}."


def flaky(event, ctx) -> str:
    if "busy" in BROKEN:
        raise FlowBusy(f"order {event.resource_id} is being exported by another job", float(BROKEN["busy"]))
    if "permanent" in BROKEN:
        raise FlowError(BROKEN["permanent"], field="orders.subsidiary_id")
    if "message" in BROKEN:
        raise RuntimeError(BROKEN["message"])
    broken_file = var_dir() / "broken"
    if broken_file.exists():
        raise RuntimeError(broken_file.read_text().strip())
    return count(event, ctx)


TOPICS = {"order.created": count, "order.updated": count, "order.cancelled": count,
          "customer.created": count, "customer.updated": count, "order.refunded": flaky}

FLOW = "testcount"


def run(ctx, run) -> None:
    """A sync run that only counts: lets tests drive `sidecar sync testcount --wait` without remote systems."""
    ensure_table()
    run.seen = Effect.select().count()
    run.changed = 0


# -- helpers for in-process tests ---------------------------------------------------------------------------

def drain(max_tasks: int = 10_000, settle_s: float = 2.0) -> int:
    """Run queued and due scheduled huey tasks in this thread until none is left, waiting up to ``settle_s``
    after the last task for scheduled retries to fall due; returns how many ran."""
    from sidecar.pipeline.queue import huey

    ran, deadline = 0, time.monotonic() + settle_s
    while ran < max_tasks:
        for task in huey.read_schedule(huey._get_timestamp()):
            huey.enqueue(task)
        task = huey.dequeue()
        if task is not None and not huey.ready_to_run(task):
            huey.add_schedule(task)  # as the consumer does with a task whose eta is still ahead
            continue
        if task is not None:
            huey.execute(task)
            ran += 1
            deadline = time.monotonic() + settle_s  # wait for retries relative to the last work done
            continue
        if huey.scheduled_count() == 0 or time.monotonic() > deadline:
            return ran
        time.sleep(0.005)
    return ran


def effects() -> dict[int, int]:
    """event id → how many times its side effect was committed."""
    ensure_table()
    query = Effect.select(Effect.event_id, peewee.fn.COUNT(Effect.id)).group_by(Effect.event_id)
    return dict(query.tuples())


def with_builtin_flows():
    """The real flow runs (orders catch-up, webhooks…) with counting handlers for every topic: built in this
    process for tests that need both; an extra module could not do it, since extras never replace built-ins."""
    from sidecar.pipeline.registry import built_in

    registry = built_in()
    registry.topics.update(TOPICS)
    return registry
