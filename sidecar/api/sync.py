""""Sync now" and the run history: ``POST /v1/sync/<flow>`` → 202 ``{"run_id"}``, ``GET /v1/runs[/<id>]``.

A flow that already has a run pending or running answers 200 with that run's id instead of queueing another.
"""

from __future__ import annotations

from flask import jsonify

from sidecar.api import signed_blueprint
from sidecar.api.errors import ApiError
from sidecar.api.paging import iso, page
from sidecar.api.params import RunsArgs, path_flow, path_id, query_args
from sidecar.pipeline.registry import get_registry
from sidecar.pipeline.runs import start_run
from sidecar.store.models import SyncRun

bp = signed_blueprint("sync", __name__)


def render(run: SyncRun, *, full: bool = False) -> dict:
    errors = run.errors or []
    return {"id": run.id, "flow": run.flow, "trigger": run.trigger, "status": run.status,
            "seen": run.seen, "changed": run.changed, "failed": run.failed,
            "errors": errors if full else errors[:3], "cursor_before": run.cursor_before,
            "cursor_after": run.cursor_after, "created_at": iso(run.created_at),
            "started_at": iso(run.started_at), "finished_at": iso(run.finished_at)}


@bp.post("/sync/<flow>")
def sync_now(flow: str):
    flows = get_registry().flows
    flow = path_flow(flow)
    if flow not in flows:
        raise ApiError(404, "unknown_flow", f"there is no flow named {flow[:60]!r}; flows: "
                                            f"{', '.join(sorted(flows)) or 'none installed'}", "flow")
    run, created = start_run(flow, "manual")
    return jsonify({"run_id": run.id, "status": run.status, "created": created}), 202 if created else 200


@bp.get("/runs")
def list_runs():
    args = query_args(RunsArgs)
    query = SyncRun.select().order_by(SyncRun.id.desc())
    if args.get("status"):
        query = query.where(SyncRun.status == args["status"])
    if args.get("flow"):
        query = query.where(SyncRun.flow == args["flow"])
    return jsonify(page(query, "runs", render, args))


@bp.get("/runs/<run_id>")
def show_run(run_id: str):
    run_id = path_id(run_id, "run")
    run = SyncRun.get_or_none(SyncRun.id == run_id)
    if run is None:
        raise ApiError(404, "not_found", f"no run with id {run_id}")
    return jsonify(render(run, full=True))
