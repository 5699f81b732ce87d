"""Order notes and refunds (spec A3.6, A3.7), including the refund controller's HTTP 500 error quirk."""

from __future__ import annotations

from decimal import Decimal

from .wc_errors import WooError, missing_params, not_of_type
from .wc_orders import add_system_note, set_status, touch
from .wc_stock import restock_refund
from .wc_util import apply_meta, dec

REFUND_GATEWAYS = {"stripe", "paypal", "ppcp-gateway", "woocommerce_payments", "sandbox_gateway"}


def refund_error(message: str, data: int, code: str = "woocommerce_rest_cannot_create_order_refund") -> WooError:
    """Refund errors carry a bare integer as data, so WordPress answers 500 (spec A3.7)."""
    return WooError(code, message, data=data, http_status=500)


def create_note(store, order: dict, body: dict, key: dict | None) -> dict:
    """Only an absent (or null) note is missing: WooCommerce 8.2.2 stores an empty or blank note as sent (201)."""
    note = body.get("note")
    if note is None:
        raise missing_params(["note"])
    if not isinstance(note, str):
        raise not_of_type("note", "string")
    author = (key or {}).get("username", "admin") if body.get("added_by_user") else "WooCommerce"
    return add_system_note(store, order, note, bool(body.get("customer_note")), author)


def refunded_total(store, order: dict) -> Decimal:
    return sum((store.refunds[r]["amount"] for r in order["refund_ids"] if r in store.refunds), Decimal(0))


def _refund_lines(store, order: dict, entries: list[dict]) -> tuple[list, list, list, Decimal]:
    """Copy the refunded order items (by order item id) with the refunded quantity and amounts."""
    lines, shipping, fees, amount = [], [], [], Decimal(0)
    by_id = {i["id"]: (kind, i) for kind in ("line_items", "shipping_lines", "fee_lines") for i in order[kind]}
    for entry in entries or []:
        kind, item = by_id.get(int(entry.get("id") or 0), (None, None))
        if item is None:
            continue
        total = dec(entry.get("refund_total"))
        taxes = [{"id": int(t.get("id") or 0), "total": dec(t.get("refund_total")), "subtotal": dec(t.get("refund_total"))}
                 for t in entry.get("refund_tax") or []]
        amount += total + sum((t["total"] for t in taxes), Decimal(0))
        copy = {**item, "id": store.next_id("item"), "quantity": int(entry.get("quantity") or 0),
                "subtotal": total, "total": total, "taxes": taxes,
                "meta": [{"id": store.meta_id(), "key": "_refunded_item_id", "value": str(item["id"])}]}
        {"line_items": lines, "shipping_lines": shipping, "fee_lines": fees}[kind].append((copy, item))
    return lines, shipping, fees, amount


def create_refund(store, order: dict, body: dict) -> dict:
    """POST /orders/<id>/refunds: validate the amount, ask the gateway when api_refund, restock, maybe refund."""
    lines, shipping, fees, line_amount = _refund_lines(store, order, body.get("line_items"))
    amount = dec(body["amount"]) if body.get("amount") not in (None, "") else line_amount
    if amount <= 0:
        raise refund_error("Refund amount must be greater than zero.", 400, "woocommerce_rest_invalid_order_refund")
    remaining = order["totals"]["total"] - refunded_total(store, order)
    if amount > remaining:
        raise refund_error("Invalid refund amount.", 500)
    api_refund = body.get("api_refund", True) not in (False, "false", "0", 0)
    if api_refund and order["payment_method"] not in REFUND_GATEWAYS:
        message = ("The payment gateway for this order does not support automatic refunds."
                   if order["payment_method"] else "The payment gateway for this order does not exist.")
        raise refund_error(message, 500)
    with store.lock:
        refund = {"id": store.next_id("post"), "order_id": order["id"], "date_created": store.now(),
                  "amount": amount, "reason": str(body.get("reason") or ""), "refunded_by": 1,
                  "refunded_payment": api_refund, "meta": apply_meta([], body.get("meta_data"), store.meta_id),
                  "line_items": [c for c, _ in lines], "shipping_lines": [c for c, _ in shipping],
                  "fee_lines": [c for c, _ in fees]}
        store.refunds[refund["id"]] = refund
        order["refund_ids"].append(refund["id"])
        if body.get("api_restock", True) not in (False, "false", "0", 0):
            _restock(store, order, lines)
        if order["totals"]["total"] - refunded_total(store, order) <= 0 and order["status"] != "refunded":
            set_status(store, order, "refunded")
        touch(store, order)
        store.emit("action", "woocommerce_order_refunded", order["id"])
    return refund


def _restock(store, order: dict, lines: list) -> None:
    for copy, item in lines:
        if copy["quantity"] <= 0:
            continue
        restock_refund(store, order, item, copy["quantity"])
        reduced = next((m for m in item["meta"] if m["key"] == "_reduced_stock"), None)
        if reduced:
            reduced["value"] = str(max(0, int(reduced["value"]) - copy["quantity"]))
        item["meta"].append({"id": store.meta_id(), "key": "_restock_refunded_items", "value": str(copy["quantity"])})


def delete_refund(store, order: dict, refund: dict) -> None:
    with store.lock:
        store.refunds.pop(refund["id"], None)
        if refund["id"] in order["refund_ids"]:
            order["refund_ids"].remove(refund["id"])
