"""The whole pipeline as it is deployed, for the benchmarks: both sandboxes (in this process, on 127.0.0.1), then
real ``sidecar serve`` and ``sidecar worker`` processes on one database (a SQLite file, or PostgreSQL).

Orders are placed in the WooCommerce sandbox and announced the way the plugin announces them: a signed
``POST /v1/events`` (``order.created``) to one of the ``serve`` instances, round robin. Webhook deliveries are
never flushed, so each order arrives once per announcement. ``exported()`` reads the links the workers wrote.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from sidecar.security import signed_headers
from tests.bench.bench_events import free_port

SECRET = "test-shared-secret-0123456789"  # tests.conftest.SHARED_SECRET: the stack's in-process API uses it
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Pipeline:
    tmp: Path
    stack: object
    database_url: str
    env: dict
    serves: list[tuple[subprocess.Popen, int]] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    http: requests.Session = field(default_factory=requests.Session)
    placed: dict[int, float] = field(default_factory=dict)  # woo order id → time.time() it was announced
    event_ids: dict[int, str] = field(default_factory=dict)  # woo order id → the last envelope id announced
    _next: int = 0

    # -- processes -------------------------------------------------------------------------------------------
    def start_serve(self, workers: int = 2, threads: int = 4) -> int:
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "sidecar", "serve", "--bind", f"127.0.0.1:{port}",
                                 "--workers", str(workers), "--threads", str(threads)], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=self._log("serve"), process_group=0, cwd=ROOT)
        self.serves.append((proc, port))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.http.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    return port
            except (requests.ConnectionError, requests.Timeout):  # not up yet, or slow to answer on a busy machine
                time.sleep(0.1)
        raise RuntimeError("sidecar serve did not answer within 60 s")

    def start_worker(self, threads: int = 0) -> subprocess.Popen:
        args = [sys.executable, "-m", "sidecar", "worker"] + (["--workers", str(threads)] if threads else [])
        proc = subprocess.Popen(args, env=self.env, stdout=subprocess.DEVNULL, stderr=self._log("worker"),
                                process_group=0, cwd=ROOT)
        self.workers.append(proc)
        return proc

    def _log(self, name: str):
        return open(self.tmp / f"{name}-{len(self.serves) + len(self.workers)}.log", "ab")

    # -- orders ----------------------------------------------------------------------------------------------
    def place(self, n: int, email: str, skus: list[str]) -> int:
        """Place order ``n`` in WooCommerce (two lines, flat-rate shipping) and announce it to a serve."""
        order = self.stack.place({
            "billing": {"first_name": "Bench", "last_name": f"Buyer{n}", "email": email, "address_1": "1 Main St",
                        "city": "Austin", "postcode": "78701", "country": "US"},
            "line_items": [{"sku": skus[n % len(skus)], "quantity": 1},
                           {"sku": skus[(n + 1) % len(skus)], "quantity": 2}],
            "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}]})
        self.placed[order["id"]] = time.time()
        self.announce(order)
        return order["id"]

    def announce(self, order: dict, event_id: str | None = None) -> int:
        """The plugin's signed ``order.created`` for ``order`` to the next serve (``event_id``: the same envelope
        again, as the plugin retries after a timeout); returns the HTTP status."""
        port = self.serves[self._next % len(self.serves)][1]
        self._next += 1
        event_id = event_id or str(uuid.uuid4())
        self.event_ids[order["id"]] = event_id
        body = json.dumps({"id": event_id, "topic": "order.created", "resource_id": order["id"],
                           "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "payload": order}).encode()
        headers = {**signed_headers(SECRET, "POST", "/v1/events", body), "Content-Type": "application/json"}
        return self.http.post(f"http://127.0.0.1:{port}/v1/events", data=body, headers=headers, timeout=30).status_code

    def exported(self) -> dict[int, tuple[str, float]]:
        """Woo order id → (NetSuite id, time.time() the link got it), for every exported order."""
        from sidecar.store.db import database
        from sidecar.store.models import Link

        epoch = dt.datetime(1970, 1, 1)
        with database.connection_context():
            rows = Link.select(Link.woo_id, Link.ns_id, Link.updated_at).where(
                (Link.entity == "order") & Link.ns_id.is_null(False)).tuples()
            return {int(w): (n, (u - epoch).total_seconds()) for w, n, u in rows}

    def wait_exported(self, count: int, timeout_s: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if len(self.exported()) >= count:
                return time.monotonic() - started
            time.sleep(0.25)
        raise RuntimeError(f"only {len(self.exported())} of {count} orders exported within {timeout_s:.0f} s")

    def ns_stats(self) -> dict:
        return self.stack.ns_control("GET", "stats")

    def sales_orders(self) -> list[dict]:
        return self.stack.records("salesOrder")

    # -- teardown --------------------------------------------------------------------------------------------
    def stop(self) -> None:
        procs = self.workers + [p for p, _ in self.serves]
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.stack.stop()
        from sidecar.store.db import database

        if not database.is_closed():
            database.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def start_pipeline(*, database_url: str | None = None, ns_options: dict | None = None, settings: dict | None = None,
                   env: dict | None = None) -> tuple[Pipeline, list[str]]:
    """Sandboxes, settings and credentials (through the in-process API), the store stocked; no process yet.

    Returns the pipeline and the plain SKUs orders can use."""
    from tests.conftest import reset_postgres
    from tests.flows.stack import configure, start_stack, stock_the_store

    tmp = Path(tempfile.mkdtemp(prefix="nssync-bench-"))
    if database_url and database_url.startswith("postgres"):
        reset_postgres(database_url)
    stack = start_stack(tmp, ns_options={"latency_ms": 0, **(ns_options or {})}, database_url=database_url)
    configure(stack)
    if settings:
        res = stack.api.put("/v1/settings", settings)
        assert res.status_code == 200, res.get_json()
    items = stock_the_store(stack)
    skus = sorted(s for s, i in items.items() if not i.get("matrixType"))
    allow_backorders(stack, skus)
    url = database_url or f"sqlite:///{tmp / 'var' / 'sidecar.db'}"
    full_env = {**os.environ, "SIDECAR_VAR_DIR": str(tmp / "var"), "SIDECAR_SHARED_SECRET": SECRET,
                "SIDECAR_NETSUITE_BASE_URL": stack.ns.url, "SIDECAR_LOG_LEVEL": "WARNING",
                "SIDECAR_DATABASE_URL": url, **(env or {})}
    full_env.pop("SIDECAR_REDIS_URL", None)
    return Pipeline(tmp=tmp, stack=stack, database_url=url, env=full_env), skus


def allow_backorders(stack, skus: list[str]) -> None:
    """Let the store sell beyond its stock. The worker's inventory schedule (every 5 minutes by default) sets
    WooCommerce's stock to NetSuite's — about 80 units a SKU in the sandbox — so a bench of hundreds of orders
    that straddled a run would stop with "Not enough stock" (it did: bench_latency, 500 orders, 17:55 UTC)."""
    woo = stack.woo_client()
    woo.batch_products(update=[{"id": p["id"], "backorders": "yes"} for p in woo.find_products_by_sku(skus)])


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class postgres:
    """A PostgreSQL URL for a benchmark: ``BENCH_PG_URL`` if set (left running), else a throw-away server started
    with scripts/start-postgres.sh on ``BENCH_PGPORT`` (54339; never the test suite's 54329) and stopped after.
    ``None`` when neither is possible (no PostgreSQL binaries): the scenario is skipped and says so."""

    def __enter__(self) -> str | None:
        self.started = None
        if os.environ.get("BENCH_PG_URL"):
            return os.environ["BENCH_PG_URL"]
        if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
            return None
        port = os.environ.get("BENCH_PGPORT", "54339")
        pgdir = f"/tmp/nssync-pg-bench-{port}"
        out = subprocess.run(["bash", str(ROOT / "scripts" / "start-postgres.sh")], capture_output=True, text=True,
                             env={**os.environ, "PGPORT": port, "PGDIR": pgdir}, check=False)
        if out.returncode != 0:
            print(f"could not start PostgreSQL: {out.stderr.strip()[-300:]}")
            return None
        self.started = pgdir
        return out.stdout.strip().splitlines()[-1]

    def __exit__(self, *exc) -> None:
        if self.started:
            pg_ctl = max(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
            subprocess.run(["runuser", "-u", "postgres", "--", str(pg_ctl), "-D", f"{self.started}/data", "-m",
                            "fast", "stop"], capture_output=True, check=False)


def wait_heartbeat(timeout_s: float = 60) -> None:
    """Until a worker wrote its heartbeat (its consumer is running)."""
    from sidecar.store.db import database
    from sidecar.store.models import Heartbeat

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with database.connection_context():
            if Heartbeat.select().exists():
                return
        time.sleep(0.1)
    raise RuntimeError("no worker heartbeat")
