"""``GET /v1/orders/<woo_id>``: an order's sync state for the plugin's order box — NetSuite id and number,
state, last error (with the hint the error queue gives for it), the history of every event about it, and what
it went through after the sale (shipments, refunds, a cancellation). Reads the store only; calls no remote
system."""

from __future__ import annotations

from flask import jsonify

from sidecar.api import signed_blueprint
from sidecar.api.job_hints import hint_for
from sidecar.api.params import path_id
from sidecar.flows.cancellations import cancellation_of
from sidecar.flows.fulfillments import fulfillments_of
from sidecar.flows.refunds import refunds_of
from sidecar.store import binder
from sidecar.store.models import Event

bp = signed_blueprint("orders", __name__)
HISTORY_LIMIT = 50


@bp.get("/orders/<woo_id>")
def order_state(woo_id: str):
    woo_id = str(path_id(woo_id, "WooCommerce order"))
    events = list(Event.select().where((Event.topic.startswith("order.")) & (Event.resource_id == woo_id))
                  .order_by(Event.id.desc()).limit(HISTORY_LIMIT))
    link = binder.find("order", woo_id)
    last_error = _last_error(events)
    return jsonify({
        "woo_id": int(woo_id),
        "ns_id": link.ns_id if link else None,
        "ns_number": link.ns_number if link else None,
        "external_id": link.external_id if link else None,
        "status": _state(link, events),  # kept as older plugins read it: "failed" when the newest event failed
        # the sales order's own state: a later job that failed (a refund, an update) does not undo an export
        "export_status": _export_state(link, events),
        "failure": _failure(events),  # the failed jobs last_error belongs to, for the box's own line and Retry
        "last_error": last_error,
        "hint": hint_for(last_error),  # the fix in plain words, as the error queue shows it
        "synced_at": link.updated_at.isoformat() + "Z" if link else None,
        # when the sales order was made or found (the link's birth): synced_at moves with every later note or
        # record on the link, e.g. a NetSuite close, and read as the export time it told the wrong time
        "exported_at": link.created_at.isoformat() + "Z" if link and link.ns_id else None,
        "history": [_history_row(e) for e in events],
        "record": ((link.data or {}).get("record") or "salesOrder") if link and link.ns_id else None,
        "fulfillments": fulfillments_of(woo_id),
        "refunds": refunds_of(woo_id),
        "cancellation": cancellation_of(link),
    })


def _state(link, events: list[Event]) -> str:
    """failed (the latest event failed), exported, pending (queued or running, not exported yet), or
    not_exported (seen, but its status is not one that exports)."""
    latest = events[0] if events else None
    if latest and latest.status == "failed":
        return "failed"
    if link and link.ns_id:
        return "exported"
    if latest and latest.status in ("pending", "running"):
        return "pending"
    return "not_exported"


def _export_state(link, events: list[Event]) -> str:
    """exported (the sales order exists, whatever failed after it), else what ``_state`` says: failed (the
    export's own job failed), pending or not_exported."""
    if link and link.ns_id:
        return "exported"
    return _state(link, events)


def _failure(events: list[Event]) -> dict | None:
    """The jobs that failed since the order's last successful one (those ``last_error`` is about): their ids,
    oldest first, as Retry takes them, their topics and when the newest failed. None when nothing failed since."""
    failed = []
    for event in events:  # newest first
        if event.status == "done":
            break
        if event.status == "failed":
            failed.append(event)
    if not failed:
        return None
    failed.reverse()
    return {"job_ids": [e.id for e in failed], "topics": list(dict.fromkeys(e.topic for e in failed)),
            "at": _at(failed[-1])}


def _last_error(events: list[Event]) -> str | None:
    """The error of a failure since the order's last successful event; an export that succeeded after a fix
    (a retry, "Send to NetSuite again") leaves no error behind."""
    for event in events:  # newest first
        if event.status == "done":
            return None
        if event.status == "failed" and event.last_error:
            return event.last_error
    return None


def _history_row(event: Event) -> dict:
    return {"event_id": event.id, "topic": event.topic, "source": event.source, "status": event.status,
            "attempts": event.attempts, "outcome": event.outcome, "error": event.last_error,
            "at": _at(event)}


def _at(event: Event) -> str:
    return (event.updated_at or event.created_at).isoformat() + "Z"
