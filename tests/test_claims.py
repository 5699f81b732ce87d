"""Issue 19: a claim belongs to the attempt that took it and is free as soon as that attempt no longer holds its
lease — checked when the claim is contended and by the sweeper; waiting for a live holder spends no attempt."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest

from sidecar.pipeline import counters
from sidecar.pipeline.intake import NewEvent, accept
from sidecar.pipeline.queue import huey
from sidecar.pipeline.registry import reset_registry
from sidecar.pipeline.timing import busy_delay_s
from sidecar.store import binder
from sidecar.store.binder import Holder
from sidecar.store.models import Claim, Event, utcnow
from sidecar.store.settings import update_settings
from tests import pipeline_handlers as handlers
from tests.conftest import make_config


@pytest.fixture
def pipeline(tmp_path, any_db_url, monkeypatch):
    from sidecar.api.app import create_app

    monkeypatch.setenv("SIDECAR_EXTRA_FLOWS", "tests.pipeline_handlers")
    monkeypatch.setenv("SIDECAR_BUILTIN_FLOWS", "off")
    monkeypatch.setenv("SIDECAR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SIDECAR_RETRY_BASE_S", "0.001")
    monkeypatch.setattr(handlers, "_created", False)
    reset_registry()
    handlers.BROKEN.clear()
    create_app(make_config(tmp_path, any_db_url))
    yield
    handlers.BROKEN.clear()
    reset_registry()
    from sidecar.store.db import database

    database.close()


def running(topic: str = "order.created") -> Holder:
    """An event claimed by a (pretend) worker: running under a fresh lease; its attempt as a claim holder."""
    from sidecar.pipeline import worker

    event, _ = accept(NewEvent(key=f"plugin:{uuid.uuid4()}", source="plugin", topic=topic, resource_id="7"))
    huey.flush()
    claimed = worker.claim(event.id)
    return Holder.event(claimed.id, claimed.attempts)


def test_a_claim_held_by_a_live_attempt_is_busy_with_the_holders_remaining_lease(pipeline, monkeypatch):
    monkeypatch.setenv("SIDECAR_JOB_LEASE_S", "120")
    a, b = running(), running()
    assert binder.claim("order", 7, a)
    assert binder.claim("order", 7, a)  # its own
    busy = binder.claim("order", 7, b)
    assert not busy and 100 < busy.lease_left_s <= 120
    binder.release("order", 7, b)  # not b's to give back
    assert Claim.get().holder_id == a.id


@pytest.mark.parametrize("how", ["lease expired", "settled", "moved on to another attempt"])
def test_a_claim_is_free_as_soon_as_its_attempt_no_longer_holds_the_lease(pipeline, how):
    a, b = running(), running()
    binder.claim("order", 7, a)
    change = {"lease expired": {"lease_until": utcnow() - dt.timedelta(seconds=1)},
              "settled": {"status": "done", "lease_until": None},
              "moved on to another attempt": {"attempts": a.token + 1}}[how]
    Event.update(**change).where(Event.id == a.id).execute()
    assert binder.claim("order", 7, b)  # taken over at once, no fixed wait
    assert not binder.claim("order", 7, running())  # and now b's, alive
    binder.release("order", 7, a)  # the old holder's late release changes nothing
    assert (Claim.get().holder_id, Claim.get().holder_token) == (b.id, b.token)


def test_the_sweeper_drops_the_claims_of_dead_attempts_and_keeps_live_ones(pipeline):
    from sidecar.pipeline import sweeper

    live, dead = running(), running()
    binder.claim("order", 1, live)
    binder.claim("customer", 2, dead)
    binder.claim("guest", "x", binder.ANONYMOUS)  # a flow run outside the pipeline: no lease at all
    Event.update(status="pending", lease_until=None).where(Event.id == dead.id).execute()  # its worker died
    assert sweeper.sweep()["claims_freed"] == 2
    assert [(c.entity, c.holder_id) for c in Claim.select()] == [("order", live.id)]


def test_a_run_holds_its_claims_as_long_as_its_flow_lock(pipeline):
    from sidecar.pipeline.leases import acquire_flow, release_flow

    assert acquire_flow("customers", 41)
    binder.claim("customer", 5, Holder.run(41))
    assert not binder.claim("customer", 5, running())
    release_flow("customers", 41)
    assert binder.claim("customer", 5, running())


def test_waiting_for_a_live_holder_spends_no_attempt(pipeline):
    update_settings({"jobs": {"max_attempts": 2}})
    handlers.BROKEN["busy"] = "0.5"
    event, _ = accept(NewEvent(key=f"plugin:{uuid.uuid4()}", source="plugin", topic="order.refunded",
                               resource_id="7"))
    handlers.drain(max_tasks=6, settle_s=1.0)  # six rounds of "busy": three times the attempt budget
    waiting = Event.get_by_id(event.id)
    assert (waiting.status, waiting.attempts) == ("pending", 0)
    assert waiting.last_error == "order 7 is being exported by another job"
    assert counters.read_all()["events.deferred"] == 6
    assert counters.read_all()["events.retried"] == 0
    handlers.BROKEN.clear()  # the holder finished
    handlers.drain()
    done = Event.get_by_id(event.id)
    assert (done.status, done.attempts) == ("done", 1)


def test_a_busy_job_looks_again_sooner_while_the_holder_is_young_and_never_after_its_lease():
    rng = random.Random(3)
    young = [busy_delay_s(120.0, 0.8, rng) for _ in range(50)]  # took the claim 0.8 s ago, lease 120 s left
    assert all(0.8 <= d <= 1.0 for d in young) and len({round(d, 4) for d in young}) > 40  # jittered
    assert all(4.0 <= busy_delay_s(4.0, 250.0, rng) <= 5.0 for _ in range(50))  # old: right after its lease
    assert busy_delay_s(120.0, 0.0, rng) >= 0.2  # just taken: look again almost at once, not in a busy loop
