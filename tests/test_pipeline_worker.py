"""The worker: claim under a lease, settle as done / retry with backoff / failed, fencing, the sweeper."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from sidecar.pipeline import counters
from sidecar.pipeline.enqueue import REQUEUE
from sidecar.pipeline.intake import NewEvent, accept
from sidecar.pipeline.queue import huey
from sidecar.pipeline.registry import reset_registry
from sidecar.pipeline.timing import Timing, backoff_s
from sidecar.store.models import Event, utcnow
from sidecar.store.settings import update_settings
from tests import pipeline_handlers as handlers
from tests.conftest import SignedClient, make_config


@pytest.fixture
def pipeline(tmp_path, any_db_url, monkeypatch):
    """An app on a fresh database, the counting handlers registered, retries fast."""
    from sidecar.api.app import create_app

    monkeypatch.setenv("SIDECAR_EXTRA_FLOWS", "tests.pipeline_handlers")
    monkeypatch.setenv("SIDECAR_BUILTIN_FLOWS", "off")
    monkeypatch.setenv("SIDECAR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SIDECAR_RETRY_BASE_S", "0.001")
    monkeypatch.setattr(handlers, "_created", False)
    reset_registry()
    handlers.BROKEN.clear()
    app = create_app(make_config(tmp_path, any_db_url))
    app.testing = True
    yield SignedClient(app.test_client())
    handlers.BROKEN.clear()
    reset_registry()
    from sidecar.store.db import database

    database.close()


def new_event(topic: str = "order.created", resource_id: int = 7) -> Event:
    event, created = accept(NewEvent(key=f"plugin:{uuid.uuid4()}", source="plugin", topic=topic,
                                     resource_id=str(resource_id), payload={"id": resource_id}))
    assert created
    return event


def test_an_event_is_handled_once_and_marked_done_with_its_outcome(pipeline):
    event = new_event()
    assert handlers.drain() == 1
    event = Event.get_by_id(event.id)
    assert (event.status, event.attempts, event.outcome) == ("done", 1, f"Counted event {event.id}.")
    assert handlers.effects() == {event.id: 1}
    assert counters.read_all()["events.done"] == 1


def test_a_handler_that_keeps_failing_ends_failed_and_retry_after_the_fix_completes_it(pipeline):
    update_settings({"jobs": {"max_attempts": 3}})
    handlers.BROKEN["message"] = "NetSuite answered 503 Service Unavailable"
    event = new_event("order.refunded")
    handlers.drain()
    failed = Event.get_by_id(event.id)
    assert failed.status == "failed" and failed.attempts == 3
    assert failed.last_error == "Gave up after 3 attempts. Last error: RuntimeError: NetSuite answered 503 Service Unavailable"
    assert counters.read_all()["events.retried"] == 2
    listed = pipeline.get("/v1/jobs?status=failed").get_json()
    assert [job["id"] for job in listed["jobs"]] == [event.id]
    assert listed["jobs"][0]["last_error"] == failed.last_error

    handlers.BROKEN.clear()  # the fix
    answer = pipeline.post(f"/v1/jobs/{event.id}/retry")
    assert answer.status_code == 202 and answer.get_json()["status"] == "pending"
    handlers.drain()
    done = Event.get_by_id(event.id)
    assert (done.status, done.attempts, done.last_error) == ("done", 1, None)
    assert handlers.effects() == {event.id: 1}
    assert pipeline.get("/v1/jobs?status=failed").get_json()["total"] == 0


def test_a_permanent_error_fails_at_once_with_the_flows_message(pipeline):
    handlers.BROKEN["permanent"] = "Set orders.subsidiary_id: NetSuite needs a subsidiary for every sales order."
    event = new_event("order.refunded")
    handlers.drain()
    event = Event.get_by_id(event.id)
    assert (event.status, event.attempts) == ("failed", 1)
    assert event.last_error == "Set orders.subsidiary_id: NetSuite needs a subsidiary for every sales order."


def test_a_retryable_error_waits_at_least_its_retry_after(pipeline, monkeypatch):
    from sidecar.clients.errors import TransientError
    from sidecar.pipeline import worker

    def throttled(event, ctx):
        raise TransientError("Too many requests", status=429, retry_after=120)

    monkeypatch.setitem(handlers.TOPICS, "order.updated", throttled)
    reset_registry()
    event = new_event("order.updated")
    before = utcnow()
    worker.process_event(huey.dequeue() and event.id, REQUEUE)
    event = Event.get_by_id(event.id)
    assert event.status == "pending" and event.attempts == 1
    assert event.next_attempt_at >= before + dt.timedelta(seconds=119)
    assert event.last_error == "remote 429: Too many requests"
    retry_task = huey.dequeue()
    assert retry_task.args == (event.id,) and retry_task.eta >= before + dt.timedelta(seconds=119)
    assert worker.claim(event.id) is None  # not due yet: an early task does nothing


def test_a_retry_after_beyond_the_backoff_ceiling_is_still_a_floor(pipeline, monkeypatch):
    """SIDECAR_RETRY_MAX_S caps our own backoff, never the wait the remote system asked for."""
    from sidecar.clients.errors import TransientError
    from sidecar.pipeline import worker

    def throttled(event, ctx):
        raise TransientError("Too many requests", status=429, retry_after=7200)

    monkeypatch.setenv("SIDECAR_RETRY_MAX_S", "60")
    monkeypatch.setitem(handlers.TOPICS, "order.updated", throttled)
    reset_registry()
    event = new_event("order.updated")
    before = utcnow()
    worker.process_event(huey.dequeue() and event.id, REQUEUE)
    event = Event.get_by_id(event.id)
    assert event.status == "pending" and event.next_attempt_at >= before + dt.timedelta(seconds=7199)


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling():
    t = Timing(retry_base_s=30, retry_max_s=3600)
    delays = [backoff_s(n, t=t) for n in range(1, 12)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(3600, 30 * 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(backoff_s(3, t=t), 6) for _ in range(20)}) > 1  # jitter


def test_an_unknown_topic_fails_with_an_actionable_reason(pipeline):
    event, _ = accept(NewEvent(key="x:1", source="plugin", topic="coupon.created", resource_id="1"))
    handlers.drain()
    event = Event.get_by_id(event.id)
    assert event.status == "failed"
    assert event.last_error == "No flow in this sidecar handles 'coupon.created' events; update the sidecar, then retry."


def test_secrets_in_an_exception_never_reach_last_error(pipeline):
    from sidecar.store.runtime import get_runtime

    get_runtime().credentials.put({"woocommerce": {"url": "https://shop.example", "consumer_key": "ck_" + "a" * 40,
                                                   "consumer_secret": "cs_topsecretvalue123"}})
    handlers.BROKEN["permanent"] = "request to https://shop.example/?consumer_secret=cs_topsecretvalue123 failed"
    event = new_event("order.refunded")
    handlers.drain()
    error = Event.get_by_id(event.id).last_error
    assert "cs_topsecretvalue123" not in error and "[redacted]" in error


def test_a_worker_that_lost_its_lease_cannot_complete_and_its_staged_writes_roll_back(pipeline):
    from sidecar.flows.base import FlowContext
    from sidecar.pipeline import worker

    event = new_event()
    huey.dequeue()
    claimed = worker.claim(event.id)
    Event.update(status="pending", lease_until=None).where(Event.id == event.id).execute()  # sweeper took it back
    ctx = FlowContext(settings={})
    ctx.on_done(lambda: handlers.Effect.create(event_id=event.id, key="stale"))
    handlers.ensure_table()
    with pytest.raises(worker.LeaseLost):
        worker.finish(claimed, "Counted.", ctx)
    assert handlers.effects() == {}
    assert Event.get_by_id(event.id).status == "pending"


def test_the_sweeper_takes_back_an_event_whose_worker_died(pipeline, monkeypatch):
    from sidecar.pipeline import sweeper, worker

    event = new_event()
    huey.dequeue()  # the dead worker had taken the task
    worker.claim(event.id)  # … and claimed the event, then died
    Event.update(lease_until=utcnow() - dt.timedelta(seconds=1)).where(Event.id == event.id).execute()
    assert sweeper.sweep()["recovered"] == 1
    assert Event.get_by_id(event.id).status == "pending"
    handlers.drain()
    event = Event.get_by_id(event.id)
    assert (event.status, event.attempts) == ("done", 2)
    assert handlers.effects() == {event.id: 1}
    assert counters.read_all()["events.recovered"] == 1


def test_an_event_that_kills_its_worker_every_time_ends_failed(pipeline):
    from sidecar.pipeline import sweeper

    update_settings({"jobs": {"max_attempts": 2}})
    event = new_event()
    Event.update(status="running", attempts=2, lease_until=utcnow() - dt.timedelta(seconds=1)).where(
        Event.id == event.id).execute()
    sweeper.sweep()
    event = Event.get_by_id(event.id)
    assert event.status == "failed"
    assert event.last_error.startswith("The worker stopped 2 times while handling this event")


def test_the_sweeper_requeues_a_pending_event_whose_task_was_lost(pipeline, monkeypatch):
    from sidecar.pipeline import sweeper

    monkeypatch.setenv("SIDECAR_JOB_LEASE_S", "5")
    event = new_event()
    huey.flush()  # the task is gone (Redis flushed, or taken by a worker killed before it claimed)
    assert sweeper.sweep()["requeued"] == 0  # not stale yet
    old = utcnow() - dt.timedelta(seconds=10)
    Event.update(updated_at=old).where(Event.id == event.id).execute()
    assert sweeper.sweep()["requeued"] == 1
    assert sweeper.sweep()["requeued"] == 0  # touched: not re-enqueued again within a lease
    handlers.drain()
    assert Event.get_by_id(event.id).status == "done"
    assert handlers.effects() == {event.id: 1}


def test_duplicate_tasks_for_one_event_handle_it_once(pipeline):
    from sidecar.pipeline.enqueue import process_event_task

    event = new_event()
    process_event_task(event.id)
    process_event_task(event.id)
    assert handlers.drain() == 3
    assert handlers.effects() == {event.id: 1}


def test_a_later_success_closes_the_older_failed_jobs_of_the_same_record(pipeline):
    """Seen on a real store: an order fixed and exported by a later job stayed in the error queue."""
    handlers.BROKEN["permanent"] = "SKU CAP-3 has no NetSuite item (matched by itemid)"
    refund = new_event("order.refunded", 5)  # the flaky handler: fails for good while BROKEN holds a message
    other_order = new_event("order.refunded", 6)
    handlers.drain()
    assert Event.get_by_id(refund.id).status == "failed"
    handlers.BROKEN.clear()
    created_later = new_event("order.created", 5)
    handlers.drain()
    assert Event.get_by_id(refund.id).status == "failed"  # an export alone does not cover a refund
    update = new_event("order.updated", 5)
    handlers.drain()
    assert Event.get_by_id(update.id).status == "done" and Event.get_by_id(created_later.id).status == "done"
    closed = Event.get_by_id(refund.id)
    assert closed.status == "skipped" and closed.outcome == f"Superseded: job {update.id} for this record " \
                                                            "succeeded later."
    assert Event.get_by_id(other_order.id).status == "failed"  # another order's job is left alone
