"""Orders per minute through the whole pipeline (issues 6, 17), with NetSuite as slow and as strict as a real
account: every call takes LATENCY_MS and at most LIMIT run at once (the sandbox answers 429 beyond that).

Mixed orders: every other order by a returning guest (buyer k places orders 2k and 2k+1), two lines of known
items each. The worker (`sidecar worker`, WORKER_THREADS threads — the default unless BENCH_WORKER_THREADS is
set) is started first and ready; then the webhooks are delivered and the clock runs until every order is a
sales order. Prints the rate next to the ceiling those numbers allow:
ceiling = LIMIT / latency × 60 / (NetSuite requests per order, counted by the sandbox), and what each request
was for.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from tests.bench import report

ORDERS = int(os.environ.get("BENCH_ORDERS", "100" if report.quick() else "500"))
LATENCY_MS = int(os.environ.get("BENCH_NS_LATENCY_MS", "300"))
LIMIT = int(os.environ.get("BENCH_NS_LIMIT", "5"))
WORKER_THREADS = int(os.environ.get("BENCH_WORKER_THREADS", "0"))  # 0: SIDECAR_WORKERS' default
TARGET_PER_ORDER, TARGET_SHARE = 2.5, 0.95
PURPOSE = {
    "POST salesOrder": "create the sales order (one per order)",
    "POST customer": "create a new buyer's customer",
    "POST suiteql": "SuiteQL: a new buyer looked up by external id / e-mail; sales order numbers (tranId) of "
                    "orders created together, one query; item ids of SKUs not cached yet",
    "GET customer/eid:{id}": "adopt a customer another process created first",
    "GET customer/{id}": "currencies of an existing customer, read once before adding the order's currency "
                         "(not for a customer created for the order: it has the order's currency)",
    "GET salesOrder/{id}": "number of a sales order the shared query did not return",
    "GET serverTime": "clock check when the client starts",
}


def main() -> None:
    from tests.bench import harness
    from tests.bench.bench_stock import SandboxProcess
    from tests.conftest import SHARED_SECRET
    from tests.flows.stack import configure, start_stack, stock_the_store

    tmp = Path(tempfile.mkdtemp(prefix="nssync-bench-"))
    ns = SandboxProcess("netsuite", ["seed=12", "latency_ms=0", f"concurrency_limit={LIMIT}"])
    stack = start_stack(tmp, ns_server=ns)
    try:
        configure(stack)
        stack.api.put("/v1/settings", {"netsuite": {"concurrency_limit": LIMIT}})
        items = stock_the_store(stack)
        skus = sorted(s for s, i in items.items() if not i.get("matrixType"))
        harness.allow_backorders(stack, skus)  # the worker's inventory schedule may reset the store's stock
        place_orders(stack, skus)
        stack.ns_control("POST", "config", {"latency_ms": LATENCY_MS})
        worker = start_worker(tmp, stack.ns.url, SHARED_SECRET)
        try:
            wait_ready()
            before = stack.ns_control("GET", "stats")
            sampler = Sampler(stack, before["requests"])
            sampler.start()
            flushed = time.monotonic()
            stack.woo_control("POST", "webhooks/flush")
            print(f"webhooks delivered in {time.monotonic() - flushed:.1f} s", flush=True)
            wait_until_exported(time.monotonic())
            ended = time.monotonic()
            elapsed = ended - sampler.first_request_at
            sampler.stop()
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        report_figures(stack, before, elapsed, sampler.phases(LIMIT, ended))
        report_idle(sampler, ended, before, stack.ns_control("GET", "stats"))
        report_jobs()
    finally:
        stack.stop()
        from sidecar.store.db import database

        database.close()
        shutil.rmtree(tmp, ignore_errors=True)


class Sampler(threading.Thread):
    """Watches the NetSuite sandbox: the clock starts at the first request of the run, so the worker's idle
    polling interval before its first job is not counted (bench_latency counts it). Then samples how many requests
    are in flight every SAMPLE_S, so the idle slot time can be placed: the ramp (before all slots were first
    busy), the tail (after they were last all busy) and the middle."""

    SAMPLE_S = 0.05

    def __init__(self, stack, requests_before: int):
        super().__init__(daemon=True)
        self.stack, self.before = stack, requests_before
        self.first_request_at: float | None = None
        self.timeline: list[tuple[float, int]] = []  # (monotonic time, requests in flight)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.SAMPLE_S):
            stats = self.stack.ns_control("GET", "stats")
            if self.first_request_at is None and stats["requests"] > self.before:
                self.first_request_at = time.monotonic()
            if self.first_request_at is not None:
                self.timeline.append((time.monotonic(), stats["in_flight"]))

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def phases(self, limit: int, ended: float) -> dict[str, tuple[float, float]]:
        """Phase → (seconds, idle slot-seconds), from the samples (approximate: one sample per SAMPLE_S)."""
        full = [i for i, (_, n) in enumerate(self.timeline) if n >= limit]
        if not full:
            return {}
        first, last = full[0], full[-1]
        out = {}
        spans = {"ramp": (0, first), "middle": (first, last), "tail": (last, len(self.timeline))}
        for name, (lo, hi) in spans.items():
            idle = seconds = 0.0
            for i in range(lo, hi):
                t, n = self.timeline[i]
                nxt = self.timeline[i + 1][0] if i + 1 < len(self.timeline) else ended
                seconds += nxt - t
                idle += (limit - min(n, limit)) * (nxt - t)
            out[name] = (seconds, idle)
        return out


def place_orders(stack, skus: list[str]) -> None:
    """Checkouts: every other order by a returning guest (buyer k places orders 2k and 2k+1), two lines each,
    flat-rate shipping. Their webhooks wait in the sandbox until the worker is ready."""
    for n in range(ORDERS):
        email = f"buyer{n // 2}@example.com"
        stack.place({"billing": {"first_name": "Bench", "last_name": f"Buyer{n}", "email": email,
                                 "address_1": "1 Main St", "city": "Austin", "postcode": "78701", "country": "US"},
                     "line_items": [{"sku": skus[n % len(skus)], "quantity": 1},
                                    {"sku": skus[(n + 1) % len(skus)], "quantity": 2}],
                     "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}]})


def start_worker(tmp: Path, ns_url: str, secret: str) -> subprocess.Popen:
    env = {**os.environ, "SIDECAR_VAR_DIR": str(tmp / "var"), "SIDECAR_SHARED_SECRET": secret,
           "SIDECAR_NETSUITE_BASE_URL": ns_url, "SIDECAR_LOG_LEVEL": "WARNING"}
    env.pop("SIDECAR_DATABASE_URL", None)
    args = ["--workers", str(WORKER_THREADS)] if WORKER_THREADS else []
    return subprocess.Popen([sys.executable, "-m", "sidecar", "worker", *args],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)


def wait_ready(timeout_s: float = 60) -> None:
    """Until the worker wrote its heartbeat (it has started its consumer)."""
    from sidecar.store.db import database
    from sidecar.store.models import Heartbeat

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with database.connection_context():
            if Heartbeat.select().exists():
                time.sleep(0.5)
                return
        time.sleep(0.1)
    raise RuntimeError("the worker wrote no heartbeat")


def wait_until_exported(started: float, timeout_s: float = 600) -> float:
    from sidecar.store.db import database
    from sidecar.store.models import Link

    while time.monotonic() - started < timeout_s:
        with database.connection_context():
            done = Link.select().where((Link.entity == "order") & Link.ns_id.is_null(False)).count()
        if done >= ORDERS:
            return time.monotonic() - started
        time.sleep(0.05)  # the clock's end is late by at most this (its start by at most Sampler.SAMPLE_S)
    raise RuntimeError(f"only {done} of {ORDERS} orders exported within {timeout_s:.0f} s")


def report_idle(sampler: Sampler, ended: float, before: dict, after: dict) -> None:
    """Where the slots stood idle: time at each number of requests in flight (counted by the sandbox), and the
    idle slot-seconds of the ramp, the middle and the tail (sampled)."""
    levels = [a - (before["level_s"][k] if k < len(before["level_s"]) else 0)
              for k, a in enumerate(after["level_s"])]
    idle = sum((LIMIT - k) * s for k, s in enumerate(levels) if k < LIMIT)
    print("time at k in flight:        " + ", ".join(f"{k}: {s:.1f} s" for k, s in enumerate(levels)) +
          f"  (idle slot-seconds {idle:.1f}, includes the worker's wait before its first request)")
    for name, (seconds, idle_s) in sampler.phases(LIMIT, ended).items():
        print(f"  {name:7s} {seconds:6.1f} s, idle slot-seconds {idle_s:5.1f} ({idle_s / LIMIT:.2f} s of all slots)")


def report_jobs() -> None:
    """Jobs that waited for another job (deferred) or failed an attempt (retried) are re-queued for later: a long
    tail with nothing in flight is one of them."""
    from sidecar.store.db import database
    from sidecar.store.models import Counter

    with database.connection_context():
        counts = {c.name: c.value for c in Counter.select()}
    print("jobs:                       " + ", ".join(f"{k.removeprefix('events.')} {counts.get(k, 0)}" for k in
                                                     ("events.done", "events.deferred", "events.retried",
                                                      "events.failed")))


def breakdown(before: dict, after: dict) -> Counter:
    counts: Counter = Counter()
    for key, n in after["by_method_path"].items():
        n -= before["by_method_path"].get(key, 0)
        method, path = key.split(" ", 1)
        path = re.sub(r"^/services/rest/(record|query|system)/v1/", "", path)
        path = re.sub(r"/eid:[^/]+", "/eid:{id}", re.sub(r"/\d+", "/{id}", path))
        if n:
            counts[f"{method} {path}"] += n
    return counts


def report_figures(stack, before: dict, elapsed: float, phases: dict[str, tuple[float, float]]) -> None:
    after = stack.ns_control("GET", "stats")
    busy_s = after["busy_s"] - before["busy_s"]
    busy = busy_s / (LIMIT * elapsed)
    served_ms = busy_s / max(1, after["served"] - before["served"]) * 1000
    ns_requests = after["requests"] - before["requests"]
    per_order = ns_requests / ORDERS
    ceiling = LIMIT / (LATENCY_MS / 1000) * 60 / per_order
    rate = ORDERS / elapsed * 60
    threads = WORKER_THREADS or "default"
    print(f"orders exported:            {ORDERS} in {elapsed:.1f} s with {threads} worker threads")
    print(f"NetSuite:                   latency {LATENCY_MS} ms, concurrency limit {LIMIT}, "
          f"{ns_requests} requests ({per_order:.2f} per order), {after['rejected_429'] - before['rejected_429']} "
          f"answered 429, at most {after.get('max_concurrent')} at once")
    print(f"throughput:                 {rate:.0f} orders/minute (NetSuite slots busy {busy:.0%} of the time, "
          f"a request served in {served_ms:.0f} ms on average)")
    print(f"ceiling (limit/latency):    {ceiling:.0f} orders/minute  ({rate / ceiling:.0%} of it)")
    counts = breakdown(before, after)
    for key, n in counts.most_common():
        print(f"  {n:5d}  {n / ORDERS:.2f}/order  {key}: {PURPOSE.get(key, '')}")
    cmd = "`make bench` (`python -m tests.bench orders`)"
    inputs = (f"{ORDERS} mixed orders (half by returning guests), NetSuite {LATENCY_MS} ms, limit {LIMIT}, "
              f"`sidecar worker` {threads} threads, SQLite")
    rows = [
        ("NetSuite requests per order", cmd, inputs, f"{per_order:.2f}", f"≤ {TARGET_PER_ORDER}",
         report.ratio(per_order, TARGET_PER_ORDER, higher_is_better=False)),
        ("throughput vs ceiling", cmd, inputs,
         f"{rate:.0f} orders/minute = {rate / ceiling:.0%} (slots busy {busy:.0%}, {served_ms:.0f} ms per request as served)",
         f"≥ {TARGET_SHARE:.0%} of {ceiling:.0f}/min (limit ÷ latency ÷ requests per order)",
         report.ratio(rate / ceiling, TARGET_SHARE)),
    ]
    if phases:  # where the slots stood idle: the tail is the last buyer's chain, a fixed time whatever the run's length
        rows.append(("idle slots: ramp / middle / tail", cmd, ("sampled every 50 ms; the tail is after all slots were "
                     "last busy"), " / ".join(f"{idle / LIMIT:.2f} s" for _, idle in phases.values()) +
                     f" of all {LIMIT} slots (the tail lasted {phases['tail'][0]:.1f} s of {elapsed:.1f} s)", "–", "–"))
    rows += [(f"requests: {key}", cmd, PURPOSE.get(key, ""), f"{n} ({n / ORDERS:.2f}/order)", "–", "–")
             for key, n in counts.most_common()]
    report.table("Orders: throughput and NetSuite requests per order", __doc__.split("\n\n")[1], rows,
                 WORKER_THREADS=threads, LIMIT=LIMIT)


if __name__ == "__main__":
    main()
