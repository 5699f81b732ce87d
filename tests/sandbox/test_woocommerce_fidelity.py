"""Fidelity: every captured WooCommerce response (shared/fixtures/woocommerce/**.json) against the sandbox.

The sandbox is driven over a real socket through the same requests that produced the captures: a hand-built
prelude for the top-level captures (INDEX-1, whose request log was not kept) and a verbatim replay of
requests.jsonl (INDEX-2). The store clock and id sequences are set from the captures (/_sandbox/clock, /ids),
so ids, paths and date filters line up. Each fixture is one test: same status, same keys and value types
recursively, same list lengths, same X-WP-Total/X-WP-TotalPages and Link rels.
"""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qsl

import pytest
import requests

from sidecar.sandbox.woocommerce import create_app
from tests.conftest import FIXTURES, LiveServer
from tests.sandbox.test_woocommerce_helpers import Receiver, Woo, allowing, oauth_params, shape_diff

WOO = FIXTURES / "woocommerce"
DAY = "2026-11-28T"

# Lists whose length depends on store history the captures do not show (related products are picked at random).
# The REST root's namespace list depends on the plugins installed on the capture host, and so do the must-use
# plugins system_status reports (the capture host had two harness mu-plugins; the sandbox describes a plain store).
FREE_LENGTH = frozenset({"related_ids", "namespaces", "mu_plugins"})
# Parts of a capture that describe the capture host rather than store state: compared by shape, not by value.
HOST_SPECIFIC = {"07-meta/system_status.json": ("$.theme", "$.dropins_mu_plugins")}
INDEX = "07-meta/wc-v3-index.json"
# The wc/v3 routes the connector calls (sidecar/clients), as WordPress patterns.
CONNECTOR_ROUTES = frozenset({
    "/wc/v3/products", "/wc/v3/products/batch", r"/wc/v3/products/(?P<id>[\d]+)",
    r"/wc/v3/products/(?P<product_id>[\d]+)/variations", r"/wc/v3/products/(?P<product_id>[\d]+)/variations/batch",
    r"/wc/v3/products/(?P<product_id>[\d]+)/variations/(?P<id>[\d]+)", "/wc/v3/orders",
    r"/wc/v3/orders/(?P<id>[\d]+)", r"/wc/v3/orders/(?P<order_id>[\d]+)/notes",
    r"/wc/v3/orders/(?P<order_id>[\d]+)/refunds", "/wc/v3/customers", r"/wc/v3/customers/(?P<id>[\d]+)",
    "/wc/v3/webhooks", r"/wc/v3/webhooks/(?P<id>[\d]+)"})


def all_fixtures() -> list[str]:
    return sorted(str(p.relative_to(WOO)) for p in WOO.rglob("*.json"))


def load(name: str):
    return json.loads((WOO / name).read_bytes())


def fixture_headers(name: str) -> tuple[int | None, dict]:
    path = WOO / (name + ".headers")
    if not path.exists():
        return None, {}
    lines = path.read_text().splitlines()
    status = int(lines[0].split()[1])
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        if ":" in line:
            key, _, value = line.partition(":")
            headers.setdefault(key.strip().lower(), []).append(value.strip())
    return status, headers


class Scenario:
    """Drives one sandbox through the captured sessions and keeps each response under its fixture name."""

    def __init__(self, base: str, receiver: Receiver, receiver_url: str):
        self.base, self.woo, self.receiver, self.rurl = base, Woo(base), receiver, receiver_url
        self.results: dict[str, dict] = {}

    def control(self, path: str, body: dict | None = None) -> dict:
        response = requests.post(f"{self.base}/_sandbox/{path}", json=body or {}, timeout=10)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def at(self, hms: str) -> None:
        self.control("clock", {"now": DAY + hms})

    def ids(self, **seq: int) -> None:
        self.control("ids", seq)

    def call(self, fixture: str | None, method: str, path: str, query=None, body=None, **kw) -> requests.Response:
        response = self.woo.call(method, path, query, body, **kw)
        if fixture:
            self.keep(fixture, response)
        return response

    def keep(self, fixture: str, response: requests.Response) -> None:
        links = response.headers.get("Link", "")
        self.results[fixture] = {"status": response.status_code, "json": response.json(),
                                 "headers": {k.lower(): v for k, v in response.headers.items()}, "link": links}

    def run_hooks(self) -> None:
        self.control("webhooks/run")

    def keep_delivery(self, fixture: str, webhook_id: int, resource_id: int) -> None:
        found = [d for d in requests.get(f"{self.base}/_sandbox/deliveries", timeout=10).json()
                 if d["webhook_id"] == webhook_id and d["topic"] != "ping"
                 and json.loads(d["body"]).get("id") == resource_id]
        assert found, f"no delivery of webhook {webhook_id} for {resource_id}"
        self.results[fixture] = {"status": None, "json": json.loads(found[-1]["body"]), "headers": {},
                                 "delivery_headers": found[-1]["headers"]}


def prelude_webhooks(s: Scenario) -> None:
    s.at("01:29:36")
    s.receiver.status["/port9000/hooks/order-created"] = 500
    s.call("webhook-create-port9000.json", "POST", "/wc/v3/webhooks", body={
        "name": "order.created -> :9000", "topic": "order.created", "secret": "whsec_harness_9000",
        "delivery_url": f"{s.rurl}/port9000/hooks/order-created"})
    s.at("01:29:47")
    for name, topic, path in [("webhook-create-order-created.json", "order.created", "order-created"),
                              ("webhook-create-order-updated.json", "order.updated", "order-updated"),
                              ("webhook-create-product-updated.json", "product.updated", "product-updated")]:
        s.call(name, "POST", "/wc/v3/webhooks", body={"name": f"{topic} -> :80", "topic": topic,
                                                      "secret": "whsec_harness_80", "delivery_url": f"{s.rurl}/hooks/{path}"})
    s.at("01:29:48")
    s.call("webhook-create-product-created.json", "POST", "/wc/v3/webhooks", body={
        "name": "product.created -> :80", "topic": "product.created", "secret": "whsec_harness_80",
        "delivery_url": f"{s.rurl}/hooks/product-created"})
    s.call("webhooks-list.json", "GET", "/wc/v3/webhooks")


def prelude_products(s: Scenario) -> None:
    s.at("01:29:53")
    s.ids(post=10)
    s.call("product-create.json", "POST", "/wc/v3/products", body={
        "name": "Harness Widget", "type": "simple", "sku": "HW-001", "regular_price": "19.99",
        "description": "loopback test product", "manage_stock": True, "stock_quantity": 10})
    s.call("product-create-2.json", "POST", "/wc/v3/products", body={
        "name": "Harness Gadget", "type": "simple", "sku": "HG-002", "regular_price": "5.00",
        "manage_stock": True, "stock_quantity": 3})
    s.call("error-product-duplicate-sku.json", "POST", "/wc/v3/products", body={"name": "Dup", "sku": "HW-001"})
    s.at("01:30:00")
    s.call("products-batch-update.json", "POST", "/wc/v3/products/batch", body={"update": [
        {"id": 10, "stock_quantity": 25}, {"id": 11, "stock_quantity": 7}, {"id": 999999, "stock_quantity": 1}]})
    s.call("products-batch-update-by-sku-only.json", "POST", "/wc/v3/products/batch",
           body={"update": [{"sku": "HW-001", "stock_quantity": 25}]})
    s.run_hooks()
    s.keep_delivery("webhook-product-created.json", 5, 10)
    s.keep_delivery("webhook-product-updated.json", 4, 10)
    s.call("error-product-bad-id.json", "GET", "/wc/v3/products/999999")
    s.call("error-product-nonnumeric-id.json", "GET", "/wc/v3/products/abc")


def prelude_auth(s: Scenario) -> None:
    """Every authentication path of INDEX-1 (X-Forwarded-Proto stands in for the capture's TLS proxy).

    The auth captures read stock levels (24, 8) the captured store had at a moment the captures do not date;
    they are set for this block and put back afterwards."""
    s.call(None, "POST", "/wc/v3/products/batch", body={"update": [{"id": 10, "stock_quantity": 24},
                                                                   {"id": 11, "stock_quantity": 8}]})
    prelude_auth_requests(s)
    s.call(None, "POST", "/wc/v3/products/batch", body={"update": [{"id": 10, "stock_quantity": 25},
                                                                   {"id": 11, "stock_quantity": 7}]})


def prelude_auth_requests(s: Scenario) -> None:
    basic = {"Authorization": "Basic " + base64.b64encode(f"{s.woo.key}:{s.woo.secret}".encode()).decode()}
    bad_secret = {"Authorization": "Basic " + base64.b64encode(f"{s.woo.key}:cs_wrong".encode()).decode()}
    bad_key = {"Authorization": "Basic " + base64.b64encode(b"ck_" + b"0" * 40 + b":cs_x").decode()}
    xfp = {"X-Forwarded-Proto": "https"}
    s.call("auth-none.json", "GET", "/wc/v3/products", auth="none")
    s.call("auth-basic-over-http.json", "GET", "/wc/v3/products", auth="none", headers=basic)
    s.call("auth-query-over-http.json", "GET", "/wc/v3/products", auth="none",
           query={"consumer_key": s.woo.key, "consumer_secret": s.woo.secret})
    s.call("auth-basic-xfp-ok.json", "GET", "/wc/v3/products", {"_fields": "id"}, auth="basic-xfp")
    s.call("auth-basic-xfp-bad-secret.json", "GET", "/wc/v3/products", auth="none", headers={**bad_secret, **xfp})
    s.call("auth-basic-xfp-bad-key.json", "GET", "/wc/v3/products", auth="none", headers={**bad_key, **xfp})
    fields = {"_fields": "id,sku,stock_quantity"}
    s.call("auth-https-basic-ok.json", "GET", "/wc/v3/products", fields, auth="basic-xfp")
    s.call("auth-https-query-ok.json", "GET", "/wc/v3/products", fields, auth="query-xfp")
    s.call("auth-https-basic-bad-secret.json", "GET", "/wc/v3/products", auth="none", headers={**bad_secret, **xfp})
    s.call("auth-https-oauth.json", "GET", "/wc/v3/products", {"_fields": "id"}, auth="oauth-xfp")
    s.call("auth-oauth-header-ok.json", "GET", "/wc/v3/products", {"_fields": "id"}, auth="oauth-header")
    prelude_oauth_failures(s)


def prelude_oauth_failures(s: Scenario) -> None:
    url = f"{s.base}/wp-json/wc/v3/products"
    bad_key = Woo(s.base, key="ck_" + "0" * 40)
    s.call("auth-oauth-bad-key.json", "GET", "/wc/v3/products", auth="none",
           query=oauth_params("GET", url, [], bad_key.key, "cs_x"))
    s.call("auth-oauth-bad-secret.json", "GET", "/wc/v3/products", auth="none",
           query=oauth_params("GET", url, [], s.woo.key, "cs_wrong"))
    signed = oauth_params("GET", url, [], s.woo.key, s.woo.secret)
    assert s.call(None, "GET", "/wc/v3/products", auth="none", query=signed).status_code == 200
    s.call("auth-oauth-replayed-nonce.json", "GET", "/wc/v3/products", auth="none", query=signed)
    s.call("auth-oauth-old-timestamp.json", "GET", "/wc/v3/products", auth="none",
           query=oauth_params("GET", url, [], s.woo.key, s.woo.secret, timestamp=int(time.time()) - 1000))
    missing = {k: v for k, v in oauth_params("GET", url, [], s.woo.key, s.woo.secret).items() if k != "oauth_nonce"}
    s.call("auth-oauth-missing-param.json", "GET", "/wc/v3/products", auth="none", query=missing)
    read_key = s.control("keys", {"permissions": "read"})
    reader = Woo(s.base, read_key["consumer_key"], read_key["consumer_secret"])
    s.keep("auth-readonly-key-write.json", reader.call("POST", "/wc/v3/products", body={"name": "nope"}))


ADA = {"first_name": "Ada", "last_name": "Lovelace", "company": "", "address_1": "1 Loop St", "address_2": "",
       "city": "Testville", "state": "CA", "postcode": "94000", "country": "US"}


def prelude_order_12(s: Scenario) -> None:
    s.at("01:30:41")
    s.ids(post=12)
    created = s.call("order-create.json", "POST", "/wc/v3/orders", body={
        "status": "processing", "set_paid": True, "payment_method": "cheque", "payment_method_title": "Check payments",
        "billing": {**ADA, "email": "ada@example.com", "phone": "555-0100"}, "shipping": ADA,
        "line_items": [{"product_id": 10, "quantity": 2}, {"sku": "HG-002", "quantity": 1}],
        "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "4.00"}],
        "meta_data": [{"key": "_harness_ext_id", "value": "EXT-1001"}]}).json()
    s.at("01:30:48")
    s.ids(comment=4)
    s.call("order-note-create.json", "POST", "/wc/v3/orders/12/notes", body={"note": "Synced to connector (harness test)"})
    s.call("order-note-create-customer.json", "POST", "/wc/v3/orders/12/notes",
           body={"note": "Your order is on its way", "customer_note": True})
    s.at("01:30:49")
    s.call("order-update-completed.json", "PUT", "/wc/v3/orders/12", body={"status": "completed"})
    s.ids(post=14)
    s.call(None, "POST", "/wc/v3/orders/12/refunds", body={
        "amount": "19.99", "reason": "harness refund 1 widget, restock", "api_refund": False,
        "line_items": [{"id": created["line_items"][0]["id"], "quantity": 1, "refund_total": 19.99}]})
    s.call("order-refund-get-14.json", "GET", "/wc/v3/orders/12/refunds/14")
    s.call("error-refund-api-refund-default.json", "POST", "/wc/v3/orders/12/refunds", body={"amount": "1.00"})
    s.at("01:31:02")
    s.ids(post=15)
    s.call("order-refund-create.json", "POST", "/wc/v3/orders/12/refunds",
           body={"amount": "5.00", "reason": "harness amount-only refund", "api_refund": False})
    s.call("order-refunds-list.json", "GET", "/wc/v3/orders/12/refunds")
    s.call("order-notes-list.json", "GET", "/wc/v3/orders/12/notes")
    s.call("order-get-final.json", "GET", "/wc/v3/orders/12")
    s.run_hooks()
    s.keep_delivery("webhook-order-created.json", 2, 12)
    s.keep_delivery("webhook-order-updated.json", 3, 12)


def prelude_order_lists(s: Scenario) -> None:
    s.at("01:31:12")
    s.ids(post=16)
    s.call("order-create-2-pending.json", "POST", "/wc/v3/orders", body={
        "billing": {"first_name": "Bob", "email": "bob@example.com"}, "line_items": [{"product_id": 11, "quantity": 1}]})
    s.at("01:31:15")
    s.call("order-update-meta.json", "PUT", "/wc/v3/orders/12",
           body={"meta_data": [{"key": "_harness_synced", "value": "yes"}]})
    s.call("orders-list-modified-after-t0.json", "GET", "/wc/v3/orders",
           {"modified_after": DAY + "01:31:00", "orderby": "modified", "order": "asc"})
    s.call("orders-list-modified-after-t1-gmt.json", "GET", "/wc/v3/orders",
           {"modified_after": DAY + "01:31:13", "dates_are_gmt": "true"})
    s.call("orders-list-modified-after-with-Z.json", "GET", "/wc/v3/orders", {"modified_after": DAY + "01:31:13Z"})
    s.call("error-orders-list-bad-date.json", "GET", "/wc/v3/orders", {"modified_after": "yesterday"})
    s.call("error-order-bad-id.json", "GET", "/wc/v3/orders/999999")
    s.call("error-order-update-bad-id.json", "PUT", "/wc/v3/orders/999999", body={"status": "completed"})
    s.call("error-order-bad-status.json", "PUT", "/wc/v3/orders/12", body={"status": "shipped-to-mars"})
    s.run_hooks()


def prelude_webhook_disabling(s: Scenario) -> None:
    """Orders 17–21 make the delivery to the failing :9000 receiver fail 7 times → disabled (spec A6.4)."""
    s.at("01:32:52")
    s.ids(post=17)
    for _ in range(5):
        s.call(None, "POST", "/wc/v3/orders", body={"line_items": [{"product_id": 11, "quantity": 1}]})
        s.run_hooks()
    s.call("webhook-port9000-after-failures.json", "GET", "/wc/v3/webhooks/1")
    s.receiver.status["/port9000/hooks/order-created"] = 200
    s.at("01:33:00")
    s.call("webhook-port9000-reactivate.json", "PUT", "/wc/v3/webhooks/1", body={"status": "active"})
    s.at("01:33:03")
    s.ids(post=22)
    s.call("order-create-3-onhold.json", "POST", "/wc/v3/orders", body={
        "status": "on-hold", "billing": {"first_name": "Cy", "email": "cy@example.com"},
        "line_items": [{"product_id": 10, "quantity": 1}]})
    s.run_hooks()
    s.keep_delivery("webhook-order-created-port9000.json", 1, 22)
    page = {"per_page": "2", "_fields": "id,status"}
    s.call("orders-list-http-oauth-page1.json", "GET", "/wc/v3/orders", page)
    s.call("orders-list-https-basic-page1.json", "GET", "/wc/v3/orders", page, auth="basic-xfp")
    prelude_smoke_session(s)


def prelude_smoke_session(s: Scenario) -> None:
    """State the captures2 store started from but no capture shows: product 23 and an order of a smoke run,
    and the stock levels captures2 reads before it changes them."""
    s.at("01:35:11")
    s.ids(post=23)
    s.call(None, "POST", "/wc/v3/products", body={"name": "Smoke 20261128T013510", "sku": "SMOKE-20261128T013510",
                                                 "regular_price": "12.50", "manage_stock": True, "stock_quantity": 38})
    s.call(None, "POST", "/wc/v3/orders", body={"line_items": [{"product_id": 23, "quantity": 1}]})
    s.call(None, "POST", "/wc/v3/products/batch", body={"update": [{"id": 10, "stock_quantity": 24},
                                                                   {"id": 11, "stock_quantity": 8}]})


SEQUENCE_BY_PATH = [("/shipping/", None), ("/terms", "term"), ("/attributes", "attribute"), ("/notes", "comment"), ("/customers", "user"),
                    ("/webhooks", "webhook"), ("/taxes", "tax"), ("/wc/v3/", "post")]


def align_ids(s: Scenario, entry: dict) -> None:
    """Before a create, point the right id sequence at the id the capture got."""
    if entry["method"] != "POST" or not (WOO / entry["file"]).exists():
        return
    captured = load(entry["file"])
    if entry["path"].endswith("/batch") and isinstance(captured, dict) and captured.get("create"):
        s.ids(post=captured["create"][0]["id"])
        return
    if entry["status"] == 201 and isinstance(captured, dict) and isinstance(captured.get("id"), int):
        seq = next(kind for marker, kind in SEQUENCE_BY_PATH if marker in entry["path"])
        if seq:
            s.ids(**{seq: captured["id"]})


def replay_captures2(s: Scenario) -> None:
    """requests.jsonl verbatim, with the clock at each request's time and webhook URLs moved to our receiver."""
    for line in (WOO / "requests.jsonl").read_text().splitlines():
        entry = json.loads(line)
        s.at(entry["time"][11:19])
        align_ids(s, entry)
        body = entry["body"]
        if isinstance(body, dict) and "delivery_url" in body:
            body = {**body, "delivery_url": body["delivery_url"].replace("http://127.0.0.1:80", s.rurl)}
        path = "/" if entry["path"] == "/" else entry["path"]
        s.call(entry["file"], entry["method"], path, parse_qsl(entry["query"], keep_blank_values=True), body)
    s.run_hooks()


@pytest.fixture(scope="module")
def scenario():
    receiver = Receiver()
    hooks = LiveServer(receiver.app)  # the capture's receivers (:80, and :9000 once allowed) are this one
    sandbox = LiveServer(create_app(allowing(hooks.url, webhook_hold=True, site_name="Woo Harness")))
    s = Scenario(sandbox.url, receiver, hooks.url)
    try:
        for step in (prelude_webhooks, prelude_products, prelude_auth, prelude_order_12, prelude_order_lists,
                     prelude_webhook_disabling, replay_captures2):
            step(s)
        yield s
    finally:
        sandbox.stop()
        hooks.stop()


# Values that must match too, not just types: the replay rebuilds the captured state, so these are the same.
# Dates are compared by type only: the request log has whole-second times taken after each response.
SAME_VALUE = frozenset({"code", "message", "status", "sku", "stock_quantity", "stock_status", "type", "price",
                        "regular_price", "sale_price", "on_sale", "total", "subtotal", "total_tax", "subtotal_tax",
                        "discount_total", "discount_tax", "shipping_total", "shipping_tax", "cart_tax", "quantity",
                        "amount", "discount", "rate_percent", "tax_total", "shipping_tax_total", "topic", "event",
                        "resource", "manage_stock", "customer_note", "currency", "parent_id", "variation_id",
                        "product_id", "customer_id", "unique_sku", "resource_id", "params", "author", "note",
                        "name", "email", "username", "role", "is_paying_customer", "refunds"})


def value_diff(expected, actual, path: str = "$", skip: tuple = ()) -> list[str]:
    """Differences in the SAME_VALUE keys, recursively (ids aside, the replay gives the captured values);
    nothing under the ``skip`` paths."""
    diffs: list[str] = []
    if path in skip:
        return diffs
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            if key not in actual:
                continue
            if key in SAME_VALUE and not isinstance(value, (dict, list)) and value != actual[key]:
                diffs.append(f"{path}.{key}: {value!r} expected, got {actual[key]!r}")
            else:
                diffs += value_diff(value, actual[key], f"{path}.{key}", skip)
    elif isinstance(expected, list) and isinstance(actual, list):
        for i, (e, a) in enumerate(zip(expected, actual)):
            diffs += value_diff(e, a, f"{path}[{i}]", skip)
    return diffs


def link_rels(value: str) -> set[str]:
    return {part.split('rel="')[1].rstrip('"') for part in value.split(", <") if 'rel="' in part} - {
        "https://api.w.org/"}


def args_diff(expected, actual, where: str) -> list[str]:
    """An endpoint's args: each one the sandbox lists is a captured one with the same keys' types, the same type
    and required flag and enum values WooCommerce accepts; every argument WooCommerce requires is listed."""
    if isinstance(expected, list) or isinstance(actual, list):  # PHP's empty array
        return [] if expected == actual == [] else [f"{where}: args {actual!r:.80} vs {expected!r:.80}"]
    diffs = [f"{where}: required arg {name} not listed" for name, spec in expected.items()
             if spec.get("required") and name not in actual]
    for name, spec in actual.items():
        want = expected.get(name)
        if want is None:
            diffs.append(f"{where}: arg {name} is not a WooCommerce argument")
            continue
        diffs += [f"{where}.{name}: key {k} not in WooCommerce's" for k in spec if k not in want]
        diffs += shape_diff({k: want[k] for k in spec if k in want and k != "enum"},
                            {k: v for k, v in spec.items() if k != "enum"}, f"{where}.{name}")
        for key in ("type", "required"):
            if key in want and spec.get(key) != want[key]:
                diffs.append(f"{where}.{name}.{key}: {want[key]!r} expected, got {spec.get(key)!r}")
        if not set(spec.get("enum", [])) <= set(want.get("enum", [])):
            diffs.append(f"{where}.{name}.enum: {spec['enum']} not within {want.get('enum')}")
    return diffs


def index_diff(expected: dict, actual: dict) -> list[str]:
    """The namespace index rule. The sandbox generates its index from the routes it serves, fewer than the 82 a
    real store registers (no reports, categories, reviews…), and it must not list routes it does not serve; so,
    instead of the whole-document comparison: the top level has the same shape, every route it lists is a
    WooCommerce route with the same keys and types, each endpoint's methods are (within) a captured endpoint's,
    its args pass args_diff, and every route the connector calls is listed."""
    top = {k: v for k, v in expected.items() if k != "routes"}
    diffs = shape_diff(top, {k: v for k, v in actual.items() if k != "routes"})
    diffs += [f"connector route {r} missing" for r in sorted(CONNECTOR_ROUTES - set(actual.get("routes", {})))]
    for path, route in actual.get("routes", {}).items():
        want = expected["routes"].get(path)
        if want is None:
            diffs.append(f"{path}: not a route of the captured store")
            continue
        if set(route) != set(want) or not set(route["methods"]) <= set(want["methods"]):
            diffs.append(f"{path}: keys {sorted(route)} methods {route['methods']} vs {sorted(want)} {want['methods']}")
        diffs += shape_diff(want.get("_links"), route.get("_links"), f"{path}._links")
        diffs += shape_diff(want["namespace"], route["namespace"], f"{path}.namespace")
        for endpoint in route["endpoints"]:
            match = next((e for e in want["endpoints"] if set(endpoint["methods"]) <= set(e["methods"])), None)
            where = f"{path}{endpoint['methods']}"
            if match is None or set(endpoint) != set(match):
                diffs.append(f"{where}: no captured endpoint of that shape")
                continue
            diffs += args_diff(match["args"], endpoint["args"], where)
    return diffs


def test_index_rule_catches_invented_routes_and_args():
    """The index rule is not vacuous: an unknown route, a wrong arg type and a dropped connector route fail."""
    captured = load(INDEX)
    route = r"/wc/v3/orders/(?P<id>[\d]+)"
    good = {"namespace": "wc/v3", "_links": captured["_links"], "routes": {r: captured["routes"][r] for r in CONNECTOR_ROUTES}}
    assert index_diff(captured, good) == []
    assert index_diff(captured, {**good, "routes": {**good["routes"], "/wc/v3/invented": good["routes"]["/wc/v3/orders"]}})
    broken = json.loads(json.dumps(good))
    broken["routes"][route]["endpoints"][0]["args"]["id"]["type"] = "string"
    assert index_diff(captured, broken)
    assert index_diff(captured, {**good, "routes": {k: v for k, v in good["routes"].items() if k != route}})


@pytest.mark.parametrize("name", all_fixtures())
def test_fixture_fidelity(scenario, name):
    assert name in scenario.results, f"{name}: no request of the scenario produced it"
    got = scenario.results[name]
    status, headers = fixture_headers(name)
    if status is None:
        status = next((json.loads(l)["status"] for l in (WOO / "requests.jsonl").read_text().splitlines()
                       if json.loads(l)["file"] == name), None)
    if status is not None and got["status"] is not None:
        assert got["status"] == status, got["json"]
    if name == INDEX:
        diffs = index_diff(load(name), got["json"])
    else:
        diffs = shape_diff(load(name), got["json"], free_length=FREE_LENGTH)
    assert not diffs, "\n".join(diffs[:20])
    values = value_diff(load(name), got["json"], skip=HOST_SPECIFIC.get(name, ()))
    assert not values, "\n".join(values[:20])
    for header in ("x-wp-total", "x-wp-totalpages"):
        if header in headers:
            assert got["headers"].get(header) == headers[header][0], header
        elif headers and got["status"] is not None:
            assert header not in got["headers"], header
    if "delivery_headers" in got:
        captured = (WOO / name.replace(".json", ".headers")).read_text().splitlines()
        wanted = {line.split(":")[0].lower() for line in captured if line.lower().startswith("x-wc-")}
        assert wanted == {h.lower() for h in got["delivery_headers"] if h.lower().startswith("x-wc-")}
    fixture_rels = set().union(*[link_rels(v) for v in headers.get("link", [])]) if headers else set()
    if headers and got["status"] is not None:
        assert link_rels(got.get("link", "")) == fixture_rels


def test_every_fixture_is_compared():
    """No capture escapes the comparison: every *.json under the fixtures is a parametrized case."""
    assert len(all_fixtures()) >= 156
