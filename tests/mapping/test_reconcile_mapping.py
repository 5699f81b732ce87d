"""The pure comparison behind the reconciliation report: each rule on plain dicts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sidecar.mapping.reconcile import Comparison, compare_orders, compare_stock


def cmp(taxes: str = "netsuite") -> Comparison:
    return Comparison(store_key="shop", tolerance=Decimal("0.01"), taxes=taxes)


def order(woo_id=1, **kw) -> dict:
    return {"id": woo_id, "number": str(woo_id), "status": "processing", "total": "110.00", "total_tax": "10.00",
            **kw}


def row(ns_id=9, woo_id=1, **kw) -> dict:
    return {"id": str(ns_id), "tranid": f"SO{ns_id}", "externalid": f"woo-shop-order-{woo_id}",
            "otherrefnum": str(woo_id), "foreigntotal": "100.00", "entity": "5", "status": "B", **kw}


def kinds(c: Comparison) -> list[str]:
    return [f["kind"] for f in c.findings]


def test_a_matching_pair_has_no_finding_and_netsuite_tax_mode_compares_before_tax():
    c = cmp()
    compare_orders(c, [order()], [row()], {1: "5"})
    assert c.findings == []


def test_woocommerce_tax_mode_compares_the_totals_with_tax():
    c = cmp("woocommerce")
    compare_orders(c, [order()], [row(foreigntotal="110.00")], {})
    assert c.findings == []
    compare_orders(c, [order()], [row()], {})
    assert kinds(c) == ["total_differs"]


@pytest.mark.parametrize("total,found", [("100.01", False), ("100.02", True), ("99.98", True)])
def test_the_tolerance_is_inclusive(total, found):
    c = cmp()
    compare_orders(c, [order()], [row(foreigntotal=total)], {})
    assert ("total_differs" in kinds(c)) is found


def test_missing_twice_customer_and_status_findings():
    c = cmp()
    orders = [order(1), order(2), order(3), order(4, status="completed"), order(5)]
    rows = [row(11, 2), row(12, 2, externalid=None), row(13, 3, entity="77"), row(14, 4),
            row(15, 5, status="F")]
    compare_orders(c, orders, rows, {3: "5"})
    assert kinds(c) == ["missing_in_netsuite", "in_netsuite_twice", "customer_differs",
                        "completed_in_woo_unfulfilled_in_netsuite", "fulfilled_in_netsuite_open_in_woo"]
    assert c.findings[0]["fix"] == "requeue" and c.findings[0]["woo_id"] == 1
    assert all(f["check"] for f in c.findings[1:])
    assert c.counts()["missing_in_netsuite"] == 1 and c.counts()["stock_drift"] == 0


def test_a_sales_order_found_only_by_number_is_paired_not_missing():
    c = cmp()
    compare_orders(c, [order(8)], [row(30, 8, externalid="made-by-hand")], {})
    assert c.findings == []


def test_netsuite_tax_is_compared_when_netsuite_reports_it():
    c = cmp()
    compare_orders(c, [order()], [row(foreigntotal="110.00", taxtotal="10.00")], {})
    assert c.findings == []
    compare_orders(c, [order()], [row(foreigntotal="112.00", taxtotal="12.00")], {})
    assert kinds(c) == ["total_differs", "tax_differs"]


def test_stock_drift_names_the_sku_and_the_expected_quantity():
    c = cmp()
    compare_stock(c, {"A": 5, "B": 3, "C": None}, {"A": 5, "B": 4, "C": 2, "D": 9})
    assert [(f["sku"], f["expected"]) for f in c.findings] == [("B", 4), ("C", 2)]
    assert all(f["fix"] == "push_stock" for f in c.findings)
