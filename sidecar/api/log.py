"""``GET /v1/log``: the API call log, newest first, filtered by ``system`` and ``status``, paged.

Rows are redacted when written (``sidecar.store.apilog``); this endpoint only reads. ``status`` is an HTTP status
(``429``), ``error`` (no answer, or 400 and above) or ``ok`` (below 400).
"""

from __future__ import annotations

from flask import jsonify

from sidecar.api import signed_blueprint
from sidecar.api.paging import iso, page
from sidecar.api.params import LogArgs, query_args
from sidecar.store.models import ApiCall

bp = signed_blueprint("log", __name__)


def render(call: ApiCall) -> dict:
    return {"id": call.id, "system": call.system, "method": call.method, "path": call.path,
            "status": call.status, "ms": call.ms, "error": call.error, "at": iso(call.created_at)}


@bp.get("/log")
def api_log():
    args = query_args(LogArgs)
    query = ApiCall.select().order_by(ApiCall.created_at.desc(), ApiCall.id.desc())
    if args.get("system"):
        query = query.where(ApiCall.system == args["system"])
    status = args.get("status")
    if status == "error":
        query = query.where(ApiCall.status.is_null() | (ApiCall.status >= 400))
    elif status == "ok":
        query = query.where(ApiCall.status < 400)
    elif status is not None:
        query = query.where(ApiCall.status == status)
    return jsonify(page(query, "calls", render, args))
