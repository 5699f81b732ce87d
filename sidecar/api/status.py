"""``GET /v1/status``: what wp-admin shows at a glance — queue depth, failed jobs, the last run of each flow,
both connections (configured? last call?), the WooCommerce webhooks the watchdog looks after and whether the
worker is running (its heartbeat).

Reads the store only: connection state comes from the API log, never from a live call, and is judged by
transport and authentication (``connection_problem``), not by whether the last lookup found its record.
"""

from __future__ import annotations

import json

from flask import current_app, jsonify
from peewee import fn

from sidecar.api import signed_blueprint
from sidecar.api.paging import iso
from sidecar.api.sync import render as render_run
from sidecar.pipeline.registry import get_registry
from sidecar.store.credentials import is_configured
from sidecar.store.models import ApiCall, Cursor, Event, Heartbeat, SyncRun, utcnow

bp = signed_blueprint("status", __name__)
WATCHDOG_CURSOR = "woo.webhooks.watchdog"


@bp.get("/status")
def status():
    counts = dict(Event.select(Event.status, fn.COUNT(Event.id)).group_by(Event.status).tuples())
    registry = get_registry()
    return jsonify({
        "queue": {"depth": counts.get("pending", 0) + counts.get("running", 0),
                  "pending": counts.get("pending", 0), "running": counts.get("running", 0)},
        "failed": counts.get("failed", 0),
        "netsuite_outage": _outage(),
        "flows": _last_runs(sorted(registry.flows)),
        "connections": {system: _connection(system) for system in ("netsuite", "woocommerce")},
        "webhooks": _webhooks(),
        "worker": _worker(),
        "flow_load_errors": registry.load_errors,
    })


def _outage() -> dict:
    """Jobs waiting out NetSuite being unavailable (no attempt spent; failed after retry.outage_hours)."""
    waiting = Event.select(fn.COUNT(Event.id), fn.MIN(Event.outage_since)).where(
        (Event.status == "pending") & Event.outage_since.is_null(False)).tuples().first()
    return {"waiting": waiting[0] if waiting else 0, "since": iso(waiting[1]) if waiting and waiting[1] else None}


def _last_runs(flows: list[str]) -> dict:
    out = {}
    for flow in flows:
        run = SyncRun.select().where(SyncRun.flow == flow).order_by(SyncRun.id.desc()).first()
        out[flow] = render_run(run) if run else None
    return out


def connection_problem(status: int | None) -> str | None:
    """What the last call says about the *connection*: None when it reached the system and was authenticated.

    A 404 of a lookup (no customer with that e-mail yet), a 400 validation error or a 429 all prove that the
    host answered and accepted our credentials; only transport (no answer, a redirect to somewhere else, a
    gateway error) and authentication (401/403) failures say the connection is broken."""
    if status is None:
        return "no answer (network error or timeout)"
    if 300 <= status < 400:
        return f"redirected ({status}): the URL is not the API's"
    if status in (401, 403):
        return f"credentials refused ({status})"
    if status in (502, 503, 504):
        return f"unavailable ({status})"
    return None


def _connection(system: str) -> dict:
    values = current_app.extensions["sidecar_runtime"].credentials.get(system)
    last = ApiCall.select().where(ApiCall.system == system).order_by(ApiCall.id.desc()).first()
    state, problem = "unknown", None
    if last is not None:
        problem = connection_problem(last.status)
        state = "error" if problem else "ok"
    return {"configured": is_configured(system, values), "state": state, "problem": problem,
            "last_call": None if last is None else {"status": last.status, "at": iso(last.created_at),
                                                    "error": last.error}}


def _webhooks() -> dict:
    row = Cursor.get_or_none(Cursor.name == WATCHDOG_CURSOR)
    if row is None or not row.value:
        return {"checked_at": None, "webhooks": []}
    try:
        data = json.loads(row.value)
    except ValueError:
        data = {}
    return {"checked_at": iso(row.updated_at), "webhooks": data.get("webhooks", [])}


def _worker() -> dict:
    """The worker's last heartbeat and whether it is fresh (as ``/readyz`` judges it): without a worker nothing
    is synced, though the API answers, so wp-admin says so."""
    beat = Heartbeat.get_or_none(Heartbeat.name == "worker")
    max_age = current_app.config["SIDECAR"].worker_heartbeat_max_age_s
    fresh = beat is not None and (utcnow() - beat.beat_at).total_seconds() <= max_age
    return {"last_heartbeat": iso(beat.beat_at) if beat else None, "ok": fresh, "max_age_s": max_age}
