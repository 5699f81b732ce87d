"""The WooCommerce side of the after-sale catch-up: orders in statuses the orders poll does not list
(``refunded``, ``cancelled``) that were exported, turned into events the way the orders poll does it.

WooCommerce never re-sends a failed webhook, so a refund that empties an order or a cancellation could be missed
without this. Each changed order version becomes one event keyed like the webhook of that version
(``version_key``), so a webhook and the poll make one event, not two; orders never exported are skipped (there is
nothing in NetSuite to refund or close).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sidecar.flows.base import FlowContext, NewEvent
from sidecar.mapping.webhooks import parse_gmt, version_key
from sidecar.store import binder
from sidecar.store.models import Cursor, utcnow

OVERLAP = dt.timedelta(seconds=60)
FIRST_RUN_LOOKBACK = dt.timedelta(days=1)


def queue_changed(ctx: FlowContext, run, *, cursor: str, statuses: list[str], topic: str,
                  handled: Callable[[object], bool] | None = None) -> None:
    """Queue ``topic`` for each exported order in ``statuses`` modified since ``cursor``; move the cursor.

    ``handled(link)`` says an order needs nothing more (e.g. its cancellation is already recorded, perhaps by this
    very run's NetSuite side): it is neither queued nor counted, so a run does not count its own write-back."""
    started = utcnow()
    row = Cursor.get_or_none(Cursor.name == cursor)
    since = (parse_gmt(row.value) if row and row.value else None) or started - FIRST_RUN_LOOKBACK
    run.cursor_before = _iso(since)
    newest = since
    for order in ctx.woo.iter_orders(modified_after=_iso(since - OVERLAP), status=statuses):
        modified = parse_gmt(order.get("date_modified_gmt"))
        if modified is None or order.get("status") not in statuses:
            continue
        newest = max(newest, modified)
        link = binder.find("order", order["id"])
        if link is None or not link.ns_id or (handled is not None and handled(link)):
            continue
        run.seen += 1
        key = version_key("order", order["id"], order.get("date_modified_gmt"), order.get("status"), order)
        hint = {k: order.get(k) for k in ("id", "status", "date_modified_gmt", "number")}
        if ctx.emit(NewEvent(key=key, source="poll", topic=topic, resource_id=str(order["id"]), payload=hint,
                             occurred_at=modified)):
            run.changed += 1
    text = _iso(min(newest, started))
    Cursor.insert(name=cursor, value=text, updated_at=utcnow()).on_conflict(
        conflict_target=[Cursor.name], update={Cursor.value: text, Cursor.updated_at: utcnow()}).execute()
    run.cursor_after = text


def _iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")
