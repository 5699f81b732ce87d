"""What the after-sale flows rely on in the WooCommerce sandbox, against spec A3.5–A3.7, A6 and A7: refunds listed
per order with negative line quantities, customer-visible notes, the Shipment Tracking meta stored as written
and shown in the order's ``meta_data``, and which of our writes come back as an ``order.updated`` delivery
(a meta or status write does; a note does not)."""

from __future__ import annotations

import json

import pytest

from sidecar.sandbox.woocommerce import create_app
from tests.sandbox.test_woocommerce_helpers import Receiver, Woo, allowing

TRACKING = [{"tracking_provider": "ups", "custom_tracking_provider": "", "custom_tracking_link": "",
             "tracking_number": "1Z999AA10123456784", "date_shipped": "1714608000",
             "tracking_id": "3f2a9c0d1e5b4a7f8c6d2e1b0a9f8e7d"}]


@pytest.fixture
def env(live_server_factory):
    receiver = Receiver()
    hooks = live_server_factory(receiver.app)
    sandbox = live_server_factory(create_app(allowing(hooks.url)))
    return Woo(sandbox.url), receiver, hooks.url


def paid_order(woo) -> dict:
    woo.call("POST", "/wc/v3/products", body={"name": "W", "sku": "W", "regular_price": "10.00"})
    return woo.call("POST", "/wc/v3/orders", body={
        "status": "processing", "payment_method": "cheque", "line_items": [{"sku": "W", "quantity": 3}],
        "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}]}).json()


def test_refunds_listed_per_order_with_lines_shipping_and_amount_only(env):
    woo, _, _ = env
    order = paid_order(woo)
    base = f"/wc/v3/orders/{order['id']}/refunds"
    line, ship = order["line_items"][0]["id"], order["shipping_lines"][0]["id"]
    woo.call("POST", base, body={"api_refund": False, "line_items": [
        {"id": line, "quantity": 1, "refund_total": 10}, {"id": ship, "refund_total": 5}]})
    woo.call("POST", base, body={"api_refund": False, "amount": "2.50", "reason": "goodwill"})
    listed = sorted(woo.call("GET", base).json(), key=lambda r: -r["id"])  # same second: ties in any order
    assert [r["amount"] for r in listed] == ["2.50", "15.00"]
    with_lines = listed[1]
    assert (with_lines["line_items"][0]["quantity"], with_lines["line_items"][0]["total"]) == (-1, "-10.00")
    assert with_lines["shipping_lines"][0]["total"] == "-5.00"
    refunded_item = {m["key"]: m["value"] for m in with_lines["line_items"][0]["meta_data"]}
    assert refunded_item["_refunded_item_id"] == str(line)
    assert listed[0]["line_items"] == [] and listed[0]["reason"] == "goodwill"
    summary = woo.call("GET", f"/wc/v3/orders/{order['id']}").json()["refunds"]
    assert sorted(r["total"] for r in summary) == ["-15.00", "-2.50"]


def test_tracking_meta_and_customer_notes(env):
    woo, _, _ = env
    order = paid_order(woo)
    put = woo.call("PUT", f"/wc/v3/orders/{order['id']}", body={
        "meta_data": [{"key": "_wc_shipment_tracking_items", "value": TRACKING}]})
    assert put.status_code == 200
    meta = {m["key"]: m["value"] for m in woo.call("GET", f"/wc/v3/orders/{order['id']}").json()["meta_data"]}
    assert meta["_wc_shipment_tracking_items"] == TRACKING
    note = woo.call("POST", f"/wc/v3/orders/{order['id']}/notes",
                    body={"note": "Shipped 2 of 3 items via UPS", "customer_note": True}).json()
    assert note["customer_note"] is True
    customer_notes = woo.call("GET", f"/wc/v3/orders/{order['id']}/notes", {"type": "customer"}).json()
    assert [n["note"] for n in customer_notes] == ["Shipped 2 of 3 items via UPS"]


def test_our_writes_echo_as_order_updated_but_notes_do_not(env):
    woo, receiver, rurl = env
    order = paid_order(woo)
    woo.call("POST", "/wc/v3/webhooks", body={"name": "u", "topic": "order.updated", "secret": "s",
                                              "delivery_url": f"{rurl}/updated"})
    receiver.wait_for(lambda r: True, pings=True)
    woo.call("POST", f"/wc/v3/orders/{order['id']}/notes", body={"note": "private"})
    woo.call("PUT", f"/wc/v3/orders/{order['id']}", body={"status": "completed"})
    got = receiver.wait_for(lambda r: r["path"] == "/updated")
    body = json.loads(got[0]["body"])
    assert body["id"] == order["id"] and body["status"] == "completed" and len(got) == 1
