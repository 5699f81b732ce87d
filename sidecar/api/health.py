"""Unauthenticated endpoints for hosting monitors: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from sidecar.api.dbconn import drop_connection
from sidecar.api.metrics import registry
from sidecar.store.models import Heartbeat, utcnow
from sidecar.store.probe import probe_database

bp = Blueprint("health", __name__)
WORKER_HEARTBEAT = "worker"


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Ready when the database answers and a worker wrote its heartbeat recently."""
    checks = {"database": "ok", "worker": "ok"}
    try:
        probe_database()  # readable, and on SQLite its write lock can be taken (not held by someone else)
    except Exception:  # noqa: BLE001 - any failure means not ready
        drop_connection()  # a broken connection is not kept for the next request
        checks["database"] = "unreachable"
        return jsonify({"status": "unavailable", "checks": checks}), 503
    max_age = current_app.config["SIDECAR"].worker_heartbeat_max_age_s
    beat = Heartbeat.get_or_none(Heartbeat.name == WORKER_HEARTBEAT)
    if beat is None:
        checks["worker"] = "no heartbeat yet: is `sidecar worker` running?"
    elif utcnow() - beat.beat_at > dt.timedelta(seconds=max_age):
        checks["worker"] = f"last heartbeat {int((utcnow() - beat.beat_at).total_seconds())} s ago"
    ok = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ok" if ok else "unavailable", "checks": checks}), 200 if ok else 503


@bp.get("/metrics")
def metrics():
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
