"""REST handlers for /orders, /orders/batch, /orders/<id>/notes and /orders/<id>/refunds (spec A3)."""

from __future__ import annotations

import re

from .wc_api_products import created, list_reply
from .wc_batch import run_batch
from .wc_errors import WooError, invalid_id, not_in_enum
from .wc_listing import date_filters, id_list, order_records, pick_fields
from .wc_orders import create_order, delete_order, get_order, trash_order, update_order
from .wc_refunds import create_note, create_refund, delete_refund
from .wc_render_orders import render_note, render_order, render_refund
from .wc_routes import Ctx, Reply
from .wc_schema import ORDER_STATUSES

LIST_STATUSES = ["any", "trash"] + ORDER_STATUSES
ORDER_LINK_DEFAULTS = [("status[0]", "any"), ("dp", "2"), ("context", "view")]


def _render(ctx: Ctx, order: dict) -> dict:
    return render_order(ctx.store, order, ctx.home_url)


def _matches(ctx: Ctx, order: dict, statuses: list[str]) -> bool:
    q = ctx.query
    include, exclude = id_list(q, "include"), id_list(q, "exclude")
    if "any" in statuses:
        status_ok = order["status"] != "trash"
    else:
        status_ok = order["status"] in statuses
    product = int(q["product"]) if str(q.get("product", "")).isdigit() else None
    return all([status_ok, include is None or order["id"] in include, not exclude or order["id"] not in exclude,
                not q.get("customer") or order["customer_id"] == int(q["customer"]),
                not q.get("parent") or order["parent_id"] in (id_list(q, "parent") or []),
                product is None or any(i["product_id"] == product for i in order["line_items"]),
                not q.get("search") or str(q["search"]).lower() in str(order["billing"]).lower()])


def list_orders(ctx: Ctx) -> Reply:
    statuses = [s for s in re.split(r"[\s,]+", str(ctx.query.get("status") or "")) if s] or ["any"]  # wp_parse_list
    for pos, status in enumerate(statuses):
        if status not in LIST_STATUSES:  # the list is an array param: WordPress names the bad item
            raise not_in_enum("status", LIST_STATUSES, item=f"status[{pos}]")
    preds = date_filters(ctx.query, ctx.store.options["timezone_offset"])
    records = [o for o in ctx.store.orders.values() if _matches(ctx, o, statuses) and all(p(o) for p in preds)]
    desc = str(ctx.query.get("order", "desc")).lower() == "desc"  # HPOS adds "id" in the same direction
    records = order_records(records, ctx.query, include=id_list(ctx.query, "include"), ties_by_id_desc=desc)
    return list_reply(ctx, records, lambda o: _render(ctx, o), ORDER_LINK_DEFAULTS)


def post_order(ctx: Ctx) -> Reply:
    order = create_order(ctx.store, ctx.body or {})
    return created(ctx, _render(ctx, order), f"orders/{order['id']}")


def get_one_order(ctx: Ctx, oid: int) -> Reply:
    return Reply(200, pick_fields(_render(ctx, get_order(ctx.store, oid)), ctx.query.get("_fields"), keep_links=True))


def _update(ctx: Ctx, oid: int, body: dict) -> dict:
    return _render(ctx, update_order(ctx.store, get_order(ctx.store, oid, 400), body))


def put_order(ctx: Ctx, oid: int) -> Reply:
    return Reply(200, _update(ctx, oid, ctx.body or {}))


def _delete(ctx: Ctx, oid: int, force: bool) -> dict:
    order = get_order(ctx.store, oid)
    before = _render(ctx, order)
    if force:
        delete_order(ctx.store, order)
    elif order["status"] == "trash":
        raise WooError("woocommerce_rest_already_trashed", "The order has already been deleted.", 410)
    else:
        trash_order(ctx.store, order)
    return before


def delete_one_order(ctx: Ctx, oid: int) -> Reply:
    return Reply(200, _delete(ctx, oid, ctx.force))


def batch_orders(ctx: Ctx) -> Reply:
    from dataclasses import replace

    return run_batch(ctx, lambda item: post_order(replace(ctx, body=item)).body,
                     lambda oid, item: _update(ctx, oid, item), lambda oid: _delete(ctx, oid, True),
                     lambda: invalid_id("woocommerce_rest_shop_order_invalid_id", 400))


def list_notes(ctx: Ctx, oid: int) -> Reply:
    """All notes, newest first (same second: id ascending), no paging headers (spec A3.6, FINDINGS)."""
    get_order(ctx.store, oid)
    kind = ctx.query.get("type", "any")
    if kind not in ("any", "customer", "internal"):
        raise not_in_enum("type", ["any", "customer", "internal"])
    notes = [n for n in ctx.store.notes.values() if n["order_id"] == oid and
             (kind == "any" or n["customer_note"] == (kind == "customer"))]
    notes.sort(key=lambda n: (-n["date_created"].timestamp(), n["id"]))
    return Reply(200, [render_note(ctx.store, n, ctx.home_url) for n in notes])


def post_note(ctx: Ctx, oid: int) -> Reply:
    order = ctx.store.orders.get(oid)
    if order is None:
        raise WooError("woocommerce_rest_order_invalid_id", "Invalid order ID.", 404)
    note = create_note(ctx.store, order, ctx.body if isinstance(ctx.body, dict) else {}, ctx.key)
    return created(ctx, render_note(ctx.store, note, ctx.home_url), f"orders/{oid}/notes/{note['id']}")


def _note(ctx: Ctx, oid: int, nid: int) -> dict:
    get_order(ctx.store, oid)
    note = ctx.store.notes.get(nid)
    if note is None or note["order_id"] != oid:
        raise WooError("woocommerce_rest_invalid_id", "Invalid resource ID.", 404)
    return note


def get_note(ctx: Ctx, oid: int, nid: int) -> Reply:
    return Reply(200, render_note(ctx.store, _note(ctx, oid, nid), ctx.home_url))


def delete_note(ctx: Ctx, oid: int, nid: int) -> Reply:
    note = _note(ctx, oid, nid)
    if not ctx.force:
        raise WooError("woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501)
    ctx.store.notes.pop(nid, None)
    return Reply(200, render_note(ctx.store, note, ctx.home_url))


def list_refunds(ctx: Ctx, oid: int) -> Reply:
    order = get_order(ctx.store, oid)
    refunds = [ctx.store.refunds[r] for r in order["refund_ids"] if r in ctx.store.refunds]
    refunds = order_records(refunds, ctx.query)
    return list_reply(ctx, refunds, lambda r: render_refund(ctx.store, r, ctx.home_url))


def post_refund(ctx: Ctx, oid: int) -> Reply:
    order = ctx.store.orders.get(oid)
    if order is None:
        raise WooError("woocommerce_rest_invalid_order_id", "Invalid order ID.", data=404, http_status=500)
    refund = create_refund(ctx.store, order, ctx.body if isinstance(ctx.body, dict) else {})
    return created(ctx, render_refund(ctx.store, refund, ctx.home_url), f"orders/{oid}/refunds/{refund['id']}")


def _refund(ctx: Ctx, oid: int, rid: int) -> tuple[dict, dict]:
    order = get_order(ctx.store, oid)
    refund = ctx.store.refunds.get(rid)
    if refund is None or refund["order_id"] != oid:
        raise invalid_id("woocommerce_rest_shop_order_refund_invalid_id", 404)
    return order, refund


def get_refund(ctx: Ctx, oid: int, rid: int) -> Reply:
    return Reply(200, render_refund(ctx.store, _refund(ctx, oid, rid)[1], ctx.home_url))


def delete_refund_route(ctx: Ctx, oid: int, rid: int) -> Reply:
    order, refund = _refund(ctx, oid, rid)
    body = render_refund(ctx.store, refund, ctx.home_url)
    delete_refund(ctx.store, order, refund)
    return Reply(200, body)
