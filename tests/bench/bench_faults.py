"""Faults under a stream of orders, counted: nothing lost, nothing twice, a buyer's orders in arrival order.

- **NetSuite down 10 minutes**, simulated at 1/SCALE of real time: every NetSuite call answers 503 for
  600/SCALE s while orders keep arriving, with the pipeline's backoff scaled the same way
  (``SIDECAR_RETRY_BASE_S`` 30/SCALE, ``SIDECAR_RETRY_MAX_S`` 3600/SCALE), so each order goes through the same
  number of failed attempts as in a real 10-minute outage.
- **NetSuite answering 429 for a minute** (real time): every call refused with CONCURRENCY_LIMIT_EXCEEDED.

Orders arrive at RATE per second from ten buyers in turn (each buyer places many), announced as the plugin does;
the window opens after a few orders and closes while they still arrive. Afterwards: every order is one sales
order, no event ended ``failed``, and each buyer's sales orders were created in the order the buyer's orders
arrived (NetSuite internal ids increase with the WooCommerce order ids).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import Counter

from tests.bench import harness, report

SCALE = float(os.environ.get("BENCH_FAULT_SCALE", "60" if report.quick() else "20"))
RATE = float(os.environ.get("BENCH_FAULT_RATE", "2"))
LATENCY_MS = 100
# The 429 minute runs in real time: the NetSuite client's own retries (0.5 s doubling, 5 of them) are not scaled,
# so a 3-second window would be absorbed by them and no job would ever be retried.
RATE_LIMITED_S = 10.0 if report.quick() else 60.0
LEAD_S = 2.0 if report.quick() else 3.0  # orders before the window opens and after it closes


def scenario(name: str, status: int, window_s: float, env: dict) -> tuple[str, dict]:
    pipe, skus = harness.start_pipeline(env=env)
    timer = None
    try:
        pipe.start_serve()
        pipe.start_worker()
        harness.wait_heartbeat()
        pipe.stack.ns_control("POST", "config", {"latency_ms": LATENCY_MS})
        lead_s = LEAD_S
        orders = int((lead_s + window_s + lead_s) * RATE)
        timer = threading.Timer(lead_s, lambda: pipe.stack.ns_control("POST", "config", {"outage_status": status}))
        timer.start()
        started = time.monotonic()
        for n in range(orders):
            time.sleep(max(0.0, started + n / RATE - time.monotonic()))
            if time.monotonic() - started >= lead_s + window_s:
                pipe.stack.ns_control("POST", "config", {"outage_status": 0})
            pipe.place(n, f"buyer{n % 10}@example.com", skus)
        pipe.stack.ns_control("POST", "config", {"outage_status": 0})
        ended = time.monotonic()
        pipe.wait_exported(orders, timeout_s=600)
        recovered_s = time.monotonic() - ended
        return name, check(pipe, orders, window_s, recovered_s)
    finally:
        if timer is not None:
            timer.cancel()
        pipe.stop()


def check(pipe: harness.Pipeline, orders: int, window_s: float, recovered_s: float) -> dict:
    from sidecar.store.db import database
    from sidecar.store.models import Event

    stats = pipe.ns_stats()
    sales_orders = pipe.sales_orders()
    by_ext = Counter(so.get("externalId") for so in sales_orders)
    with database.connection_context():
        failed = Event.select().where(Event.status == "failed").count()
        # an outage's failures give their attempt back (retry.outage_hours) and are counted in outage_retries
        retried = Event.select().where((Event.attempts > 1) | (Event.outage_retries > 0)).count()
    exported = pipe.exported()
    out_of_order = 0
    for buyer in range(10):
        woo_ids = sorted(w for n, w in enumerate(sorted(pipe.placed)) if n % 10 == buyer)
        ns_ids = [int(exported[w][0]) for w in woo_ids]
        out_of_order += sum(1 for a, b in itertools.pairwise(ns_ids) if b < a)
    return {"orders": orders, "sales_orders": len(by_ext), "twice": sum(1 for c in by_ext.values() if c > 1),
            "failed": failed, "retried": retried, "refused": stats.get("outage_refused", 0),
            "out_of_order": out_of_order, "window_s": window_s, "recovered_s": recovered_s}


def main() -> None:
    scaled = {"SIDECAR_RETRY_BASE_S": str(30 / SCALE), "SIDECAR_RETRY_MAX_S": str(3600 / SCALE)}
    results = [scenario("NetSuite down 10 minutes (503)", 503, 600 / SCALE, scaled),
               scenario("NetSuite answering 429 for a minute", 429, RATE_LIMITED_S, {})]
    rows = []
    cmd = "`make bench` (`python -m tests.bench faults`)"
    for name, r in results:
        print(f"{name}: {r}", flush=True)
        inputs = (f"{r['orders']} orders at {RATE:g}/s from 10 buyers; window {r['window_s']:.0f} s"
                  + (f" (= 600 s at 1/{SCALE:g} scale, backoff scaled alike)" if "down" in name else ""))
        ok = r["sales_orders"] == r["orders"] and not r["twice"] and not r["failed"] and not r["out_of_order"]
        rows.append((name, cmd, inputs,
                     (f"{r['sales_orders']}/{r['orders']} exported, {r['twice']} twice, {r['failed']} failed, "
                     f"{r['out_of_order']} out of arrival order per buyer; {r['retried']} events retried, "
                     f"{r['refused']} calls refused; all in {r['recovered_s']:.0f} s after the last order"),
                     "all, once, in order", "100% ✓" if ok else "✗"))
    report.table("Faults: NetSuite unavailable under a stream of orders", __doc__.split("\n\n")[0], rows,
                 SCALE=f"{SCALE:g}", RATE=f"{RATE:g}")


if __name__ == "__main__":
    main()
