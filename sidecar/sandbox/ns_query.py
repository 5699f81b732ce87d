"""The query and system services: ``POST /services/rest/query/v1/suiteql`` (spec §8.1–8.2: Prefer transient,
limit/offset rules, lower-case keys, string values, nulls left out, ``links: []`` per row, 100,000-row ceiling)
and ``/services/rest/system/v1`` (serverTime, governanceLimits)."""

from __future__ import annotations

import json
import time

from flask import Blueprint, Response, request

from . import ns_suiteql
from .ns_errors import NsError
from .ns_records import COLLECTION, page_bounds, paging_links
from .ns_state import state

bp = Blueprint("ns_query", __name__, url_prefix="/services/rest")


def _rows(columns: list[str], rows: list[tuple], numbers: bool = False) -> list[dict]:
    """Lower-case keys, nulls left out, values as strings — or, with the ``suiteql_numbers`` option, numeric
    values as JSON numbers (spec §8.1 says some columns may come back so; UNCONFIRMED, hence switchable)."""
    keys = [c.lower() for c in columns]
    value = ns_suiteql.as_number if numbers else ns_suiteql.as_text
    return [{"links": [], **{k: value(v) for k, v in zip(keys, row) if v is not None}} for row in rows]


@bp.post("/query/v1/suiteql")
def suiteql():
    """Run one SuiteQL page: headers and paging checked, then the query itself."""
    if "transient" not in request.headers.get("Prefer", "").lower():
        raise NsError(400, "INVALID_HEADER", "The Prefer header must be set to transient for SuiteQL queries.")
    for name in request.args:
        if name not in ("limit", "offset"):
            raise NsError(400, "INVALID_PARAMETER", f"Invalid query parameter name: {name}. Allowed query "
                          "parameters are: limit, offset.", query_param=name)
    limit, offset = page_bounds()
    try:
        body = json.loads(request.get_data() or b"{}")
    except ValueError:
        raise NsError(400, "INVALID_CONTENT", "The request body is not valid JSON.") from None
    if not isinstance(body, dict) or not isinstance(body.get("q"), str) or not body["q"].strip():
        raise NsError(400, "INVALID_CONTENT", "The request body must contain the query in the q property.")
    columns, rows = ns_suiteql.run(state().store, body["q"], body.get("params"))
    served = rows[:ns_suiteql.MAX_ROWS]
    page = served[offset:offset + limit]
    url = request.base_url
    out = {"links": paging_links(url, limit, offset, len(served), {}), "count": len(page),
           "hasMore": offset + limit < len(served), "items": _rows(columns, page, bool(state().options.get("suiteql_numbers"))), "offset": offset,
           "totalResults": len(rows)}
    return Response(json.dumps(out), content_type=COLLECTION)


@bp.get("/system/v1/serverTime")
def server_time():
    now = state().now()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"
    return Response(json.dumps({"serverTime": stamp}), content_type="application/json")


@bp.get("/system/v1/governanceLimits")
def governance_limits():
    limit = int(state().options["concurrency_limit"])
    body = {"accountConcurrencyLimit": limit, "accountUnallocatedConcurrencyLimit": limit,
            "integrationConcurrencyLimit": limit, "integrationLimitType": "accountLimit"}
    return Response(json.dumps(body), content_type="application/json")
