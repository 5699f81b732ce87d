"""The ``orders`` catch-up poll and the webhook watchdog, against a small fake WooCommerce."""

from __future__ import annotations

import datetime as dt

import pytest

from sidecar.clients.errors import TransientError
from sidecar.flows import order_catchup
from sidecar.flows.base import FlowContext
from sidecar.mapping.webhooks import version_key
from sidecar.pipeline import runs
from sidecar.pipeline.intake import NewEvent, accept
from sidecar.pipeline.registry import reset_registry
from sidecar.store.models import Cursor, Event, SyncRun, utcnow
from sidecar.store.settings import get_settings
from tests import pipeline_handlers as handlers
from tests.conftest import SignedClient, make_config

OURS = "https://sidecar.example/v1/webhooks/woocommerce"


def emit(new) -> bool:
    """What the pipeline hands a flow run as ``ctx.emit``: store the event with its job."""
    return accept(new)[1]


def gmt(minutes_ago: float) -> str:
    return (utcnow() - dt.timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S")


class FakeWoo:
    """Orders filtered like WooCommerce: ``modified_after`` exclusive, ``status`` a list; unsorted."""

    def __init__(self, orders=(), webhooks=()):
        self.orders = list(orders)
        self.webhooks = [dict(w) for w in webhooks]
        self.calls: list[dict] = []
        self.fail_update = False

    def iter_orders(self, *, modified_after=None, status=None, include=None):
        self.calls.append({"modified_after": modified_after, "status": status})
        for order in reversed(self.orders):
            if modified_after and order["date_modified_gmt"] <= modified_after:
                continue
            if status and order["status"] not in status:
                continue
            yield dict(order)

    def list_webhooks(self):
        return [dict(w) for w in self.webhooks]

    def update_webhook(self, webhook_id, data):
        if self.fail_update:
            raise TransientError("503 Service Unavailable", status=503)
        hook = next(w for w in self.webhooks if w["id"] == webhook_id)
        hook.update(data)
        return dict(hook)


@pytest.fixture
def api(tmp_path, any_db_url):
    from sidecar.api.app import create_app

    reset_registry()
    app = create_app(make_config(tmp_path, any_db_url))
    yield SignedClient(app.test_client())
    reset_registry()
    from sidecar.store.db import database

    database.close()


def poll(woo: FakeWoo) -> SyncRun:
    run = SyncRun.create(flow="orders", trigger="schedule", status="running")
    order_catchup.run(FlowContext(woo=woo, settings=get_settings(), netsuite=None, emit=emit), run)
    run.save()
    return run


def order(order_id: int, minutes_ago: float, status: str = "processing") -> dict:
    return {"id": order_id, "status": status, "date_modified_gmt": gmt(minutes_ago), "number": str(order_id)}


def test_orders_modified_since_the_cursor_become_deduplicated_events(api):
    woo = FakeWoo([order(1, 90), order(2, 30), order(3, 10, "pending"), order(4, 5, "completed")])
    first = poll(woo)
    assert (first.seen, first.changed) == (2, 2)  # 1 is older than the first run's look-back; 3 not exported
    assert woo.calls[0]["status"] == ["processing", "completed"]
    events = {e.resource_id: e for e in Event.select()}
    assert sorted(events) == ["2", "4"]
    assert events["4"].topic == "order.updated" and events["4"].source == "poll"
    assert events["4"].key == version_key("order", 4, woo.orders[3]["date_modified_gmt"], "completed",
                                           woo.orders[3])
    assert Cursor.get_by_id("woo.orders.modified_after").value == woo.orders[3]["date_modified_gmt"]

    second = poll(woo)  # the overlap re-reads order 4: same version, no second event
    assert woo.calls[1]["modified_after"] < woo.orders[3]["date_modified_gmt"]
    assert (second.seen, second.changed) == (1, 0)
    woo.orders[1] = order(2, 0.5)  # order 2 changed again
    assert poll(woo).changed == 1
    assert Event.select().where(Event.resource_id == "2").count() == 2


def test_a_version_a_webhook_or_the_plugin_already_delivered_is_not_queued_again(api):
    woo = FakeWoo([order(5, 3), order(6, 3)])
    accept(NewEvent(key=version_key("order", 5, woo.orders[0]["date_modified_gmt"], "processing",
                                woo.orders[0]),
                    source="webhook", topic="order.updated", resource_id="5"))
    accept(NewEvent(key="plugin:abc", source="plugin", topic="order.created", resource_id="6",
                    occurred_at=utcnow()))
    run = poll(woo)
    assert (run.seen, run.changed) == (2, 0)
    assert Event.select().count() == 2


def test_the_cursor_never_passes_the_start_of_the_run(api):
    woo = FakeWoo([order(7, -3)])  # modified "after" the run started (clock skew or a save during the run)
    run = poll(woo)
    assert run.changed == 1
    assert Cursor.get_by_id("woo.orders.modified_after").value <= utcnow().strftime("%Y-%m-%dT%H:%M:%S")
    assert run.cursor_after < woo.orders[0]["date_modified_gmt"]


def test_a_failure_mid_walk_keeps_the_cursor_where_it_was(api):
    class Flaky(FakeWoo):
        def iter_orders(self, **kw):
            yield order(8, 2)
            raise TransientError("timed out")

    poll(FakeWoo([order(9, 20)]))
    cursor = Cursor.get_by_id("woo.orders.modified_after").value
    with pytest.raises(TransientError):
        poll(Flaky())
    assert Cursor.get_by_id("woo.orders.modified_after").value == cursor
    assert Event.select().where(Event.resource_id == "8").count() == 1  # what was read is queued; dedup later


def webhooks() -> list[dict]:
    return [{"id": 1, "name": "orders", "topic": "order.updated", "status": "disabled", "delivery_url": OURS},
            {"id": 2, "name": "customers", "topic": "customer.created", "status": "paused", "delivery_url": OURS},
            {"id": 3, "name": "zapier", "topic": "order.created", "status": "disabled",
             "delivery_url": "https://hooks.zapier.com/x"},
            {"id": 4, "name": "created", "topic": "order.created", "status": "active", "delivery_url": OURS}]


def test_the_watchdog_reactivates_our_disabled_webhook_and_status_shows_it(api):
    woo = FakeWoo([order(10, 2)], webhooks())
    run = poll(woo)
    assert {w["id"]: w["status"] for w in woo.webhooks} == {1: "active", 2: "paused", 3: "disabled", 4: "active"}
    assert run.changed == 1 and run.errors is None
    shown = api.get("/v1/status").get_json()["webhooks"]
    assert shown["checked_at"] is not None
    assert [(w["id"], w["status"], w["reactivated_at"] is not None) for w in shown["webhooks"]] == [
        (1, "active", True), (2, "paused", False), (4, "active", False)]


def test_a_webhook_that_cannot_be_reactivated_is_reported_and_the_poll_still_runs(api):
    woo = FakeWoo([order(11, 2)], webhooks())
    woo.fail_update = True
    run = poll(woo)
    assert run.changed == 1
    assert run.errors == [("Webhook 1 (order.updated) is disabled and could not be re-activated: "
                           "remote 503: 503 Service Unavailable")]


def test_sync_now_runs_the_catch_up_and_the_missed_order_gets_handled(api, monkeypatch, tmp_path):
    monkeypatch.setenv("SIDECAR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setattr(handlers, "_created", False)
    reset_registry(handlers.with_builtin_flows())  # count order events instead of calling NetSuite
    woo = FakeWoo([order(12, 1)], webhooks())
    monkeypatch.setattr(runs, "build_context", lambda emit: FlowContext(woo=woo, settings=get_settings(), emit=emit))
    answer = api.post("/v1/sync/orders")
    assert answer.status_code == 202
    handlers.drain()
    run = api.get(f"/v1/runs/{answer.get_json()['run_id']}").get_json()
    assert (run["flow"], run["trigger"], run["status"], run["seen"], run["changed"]) == (
        "orders", "manual", "done", 1, 1)
    status = api.get("/v1/status").get_json()
    assert status["flows"]["orders"]["id"] == run["id"] and status["queue"]["depth"] == 0
    event = Event.get(Event.resource_id == "12")
    assert (event.source, event.status) == ("poll", "done")
    assert handlers.effects() == {event.id: 1}
