"""The sandbox's ``/_sandbox`` controls, knobs, seed generator and CLI entry point, over real sockets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from sidecar.sandbox.woocommerce import create_app
from tests.sandbox.test_woocommerce_helpers import Receiver, Woo, allowing


@pytest.fixture
def sandbox(live_server_factory):
    server = live_server_factory(create_app())
    return server.url, Woo(server.url)


def control(base, path, body=None):
    return requests.post(f"{base}/_sandbox/{path}", json=body or {}, timeout=10)


def test_checkout_order_reduces_stock_and_fires_webhooks(live_server_factory, sandbox):
    base, woo = sandbox
    receiver = Receiver()
    rurl = live_server_factory(receiver.app).url
    control(base, "config", allowing(rurl))
    woo.call("POST", "/wc/v3/products", body={"name": "Mug", "sku": "MUG", "regular_price": "8.00",
                                             "manage_stock": True, "stock_quantity": 10})
    customer = woo.call("POST", "/wc/v3/customers", body={"email": "c@example.com", "billing": {
        "first_name": "Cat", "country": "US", "state": "NY"}}).json()
    woo.call("POST", "/wc/v3/webhooks", body={"topic": "order.created", "delivery_url": f"{rurl}/o", "secret": "k"})
    placed = control(base, "orders", {"customer_id": customer["id"], "line_items": [{"sku": "MUG", "quantity": 3}],
                                      "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat",
                                                          "total": "4.00"}], "tax_rate": 10, "currency": "EUR"})
    order = placed.json()
    assert placed.status_code == 201
    assert (order["status"], order["created_via"], order["currency"], order["billing"]["first_name"]) == \
        ("processing", "checkout", "EUR", "Cat")
    assert (order["total"], order["total_tax"], order["date_paid"] is not None) == ("30.80", "2.80", True)
    assert requests.get(f"{base}/_sandbox/stock", params={"sku": "MUG"}, timeout=5).json()["stock_quantity"] == 7
    assert receiver.wait_for(lambda r: r["path"] == "/o")[0]["headers"]["X-Wc-Webhook-Topic"] == "order.created"


def test_checkout_refuses_unknown_sku_and_missing_stock(sandbox):
    base, woo = sandbox
    woo.call("POST", "/wc/v3/products", body={"name": "Few", "sku": "FEW", "regular_price": "1.00",
                                             "manage_stock": True, "stock_quantity": 1})
    assert control(base, "orders", {"line_items": [{"sku": "NOPE", "quantity": 1}]}).status_code == 400
    short = control(base, "orders", {"line_items": [{"sku": "FEW", "quantity": 2}]})
    assert short.status_code == 400 and short.json()["code"] == "sandbox_out_of_stock"
    assert requests.get(f"{base}/_sandbox/stock", params={"sku": "NOPE"}, timeout=5).status_code == 404


def test_latency_and_fault_knobs(sandbox):
    base, woo = sandbox
    control(base, "config", {"latency_ms": 250})
    started = time.monotonic()
    assert woo.call("GET", "/wc/v3/products").status_code == 200
    assert time.monotonic() - started >= 0.25
    control(base, "config", {"latency_ms": 0, "fault_rate": 1.0})
    failed = woo.call("GET", "/wc/v3/products")
    assert failed.status_code == 500 and failed.json()["code"] == "internal_server_error"
    control(base, "config", {"fault_rate": 0.0})
    assert woo.call("GET", "/wc/v3/products").status_code == 200


def test_seed_stats_and_reset(sandbox):
    base, woo = sandbox
    made = control(base, "seed", {"products": 12, "variable_share": 0.5, "customers": 4, "orders": 6, "seed": 7}).json()
    assert made == {"products": 12, "customers": 4, "orders": 6}
    products = woo.call("GET", "/wc/v3/products", {"per_page": "100"}).json()
    assert len(products) == 12 and all(p["sku"] for p in products)
    assert {p["type"] for p in products} == {"simple", "variable"}
    variation_sku = next(p for p in products if p["type"] == "variable")["sku"] + "-RED-S"
    assert woo.call("GET", "/wc/v3/products", {"sku": variation_sku}).json()[0]["type"] == "variation"
    assert woo.call("GET", "/wc/v3/orders", {"per_page": "1"}).headers["X-WP-Total"] == "6"
    woo.call("POST", "/wc/v3/products/batch", body={"update": [{"id": products[0]["id"], "stock_quantity": 1}]})
    stats = requests.get(f"{base}/_sandbox/stats", timeout=5).json()
    assert stats["batch_calls"] == 1 and stats["by_method_path"]["GET /wc/v3/products"] == 2
    assert stats["requests"] == 4  # REST calls only; /_sandbox controls are not counted
    control(base, "reset")
    assert woo.call("GET", "/wc/v3/products").json() == []


def test_apps_have_independent_state(live_server_factory):
    first, second = (Woo(live_server_factory(create_app()).url) for _ in range(2))
    first.call("POST", "/wc/v3/products", body={"name": "Only here", "sku": "ONE"})
    assert len(first.call("GET", "/wc/v3/products").json()) == 1
    assert second.call("GET", "/wc/v3/products").json() == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_serves_a_seeded_sandbox():
    port = free_port()
    cli = Path(sys.executable).with_name("sidecar")
    proc = subprocess.Popen([str(cli), "sandbox", "woocommerce", "--port", str(port), "--seed", "4",
                             "--option", "latency_ms=0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, response = time.time() + 15, None
        while time.time() < deadline:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/wp-json/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert response is not None and response.json()["home"] == f"http://127.0.0.1:{port}"
        listing = Woo(f"http://127.0.0.1:{port}").call("GET", "/wc/v3/products")
        assert int(listing.headers["X-WP-Total"]) == 4
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def test_concurrent_checkouts_never_oversell(sandbox):
    """Thread safety: 30 parallel checkouts of one item with stock 20 → exactly 20 orders, stock 0."""
    from concurrent.futures import ThreadPoolExecutor

    base, woo = sandbox
    woo.call("POST", "/wc/v3/products", body={"name": "Hot", "sku": "HOT", "regular_price": "1.00",
                                             "manage_stock": True, "stock_quantity": 20})
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda _: control(base, "orders", {"line_items": [{"sku": "HOT", "quantity": 1}]})
                              .status_code, range(30)))
    assert sorted(codes) == [201] * 20 + [400] * 10
    assert requests.get(f"{base}/_sandbox/stock", params={"sku": "HOT"}, timeout=5).json()["stock_quantity"] == 0
    assert woo.call("GET", "/wc/v3/orders", {"per_page": "1"}).headers["X-WP-Total"] == "20"


def test_an_outage_answers_like_a_hosts_proxy_for_the_chosen_methods(sandbox):
    base, woo = sandbox
    assert control(base, "config", {"outage_status": 503, "outage_methods": "POST"}).status_code == 200
    down = woo.call("POST", "/wc/v3/products", body={"name": "Mug", "sku": "MUG-OUT"})
    assert down.status_code == 503 and down.headers["Content-Type"].startswith("text/html")
    assert woo.call("GET", "/wc/v3/products").status_code == 200  # reads still answer
    control(base, "config", {"outage_status": 0})
    assert woo.call("POST", "/wc/v3/products", body={"name": "Mug", "sku": "MUG-OUT"}).status_code == 201
