"""Fulfilments, NetSuite → WooCommerce (``POST /v1/sync/fulfillments``, ``schedules.fulfillments``).

Steps, top to bottom: list the item fulfilments modified since the cursor (SuiteQL, spec §8.4) → keep those
created from sales orders we exported → for each one not yet bound: read it and its sales order → write the
tracking meta (``fulfillments.tracking_meta``) → add the customer-visible note, unless WooCommerce already shows
it → once every line of the order is fulfilled, mark the order ``completed`` (``fulfillments.complete_order``) →
bind it by its NetSuite id (last, so that a write that fails is tried again by the next poll). Only shipped
fulfilments (status C) are told; a picked or packed one comes back when it ships (its ``lastmodifieddate``
moves).

Our own writes come back as ``order.updated``: the orders flow finds nothing changed ("Already up to date."),
and nothing here runs on events, so there is no second note and no loop.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from sidecar.clients.errors import NotFoundError, RemoteError
from sidecar.clients.suiteql import literal
from sidecar.flows import ns_poll
from sidecar.flows.base import FlowContext, FlowError
from sidecar.mapping import fulfillments as ship_map
from sidecar.store import binder
from sidecar.store.models import utcnow

log = logging.getLogger(__name__)
FLOW = "fulfillments"
ENTITY = "fulfillment"  # binder: "<woo order id>-<fulfilment internal id>" ↔ the fulfilment
CURSOR = "netsuite.fulfillments.lastmodifieddate"
SHIPPED = "C"
DONE_STATUSES = {"completed", "cancelled", "refunded", "failed", "trash"}
MAX_ERRORS = 20
QUERY = ("SELECT f.id AS fulfillment_id, f.tranid, f.status, "
         "TO_CHAR(f.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodified, tl.createdfrom AS order_id "
         "FROM transaction f JOIN transactionline tl ON tl.transaction = f.id AND tl.mainline = 'T' "
         "WHERE f.type = 'ItemShip' AND f.lastmodifieddate >= TO_DATE({since}, 'YYYY-MM-DD HH24:MI:SS') "
         "ORDER BY f.id")


def run(ctx: FlowContext, run) -> None:
    """One poll: ``seen`` = our fulfilments in the window, ``changed`` = told to WooCommerce now."""
    started = utcnow()
    since = ns_poll.window_start(CURSOR, started)
    run.cursor_before = ns_poll.ns_time(since)
    rows = list(ctx.netsuite.suiteql(QUERY.format(since=literal(ns_poll.ns_time(since)))))
    by_order: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_order[str(row.get("order_id"))].append(row)
    errors: list[str] = []
    failed: list[dict] = []
    for ns_order_id, order_rows in by_order.items():
        link = binder.find_by_ns_id("order", ns_order_id)
        if link is None or not link.ns_id:
            continue  # not a sales order this store exported
        run.seen += len(order_rows)
        try:
            run.changed += ship_order(ctx, link, order_rows)
        except (FlowError, RemoteError) as exc:
            run.failed += 1
            failed += order_rows
            errors.append(f"Order {link.woo_id} ({link.ns_number}): {exc}")
    run.cursor_after = ns_poll.advance(CURSOR, rows, failed, started) or run.cursor_before
    run.errors = errors[:MAX_ERRORS] or None


def ship_order(ctx: FlowContext, link, rows: list[dict]) -> int:
    """Tell WooCommerce about each new shipped fulfilment of one order; complete it when all has shipped."""
    new = [r for r in rows if str(r.get("status")) == SHIPPED
           and not binder.find(ENTITY, child_key(link.woo_id, r["fulfillment_id"]))]
    if not new:
        return 0
    sales_order = ctx.netsuite.get("salesOrder", link.ns_id, expand_sub_resources=True)
    done = ship_map.fully_fulfilled(sales_order)
    try:
        order = ctx.woo.get_order(int(link.woo_id))
    except NotFoundError:  # deleted in the store: nothing to tell, and nothing to try again
        for row in new:
            binder.bind(ENTITY, child_key(link.woo_id, row["fulfillment_id"]), row["fulfillment_id"],
                        ns_number=row.get("tranid"), data={"order": int(link.woo_id), "skipped": "order deleted"})
        return 0
    for n, row in enumerate(new, start=1):
        fulfillment = ctx.netsuite.get("itemFulfillment", row["fulfillment_id"], expand_sub_resources=True)
        last = done and n == len(new)
        order, told = tell_shipment(ctx, order, fulfillment, sales_order, last=last)
        if last:  # before the last binding: a completion that fails leaves that shipment to be told again
            complete(ctx, order, link)
        bind_shipment(link, fulfillment, told)
    return len(new)


def child_key(woo_order_id, fulfillment_id) -> str:
    return f"{woo_order_id}-{fulfillment_id}"


def tell_shipment(ctx: FlowContext, order: dict, fulfillment: dict, sales_order: dict, *, last: bool,
                  ) -> tuple[dict, dict]:
    """Tracking meta, then the note (not again if WooCommerce shows it already); returns the order as it is now
    and what the binding keeps of the shipment."""
    opts = ctx.settings["fulfillments"]
    carrier = ship_map.carrier_name(fulfillment, opts["carriers"])
    tracking = ship_map.tracking_items(fulfillment, carrier)
    if opts["tracking_meta"] and tracking:
        merged = ship_map.merge_tracking(ship_map.meta_value(order, ship_map.TRACKING_META), tracking)
        if merged != ship_map.meta_value(order, ship_map.TRACKING_META):
            order = ctx.woo.set_order_meta(order["id"], {ship_map.TRACKING_META: merged})
    note = ship_map.shipment_note(fulfillment, sales_order, carrier, last)
    if not _note_exists(ctx, order["id"], ship_map.marker(fulfillment)):
        ctx.woo.add_order_note(order["id"], note, customer_note=opts["notify_customer"])
    return order, {"carrier": carrier, "note": note, "tracking": ship_map.tracking_numbers(fulfillment),
                   "shipped": float(ship_map.shipped_quantity(fulfillment)), "at": fulfillment.get("tranDate")}


def bind_shipment(link, fulfillment: dict, told: dict) -> None:
    """The shipment is told: bound by its NetSuite id, so no later poll tells it again."""
    binder.bind(ENTITY, child_key(link.woo_id, fulfillment["id"]), fulfillment["id"],
                ns_number=fulfillment.get("tranId"), data={"order": int(link.woo_id), **told})


def _note_exists(ctx: FlowContext, order_id: int, marker: str) -> bool:
    """Re-read before writing: a note from an attempt that crashed before binding is not written twice."""
    needle = f"(shipment {marker})"
    return any(needle in str(n.get("note") or "") for n in ctx.woo.list_order_notes(order_id))


def complete(ctx: FlowContext, order: dict, link) -> None:
    """Everything shipped: ``completed`` (WooCommerce e-mails the customer), once, unless turned off or the
    order already moved on (cancelled, refunded, completed by hand)."""
    if not ctx.settings["fulfillments"]["complete_order"] or order.get("status") in DONE_STATUSES:
        return
    ctx.woo.update_order(order["id"], {"status": "completed"})
    binder.remember(link, completed_by="fulfillments", completed_at=dt.datetime.now(dt.UTC).isoformat())


def fulfillments_of(order_id) -> list[dict]:
    """The shipments told to WooCommerce for an order, for ``GET /v1/orders/<id>``."""
    return [{"ns_id": ln.ns_id, "ns_number": ln.ns_number, "carrier": (ln.data or {}).get("carrier"),
             "tracking": (ln.data or {}).get("tracking") or [], "shipped": (ln.data or {}).get("shipped"),
             "note": (ln.data or {}).get("note"), "synced_at": ln.created_at.isoformat() + "Z"}
            for ln in binder.children(ENTITY, order_id)]
