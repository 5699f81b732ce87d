"""The ``sidecar`` command: ``serve | worker | sandbox NAME | sync FLOW | demo | jobs …``."""

from __future__ import annotations

import argparse
import importlib
import sys

from .config import ConfigError, announce_generated, load_config


def _serve(args: argparse.Namespace) -> int:
    """Run the API under gunicorn (the production server) with the app factory."""
    from gunicorn.app.base import BaseApplication

    from .runtime import init_runtime

    config = load_config()
    announce_generated(config)
    init_runtime(config).db.close()  # migrate once, in the master, before workers fork
    bind = args.bind or config.bind
    from .gunicorn_support import RedactingLogger, SidecarThreadWorker
    from .ports import check_free, split_bind

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
            from .app import create_app

            return create_app(config)

    print(f"sidecar: API listening on http://{bind} (gunicorn, {args.workers} workers)", file=sys.stderr)
    SidecarServer().run()
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Run the huey consumer: N worker threads, periodic schedules, and a heartbeat for /readyz."""
    from .runtime import init_runtime

    config = load_config()
    announce_generated(config)
    init_runtime(config)
    from . import jobs
    from .queue import huey

    jobs.start_background()  # flow discovery, heartbeat, sweeper
    workers = args.workers or config.workers
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                    check_worker_health=True, scheduler_interval=1, max_delay=2.0)
    print(f"sidecar: worker running with {workers} threads on {type(huey.storage).__name__}", file=sys.stderr)
    consumer.run()
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    """Run one of the local simulators (``netsuite`` or ``woocommerce``) on loopback."""
    module = importlib.import_module(f"sidecar.sandbox.{args.system}")
    return module.run(args) or 0


def _demo(args: argparse.Namespace) -> int:
    """The main job on this machine with no account: both sandboxes, the sidecar, a few orders end to end."""
    from .demo import run

    return run(args)


def _status(args: argparse.Namespace) -> int:
    """Print the sidecar's ``GET /v1/status`` (signed with the shared secret from the environment/var)."""
    import json

    import requests

    from .security import signed_headers

    config = load_config()
    res = requests.get(f"http://{args.url or config.bind}/v1/{args.what}",
                       headers=signed_headers(config.shared_secret), timeout=10)
    print(json.dumps(res.json(), indent=2))
    return 0 if res.ok else 1


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

    status = sub.add_parser("status", help="print the running sidecar's status (or runs, jobs, log)")
    status.add_argument("what", nargs="?", default="status", choices=["status", "runs", "jobs", "log"])
    status.add_argument("--url", help="host:port of the sidecar (default SIDECAR_BIND)")
    status.set_defaults(func=_status)

    for extra in ("sidecar.cli_extra",):  # commands added by later steps (sync, demo, jobs)
        try:
            importlib.import_module(extra).add_commands(sub)
        except ModuleNotFoundError as exc:
            if exc.name != extra:
                raise
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"sidecar: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
