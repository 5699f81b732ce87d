"""Orders: create and update with WooCommerce's semantics (spec A3): items merged by id, coupons replaced,
meta upserted by key, totals recalculated, and the side effects of a status change (stock, dates, notes).
"""

from __future__ import annotations

import secrets
import string
from datetime import UTC
from decimal import Decimal

from .wc_errors import WooError, invalid_id
from .wc_items import build_fee, build_line_item, build_shipping, merge_items
from .wc_schema import ORDER_SCHEMA, validate
from .wc_stock import reduce_stock, restore_stock
from .wc_totals import calculate_totals, find_coupon
from .wc_util import apply_meta

ADDRESS_KEYS = ["first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode",
                "country"]
STATUS_LABELS = {"pending": "Pending payment", "processing": "Processing", "on-hold": "On hold",
                 "completed": "Completed", "cancelled": "Cancelled", "refunded": "Refunded", "failed": "Failed",
                 "checkout-draft": "Draft", "auto-draft": "Draft", "trash": "Trash"}
PAID_STATUSES = ("processing", "completed")
REDUCE_STATUSES = ("processing", "completed", "on-hold")
RESTORE_STATUSES = ("cancelled", "pending")


def blank_address(with_email: bool) -> dict:
    address = {k: "" for k in ADDRESS_KEYS}
    address["email" if with_email else "phone"] = ""
    if with_email:
        address["phone"] = ""
    return address


def new_order(store, created_via: str) -> dict:
    now = store.now()
    key = "wc_order_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(13))
    return {"id": 0, "parent_id": 0, "status": "pending", "currency": "USD", "version": "8.2.2",
            "prices_include_tax": False, "date_created": now, "date_modified": now, "date_paid": None,
            "date_completed": None, "customer_id": 0, "order_key": key, "billing": blank_address(True),
            "shipping": blank_address(False), "payment_method": "", "payment_method_title": "",
            "transaction_id": "", "customer_ip_address": "", "customer_user_agent": "", "created_via": created_via,
            "customer_note": "", "cart_hash": "", "meta": [], "line_items": [], "shipping_lines": [],
            "fee_lines": [], "coupon_lines": [], "tax_lines": [], "refund_ids": [], "stock_reduced": False,
            "totals": {}, "trashed_from": None}


def get_order(store, order_id: int, status: int = 404) -> dict:
    order = store.orders.get(order_id)
    if order is None:
        raise invalid_id("woocommerce_rest_shop_order_invalid_id", status)
    return order


def _check_customer(store, body: dict) -> None:
    customer_id = body.get("customer_id")
    if customer_id and customer_id not in store.customers:
        raise WooError("woocommerce_rest_invalid_customer_id", "Customer ID is invalid.", 400)


def _set_props(store, order: dict, body: dict) -> None:
    for field in ("parent_id", "currency", "customer_id", "customer_note", "payment_method",
                  "payment_method_title", "transaction_id"):
        if field in body:
            order[field] = body[field]
    for part in ("billing", "shipping"):
        if isinstance(body.get(part), dict):
            order[part].update({k: str(v) for k, v in body[part].items() if k in order[part]})
    if "meta_data" in body:
        order["meta"] = apply_meta(order["meta"], body["meta_data"], store.meta_id)


def _set_items(store, order: dict, body: dict) -> bool:
    """Merge item arrays; returns True when totals must be recalculated."""
    changed = False
    builders = {"line_items": build_line_item, "shipping_lines": build_shipping, "fee_lines": build_fee}
    for field, builder in builders.items():
        if field in body:
            merge_items(store, order, field, body[field] or [], builder)
            changed = True
    if "coupon_lines" in body:
        order["coupon_lines"] = []
        for entry in body["coupon_lines"] or []:
            if entry.get("code"):
                order["coupon_lines"].append({"id": store.next_id("item"), "code": str(entry["code"]).lower(),
                                              "meta": [], "discount": Decimal(0), "discount_tax": Decimal(0)})
        changed = True
    return changed or any(k in body for k in ("billing", "shipping"))


def _check_coupons(store, order: dict) -> None:
    for coupon_line in order["coupon_lines"]:
        if find_coupon(store, coupon_line["code"]) is None:
            raise WooError("woocommerce_rest_invalid_coupon", f'Coupon "{coupon_line["code"]}" does not exist!', 400)


def create_order(store, body: dict, created_via: str = "rest-api") -> dict:
    """POST /orders. Like WooCommerce the order is saved before coupons are checked (FINDINGS)."""
    if body.get("id"):
        raise WooError("woocommerce_rest_shop_order_exists", "Cannot create existing order.", 400)
    body = validate(body, ORDER_SCHEMA)
    _check_customer(store, body)
    with store.lock:
        order = new_order(store, created_via)
        order["id"] = store.next_id("post")
        _set_props(store, order, body)
        _copy_customer_email(store, order, body)
        _set_items(store, order, body)
        calculate_totals(store, order)
        store.orders[order["id"]] = order
        store.emit("order", "created", order["id"])
        try:
            _check_coupons(store, order)
        except WooError:
            order["coupon_lines"] = []
            calculate_totals(store, order)
            set_status(store, order, body.get("status", "pending"), initial=True)
            raise
        set_status(store, order, body.get("status", "pending"), initial=True)
        if body.get("set_paid"):
            payment_complete(store, order)
    return order


def _copy_customer_email(store, order: dict, body: dict) -> None:
    customer = store.customers.get(order["customer_id"])
    if customer and not order["billing"]["email"]:
        order["billing"]["email"] = customer["email"]


def update_order(store, order: dict, body: dict) -> dict:
    """PUT /orders/<id>: only the fields present are touched."""
    body = validate(body, ORDER_SCHEMA)
    _check_customer(store, body)
    with store.lock:
        _set_props(store, order, body)
        if _set_items(store, order, body):
            _check_coupons(store, order)
            calculate_totals(store, order)
        if "status" in body:
            set_status(store, order, body["status"])
        if body.get("set_paid"):
            payment_complete(store, order)
        touch(store, order)
    return order


def touch(store, order: dict) -> None:
    order["date_modified"] = store.now()
    store.emit("order", "updated", order["id"])


def set_status(store, order: dict, new: str, initial: bool = False) -> None:
    """Status change side effects (spec A3.3): note, stock reduce/restore, date_paid, date_completed, actions."""
    old = "pending" if initial else order["status"]
    order["status"] = new
    if new == old:
        return
    if new in REDUCE_STATUSES:  # stock moves (and their notes) come before the status note, as captured
        reduce_stock(store, order)
    elif new in RESTORE_STATUSES:
        restore_stock(store, order)
    add_system_note(store, order, f"Order status changed from {STATUS_LABELS.get(old, old)} to "
                                  f"{STATUS_LABELS.get(new, new)}.")
    if new in PAID_STATUSES and order["date_paid"] is None:
        order["date_paid"] = store.now()
    if new == "completed":
        order["date_completed"] = store.now()
        customer = store.customers.get(order["customer_id"])
        if customer and not customer["is_paying_customer"]:  # the customer is saved: a customer.updated
            customer.update({"is_paying_customer": True, "date_modified": store.now()})
            store.emit("customer", "updated", customer["id"])
    store.emit("action", f"woocommerce_order_status_{new}", order["id"])
    store.emit("action", "woocommerce_order_status_changed", order["id"])
    order["date_modified"] = store.now()


def payment_complete(store, order: dict) -> None:
    """set_paid: WC_Order::payment_complete() — paid date, processing (or completed), stock reduced."""
    if order["status"] in ("pending", "failed", "on-hold", "cancelled", "checkout-draft"):
        set_status(store, order, "processing" if needs_processing(store, order) else "completed")
    if order["date_paid"] is None:
        order["date_paid"] = store.now()
    reduce_stock(store, order)


def needs_processing(store, order: dict) -> bool:
    for line in order["line_items"]:
        product = store.products.get(line["variation_id"] or line["product_id"])
        if product and not product["virtual"]:
            return True
    return False


def add_system_note(store, order: dict, text: str, customer_note: bool = False, author: str = "WooCommerce") -> dict:
    note = {"id": store.next_id("comment"), "order_id": order["id"], "author": author, "note": text,
            "customer_note": customer_note, "date_created": store.now()}
    store.notes[note["id"]] = note
    return note


def trash_order(store, order: dict) -> None:
    with store.lock:
        order["trashed_from"] = order["status"]
        order["meta"] += [{"id": store.meta_id(), "key": "_wp_trash_meta_status", "value": "wc-" + order["status"]},
                          {"id": store.meta_id(), "key": "_wp_trash_meta_time",
                           "value": str(int(store.now().replace(tzinfo=UTC).timestamp()))}]
        order["status"] = "trash"
        order["date_modified"] = store.now()
        store.emit("order", "deleted", order["id"])


def delete_order(store, order: dict) -> None:
    """Force delete: gone for good, with its notes and refunds; no webhook (FINDINGS)."""
    with store.lock:
        store.orders.pop(order["id"], None)
        for note_id in [n["id"] for n in store.notes.values() if n["order_id"] == order["id"]]:
            store.notes.pop(note_id)
        for refund_id in order["refund_ids"]:
            store.refunds.pop(refund_id, None)
