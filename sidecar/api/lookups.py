"""``GET /v1/netsuite/lookups/<kind>?q=&type=``: NetSuite records by name for wp-admin's pickers (issue 18).

→ ``{"kind", "items": [{"id": "12", "name": "Main Warehouse"}], "cached": bool}``. The API calls no remote
system itself: the look-up is a read-only flow run with the job context's NetSuite client.
"""

from __future__ import annotations

from flask import jsonify

from sidecar.api import require_credentials, signed_blueprint
from sidecar.api.errors import ApiError
from sidecar.api.params import LookupArgs, query_args
from sidecar.clients.errors import RemoteError
from sidecar.flows import lookups
from sidecar.pipeline.context import build_context

bp = signed_blueprint("lookups", __name__)


@bp.get("/netsuite/lookups/<kind>")
def lookup(kind: str):
    if kind not in lookups.KINDS:
        raise ApiError(404, "unknown_kind", f"no look-up named {kind[:40]!r}; kinds: "
                                            f"{', '.join(sorted(lookups.KINDS))}", "kind")
    args = query_args(LookupArgs)
    q, item_type = args["q"], args.get("type")
    require_credentials("netsuite")
    ctx = build_context()
    try:
        rows, cached = lookups.lookup(ctx, kind, q, item_type)
    except RemoteError as exc:
        raise ApiError(502, "remote_error", f"NetSuite could not be read: {exc.message}") from None
    return jsonify({"kind": kind, "items": rows, "cached": cached})
