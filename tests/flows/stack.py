"""The whole connector on this machine for flow tests and benchmarks: both sandboxes and the sidecar, each on
its own 127.0.0.1 socket, paired through the sidecar's signed API exactly as the plugin and `make run` pair it.

Jobs run in the calling thread with ``drain()`` (huey's tasks, as the consumer would run them), so a test
decides when the worker works.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from sidecar.sandbox import netsuite as ns_sandbox
from sidecar.sandbox import woocommerce as woo_sandbox
from tests.conftest import LiveServer, SignedClient, make_config

WEBHOOK_SECRET = "e2e-webhook-secret"
STORE_KEY = "e2e"


@dataclass
class Stack:
    ns: LiveServer
    woo: LiveServer
    sidecar: LiveServer
    api: SignedClient
    seed: dict = field(default_factory=dict)
    http: requests.Session = field(default_factory=requests.Session)

    def ns_control(self, method: str, path: str, body=None):
        res = self.http.request(method, f"{self.ns.url}/_sandbox/{path}", json=body, timeout=30)
        res.raise_for_status()
        return res.json() if res.content else None

    def woo_control(self, method: str, path: str, body=None):
        res = self.http.request(method, f"{self.woo.url}/_sandbox/{path}", json=body, timeout=30)
        assert res.status_code < 400, res.text
        return res.json() if res.content else None

    def records(self, record_type: str, **query) -> list[dict]:
        q = "&".join(f"{k}={v}" for k, v in query.items())
        return self.ns_control("GET", f"records/{record_type}" + (f"?{q}" if q else ""))

    def sales_order_for(self, woo_id: int) -> dict | None:
        found = self.records("salesOrder", externalId=f"woo-{STORE_KEY}-order-{woo_id}")
        return found[0] if found else None

    def place(self, body: dict) -> dict:
        return self.woo_control("POST", "orders", body)

    def settle(self, timeout_s: float = 30) -> int:
        """Let WooCommerce deliver its webhooks and run every queued job, again until no event is waiting (a
        job's write-back makes new deliveries; a retry falls due a little later); returns how many jobs ran."""
        import datetime as dt

        from sidecar.store.models import Event, utcnow
        from tests.pipeline_handlers import drain

        deadline, ran = time.monotonic() + timeout_s, 0
        while True:
            self.woo_control("POST", "webhooks/flush")
            this_pass = drain(settle_s=0.3)
            ran += this_pass
            soon = utcnow() + dt.timedelta(seconds=10)
            waiting = Event.select().where(Event.status.in_(["pending", "running"]) & (
                Event.next_attempt_at.is_null() | (Event.next_attempt_at <= soon))).count()
            if (not waiting and not this_pass) or time.monotonic() > deadline:
                return ran
            time.sleep(0.1)

    def woo_client(self):
        from sidecar.clients.woocommerce import WooClient

        return WooClient(self.woo.url, woo_sandbox.DEMO_KEYS["consumer_key"],
                         woo_sandbox.DEMO_KEYS["consumer_secret"])

    def stop(self) -> None:
        for server in (self.sidecar, self.woo, self.ns):
            server.stop()


def start_stack(tmp_path: Path, *, ns_options: dict | None = None, woo_options: dict | None = None,
                database_url: str | None = None, webhooks: bool = True, ns_server=None) -> Stack:
    """Start and pair everything; the NetSuite sandbox is seeded, the store is empty. ``webhooks=False`` leaves
    WooCommerce without webhooks: the test sends the events itself. ``ns_server``: a NetSuite sandbox already
    running elsewhere (``url``, ``stop()``; a benchmark's own process) instead of one in this process."""
    from sidecar.api.app import create_app
    from sidecar.flows import item_lookup
    from sidecar.pipeline.registry import reset_registry

    item_lookup.clear_cache()  # item ids of the previous stack's NetSuite sandbox mean nothing in this one

    ns = ns_server or LiveServer(ns_sandbox.create_app({"seed": 12, **(ns_options or {})}))
    woo = LiveServer(woo_sandbox.create_app(woo_options or {}))
    reset_registry()
    app = create_app(make_config(tmp_path, database_url, SIDECAR_NETSUITE_BASE_URL=ns.url))
    sidecar = LiveServer(app)
    stack = Stack(ns=ns, woo=woo, sidecar=sidecar, api=SignedClient(app.test_client()))
    stack.ns_control("POST", "seed", {"items": 4, "matrix_share": 1.0})  # one matrix item, three children
    pair(stack, webhooks)
    return stack


def pair(stack: Stack, webhooks: bool = True) -> None:
    res = stack.api.put("/v1/credentials", {
        "netsuite": dict(ns_sandbox.DEMO_TBA),
        "woocommerce": {"url": stack.woo.url, **woo_sandbox.DEMO_KEYS, "webhook_secret": WEBHOOK_SECRET}})
    assert res.status_code == 200, res.get_json()
    tested = stack.api.post("/v1/credentials/test").get_json()
    assert tested["netsuite"]["ok"] and tested["woocommerce"]["ok"], tested
    # WooCommerce sends webhooks with wp_safe_remote_request, which refuses 127.0.0.1:<not 80/443/8080>; the
    # plugin lets exactly the sidecar's host:port through (http_request_host_is_external, http_allowed_safe_ports)
    stack.woo_control("POST", "config", {"webhook_allowed_hosts": [urlsplit(stack.sidecar.url).netloc]})
    if not webhooks:
        return
    woo = stack.woo_client()
    for topic in ("order.created", "order.updated", "customer.created", "customer.updated"):
        woo.create_webhook({"name": topic, "topic": topic, "secret": WEBHOOK_SECRET,
                            "delivery_url": f"{stack.sidecar.url}/v1/webhooks/woocommerce"})


def seeded_ids(stack: Stack) -> dict:
    """The NetSuite records the settings point at."""
    currencies = {c["name"]: str(c["id"]) for c in stack.records("currency")}
    ships = stack.records("shipItem")
    return {"subsidiary": str(stack.records("subsidiary")[0]["id"]),
            "location": str(stack.records("location")[0]["id"]),
            "ship_flat": str(ships[0]["id"]), "ship_free": str(ships[-1]["id"]),
            "discount": str(stack.records("discountItem")[0]["id"]),
            "fee": str(stack.records("otherChargeSaleItem")[0]["id"]),
            "tax": str(stack.records("salesTaxItem")[0]["id"]),
            "currencies": {k: v for k, v in currencies.items() if k in ("USD", "EUR", "GBP")}}


def configure(stack: Stack, **orders) -> dict:
    ids = seeded_ids(stack)
    body = {"store": {"key": STORE_KEY},
            "orders": {"subsidiary_id": ids["subsidiary"], "location_id": ids["location"],
                       "ship_methods": {"flat_rate": ids["ship_flat"], "free_shipping": ids["ship_free"]},
                       "discount_item_id": ids["discount"], "fee_item_id": ids["fee"],
                       "tax_item_id": ids["tax"], "currencies": ids["currencies"], **orders}}
    res = stack.api.put("/v1/settings", body)
    assert res.status_code == 200, res.get_json()
    stack.seed = ids
    return res.get_json()


def stock_the_store(stack: Stack) -> dict[str, dict]:
    """Simple products for NetSuite's plain items, one variable product for a matrix parent's children.
    Returns NetSuite item by SKU."""
    items = {i["itemId"]: i for i in stack.records("inventoryItem")}
    plain = [i for i in items.values() if not i.get("matrixType")]
    woo = stack.woo_client()
    woo.batch_products(create=[{"name": i["displayName"], "sku": i["itemId"], "regular_price": "20.00",
                                "manage_stock": True, "stock_quantity": 500} for i in plain])
    children = [i for i in items.values() if (i.get("matrixType") or {}).get("id") == "CHILD"]
    if children:
        parent = woo.post("products", {"name": "Matrix product", "type": "variable", "sku": "MATRIX-PARENT",
                                       "attributes": [{"name": "Color", "variation": True, "visible": True,
                                                       "options": ["Red", "Blue", "Green"]}]})
        woo.batch_variations(parent["id"], create=[
            {"sku": c["itemId"], "regular_price": "30.00", "manage_stock": True, "stock_quantity": 500,
             "attributes": [{"name": "Color", "option": c["itemId"].rsplit("-", 1)[-1].title()}]}
            for c in children[:3]])
    return items


def stocked_stack(tmp_path: Path, monkeypatch):
    """The stack most flow tests share: started, paired, the order mapping configured, the store stocked with
    the NetSuite sandbox's items; fast retries. A generator for a fixture to ``yield from``."""
    monkeypatch.setenv("SIDECAR_RETRY_BASE_S", "0.01")
    stack = start_stack(tmp_path)
    configure(stack)
    stack.items = stock_the_store(stack)
    yield stack
    stack.stop()
