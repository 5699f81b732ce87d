"""Commands added to ``sidecar`` by the pipeline: ``sync FLOW [--wait]`` and ``jobs list|retry|skip``.

They act on the database directly (same environment as ``sidecar worker``) and leave the work to the worker, so
``sync --wait`` needs a running worker; it says so when none has beaten its heartbeat lately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time


def add_commands(sub: argparse._SubParsersAction) -> None:
    sync = sub.add_parser("sync", help="start a run of a flow (orders, inventory, …) and print its id")
    sync.add_argument("flow")
    sync.add_argument("--wait", action="store_true", help="wait until the run finishes; exit 1 if it failed")
    sync.add_argument("--timeout", type=float, default=900.0, help="seconds to wait at most (with --wait)")
    sync.set_defaults(func=_sync)
    jobs = sub.add_parser("jobs", help="the error queue: list, retry or skip jobs")
    jobs.add_argument("action", choices=["list", "retry", "skip"])
    jobs.add_argument("ids", nargs="*", type=int, help="job ids (retry, skip)")
    jobs.add_argument("--status", default="failed", help="with list: pending, running, done, failed, skipped")
    jobs.set_defaults(func=_jobs)


def _init():
    from .config import load_config
    from .runtime import init_runtime

    return init_runtime(load_config())


def _sync(args: argparse.Namespace) -> int:
    _init()
    from .registry import get_registry
    from .runs import start_run

    flows = get_registry().flows
    if args.flow not in flows:
        print(f"sidecar: no flow named {args.flow!r}; flows: {', '.join(sorted(flows))}", file=sys.stderr)
        return 2
    run, created = start_run(args.flow, "manual")
    print(f"run {run.id} ({'queued' if created else 'already ' + run.status})")
    if not args.wait:
        return 0
    _warn_without_worker()
    return _wait(run.id, args.timeout)


def _wait(run_id: int, timeout: float) -> int:
    from .models import SyncRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = SyncRun.get_by_id(run_id)
        if run.status in ("done", "failed", "skipped"):
            print(f"run {run.id} {run.status}: seen {run.seen}, changed {run.changed}, failed {run.failed}")
            for error in run.errors or []:
                print(f"  - {error}")
            return 0 if run.status == "done" else 1
        time.sleep(0.5)
    print(f"sidecar: run {run_id} still not finished after {timeout:.0f} s", file=sys.stderr)
    return 3


def _warn_without_worker() -> None:
    from .models import Heartbeat, utcnow

    beat = Heartbeat.get_or_none(Heartbeat.name == "worker")
    if beat is None or utcnow() - beat.beat_at > dt.timedelta(seconds=60):
        print("sidecar: no worker heartbeat in the last minute; start `sidecar worker` or this waits in vain",
              file=sys.stderr)


def _jobs(args: argparse.Namespace) -> int:
    runtime = _init()
    from .app import create_app
    from .security import signed_headers

    app = create_app(runtime.config)  # the same code paths as the HTTP API, signed like the plugin
    client = app.test_client()
    requests = ([("GET", f"/v1/jobs?status={args.status}")] if args.action == "list"
                else [("POST", f"/v1/jobs/{job_id}/{args.action}") for job_id in args.ids])
    worst = 0
    for method, path in requests:
        resp = client.open(path, method=method, data=b"", headers=signed_headers(runtime.config.shared_secret))
        print(json.dumps(resp.get_json(), indent=2))
        worst = max(worst, 0 if resp.status_code < 400 else 1)
    return worst
