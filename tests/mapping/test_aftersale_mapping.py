"""The after-sale mappers on real WooCommerce refund payloads (shared/fixtures) and NetSuite record shapes:
refund → credit memo / cash refund lines and amounts, fulfilment → note and Shipment Tracking meta, paid order
→ cash sale."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from sidecar.mapping import fulfillments as ship
from sidecar.mapping import refunds as rmap
from sidecar.mapping.common import MappingError
from sidecar.mapping.orders import ResolvedOrder, cash_sale, record_type
from sidecar.store.settings import defaults
from tests.conftest import FIXTURES

REFUND = json.loads((FIXTURES / "woocommerce/order-refund-get-14.json").read_text())
REFUNDS = json.loads((FIXTURES / "woocommerce/order-refunds-list.json").read_text())
ORDER = json.loads((FIXTURES / "woocommerce/04-tax-order/order-get-customer-tax-coupon-fee.json").read_text())


def settings(refunds=None, **orders):
    base = defaults()
    base["store"]["key"] = "shop"
    base["orders"].update({"fee_item_id": "91", "tax_item_id": "92", **orders})
    base["refunds"].update(refunds or {"item_id": "95"})
    return base


def total(plan) -> Decimal:
    return sum((Decimal(str(line["amount"])) for line in plan.lines), Decimal(0)) + Decimal(
        str(plan.body.get("shippingCost", 0)))


def test_a_line_refund_is_the_item_and_quantity_with_woocommerces_amount():
    plan = rmap.refund_plan(REFUND, {"id": 12, "number": "12"}, settings(), {1: "98"})
    assert plan.body["externalId"] == "woo-shop-refund-14" and plan.body["otherRefNum"] == "12"
    assert plan.body["memo"] == "WooCommerce refund 14 of order 12: harness refund 1 widget, restock"
    assert plan.body["tranDate"] == "2026-11-28"
    assert [(ln["item"], ln["quantity"], ln["rate"], ln["amount"]) for ln in plan.lines] == [
        ({"id": "98"}, 1.0, 19.99, 19.99)]
    assert total(plan) == plan.expected_total == Decimal(REFUND["amount"])


def test_every_captured_refund_totals_its_amount():
    for refund in REFUNDS:
        plan = rmap.refund_plan(refund, {"id": 12}, settings(), {1: "98", 2: "99"})
        assert total(plan) == Decimal(refund["amount"]), refund["id"]


def test_amount_only_shipping_fee_and_woocommerce_tax():
    refund = {"id": 30, "amount": "40.00", "reason": "", "date_created": "2026-12-01T10:00:00",
              "line_items": [{"id": 1, "name": "W", "quantity": 0, "total": "-3.00", "total_tax": "-0.25",
                              "meta_data": [{"key": "_refunded_item_id", "value": "7"}]}],
              "shipping_lines": [{"id": 2, "total": "-5.00", "total_tax": "-0.41"}],
              "fee_lines": [{"id": 3, "name": "Gift wrap", "total": "-2.50", "total_tax": "0"}]}
    plan = rmap.refund_plan(refund, {"id": 9}, settings(taxes="woocommerce", shipping_item_id="93"), {7: "98"})
    assert [(ln["item"]["id"], ln["amount"]) for ln in plan.lines] == [
        ("95", 3.0), ("93", 5.0), ("91", 2.5), ("92", 0.66), ("95", 28.84)]
    assert plan.lines[0]["description"] == "Refund on W" and total(plan) == Decimal("40.00")
    header = rmap.refund_plan(refund, {"id": 9}, settings(), {7: "98"})  # NetSuite taxes: shipping on the header
    assert header.body["shippingCost"] == 5.0 and header.expected_total == Decimal("40.00") - Decimal("0.66")


def test_an_amount_only_refund_without_refunds_item_id_names_the_setting():
    refund = {"id": 31, "amount": "4.99", "line_items": [], "shipping_lines": [], "fee_lines": []}
    with pytest.raises(MappingError) as err:
        rmap.refund_plan(refund, {"id": 9}, settings(refunds={"item_id": None}), {})
    assert err.value.setting == "refunds.item_id"
    older = rmap.refund_plan(refund, {"id": 9}, settings(refunds={"refund_item_id": "44"}), {})
    assert older.lines[0]["item"] == {"id": "44"}


def test_transform_body_keys_refunded_lines_by_source_line_and_leaves_the_rest_out():
    plan = rmap.refund_plan(REFUND, {"id": 12}, settings(), {1: "98"})
    lines = [rmap.SourceLine(1, "97"), rmap.SourceLine(2, "98"), rmap.SourceLine(3, "98")]
    body = rmap.transform_body(plan, lines, source_has_discount=True)
    assert body["item"]["items"] == [
        {"orderLine": 2, "amount": 19.99, "description": "Harness Widget", "quantity": 1.0, "rate": 19.99},
        {"orderLine": 1, "quantity": 0}, {"orderLine": 3, "quantity": 0}]
    assert body["shippingCost"] == 0.0 and body["discountRate"] == 0
    standalone = rmap.standalone_body(plan, {"entity": {"id": "512"}})
    assert standalone["entity"] == {"id": "512"} and "woo_line" not in standalone["item"]["items"][0]


FULFILMENT = {"id": "9001", "tranId": "IF7", "tranDate": "2024-05-02", "shipMethod": {"id": "30", "refName": "Ground"},
              "shipCarrier": {"id": "nonups"},
              "item": {"items": [{"orderLine": 1, "quantity": 2, "itemReceive": True},
                                 {"orderLine": 2, "quantity": 1, "itemReceive": False}]},
              "package": {"items": [{"packageTrackingNumber": "1ZA"}, {"packageTrackingNumber": "1ZA"}]},
              "packageFedex": {"items": [{"packageTrackingNumberFedEx": "7788"}]}}
SALES_ORDER = {"item": {"items": [
    {"line": 1, "quantity": 2, "quantityFulfilled": 2, "itemType": {"id": "InvtPart"}},
    {"line": 2, "quantity": 1, "quantityFulfilled": 0, "itemType": {"id": "InvtPart"}},
    {"line": 3, "quantity": 1, "amount": 7.5, "itemType": {"id": "ShipItem"}}]}}


def test_note_counts_units_names_carrier_and_every_tracking_number():
    carrier = ship.carrier_name(FULFILMENT, {"30": "UPS"})
    assert carrier == "UPS" and ship.carrier_name(FULFILMENT, {}) == "Ground"
    assert ship.shipment_note(FULFILMENT, SALES_ORDER, carrier, False) == (
        "Shipped 2 of 3 items via UPS, tracking 1ZA, 7788 (shipment IF7).")
    assert not ship.fully_fulfilled(SALES_ORDER)
    done = copy.deepcopy(SALES_ORDER)
    done["item"]["items"][1]["isClosed"] = True
    assert ship.fully_fulfilled(done)


def test_tracking_items_in_the_extensions_exact_format_and_merge_is_a_set():
    items = ship.tracking_items(FULFILMENT, "UPS")
    assert items[0] == {"tracking_provider": "ups", "custom_tracking_provider": "", "custom_tracking_link": "",
                        "tracking_number": "1ZA", "date_shipped": "1714608000",
                        "tracking_id": items[0]["tracking_id"]}
    assert len(items[0]["tracking_id"]) == 32 and items == ship.tracking_items(FULFILMENT, "UPS")
    custom = ship.tracking_items(FULFILMENT, "Acme Freight")[0]
    assert (custom["tracking_provider"], custom["custom_tracking_provider"]) == ("", "Acme Freight")
    by_hand = {"tracking_provider": "dhl", "tracking_number": "X", "tracking_id": "f" * 32}
    merged = ship.merge_tracking([by_hand], items)
    assert merged == [by_hand] + items and ship.merge_tracking(merged, items) == merged


def test_a_paid_order_is_a_cash_sale_with_its_payment_method():
    opts = settings(record="cashSale", payment_methods={"cheque": "7"}, subsidiary_id="1",
                    discount_item_id="90", ship_methods={"flat_rate": "30"})
    resolved = ResolvedOrder("512", {line["id"]: "98" for line in ORDER["line_items"]})
    assert record_type(ORDER, opts) == "cashSale" and record_type(dict(ORDER, date_paid=None, date_paid_gmt=None),
                                                                 opts) == "salesOrder"
    assert record_type(ORDER, settings()) == "salesOrder"
    body = cash_sale(dict(ORDER, payment_method="cheque"), opts, resolved)
    assert body["paymentMethod"] == {"id": "7"} and "orderStatus" not in body
    with pytest.raises(MappingError) as err:
        cash_sale(dict(ORDER, payment_method="stripe"), opts, resolved)
    assert err.value.setting == "orders.payment_methods"
