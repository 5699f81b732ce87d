"""Reconciliation reports (issue 16): ``POST /v1/reports/reconcile {from, to}`` starts one, ``GET
/v1/reports/<id>`` (``?format=csv``) reads it, ``POST /v1/reports/<id>/fix`` applies the safe one-click fixes.

The report itself is made by the ``reconcile`` flow run (it reads both systems); this API only stores the
request, reads results and, for a fix a person asked for, queues the work the pipeline does anyway (an order
export), so nothing here calls a remote system.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Response, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from sidecar.api import json_body, signed_blueprint, validation_error
from sidecar.api.errors import ApiError
from sidecar.api.paging import iso, page
from sidecar.api.params import Choice, PageArgs, query_args
from sidecar.flows.base import NewEvent
from sidecar.pipeline.intake import accept
from sidecar.pipeline.runs import start_run
from sidecar.store.models import Report

bp = signed_blueprint("reconcile", __name__)
CSV_COLUMNS = ["kind", "number", "woo_id", "tranid", "ns_id", "sku", "detail", "fix", "check", "fixed"]


class ReconcileRequest(Schema):
    from_ = fields.AwareDateTime(data_key="from", required=True, default_timezone=dt.UTC)
    to = fields.AwareDateTime(required=True, default_timezone=dt.UTC)
    stock = fields.Boolean(load_default=None, allow_none=True)  # None: reconcile.stock decides

    @validates_schema
    def _window(self, data, **_):
        if data["to"] <= data["from_"]:
            raise ValidationError("must be after from", "to")
        if data["to"] - data["from_"] > dt.timedelta(days=366):
            raise ValidationError("a report covers at most 366 days", "to")


class FixRequest(Schema):
    findings = fields.List(fields.Integer(validate=validate.Range(min=0)), required=True,
                           validate=validate.Length(min=1, max=1000))


@bp.post("/reports/reconcile")
def start_report():
    try:
        args = ReconcileRequest().load(json_body())
    except ValidationError as exc:
        raise validation_error(exc) from None
    params = {"from": _naive(args["from_"]), "to": _naive(args["to"])}
    if args["stock"] is not None:
        params["stock"] = args["stock"]
    report = Report.create(kind="reconcile", params=params)
    run, _ = start_run("reconcile", "manual")
    return jsonify({"report_id": report.id, "run_id": run.id, "status": report.status}), 202


class ReportsArgs(PageArgs):
    kind = Choice(["reconcile"], load_default="reconcile")


@bp.get("/reports")
def list_reports():
    """The newest reports first (the nightly one included), without their findings: ``?kind=&limit=&offset=``."""
    args = query_args(ReportsArgs)
    query = Report.select().where(Report.kind == args["kind"]).order_by(Report.id.desc())
    return jsonify(page(query, "reports", lambda r: {k: v for k, v in render(r).items() if k != "findings"}, args))


@bp.get("/reports/<int:report_id>")
def read_report(report_id: int):
    report = _get(report_id)
    if request.args.get("format") == "csv":
        return _csv(report)
    return jsonify(render(report))


@bp.post("/reports/<int:report_id>/fix")
def fix(report_id: int):
    report = _get(report_id)
    try:
        wanted = FixRequest().load(json_body())["findings"]
    except ValidationError as exc:
        raise validation_error(exc) from None
    findings = list(report.findings or [])
    done, refused = [], []
    for index in wanted:
        fix = findings[index].get("fix") if index < len(findings) else None
        if fix not in FIXES:
            refused.append({"finding": index, "reason": "no safe one-click fix for this finding"})
            continue
        findings[index] = {**findings[index], "fixed": FIXES[fix](report, findings[index])}
        done.append(index)
    Report.update(findings=findings).where(Report.id == report.id).execute()
    return jsonify({"fixed": done, "refused": refused})


def _requeue(report: Report, finding: dict) -> str:
    """A missing order: a fresh ``order.updated`` job, which exports it (or finds the sales order by its
    external id if it was made in the meantime)."""
    accept(NewEvent(key=f"reconcile:{report.id}:{finding['woo_id']}", source="reconcile", topic="order.updated",
                    resource_id=str(finding["woo_id"]), payload=None))
    return "requeued"


def _push_stock(report: Report, finding: dict) -> str:
    """A drifted stock: a full inventory run ("Sync now"), which sets every drifted SKU to NetSuite's figure;
    one run serves every stock finding of the report."""
    run, _ = start_run("inventory", "manual")
    return f"inventory run {run.id}"


FIXES = {"requeue": _requeue, "push_stock": _push_stock}


def render(report: Report) -> dict:
    return {"id": report.id, "kind": report.kind, "status": report.status, "params": report.params,
            "counts": report.counts or {}, "findings": report.findings or [], "error": report.error,
            "run_id": report.run_id, "created_at": iso(report.created_at),
            "finished_at": iso(report.finished_at)}


def _csv(report: Report) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for finding in report.findings or []:
        writer.writerow({k: finding.get(k) for k in CSV_COLUMNS})
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="reconcile-{report.id}.csv"'})


def _get(report_id: int) -> Report:
    report = Report.get_or_none(Report.id == report_id)
    if report is None:
        raise ApiError(404, "not_found", f"there is no report {report_id}", "report_id")
    return report


def _naive(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")
