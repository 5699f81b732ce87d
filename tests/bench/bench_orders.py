"""Orders per minute through the whole pipeline (issue 6), with NetSuite as slow and as strict as a real
account: every call takes LATENCY_MS and at most LIMIT run at once (the sandbox answers 429 beyond that).

Prints the measured rate next to the ceiling those two numbers allow:
ceiling = LIMIT / latency × 60 / (NetSuite requests per order, counted by the sandbox).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORDERS = int(os.environ.get("BENCH_ORDERS", "60"))
LATENCY_MS = int(os.environ.get("BENCH_NS_LATENCY_MS", "300"))
LIMIT = int(os.environ.get("BENCH_NS_LIMIT", "5"))
WORKER_THREADS = int(os.environ.get("BENCH_WORKER_THREADS", "8"))


def main() -> None:
    from tests.conftest import SHARED_SECRET
    from tests.flows.stack import configure, start_stack, stock_the_store

    tmp = Path(tempfile.mkdtemp(prefix="nssync-bench-"))
    stack = start_stack(tmp, ns_options={"latency_ms": 0, "concurrency_limit": LIMIT})
    try:
        configure(stack)
        stack.api.put("/v1/settings", {"netsuite": {"concurrency_limit": LIMIT}})
        items = stock_the_store(stack)
        skus = sorted(s for s, i in items.items() if not i.get("matrixType"))
        place_orders(stack, skus)
        stack.ns_control("POST", "config", {"latency_ms": LATENCY_MS})
        before = stack.ns_control("GET", "stats")["requests"]
        worker = start_worker(tmp, stack.ns.url, SHARED_SECRET)
        started = time.monotonic()
        try:
            elapsed = wait_until_exported(started)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        report(stack, before, elapsed)
    finally:
        stack.stop()
        from sidecar.db import database

        database.close()
        shutil.rmtree(tmp, ignore_errors=True)


def place_orders(stack, skus: list[str]) -> None:
    """Checkouts: every other order by a returning guest, two lines each, flat-rate shipping."""
    for n in range(ORDERS):
        email = f"buyer{n // 2 if n % 2 else n}@example.com"
        stack.place({"billing": {"first_name": "Bench", "last_name": f"Buyer{n}", "email": email,
                                 "address_1": "1 Main St", "city": "Austin", "postcode": "78701", "country": "US"},
                     "line_items": [{"sku": skus[n % len(skus)], "quantity": 1},
                                    {"sku": skus[(n + 1) % len(skus)], "quantity": 2}],
                     "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}]})
    stack.woo_control("POST", "webhooks/flush")


def start_worker(tmp: Path, ns_url: str, secret: str) -> subprocess.Popen:
    env = {**os.environ, "SIDECAR_VAR_DIR": str(tmp / "var"), "SIDECAR_SHARED_SECRET": secret,
           "SIDECAR_NETSUITE_BASE_URL": ns_url, "SIDECAR_LOG_LEVEL": "WARNING"}
    env.pop("SIDECAR_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "sidecar", "worker", "--workers", str(WORKER_THREADS)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)


def wait_until_exported(started: float, timeout_s: float = 600) -> float:
    from sidecar.store.db import database
    from sidecar.store.models import Link

    while time.monotonic() - started < timeout_s:
        with database.connection_context():
            done = Link.select().where((Link.entity == "order") & Link.ns_id.is_null(False)).count()
        if done >= ORDERS:
            return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError(f"only {done} of {ORDERS} orders exported within {timeout_s:.0f} s")


def report(stack, before: int, elapsed: float) -> None:
    stats = stack.ns_control("GET", "stats")
    ns_requests = stats["requests"] - before
    per_order = ns_requests / ORDERS
    ceiling = LIMIT / (LATENCY_MS / 1000) * 60 / per_order
    rate = ORDERS / elapsed * 60
    print(f"orders exported:            {ORDERS} in {elapsed:.1f} s with {WORKER_THREADS} worker threads")
    print(f"NetSuite:                   latency {LATENCY_MS} ms, concurrency limit {LIMIT}, "
          f"{ns_requests} requests ({per_order:.2f} per order), {stats.get('rejected_429', 0)} answered 429, "
          f"at most {stats.get('max_concurrent')} at once")
    print(f"throughput:                 {rate:.0f} orders/minute")
    print(f"ceiling (limit/latency):    {ceiling:.0f} orders/minute  ({rate / ceiling:.0%} of it)")


if __name__ == "__main__":
    main()
