"""Dry run of the orders flow: the exact sales-order body that would be sent, the customer it would use or
create, and every problem that would fail it — without writing anything to NetSuite or WooCommerce (issue 16).

Steps, top to bottom, as the orders flow takes them but read-only: read the order fresh from WooCommerce →
already exported? → customer: link, found in NetSuite, or the body that would be created → items: one SuiteQL
look-up for every SKU → map with the given settings (saved or not) → report. Every problem is collected instead
of stopping at the first, so a merchant sees the whole list at once.
"""

from __future__ import annotations

from typing import Any

from sidecar.clients.errors import NotFoundError
from sidecar.flows import customers, item_lookup
from sidecar.flows.base import FlowContext, FlowError
from sidecar.mapping import orders as order_map
from sidecar.mapping.common import MappingError, guest_key
from sidecar.mapping.customers import from_order, from_woo_customer
from sidecar.store import binder

NEW_CUSTOMER = "(new customer)"
UNMATCHED_ITEM = "(no NetSuite item)"


def preview_order(ctx: FlowContext, woo_id: int) -> dict:
    """What exporting WooCommerce order ``woo_id`` would do now, with ``ctx.settings``; reads only."""
    try:
        order = ctx.woo.get_order(woo_id)
    except NotFoundError:
        return {"order_id": woo_id, "ok": False, "would": "nothing", "sales_order": None, "customer": None,
                "problems": [{"field": None, "message": f"Order {woo_id} does not exist in WooCommerce."}]}
    problems: list[dict] = []
    link = binder.find("order", order["id"])
    would = _action(order, link, ctx.settings, problems)
    customer = _customer(ctx, order, problems)
    item_ids = _items(ctx, order, problems)
    body = _body(order, ctx.settings, customer.get("id") or NEW_CUSTOMER, item_ids, problems)
    return {"order_id": order["id"], "number": order.get("number"), "status": order.get("status"),
            "ok": not problems, "would": would, "sales_order": body, "customer": customer,
            "problems": problems}


def preview_recent(ctx: FlowContext, limit: int) -> list[dict]:
    """The same for the newest ``limit`` orders in the export statuses (settings not saved yet included)."""
    statuses = ctx.settings["orders"]["export_statuses"]
    orders = ctx.woo.get("orders", params={"status": ",".join(statuses), "per_page": limit,
                                          "orderby": "date", "order": "desc"})
    return [preview_order(ctx, order["id"]) for order in orders[:limit]]


def _action(order: dict, link, settings: dict, problems: list[dict]) -> str:
    if link and link.ns_id:
        return f"nothing: already exported as {link.ns_number}"
    statuses = settings["orders"]["export_statuses"]
    if order["status"] not in statuses:
        problems.append({"field": "orders.export_statuses",
                         "message": f"status {order['status']} is not one of orders.export_statuses {statuses}; "
                                    "the order waits until it reaches one"})
        return "wait"
    return "create"


def _customer(ctx: FlowContext, order: dict, problems: list[dict]) -> dict:
    """The customer the order would be sold to: ``{"action": use|link|create, "id", "body"}``."""
    try:
        if order.get("customer_id"):
            link = binder.find("customer", order["customer_id"])
            if link and link.ns_id:
                return {"action": "use", "id": link.ns_id, "source": "linked customer"}
            body = from_woo_customer(ctx.woo.get_customer(order["customer_id"]), ctx.settings)
            return _found_or_new(ctx, body)
        guest = ctx.settings["orders"]["guest_customer"]
        if guest != "create":
            return {"action": "use", "id": guest, "source": "orders.guest_customer"}
        email = ((order.get("billing") or {}).get("email") or "").strip().lower()
        link = binder.find("guest", guest_key(email)) if email else None
        if link and link.ns_id:
            return {"action": "use", "id": link.ns_id, "source": "linked guest customer"}
        return _found_or_new(ctx, from_order(order, ctx.settings))
    except MappingError as exc:
        problems.append({"field": exc.setting, "message": exc.message})
        return {"action": "none", "id": None}


def _found_or_new(ctx: FlowContext, body: dict) -> dict:
    found = customers.find_existing(ctx, body)
    if found:
        return {"action": "link", "id": found, "source": "existing NetSuite customer (external id or e-mail)"}
    return {"action": "create", "id": None, "body": body}


def _items(ctx: FlowContext, order: dict, problems: list[dict]) -> dict[Any, str]:
    """Item id per line id; every line without SKU or item is a problem (not only the first)."""
    lines = order.get("line_items") or []
    skus = [(line.get("sku") or "").strip() for line in lines]
    found = item_lookup.resolve_skus(ctx, [s for s in skus if s]) if any(skus) else {}
    match_by = ctx.settings["items"]["match_by"]
    ids: dict[Any, str] = {}
    for line, sku in zip(lines, skus, strict=True):
        if not sku:
            problems.append({"field": None, "message": f"line '{line.get('name')}' (product "
                             f"{line.get('product_id')}) has no SKU; give the product a SKU in WooCommerce"})
        elif sku not in found:
            problems.append({"field": "items.match_by",
                             "message": f"SKU {sku} has no NetSuite item (matched by {match_by})"})
        ids[line["id"]] = found.get(sku, UNMATCHED_ITEM)
    return ids


def _body(order: dict, settings: dict, customer_id: str, item_ids: dict, problems: list[dict]) -> dict | None:
    try:
        return order_map.sales_order(order, settings, order_map.ResolvedOrder(customer_id=customer_id,
                                                                              item_ids=item_ids))
    except (MappingError, FlowError) as exc:
        problems.append({"field": getattr(exc, "setting", None) or getattr(exc, "field", None),
                         "message": exc.message})
        return None
