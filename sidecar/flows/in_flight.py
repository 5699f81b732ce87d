"""Units held by WooCommerce orders that already took stock in the store but are not sales orders in NetSuite
yet (issue 20: no oversell window). NetSuite's availability does not know them, so a stock push that ignored
them would hand the sold units back to the store.

Cheap on purpose — the sidecar's own state plus one WooCommerce query, never a walk of all orders:
- orders the sidecar heard of (order events of the last HORIZON) and has not exported (no ``order`` link
  with a NetSuite id): when their latest event shows a status that is exported (queued, running, failed
  export), their lines count, from that event's payload;
- orders in a stock-reducing status that is *not* exported (``on-hold`` by default: cheque, bank transfer):
  one paged query ``GET /orders?status=…&after=<oldest unexported order>`` gives their current state.
Cancelled, refunded, pending and failed orders gave their stock back (or never took it) and do not count; an
exported order is committed in NetSuite and counts there instead.
"""

from __future__ import annotations

import datetime as dt

import peewee

from sidecar.flows.base import FlowContext
from sidecar.mapping.stock import add_units
from sidecar.store.models import Event, Link, utcnow

STOCK_REDUCING = ("processing", "completed", "on-hold")  # WooCommerce reduces stock on entering these
HORIZON = dt.timedelta(days=30)
MARGIN = dt.timedelta(hours=1)  # the event may be stored a little after the order was created
ORDER_FIELDS = "id,status,date_created_gmt,line_items"


def held_units(ctx: FlowContext) -> dict[str, int]:
    """Units per folded SKU held by orders not yet in NetSuite."""
    exported_statuses = [s for s in ctx.settings["orders"]["export_statuses"] if s in STOCK_REDUCING]
    waiting = [s for s in STOCK_REDUCING if s not in exported_statuses]
    latest, oldest = _unexported_orders()
    held: dict[str, int] = {}
    orders: dict[int, dict] = {}
    refetch: list[int] = []
    for order_id, payload in latest.items():
        if not isinstance(payload, dict) or payload.get("status") not in exported_statuses:
            continue
        if isinstance(payload.get("line_items"), list):
            orders[order_id] = payload
        else:
            refetch.append(order_id)
    if waiting and oldest is not None:
        after = (oldest - MARGIN).strftime("%Y-%m-%dT%H:%M:%S")
        for order in ctx.woo.iter_pages("orders", {"status": ",".join(waiting), "after": after,
                                                   "dates_are_gmt": "true", "_fields": ORDER_FIELDS}):
            orders[int(order["id"])] = order
    for start in range(0, len(refetch), 100):
        ids = ",".join(str(i) for i in refetch[start:start + 100])
        for order in ctx.woo.iter_pages("orders", {"include": ids, "_fields": ORDER_FIELDS}):
            orders[int(order["id"])] = order
    exported = _exported(list(orders))
    for order_id, order in orders.items():
        if order.get("status") in STOCK_REDUCING and order_id not in exported:
            add_units(held, order.get("line_items") or [])
    return held


def _unexported_orders() -> tuple[dict[int, dict | None], dt.datetime | None]:
    """Latest event payload of every order heard of within HORIZON and not exported; and when the oldest of
    them was first heard of."""
    since = utcnow() - HORIZON
    exported = Link.select(Link.woo_id).where((Link.entity == "order") & Link.ns_id.is_null(False))
    rows = (Event.select(Event.resource_id, peewee.fn.MAX(Event.id).alias("last"),
                         peewee.fn.MIN(Event.created_at).alias("first"))
            .where(Event.topic.startswith("order.") & (Event.created_at > since)
                   & Event.resource_id.not_in(exported))
            .group_by(Event.resource_id).namedtuples())
    latest: dict[int, dict | None] = {}
    oldest = None
    last_ids = {}
    for row in rows:
        if not str(row.resource_id or "").isdigit():
            continue
        last_ids[row.last] = int(row.resource_id)
        first = row.first if isinstance(row.first, dt.datetime) else dt.datetime.fromisoformat(str(row.first))
        oldest = first if oldest is None else min(oldest, first)
    ids = list(last_ids)
    for start in range(0, len(ids), 500):
        for event in Event.select(Event.id, Event.payload).where(Event.id.in_(ids[start:start + 500])):
            latest[last_ids[event.id]] = event.payload
    return latest, oldest


def _exported(order_ids: list[int]) -> set[int]:
    found: set[int] = set()
    keys = [str(i) for i in order_ids]
    for start in range(0, len(keys), 500):
        query = Link.select(Link.woo_id).where((Link.entity == "order") & Link.ns_id.is_null(False)
                                               & Link.woo_id.in_(keys[start:start + 500]))
        found |= {int(link.woo_id) for link in query}
    return found
