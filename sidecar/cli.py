"""The ``sidecar`` command: ``serve | worker | sandbox NAME | sync FLOW | demo | jobs …``."""

from __future__ import annotations

import argparse
import importlib
import sys

from sidecar.config import ConfigError, announce_generated, load_config


def _serve(args: argparse.Namespace) -> int:
    """Run the API under gunicorn (the production server) with the app factory."""
    from gunicorn.app.base import BaseApplication

    from sidecar.store.runtime import init_runtime

    config = load_config()
    announce_generated(config)
    init_runtime(config).db.close()  # migrate once, in the master, before workers fork
    bind = args.bind or config.bind
    from sidecar.gunicorn_support import RedactingLogger, SidecarThreadWorker
    from sidecar.ports import check_free, split_bind

    taken = check_free(*split_bind(bind), "set SIDECAR_BIND")  # gunicorn would retry 5 s, then say "Connection in use"
    if taken:
        print(f"sidecar: {taken}", file=sys.stderr)
        return 1

    class SidecarServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("worker_class", SidecarThreadWorker)  # gthread that stops safely on Ctrl-C
            self.cfg.set("logger_class", RedactingLogger)  # gunicorn's own logs redacted too
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 10)  # then the master SIGKILLs a worker that still has not exited
            self.cfg.set("accesslog", "-" if args.access_log else None)
            self.cfg.set("loglevel", config.log_level.lower())

        def load(self):
            from sidecar.api.app import create_app

            return create_app(config)

    print(f"sidecar: API listening on http://{bind} (gunicorn, {args.workers} workers)", file=sys.stderr)
    SidecarServer().run()
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Run the huey consumer: N worker threads, periodic schedules, and a heartbeat for /readyz."""
    from sidecar.store.runtime import init_runtime

    config = load_config()
    announce_generated(config)
    init_runtime(config)
    from sidecar.pipeline import jobs
    from sidecar.pipeline.queue import huey

    jobs.start_background()  # flow discovery, heartbeat, sweeper
    workers = args.workers or config.workers
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                    check_worker_health=True, scheduler_interval=1, max_delay=2.0)
    print(f"sidecar: worker running with {workers} threads on {type(huey.storage).__name__}", file=sys.stderr)
    consumer.run()
    return 0


def _rotate_key(args: argparse.Namespace) -> int:
    """Re-encrypt every stored credential with the newest key of SIDECAR_SECRET_KEY (or the key file)."""
    from sidecar.store.runtime import init_runtime

    runtime = init_runtime(load_config(), check_secrets=False)
    with runtime.db.connection_context():
        rotated, unreadable = runtime.credentials.rotate_all(forget_unreadable=args.forget_unreadable)
    if unreadable and not args.forget_unreadable:
        print(f"sidecar: {len(unreadable)} stored credential(s) cannot be decrypted with any configured key "
              f"({', '.join(unreadable)}); nothing was changed. Add the old key after the new one "
              "(SIDECAR_SECRET_KEY=\"new,old\"), or run with --forget-unreadable to delete them and enter them "
              "again in wp-admin.", file=sys.stderr)
        return 1
    print(f"sidecar: re-encrypted {rotated} stored credential(s) with the newest key"
          + (f"; deleted {len(unreadable)} unreadable ({', '.join(unreadable)}): enter them again in wp-admin"
             if unreadable else "") + ". Older keys can now be removed.", file=sys.stderr)
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    """Run one of the local simulators (``netsuite`` or ``woocommerce``) on loopback."""
    module = importlib.import_module(f"sidecar.sandbox.{args.system}")
    return module.run(args) or 0


def _demo(args: argparse.Namespace) -> int:
    """The main job on this machine with no account: both sandboxes, the sidecar, a few orders end to end."""
    from sidecar.demo import run

    return run(args)


class ApiUnreachable(Exception):
    """The running sidecar did not answer; the message is the one line the user sees."""


def _api(method: str, target: str, url: str | None = None, body: object | None = None) -> tuple[int, object]:
    """One signed call to the running sidecar's API, as the plugin makes it: every command acts through the
    API, so it talks to the database and the queue the running sidecar really uses."""
    import json

    import requests

    from sidecar.security import signed_headers

    config = load_config()
    raw = b"" if body is None else json.dumps(body).encode()
    base = f"http://{url or config.bind}"
    headers = {**signed_headers(config.shared_secret, method, target, raw), "Content-Type": "application/json"}
    try:
        res = requests.request(method, base + target, data=raw, headers=headers, timeout=15)
    except requests.RequestException as exc:
        raise ApiUnreachable(f"the sidecar at {base} did not answer ({type(exc).__name__}); "
                             "is `sidecar serve` running there?") from None
    try:
        return res.status_code, res.json()
    except ValueError:
        raise ApiUnreachable(f"{base}{target} answered {res.status_code} without JSON; is it the sidecar?") from None


def _print(data: object) -> None:
    import json

    print(json.dumps(data, indent=2))


def _status(args: argparse.Namespace) -> int:
    """Print the running sidecar's ``GET /v1/status`` (or runs, jobs, log)."""
    status, data = _api("GET", f"/v1/{args.what}", args.url)
    _print(data)
    return 0 if status < 400 else 1


def _sync(args: argparse.Namespace) -> int:
    """Start a run of a flow through the API; with --wait, follow it until it ends."""
    status, data = _api("POST", f"/v1/sync/{args.flow}", args.url)
    if status >= 400:
        print(f"sidecar: {data.get('error', {}).get('message', data)}", file=sys.stderr)
        return 2
    run_id = data["run_id"]
    print(f"run {run_id} queued")
    return _wait(run_id, args.timeout, args.url) if args.wait else 0


def _wait(run_id: int, timeout: float, url: str | None) -> int:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, run = _api("GET", f"/v1/runs/{run_id}", url)
        if run.get("status") in ("done", "failed", "skipped"):
            counts = run.get("counts") or {k: run.get(k) for k in ("seen", "changed", "failed")}
            counts = ", ".join(f"{k} {v}" for k, v in counts.items())
            print(f"run {run_id} {run['status']}: {counts}")
            for error in run.get("errors") or []:
                print(f"  - {error}")
            return 0 if run["status"] == "done" else 1
        time.sleep(0.5)
    print(f"sidecar: run {run_id} still not finished after {timeout:.0f} s (is `sidecar worker` running?)",
          file=sys.stderr)
    return 3


def _jobs(args: argparse.Namespace) -> int:
    """The error queue through the API: list, retry or skip."""
    calls = ([("GET", f"/v1/jobs?status={args.status}")] if args.action == "list"
             else [("POST", f"/v1/jobs/{job_id}/{args.action}") for job_id in args.ids])
    worst = 0
    for method, target in calls:
        status, data = _api(method, target, args.url)
        _print(data)
        worst = max(worst, 0 if status < 400 else 1)
    return worst


def _add_remote_commands(sub: argparse._SubParsersAction) -> None:
    status = sub.add_parser("status", help="print the running sidecar's status (or runs, jobs, log)")
    status.add_argument("what", nargs="?", default="status", choices=["status", "runs", "jobs", "log"])
    status.set_defaults(func=_status)
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
    for parser in (status, sync, jobs):
        parser.add_argument("--url", help="host:port of the running sidecar (default SIDECAR_BIND)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sidecar", description="NetSuite Sync for WooCommerce — the sidecar")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP API under gunicorn")
    serve.add_argument("--bind", help="host:port (default SIDECAR_BIND)")
    serve.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    serve.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    serve.add_argument("--access-log", action="store_true", help="log every request to stdout")
    serve.set_defaults(func=_serve)

    worker = sub.add_parser("worker", help="run the job worker (huey consumer)")
    worker.add_argument("--workers", type=int, default=0, help="worker threads (default SIDECAR_WORKERS)")
    worker.set_defaults(func=_worker)

    rotate = sub.add_parser("rotate-key", help="re-encrypt every stored credential with the newest secret key")
    rotate.add_argument("--forget-unreadable", action="store_true",
                        help="delete credentials no configured key can decrypt (the old key is lost)")
    rotate.set_defaults(func=_rotate_key)

    sandbox = sub.add_parser("sandbox", help="run a local simulator of NetSuite or WooCommerce")
    sandbox.add_argument("system", choices=["netsuite", "woocommerce"])
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, required=True)
    sandbox.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                         help="simulator knob, e.g. latency_ms=300 or concurrency_limit=5 (repeatable)")
    sandbox.add_argument("--seed", type=int, default=None, help="seed the simulator with N generated records")
    sandbox.set_defaults(func=_sandbox)

    demo = sub.add_parser("demo", help="run everything against the local sandboxes and place a few orders")
    demo.add_argument("--netsuite-port", type=int, default=8791)
    demo.add_argument("--woo-port", type=int, default=8792)
    demo.add_argument("--exit-after", action="store_true", help="stop once the demo orders are in NetSuite")
    demo.set_defaults(func=_demo)

    _add_remote_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"sidecar: configuration error: {exc}", file=sys.stderr)
        return 2
    except ApiUnreachable as exc:
        print(f"sidecar: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
