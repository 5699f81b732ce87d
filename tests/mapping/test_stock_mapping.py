"""The pure stock and price rules (issues 12, 20): quantity floor and holds, decimals, sale price rules, and the
push-on-change decision with and without a fresh reading of the store."""

from __future__ import annotations

import pytest

from sidecar.mapping.stock import (
    add_units,
    decide_prices,
    decide_stock,
    money,
    prices,
    sku_key,
    target_quantity,
)


def test_target_quantity_subtracts_buffer_and_held_never_below_zero():
    assert target_quantity("12", 2, 3) == 7
    assert target_quantity("4.7", 0) == 4  # half a unit cannot be sold
    assert target_quantity("1", 5, 2) == 0
    assert target_quantity("-3", 0) == 0
    with pytest.raises(ValueError, match="quantityavailable"):
        target_quantity("lots", 0)


def test_money_and_sale_prices():
    assert money("19.999", 2) == "20.00" and money("5", 0) == "5" and money("1.2345", 3) == "1.235"
    assert prices("20", "15.5", 2) == {"regular_price": "20.00", "sale_price": "15.50"}
    assert prices("20", "20.00", 2)["sale_price"] == ""
    assert prices("20", None, 2)["sale_price"] == ""
    assert prices("20", "25", 2)["sale_price"] == ""


def test_decide_stock_push_only_on_change_and_drift():
    assert decide_stock(5, 5, 5, True, woo_fresh=True).body is None
    hand_edit = decide_stock(5, 5, 9, True, woo_fresh=True)
    assert hand_edit.body == {"stock_quantity": 5} and hand_edit.drift
    first = decide_stock(5, None, None, False, woo_fresh=True)
    assert first.body == {"stock_quantity": 5, "manage_stock": True} and not first.drift
    assert decide_stock(5, 5, None, True, woo_fresh=False).body is None
    assert decide_stock(4, 5, None, True, woo_fresh=False).body == {"stock_quantity": 4}
    sold = decide_stock(3, 5, 3, True, woo_fresh=True)  # the store sold 2 that NetSuite now knows: no write
    assert sold.body is None and not sold.drift


def test_decide_prices_and_units_by_sku():
    assert decide_prices({"regular_price": "2.00"}, {"regular_price": "2.00"}) is None
    assert decide_prices({"regular_price": "2.00", "sale_price": ""}, {"regular_price": "2.00",
                                                                      "sale_price": None}) is None
    assert decide_prices({"regular_price": "2.00"}, {"regular_price": "1.00"}) == {"regular_price": "2.00"}
    held: dict[str, int] = {}
    add_units(held, [{"sku": " Ab-1 ", "quantity": 2}, {"sku": "AB-1", "quantity": 1}, {"sku": "", "quantity": 4}])
    assert held == {"ab-1": 3} and sku_key("X ") == "x"
