"""Issue 20 end to end: a stock push never hands back units the store sold that NetSuite does not know yet.
On-hold order → available − buffer − 2; once exported and committed in NetSuite → the same number and no write;
a failed export keeps holding its units; a cancelled order releases them."""

from __future__ import annotations

import pytest

from tests.flows.stack import configure, start_stack, stock_the_store
from tests.flows.stock_helpers import ns_available, plain_items, run_flow, woo_stock, woo_writes

BUYER = {"first_name": "Ana", "last_name": "Ruiz", "address_1": "1 Main St", "city": "Austin", "state": "TX",
         "postcode": "78701", "country": "US", "email": "ana@example.com"}
FLAT = [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}]
BUFFER = 1


@pytest.fixture
def stack(tmp_path, monkeypatch):
    monkeypatch.setenv("SIDECAR_RETRY_BASE_S", "0.01")
    stack = start_stack(tmp_path)
    configure(stack)
    stack.items = stock_the_store(stack)
    stack.api.put("/v1/settings", {"inventory": {"safety_buffer": BUFFER}, "jobs": {"max_attempts": 1}})
    stack.sku = plain_items(stack)[0]
    yield stack
    stack.stop()


def place(stack, status: str, extra_lines=()) -> dict:
    order = stack.place({"billing": BUYER, "status": status, "shipping_lines": FLAT,
                         "line_items": [{"sku": stack.sku["itemId"], "quantity": 2}, *extra_lines]})
    stack.settle()
    return order


def available(stack) -> int:
    return int(ns_available(stack, stack.sku["id"]))


def test_on_hold_then_exported_then_no_write(stack):
    order = place(stack, "on-hold")
    run = run_flow(stack, "inventory")
    assert woo_stock(stack, stack.sku["itemId"])["stock_quantity"] == available(stack) - BUFFER - 2
    assert run["counts"]["held_back"] == 1
    before_ns = available(stack)
    stack.woo_client().update_order(order["id"], {"status": "processing"})
    stack.settle()
    assert stack.sales_order_for(order["id"]) is not None
    assert available(stack) == before_ns - 2  # committed in NetSuite now
    writes = woo_writes(stack)
    again = run_flow(stack, "inventory")
    assert woo_stock(stack, stack.sku["itemId"])["stock_quantity"] == before_ns - BUFFER - 2
    assert woo_writes(stack) == writes and again["counts"]["changed"] == 0 and again["counts"]["held_back"] == 0


def test_failed_export_keeps_holding_and_cancel_releases(stack):
    stack.woo_client().post("products", {"name": "Not in NetSuite", "sku": "NOT-IN-NS", "manage_stock": True,
                                         "stock_quantity": 10})
    order = place(stack, "processing", [{"sku": "NOT-IN-NS", "quantity": 1}])
    assert stack.sales_order_for(order["id"]) is None  # the export failed: SKU NOT-IN-NS has no item
    jobs = stack.api.get("/v1/jobs?status=failed").get_json()
    assert any("NOT-IN-NS" in (j.get("last_error") or "") for j in jobs["jobs"]), jobs
    run_flow(stack, "inventory")
    assert woo_stock(stack, stack.sku["itemId"])["stock_quantity"] == available(stack) - BUFFER - 2
    stack.woo_client().update_order(order["id"], {"status": "cancelled"})  # the store restocks the 2 units
    stack.settle()
    run = run_flow(stack, "inventory")
    assert woo_stock(stack, stack.sku["itemId"])["stock_quantity"] == available(stack) - BUFFER
    assert run["counts"]["held_back"] == 0
