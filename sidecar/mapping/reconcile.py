"""Reconciliation, pure: pair WooCommerce orders with NetSuite sales orders and name every difference.

The flow (``sidecar.flows.reconcile``) reads both sides and the links it knows; this module only compares, so
each rule is testable on plain dicts. A finding says what differs, which fix is safe (``fix``) or, when none is,
what a person should check (``check``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

UNFULFILLED = {"A", "B"}  # Pending Approval, Pending Fulfillment
FULFILLED = {"F", "G"}  # Pending Billing, Billed: every line shipped
OPEN_IN_WOO = {"processing", "on-hold"}

KINDS = {
    "missing_in_netsuite": "The order is in an export status but has no sales order in NetSuite.",
    "in_netsuite_twice": "More than one NetSuite sales order carries this order's number.",
    "total_differs": "The totals differ by more than the tolerance.",
    "tax_differs": "The tax differs by more than the tolerance.",
    "customer_differs": "The sales order is sold to another customer than the one this order is linked to.",
    "completed_in_woo_unfulfilled_in_netsuite": "Completed in WooCommerce, not fulfilled in NetSuite.",
    "fulfilled_in_netsuite_open_in_woo": "Fulfilled in NetSuite, still open in WooCommerce.",
    "stock_drift": "WooCommerce stock differs from NetSuite available minus the safety buffer.",
}


@dataclass
class Comparison:
    store_key: str
    tolerance: Decimal
    taxes: str  # "netsuite" or "woocommerce" (orders.taxes)
    findings: list[dict] = field(default_factory=list)

    def add(self, kind: str, order: dict | None, row: dict | None, detail: str, *, fix: str | None = None,
            check: str | None = None) -> None:
        self.findings.append({
            "kind": kind, "woo_id": order.get("id") if order else None,
            "number": str(order.get("number") or order.get("id")) if order else None,
            "ns_id": str(row["id"]) if row else None, "tranid": row.get("tranid") if row else None,
            "detail": detail, "fix": fix, "check": check})

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(KINDS, 0)
        for finding in self.findings:
            out[finding["kind"]] += 1
        return out


def money(value) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        return Decimal(0)


def order_external_id(store_key: str, woo_id) -> str:
    return f"woo-{store_key}-order-{woo_id}".lower()


def compare_orders(cmp: Comparison, woo_orders: Iterable[dict], ns_rows: Iterable[dict],
                   customers: dict) -> None:
    """Pair by external id (ours) and by order number (a twin made by hand or by another tool)."""
    by_external: dict[str, dict] = {}
    by_number: dict[str, list[dict]] = {}
    for row in ns_rows:
        if row.get("externalid"):
            by_external[str(row["externalid"]).lower()] = row
        if row.get("otherrefnum"):
            by_number.setdefault(str(row["otherrefnum"]), []).append(row)
    for order in woo_orders:
        ours = by_external.get(order_external_id(cmp.store_key, order["id"]))
        number = str(order.get("number") or order["id"])
        twins = [r for r in by_number.get(number, []) if r is not ours]
        if ours is None and not twins:
            cmp.add("missing_in_netsuite", order, None, f"order {number} ({order.get('status')}) has no sales order",
                    fix="requeue")
            continue
        if (ours and twins) or len(twins) > 1:
            ids = ", ".join(r.get("tranid") or str(r["id"]) for r in ([ours] if ours else []) + twins)
            cmp.add("in_netsuite_twice", order, ours or twins[0], f"sales orders {ids} all carry number {number}",
                    check="Keep one sales order; close or delete the others in NetSuite.")
        row = ours or twins[0]
        _amounts(cmp, order, row)
        _customer(cmp, order, row, customers.get(order["id"]))
        _status(cmp, order, row)


def _amounts(cmp: Comparison, order: dict, row: dict) -> None:
    woo_total, woo_tax = money(order.get("total")), money(order.get("total_tax"))
    ns_total, ns_tax = money(row.get("foreigntotal")), money(row.get("taxtotal"))
    if cmp.taxes == "woocommerce" or row.get("taxtotal") is not None:
        expected, found = woo_total, ns_total
    else:  # NetSuite's tax engine adds its own tax: compare before tax
        expected, found = woo_total - woo_tax, ns_total
    if abs(expected - found) > cmp.tolerance:
        cmp.add("total_differs", order, row, f"WooCommerce {expected} vs NetSuite {found}",
                check="Compare the lines, discounts and shipping of both; a price or tax setting may differ.")
    if row.get("taxtotal") is not None and cmp.taxes == "netsuite" and abs(woo_tax - ns_tax) > cmp.tolerance:
        cmp.add("tax_differs", order, row, f"WooCommerce tax {woo_tax} vs NetSuite tax {ns_tax}",
                check="Check the tax codes/nexus in NetSuite against the store's tax rates.")


def _customer(cmp: Comparison, order: dict, row: dict, expected: str | None) -> None:
    found = str(row.get("entity") or "")
    if expected and found and str(expected) != found:
        cmp.add("customer_differs", order, row, f"sold to customer {found}, linked customer is {expected}",
                check="Someone changed the customer on the sales order, or the link is stale; check both.")


def _status(cmp: Comparison, order: dict, row: dict) -> None:
    status = str(row.get("status") or "")
    if order.get("status") == "completed" and status in UNFULFILLED:
        cmp.add("completed_in_woo_unfulfilled_in_netsuite", order, row,
                f"WooCommerce completed, NetSuite status {status}",
                check="Fulfil the sales order in NetSuite, or reopen the order in WooCommerce if it did not ship.")
    elif order.get("status") in OPEN_IN_WOO and status in FULFILLED:
        cmp.add("fulfilled_in_netsuite_open_in_woo", order, row,
                f"NetSuite status {status}, WooCommerce {order.get('status')}",
                check="Run the fulfillments sync; if it finds nothing, check the fulfillment's created-from.")


def compare_stock(cmp: Comparison, woo_stock: dict[str, int | None], expected: dict[str, int]) -> None:
    """Per SKU: WooCommerce's stock_quantity against what the inventory flow would push."""
    for sku, want in sorted(expected.items()):
        have = woo_stock.get(sku)
        if sku in woo_stock and have != want:
            shown = "stock not tracked" if have is None else have
            cmp.findings.append({"kind": "stock_drift", "woo_id": None, "number": None, "ns_id": None,
                                 "tranid": None, "sku": sku, "detail": f"WooCommerce {shown}, NetSuite {want} "
                                                                       "(available − buffer − unexported orders)",
                                 "fix": "push_stock", "check": None, "expected": want})
