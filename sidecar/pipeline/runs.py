"""Sync runs: start one (manual, schedule, watchdog), and execute it with at most one run per flow at a time.

``start_run`` writes the ``SyncRun`` row and its huey task in one transaction, like an event; when a run of the
flow is already pending or running it returns that one instead of queueing another. The flow lock (a row per
flow with a lease) is the real guarantee across worker processes: a run that cannot take it is ``skipped``.
"""

from __future__ import annotations

import logging

from sidecar.pipeline.context import build_context
from sidecar.pipeline.intake import accept
from sidecar.pipeline.leases import acquire_flow, holding, release_flow
from sidecar.pipeline.queue import huey, uses_sql_storage
from sidecar.pipeline.registry import get_registry
from sidecar.pipeline.worker_errors import describe
from sidecar.store.binder import Holder
from sidecar.store.models import FlowLock, SyncRun, utcnow
from sidecar.store.txn import write_transaction

log = logging.getLogger(__name__)
ACTIVE = ("pending", "running")
MAX_ERRORS = 20


@huey.task(name="sidecar.run_flow")
def run_flow_task(run_id: int) -> None:
    execute_run(run_id)


def active_run(flow: str) -> SyncRun | None:
    return (SyncRun.select().where((SyncRun.flow == flow) & (SyncRun.status.in_(ACTIVE)))
            .order_by(SyncRun.id).first())


def start_run(flow: str, trigger: str) -> tuple[SyncRun, bool]:
    """Queue a run of ``flow``; returns (run, created). An active run of the flow is returned as it is."""
    existing = active_run(flow)
    if existing is not None:
        return existing, False
    with write_transaction():
        run = SyncRun.create(flow=flow, trigger=trigger, status="pending")
        if uses_sql_storage():
            run_flow_task(run.id)
    if not uses_sql_storage():
        enqueue_run(run.id)
    return run, True


def enqueue_run(run_id: int) -> None:
    try:
        run_flow_task(run_id)
    except Exception:  # the row is durable; the sweeper re-enqueues a stale pending run
        log.warning("could not enqueue run %s; the sweeper will", run_id, exc_info=True)


def execute_run(run_id: int) -> SyncRun | None:
    """Run a pending run under its flow's lock; returns the finished run (None if it was not ours to run)."""
    run = SyncRun.get_or_none(SyncRun.id == run_id)
    if run is None or run.status != "pending":
        return None
    if not acquire_flow(run.flow, run.id):
        if FlowLock.select().where((FlowLock.flow == run.flow) & (FlowLock.run_id == run.id)).exists():
            return None  # a second task of this same run (the sweeper re-enqueued it): the first one runs it
        skipped = (SyncRun.update(status="skipped", finished_at=utcnow(),
                                  errors=["Another run of this flow was still in progress."])
                   .where((SyncRun.id == run.id) & (SyncRun.status == "pending")).execute())
        return SyncRun.get_by_id(run.id) if skipped else None
    try:
        started = (SyncRun.update(status="running", started_at=utcnow())
                   .where((SyncRun.id == run.id) & (SyncRun.status == "pending")).execute())
        if started != 1:
            return None
        run = SyncRun.get_by_id(run.id)
        with holding("flow", run.flow, run.id):
            _run_flow(run)
        return run
    finally:
        release_flow(run.flow, run.id)


def _run_flow(run: SyncRun) -> None:
    spec = get_registry().flow(run.flow)
    if spec is None:
        _close(run, "failed", [f"No flow named {run.flow!r} in this sidecar."])
        return
    try:
        ctx = build_context(emit=lambda new: accept(new)[1])
        ctx.attempt = Holder.run(run.id)  # the claims a run takes live as long as its flow lock
        spec.run(ctx, run)
    except Exception as exc:  # a run fails with a readable reason; the worker lives on
        log.warning("run %s of %s failed", run.id, run.flow, exc_info=True)
        _close(run, "failed", list(run.errors or []) + [describe(exc)])
        return
    _close(run, "done", run.errors)


def _close(run: SyncRun, status: str, errors: list | None) -> None:
    run.status = status
    run.errors = (errors or [])[:MAX_ERRORS] or None
    run.finished_at = utcnow()
    run.save()
    log.info("run %s of %s (%s) %s: seen %s, changed %s, failed %s%s", run.id, run.flow, run.trigger, status,
             run.seen, run.changed, run.failed, f"; {run.errors[0]}" if run.errors else "")
