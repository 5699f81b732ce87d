"""The ``orders`` run: a catch-up poll that turns orders modified since the cursor into events.

Webhooks are a latency optimisation only (WooCommerce never re-sends a failed delivery); this poll is what makes
"never zero times" true. Orders are listed with ``modified_after`` (exclusive, one-second resolution, unsorted by
modification), so the walk starts ``OVERLAP`` before the cursor and the new cursor is the newest
``date_modified_gmt`` seen, capped at the run's start, saved only when the whole window was read. Each order
version becomes an ``order.updated`` event keyed like a webhook delivery of that version, so a webhook and the
poll make one event; a version the plugin already reported (an order event after its modification time)
is not queued again. The run first calls the webhook watchdog.
"""

from __future__ import annotations

import datetime as dt

from sidecar.flows.base import FlowContext, NewEvent
from sidecar.flows.webhook_watchdog import check_webhooks
from sidecar.mapping.webhooks import parse_gmt, version_key
from sidecar.store.models import Cursor, Event, utcnow

CURSOR = "woo.orders.modified_after"
OVERLAP = dt.timedelta(seconds=60)
FIRST_RUN_LOOKBACK = dt.timedelta(hours=1)  # no cursor yet: past orders are exported on purpose, not by a poll
MAX_ERRORS = 20


def run(ctx: FlowContext, run) -> None:
    """Watchdog, then poll; ``seen`` = orders read, ``changed`` = events queued, ``failed`` = orders unusable."""
    started = utcnow()
    errors = _watchdog(ctx)
    since = _read_cursor() or started - FIRST_RUN_LOOKBACK
    run.cursor_before = _iso(since)
    statuses = ctx.settings["orders"]["export_statuses"]
    newest: dt.datetime | None = None
    for order in ctx.woo.iter_orders(modified_after=_iso(since - OVERLAP), status=statuses):
        run.seen += 1
        modified = parse_gmt(order.get("date_modified_gmt"))
        if not isinstance(order.get("id"), int) or modified is None:
            run.failed += 1
            errors.append(f"Order {order.get('id')!r} has no id or date_modified_gmt; skipped.")
            continue
        newest = modified if newest is None else max(newest, modified)
        if order.get("status") in statuses and queue_version(ctx, order, modified):
            run.changed += 1
    after = min(newest, started) if newest else since
    _save_cursor(max(after, since))
    run.cursor_after = _iso(max(after, since))
    run.errors = errors[:MAX_ERRORS] or None


def queue_version(ctx: FlowContext, order: dict, modified: dt.datetime) -> bool:
    """Queue an ``order.updated`` event for this order version unless one is already known; True if queued."""
    reported = (Event.select().where(Event.topic.startswith("order.") & (Event.resource_id == str(order["id"]))
                                     & (Event.occurred_at > modified)).exists())
    if reported:
        return False
    hint = {k: order.get(k) for k in ("id", "status", "date_modified_gmt", "number")}
    created = ctx.emit(NewEvent(key=version_key("order", order["id"], order.get("date_modified_gmt"),
                                                 order.get("status"), order),
                                 source="poll", topic="order.updated", resource_id=str(order["id"]),
                                 payload=hint, occurred_at=modified))
    return created


def _watchdog(ctx: FlowContext) -> list[str]:
    try:
        return list(check_webhooks(ctx).errors)
    except Exception as exc:  # noqa: BLE001 - a watchdog problem must not stop the poll that fills the gap
        return [f"Webhook check failed: {exc}"]


def _read_cursor() -> dt.datetime | None:
    row = Cursor.get_or_none(Cursor.name == CURSOR)
    return parse_gmt(row.value) if row and row.value else None


def _save_cursor(value: dt.datetime) -> None:
    text = _iso(value)
    Cursor.insert(name=CURSOR, value=text, updated_at=utcnow()).on_conflict(
        conflict_target=[Cursor.name], update={Cursor.value: text, Cursor.updated_at: utcnow()}).execute()


def _iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")
