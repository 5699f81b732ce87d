"""The order mapper on real WooCommerce payloads (shared/fixtures) and the settings that steer it."""

import copy
import json
from decimal import Decimal

import pytest

from sidecar.mapping.common import MappingError
from sidecar.mapping.orders import ResolvedOrder, expected_total, sales_order, ship_method_key
from sidecar.store.settings import defaults
from tests.conftest import FIXTURES

ORDER = json.loads((FIXTURES / "woocommerce/04-tax-order/order-get-customer-tax-coupon-fee.json").read_text())


def settings(**orders):
    base = defaults()
    base["store"]["key"] = "shop"
    base["orders"].update({"subsidiary_id": "1", "location_id": "6", "discount_item_id": "90",
                           "fee_item_id": "91", "tax_item_id": "92", "ship_methods": {"flat_rate": "30"}})
    base["orders"].update(orders)
    return base


def resolved(order=ORDER):
    return ResolvedOrder(customer_id="512", item_ids={line["id"]: str(100 + i)
                                                       for i, line in enumerate(order["line_items"])})


def line_sum(body):
    return sum(Decimal(str(line["amount"])) for line in body["item"]["items"])


def test_header_fields_follow_the_settings():
    body = sales_order(ORDER, settings(department_id="4", class_id="5"), resolved())
    assert body["externalId"] == "woo-shop-order-36"
    assert body["entity"] == {"id": "512"}
    assert body["subsidiary"] == {"id": "1"} and body["location"] == {"id": "6"}
    assert body["department"] == {"id": "4"} and body["class"] == {"id": "5"}
    assert body["otherRefNum"] == "36"
    assert body["memo"] == "WooCommerce order 36"
    assert body["tranDate"] == "2026-11-28"
    assert body["email"] == "jane.doe@example.com"
    assert body["shippingAddress"]["addr1"] == "200 Mission St"
    assert body["billingAddress"] == {"addressee": "Jane Doe", "addr1": "100 Market St", "addr2": "Suite 5",
                                      "city": "San Francisco", "state": "CA", "zip": "94105", "country": "US",
                                      "addrPhone": "+1 415 555 0100"}
    assert "currency" not in body  # no currency table: the customer's currency applies


def test_lines_priced_before_coupon_with_discount_fee_and_shipping():
    body = sales_order(ORDER, settings(), resolved())
    lines = body["item"]["items"]
    first = lines[0]
    assert first["item"] == {"id": "100"}
    assert first["quantity"] == 2.0
    assert first["amount"] == 39.98 and first["rate"] == 19.99
    discount = [line for line in lines if line["item"] == {"id": "90"}]
    assert discount and discount[0]["amount"] == -6.2 and "save10" in discount[0]["description"]
    fee = [line for line in lines if line["item"] == {"id": "91"}]
    assert fee[0]["amount"] == 2.5 and fee[0]["description"] == "Handling fee"
    assert body["shipMethod"] == {"id": "30"} and body["shippingCost"] == 5.0
    # NetSuite computes tax: lines + shipping = WooCommerce total less its tax
    assert line_sum(body) + Decimal("5.00") == expected_total(ORDER, settings()["orders"])


def test_taxes_carried_from_woocommerce_make_the_totals_equal():
    opts = settings(taxes="woocommerce")
    body = sales_order(ORDER, opts, resolved())
    tax = [line for line in body["item"]["items"] if line["item"] == {"id": "92"}]
    assert tax[0]["amount"] == 5.22 and tax[0]["description"] == "CA State Tax"
    assert all(line.get("isTaxable") is False for line in body["item"]["items"])
    assert line_sum(body) + Decimal("5.00") == Decimal(ORDER["total"])


def test_header_discount_and_shipping_as_line():
    body = sales_order(ORDER, settings(discount_as="header", shipping_as="line_item", shipping_item_id="31"),
                       resolved())
    assert body["discountItem"] == {"id": "90"} and body["discountRate"] == -6.2
    assert "shipMethod" not in body
    ship = [line for line in body["item"]["items"] if line["item"] == {"id": "31"}]
    assert ship[0]["amount"] == 5.0 and ship[0]["description"] == "Flat rate"


def test_ship_method_by_instance_wins_over_method_id():
    assert ship_method_key(ORDER["shipping_lines"][0]) == "flat_rate:1"
    body = sales_order(ORDER, settings(ship_methods={"flat_rate:1": "33", "flat_rate": "30"}), resolved())
    assert body["shipMethod"] == {"id": "33"}


@pytest.mark.parametrize("override,message,setting", [
    ({"ship_methods": {}}, "ship method flat_rate:1 has no mapping", "orders.ship_methods"),
    ({"discount_item_id": None}, "coupon save10 needs a NetSuite discount item", "orders.discount_item_id"),
    ({"fee_item_id": None}, "fee 'Handling fee' needs", "orders.fee_item_id"),
    ({"currencies": {"EUR": "2"}}, "currency USD has no mapping", "orders.currencies"),
    ({"taxes": "woocommerce", "tax_item_id": None}, "orders.tax_item_id", "orders.tax_item_id"),
])
def test_unmappable_orders_say_what_to_fix(override, message, setting):
    with pytest.raises(MappingError) as err:
        sales_order(ORDER, settings(**override), resolved())
    assert message in err.value.message
    assert err.value.setting == setting


def test_currency_mapping_and_field_map_and_rules_apply_last():
    order = copy.deepcopy(ORDER)
    order["meta_data"] = [{"id": 1, "key": "_channel", "value": "instagram"}]
    opts = settings(currencies={"USD": "1", "EUR": "2"},
                    field_map={"customer_note": "custbody_note", "meta:_channel": "custbody_channel",
                               "payment_method_title": "memo"},
                    rules=[{"field": "payment_method", "equals": "cheque", "set": {"custbody_terms": "7"}},
                           {"field": "shipping.country", "in": ["DE"], "set": {"class": {"id": "9"}}},
                           {"field": "billing.email", "matches": "@example\\.com$", "set": {"memo": "VIP"}}])
    body = sales_order(order, opts, resolved(order))
    assert body["currency"] == {"id": "1"}
    assert body["custbody_note"] == "Please leave at reception."
    assert body["custbody_channel"] == "instagram"
    assert body["custbody_terms"] == "7"
    assert "class" not in body  # the DE rule did not match a US order
    assert body["memo"] == "VIP"  # rules win over the field map and the memo template


def test_free_shipping_and_guest_company_order():
    order = json.loads((FIXTURES / "woocommerce/04-tax-order/order-create-guest-company.json").read_text())
    opts = settings(ship_methods={"free_shipping": "34", "flat_rate": "30"})
    body = sales_order(order, opts, resolved(order))
    assert body["billingAddress"]["addressee"] == order["billing"]["company"]
    assert body["billingAddress"]["attention"] == f"{order['billing']['first_name']} {order['billing']['last_name']}"
    assert line_sum(body) + Decimal(str(body.get("shippingCost", 0))) == expected_total(order, opts["orders"])


@pytest.mark.parametrize("image_id", ["", "72", 0, 72])
def test_line_item_image_id_type_does_not_change_the_sales_order(image_id):
    """WooCommerce 8.2.2 types image.id by product kind (string for products, int for variations)."""
    order = copy.deepcopy(ORDER)
    for line in order["line_items"]:
        line["image"] = {"id": image_id, "src": ""}
    assert sales_order(order, settings(), resolved(order)) == sales_order(ORDER, settings(), resolved())
