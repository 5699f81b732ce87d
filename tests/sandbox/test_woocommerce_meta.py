"""Behaviour of the sandbox's store-level read endpoints over a real socket: system_status derives what it can from
the store's state, the settings and gateway reads need a key as in WooCommerce, and the ``/wc/v3`` index lists
exactly the routes the sandbox serves. (Shapes against the captures are in test_woocommerce_fidelity.)"""

from __future__ import annotations

import re

import pytest
import requests

from tests.sandbox.test_woocommerce_helpers import Woo


def counts(woo) -> dict:
    status = woo.call("GET", "/wc/v3/system_status").json()
    return {row["type"]: int(row["count"]) for row in status["post_type_counts"]}


def test_system_status_counts_follow_the_store(woo):
    """Products, orders (HPOS placeholders) and coupons show up as posts as soon as they exist."""
    before = counts(woo)
    assert "product" not in before and "shop_order_placehold" not in before
    made = woo.call("POST", "/wc/v3/products", body={"name": "A", "sku": "A-1", "regular_price": "3.00"}).json()
    woo.call("POST", "/wc/v3/orders", body={"line_items": [{"product_id": made["id"], "quantity": 1}]})
    woo.call("POST", "/wc/v3/coupons", body={"code": "five", "amount": "5"})
    after = counts(woo)
    assert (after["product"], after["shop_order_placehold"], after["shop_coupon"]) == (1, 1, 1)


def test_system_status_reports_the_url_and_scheme_of_the_request(woo, server):
    plain = woo.call("GET", "/wc/v3/system_status").json()
    assert plain["environment"]["home_url"] == server.url and plain["environment"]["version"] == "8.2.2"
    assert plain["security"]["secure_connection"] is False
    secure = woo.call("GET", "/wc/v3/system_status", auth="basic-xfp").json()
    assert secure["environment"]["site_url"].startswith("https://") and secure["security"]["secure_connection"]


@pytest.mark.parametrize("path", ["/wc/v3/system_status", "/wc/v3/system_status/tools", "/wc/v3/settings",
                                  "/wc/v3/settings/tax", "/wc/v3/payment_gateways/cheque"])
def test_meta_reads_need_a_key_and_a_read_key_is_enough(woo, server, path):
    anonymous = woo.call("GET", path, auth="none")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "woocommerce_rest_cannot_view"
    key = requests.post(f"{server.url}/_sandbox/keys", json={"permissions": "read"}, timeout=5).json()
    assert Woo(server.url, key["consumer_key"], key["consumer_secret"]).call("GET", path).status_code == 200


def test_unknown_group_gateway_and_unsimulated_group(woo):
    assert woo.call("GET", "/wc/v3/settings/nope").json()["code"] == "rest_setting_setting_group_invalid"
    assert woo.call("GET", "/wc/v3/settings/general").json()["code"] == "rest_no_route"
    missing = woo.call("GET", "/wc/v3/payment_gateways/paypal")
    assert missing.status_code == 404 and missing.json()["code"] == "woocommerce_rest_payment_gateway_invalid"


def test_tax_group_lists_the_sandbox_tax_classes(woo):
    classes = {c["slug"] for c in woo.call("GET", "/wc/v3/taxes/classes").json()} - {"standard"}
    setting = next(s for s in woo.call("GET", "/wc/v3/settings/tax").json()
                   if s["id"] == "woocommerce_shipping_tax_class")
    assert set(setting["options"]) == {"inherit", ""} | classes


def concrete(pattern: str) -> str:
    """A URL path for a route pattern: numeric ids → 999999, the settings group → tax, a gateway → cheque."""
    path = re.sub(r"\(\?P<\w+>\[\\d\]\+\)", "999999", pattern)
    path = path.replace(r"settings/(?P<group_id>[\w-]+)/(?P<id>[\w-]+)", "settings/general/woocommerce_calc_taxes")
    path = path.replace(r"(?P<group_id>[\w-]+)", "tax")
    return path.replace(r"(?P<id>[\w-]+)", "cheque")


def test_index_lists_only_routes_the_sandbox_serves(woo):
    """Every method of every listed route reaches a handler (never rest_no_route), and the index has no route
    of WooCommerce's the sandbox does not simulate (e.g. reports)."""
    index = woo.call("GET", "/wc/v3", auth="none")
    assert index.status_code == 200
    routes = index.json()["routes"]
    assert "/wc/v3/reports" not in routes and "/wc/v3/products/categories" not in routes
    for pattern, route in routes.items():
        for method in route["methods"]:
            body = [] if pattern.endswith("/locations") else {}
            answer = woo.call(method, concrete(pattern), body=None if method == "GET" else body)
            payload = answer.json()
            assert not isinstance(payload, dict) or payload.get("code") != "rest_no_route", (method, pattern)
