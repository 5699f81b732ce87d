"""Schedules read from the settings at run time, and at most one run of a flow at a time."""

from __future__ import annotations

import datetime as dt
import threading
import types

import pytest

from sidecar.pipeline import jobs, leases, runs, sweeper
from sidecar.pipeline.queue import huey
from sidecar.pipeline.registry import Registry, reset_registry
from sidecar.store.models import FlowLock, SyncRun, utcnow
from sidecar.store.settings import update_settings
from tests import pipeline_handlers as handlers
from tests.conftest import make_config


@pytest.fixture
def store(tmp_path, any_db_url):
    from sidecar.api.app import create_app

    reset_registry()
    create_app(make_config(tmp_path, any_db_url))
    yield
    reset_registry()
    from sidecar.store.db import database

    database.close()


def at(minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, 28, 10, minute, 30)


def test_a_schedule_change_takes_effect_at_the_next_tick_without_a_restart(store):
    update_settings({"schedules": {"orders": "*/5 * * * *", "fulfillments": "off", "inventory": "off"}})  # only orders due at :05
    assert jobs.run_schedules(at(4)) == []
    started = jobs.run_schedules(at(5))
    assert [SyncRun.get_by_id(i).flow for i in started] == ["orders"]
    assert SyncRun.get_by_id(started[0]).trigger == "schedule"
    SyncRun.update(status="done").execute()

    update_settings({"schedules": {"orders": "off"}})  # same process, nothing reloaded
    assert jobs.run_schedules(at(10)) == []
    update_settings({"schedules": {"orders": "7 * * * *"}})
    assert jobs.run_schedules(at(5)) == []
    assert len(jobs.run_schedules(at(7))) == 1


def test_the_tick_is_a_huey_periodic_task_checked_every_minute(store):
    periodic = [task for task in huey.read_periodic(at(3))]
    assert [task.name for task in periodic] == ["sidecar.schedule_tick"]


def test_due_flows_follow_the_schedule_key_of_each_flow():
    spec = types.SimpleNamespace
    flows = {"orders": spec(schedule_key="orders"), "webhooks": spec(schedule_key="orders"),
             "prices": spec(schedule_key="prices"), "adhoc": spec(schedule_key="adhoc")}
    schedules = {"orders": "*/10 * * * *", "prices": "0 3 * * *"}
    assert jobs.due_flows(at(20), schedules, flows) == ["orders", "webhooks"]
    assert jobs.due_flows(dt.datetime(2026, 11, 28, 3, 0), schedules, flows) == ["orders", "prices", "webhooks"]
    assert jobs.due_flows(at(21), schedules, flows) == []


def test_a_flow_with_a_run_pending_or_running_gets_no_second_one(store):
    first, created = runs.start_run("orders", "manual")
    again, created_again = runs.start_run("orders", "schedule")
    assert created and not created_again and again.id == first.id
    assert huey.pending_count() == 1


def slow_registry(gate: threading.Event, entered: threading.Event) -> Registry:
    module = types.ModuleType("slowflow")
    module.FLOW = "slow"

    def run(ctx, run):
        entered.set()
        gate.wait(10)
        run.seen = 3

    module.run = run
    registry = Registry()
    registry.add_module(module)
    return registry


def test_two_runs_of_one_flow_never_overlap_across_workers(store):
    from sidecar.store.db import database

    gate, entered = threading.Event(), threading.Event()
    reset_registry(slow_registry(gate, entered))
    first = SyncRun.create(flow="slow", trigger="manual")
    second = SyncRun.create(flow="slow", trigger="schedule")  # e.g. created by another process's race

    def worker_thread():
        with database.connection_context():
            runs.execute_run(first.id)

    thread = threading.Thread(target=worker_thread)
    thread.start()
    assert entered.wait(10)
    runs.execute_run(second.id)
    assert SyncRun.get_by_id(second.id).status == "skipped"
    assert SyncRun.get_by_id(second.id).errors == ["Another run of this flow was still in progress."]
    gate.set()
    thread.join(10)
    done = SyncRun.get_by_id(first.id)
    assert (done.status, done.seen) == ("done", 3) and done.finished_at is not None
    assert FlowLock.get_by_id("slow").run_id is None  # released


def test_the_lock_of_a_dead_run_expires_and_the_sweeper_fails_that_run(store, monkeypatch):
    dead = SyncRun.create(flow="orders", trigger="schedule", status="running", started_at=utcnow())
    assert leases.acquire_flow("orders", dead.id)
    assert not leases.acquire_flow("orders", 999)  # held
    FlowLock.update(lease_until=utcnow() - dt.timedelta(seconds=1)).execute()  # its worker died
    assert sweeper.sweep()["runs_failed"] == 1
    dead = SyncRun.get_by_id(dead.id)
    assert dead.status == "failed" and "The worker stopped during this run" in dead.errors[0]
    assert leases.acquire_flow("orders", 1000)


def test_a_failing_run_ends_failed_with_a_readable_reason(store):
    module = types.ModuleType("brokenflow")
    module.FLOW = "broken"

    def run(ctx, run):
        from sidecar.flows.base import FlowError

        raise FlowError("Choose the price level in Settings → Prices first.")

    module.run = run
    registry = Registry()
    registry.add_module(module)
    reset_registry(registry)
    run, _ = runs.start_run("broken", "manual")
    handlers.drain()
    run = SyncRun.get_by_id(run.id)
    assert run.status == "failed" and run.errors == ["Choose the price level in Settings → Prices first."]


def test_the_built_in_flows_are_one_explicit_table_without_load_errors():
    from sidecar.flows import order_catchup, orders
    from sidecar.pipeline.registry import FLOW_RUNS, TOPIC_HANDLERS, discover

    registry = discover(extra="")
    assert registry.load_errors == {}
    assert {"orders", "webhooks"} <= set(registry.flows) == set(FLOW_RUNS)
    assert registry.flows["orders"].run is order_catchup.run
    assert registry.flows["orders"].module == "sidecar.flows.order_catchup"
    assert registry.handler_for("order.created") is orders.handle_order_event is TOPIC_HANDLERS["order.created"]
    assert {"order.created", "order.updated", "customer.created", "customer.updated"} <= set(registry.topics)


def test_an_extra_module_adds_handlers_but_never_replaces_a_built_in_one():
    from sidecar.flows import orders
    from sidecar.pipeline.registry import RegistryError, discover

    registry = discover(extra="tests.pipeline_handlers", builtins=True)
    assert registry.handler_for("order.created") is orders.handle_order_event  # the built-in stayed
    assert "tests.pipeline_handlers" in registry.load_errors
    assert "claimed by both" in registry.load_errors["tests.pipeline_handlers"]
    twin = types.ModuleType("extra.twin")
    twin.TOPICS = {"order.created": handlers.count}
    with pytest.raises(RegistryError, match="topic:order.created is claimed by both"):
        discover(extra="", builtins=True).add_module(twin)
    adder = types.ModuleType("extra.adder")
    adder.FLOW, adder.run = "adhoc", lambda ctx, run: None
    registry = discover(extra="", builtins=True)
    registry.add_module(adder)
    assert registry.flow("adhoc").run is adder.run


def test_without_built_ins_the_extra_module_is_the_whole_table():
    from sidecar.pipeline.registry import discover

    registry = discover(extra="tests.pipeline_handlers", builtins=False)
    assert registry.handler_for("order.created") is handlers.count and registry.load_errors == {}
    assert set(registry.flows) == {"testcount"}


def test_a_second_task_of_the_same_run_leaves_it_to_the_first(store):
    """The sweeper may re-enqueue a pending run whose task is merely slow to be taken: the duplicate must not
    mark the run skipped while the first task holds the flow's lock for it (seen as a flaky "skipped" run)."""
    from sidecar.store.db import database

    gate, entered = threading.Event(), threading.Event()
    reset_registry(slow_registry(gate, entered))
    run = SyncRun.create(flow="slow", trigger="manual")

    def first_task():
        with database.connection_context():
            runs.execute_run(run.id)

    thread = threading.Thread(target=first_task)
    thread.start()
    assert entered.wait(10)
    SyncRun.update(status="pending").where(SyncRun.id == run.id).execute()  # as the duplicate may still see it
    assert runs.execute_run(run.id) is None  # the duplicate steps aside
    assert SyncRun.get_by_id(run.id).status == "pending"
    SyncRun.update(status="running").where(SyncRun.id == run.id).execute()
    gate.set()
    thread.join(10)
    done = SyncRun.get_by_id(run.id)
    assert (done.status, done.seen) == ("done", 3)
