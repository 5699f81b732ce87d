"""``GET /v1/reports/catalog``: the catalog report (issue 12) — counts and the first rows of each list as JSON,
or every row as one CSV (``?format=csv``, a ``list`` column names the list). It reads both systems live and
writes nothing; a system that cannot be reached answers 502 with the reason."""

from __future__ import annotations

import csv
import io

from flask import Response, jsonify
from marshmallow import validate

from sidecar.api import require_credentials, signed_blueprint
from sidecar.api.errors import ApiError
from sidecar.api.params import Choice, Params, WholeNumber, query_args
from sidecar.clients.errors import RemoteError
from sidecar.flows import catalog_report
from sidecar.pipeline.context import build_context

bp = signed_blueprint("reports", __name__)
DEFAULT_ROWS, MAX_ROWS = 50, 1000


class CatalogArgs(Params):
    format = Choice(["json", "csv"], load_default="json")
    rows = WholeNumber(load_default=DEFAULT_ROWS, validate=validate.Range(min=1, max=MAX_ROWS))


@bp.get("/reports/catalog")
def catalog():
    args = query_args(CatalogArgs)
    fmt, rows = args["format"], args["rows"]
    require_credentials("woocommerce", "netsuite", why=": the report reads both systems")
    try:
        report = catalog_report.build(build_context())
    except RemoteError as exc:
        raise ApiError(502, "remote_error", f"the report could not read {exc.system}: {exc}") from exc
    if fmt == "csv":
        return Response(_csv(report), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="catalog-report.csv"'})
    report["lists"] = {name: found[:int(rows)] for name, found in report["lists"].items()}
    return jsonify(report)


def _csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=catalog_report.COLUMNS)
    writer.writeheader()
    for name, found in report["lists"].items():
        for item in found:
            writer.writerow({"list": name, **item})
    return out.getvalue()
