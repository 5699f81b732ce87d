"""The pure NetSuite item → WooCommerce product mapping (issue 14)."""

from __future__ import annotations

from sidecar.mapping import products as m
from sidecar.store.settings import defaults


def item(**kw) -> m.Item:
    base = {"id": "10", "sku": "SKU-1", "name": "Tee", "item_type": "InvtPart"}
    return m.Item(**{**base, **kw})


def test_a_row_becomes_an_item_with_web_texts_and_option_values():
    row = {"id": "7", "itemid": "T-1", "sku": " T-1 ", "displayname": "Tee", "salesdescription": "sales",
           "storedescription": "short", "itemtype": "InvtPart", "matrixtype": "CHILD", "parent": "3",
           "opt_custitem_color": "Red", "weight": "2", "weightunit": "lb", "lastmodified": "2026-01-02 03:04:05"}
    got = m.item_from_row(row, {"custitem_color": "Color", "custitem_size": "Size"})
    assert (got.sku, got.name, got.description, got.short_description) == ("T-1", "Tee", "sales", "short")
    assert (got.parent, got.options, got.lastmodified) == ("3", {"Color": "Red"}, "2026-01-02 03:04:05")
    assert m.item_from_row({"id": "8", "itemid": "X", "storedetaileddescription": "long"}, {}).description == "long"


def test_weight_is_converted_to_the_store_unit_and_prices_are_money_strings():
    assert m.weight(item(weight="2", weight_unit="lb"), "kg") == "0.907"
    assert m.weight(item(weight="500", weight_unit="g"), "kg") == "0.5"
    assert m.weight(item(weight="1", weight_unit="kg"), "lbs") == "2.205"
    assert m.weight(item(weight=None), "kg") == ""
    assert (m.price("12.5"), m.price("3"), m.price(None)) == ("12.50", "3.00", "")


def test_simple_product_uses_the_new_status_and_manages_stock_only_with_stock():
    settings = defaults()
    body = m.simple_product(item(), "9.99", 4, settings)
    assert (body["status"], body["regular_price"], body["manage_stock"], body["stock_quantity"]) == \
        ("draft", "9.99", True, 4)
    assert m.simple_product(item(item_type="NonInvtPart"), None, None, settings)["manage_stock"] is False


def test_update_body_leaves_create_only_fields_out():
    settings = defaults()
    full = m.simple_product(item(description="d"), "1", 2, settings)
    update = m.update_body(full, settings["products"]["fields"])
    assert "description" not in update and "status" not in update and "short_description" not in update
    assert update["name"] == "Tee" and update["stock_quantity"] == 2 and update["sku"] == "SKU-1"
    no_stock = m.update_body(full, {**settings["products"]["fields"], "stock_quantity": "create_only"})
    assert "manage_stock" not in no_stock and "stock_quantity" not in no_stock
    variation = m.variation(item(), "1", 2, settings)
    assert m.update_body(variation, settings["products"]["fields"], m.VARIATION_ALWAYS_SENT)["status"] == "publish"


def test_variable_product_lists_the_values_children_use_and_keeps_their_order():
    settings = defaults()
    kids = [item(id=str(n), sku=f"K{n}", options={"Color": c, "Size": s})
            for n, (c, s) in enumerate([("Red", "S"), ("Red", "M"), ("Blue", "S")])]
    body = m.variable_product(item(sku="P"), kids, settings)
    assert [(a["name"], a["options"]) for a in body["attributes"]] == [("Color", ["Red", "Blue"]),
                                                                       ("Size", ["S", "M"])]
    before = [{"name": "Size", "options": ["M", "S", "XL"]}, {"name": "Color", "options": ["Blue", "Red"]}]
    again = m.variable_product(item(sku="P"), kids[1:], settings, before)
    assert [(a["name"], a["options"]) for a in again["attributes"]] == [("Size", ["M", "S"]),
                                                                        ("Color", ["Blue", "Red"])]


def test_children_without_matrix_options_are_told_apart_by_name():
    kids = [item(id="1", sku="A", name="Tee Red"), item(id="2", sku="B", name="Tee Blue")]
    body = m.variable_product(item(sku="P"), kids, defaults())
    assert body["attributes"][0]["name"] == m.FALLBACK_ATTRIBUTE
    assert body["attributes"][0]["options"] == ["Tee Red", "Tee Blue"]
    assert m.variation(kids[0], None, None, defaults())["attributes"] == [{"name": "Option", "option": "Tee Red"}]
