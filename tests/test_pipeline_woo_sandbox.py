"""End to end against the WooCommerce sandbox, over real sockets: webhooks arrive as events; when WooCommerce
disables the webhook after failed deliveries, the ``orders`` run re-activates it and its catch-up poll queues
exactly the orders whose deliveries were lost (the one delivered before is not queued twice)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from sidecar.pipeline.registry import reset_registry
from sidecar.sandbox.woocommerce import DEMO_KEYS
from sidecar.sandbox.woocommerce import create_app as create_sandbox
from sidecar.store.models import Event
from tests import pipeline_handlers as handlers
from tests.conftest import SignedClient, make_config

SECRET = "whsec_pipeline_it"


@pytest.fixture
def world(tmp_path, monkeypatch, live_server_factory):
    from sidecar.api.app import create_app

    monkeypatch.setenv("SIDECAR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setattr(handlers, "_created", False)
    reset_registry(handlers.with_builtin_flows())  # count order events instead of calling NetSuite
    sidecar_app = create_app(make_config(tmp_path))
    sidecar = live_server_factory(sidecar_app)
    # the plugin's filters let WooCommerce's wp_safe_remote_request reach exactly the sidecar's host:port
    shop = live_server_factory(create_sandbox({"webhook_allowed_hosts": [urlsplit(sidecar.url).netloc]}))
    credentials = sidecar_app.extensions["sidecar_runtime"].credentials
    credentials.put({"woocommerce": {"url": shop.url, "webhook_secret": SECRET, **DEMO_KEYS}})
    requests.post(f"{shop.url}/_sandbox/seed", json={"products": 2, "variable_share": 0, "customers": 1,
                                                      "orders": 0, "seed": 3}, timeout=10).raise_for_status()
    yield shop.url, sidecar.url, SignedClient(sidecar_app.test_client()), credentials
    reset_registry()


def place_order(shop: str) -> int:
    resp = requests.post(f"{shop}/_sandbox/orders", json={"line_items": [{"sku": "SBX-0001", "quantity": 1}],
                                                          "status": "processing", "set_paid": True}, timeout=10)
    resp.raise_for_status()
    requests.post(f"{shop}/_sandbox/webhooks/flush", timeout=30).raise_for_status()
    return resp.json()["id"]


def test_a_disabled_webhook_is_reactivated_and_the_catch_up_fills_the_gap(world):
    from sidecar.clients.woocommerce import WooClient

    shop, sidecar, api, credentials = world
    woo = WooClient(shop, DEMO_KEYS["consumer_key"], DEMO_KEYS["consumer_secret"])
    hook = woo.create_webhook({"name": "to the sidecar", "topic": "order.created", "secret": SECRET,
                               "delivery_url": f"{sidecar}/v1/webhooks/woocommerce"})  # ping answered 200
    delivered = place_order(shop)
    assert [(e.source, e.resource_id) for e in Event.select()] == [("webhook", str(delivered))]

    credentials.put({"woocommerce": {"webhook_secret": "rotated-by-mistake"}})  # every delivery now 401
    lost = [place_order(shop) for _ in range(8)]
    assert woo.get(f"webhooks/{hook['id']}")["status"] == "disabled"  # WooCommerce gave up on us
    assert Event.select().count() == 1
    credentials.put({"woocommerce": {"webhook_secret": SECRET}})  # fixed

    run_id = api.post("/v1/sync/orders").get_json()["run_id"]
    handlers.drain()
    run = api.get(f"/v1/runs/{run_id}").get_json()
    assert (run["status"], run["seen"], run["changed"], run["errors"]) == ("done", 9, 8, [])
    assert woo.get(f"webhooks/{hook['id']}")["status"] == "active"
    by_order = {}
    for event in Event.select():
        by_order.setdefault(int(event.resource_id), []).append(event.source)
    assert by_order == {delivered: ["webhook"], **{order_id: ["poll"] for order_id in lost}}
    assert sorted(handlers.effects().values()) == [1] * 9  # each order handled once
    shown = api.get("/v1/status").get_json()
    assert [(w["id"], w["status"]) for w in shown["webhooks"]["webhooks"]] == [(hook["id"], "active")]
    assert shown["webhooks"]["webhooks"][0]["reactivated_at"] is not None

    again = place_order(shop)  # the webhook works again
    assert Event.get(Event.resource_id == str(again)).source == "webhook"
