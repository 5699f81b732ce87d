"""Shipments per minute told to WooCommerce by one ``fulfillments`` run (issue 13), with NetSuite as slow as a
real account (every call takes LATENCY_MS). One run is one thread (one run of a flow at a time), so its rate is
bounded by the calls per shipment, not by the concurrency limit: printed next to that ceiling.

SHIPMENTS orders are exported, each shipped in one fulfilment with a tracking number; then one run tells them.
Per shipment the flow reads the fulfilment and its sales order (2 requests), plus one SuiteQL page per run.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from pathlib import Path

from tests.bench import report

SHIPMENTS = int(os.environ.get("BENCH_SHIPMENTS", "15" if report.quick() else "40"))
LATENCY_MS = int(os.environ.get("BENCH_NS_LATENCY_MS", "300"))


def main() -> None:
    from tests.flows.stack import configure, start_stack, stock_the_store

    tmp = Path(tempfile.mkdtemp(prefix="nssync-bench-"))
    stack = start_stack(tmp, ns_options={"latency_ms": 0})
    try:
        configure(stack)
        items = stock_the_store(stack)
        sku = min(s for s, i in items.items() if not i.get("matrixType"))
        orders = [stack.place({"line_items": [{"sku": sku, "quantity": 2}], "billing": {
            "first_name": "Bench", "last_name": "Buyer", "email": "bench@example.com", "country": "US"}})
            for _ in range(SHIPMENTS)]
        stack.settle(timeout_s=300)
        for order in orders:
            so = stack.sales_order_for(order["id"])
            stack.ns_control("POST", "fulfill", {"salesOrderId": so["id"], "trackingNumbers": [f"1Z{order['id']:08d}"]})
        stack.ns_control("POST", "config", {"latency_ms": LATENCY_MS})
        before = stack.ns_control("GET", "stats")["requests"]
        started = time.monotonic()
        run_id = stack.api.post("/v1/sync/fulfillments").get_json()["run_id"]
        stack.settle(timeout_s=600)
        elapsed = time.monotonic() - started
        run = stack.api.get(f"/v1/runs/{run_id}").get_json()
        show(stack, run, before, elapsed)
    finally:
        stack.stop()


def show(stack, run: dict, before: int, elapsed: float) -> None:
    """Print the run's details and record the generated table."""
    import datetime as dt

    ns_requests = stack.ns_control("GET", "stats")["requests"] - before
    per = ns_requests / max(run["changed"], 1)
    took = (dt.datetime.fromisoformat(run["finished_at"].rstrip("Z"))
            - dt.datetime.fromisoformat(run["started_at"].rstrip("Z"))).total_seconds()
    print(f"shipments told:             {run['changed']} of {SHIPMENTS}: the run took {took:.1f} s, "
          f"{elapsed:.1f} s until the echoes of our writes were settled too (run {run['status']})")
    print(f"NetSuite:                   latency {LATENCY_MS} ms, {ns_requests} requests ({per:.2f} per shipment)")
    print(f"throughput:                 {run['changed'] / took * 60:.0f} shipments/minute (the run alone)")
    print(f"ceiling (serial NetSuite):  {60 / (per * LATENCY_MS / 1000):.0f} shipments/minute")
    record(run, ns_requests, took, elapsed)


def record(run: dict, ns_requests: int, took: float, elapsed: float) -> None:
    """Requests per shipment against the flow's 2 (+ a SuiteQL page per 1,000), the rate against the ceiling
    serial calls allow at that latency."""
    told = max(run["changed"], 1)
    per = ns_requests / told
    least = (2 * SHIPMENTS + math.ceil(SHIPMENTS / 1000)) / SHIPMENTS
    rate, ceiling = run["changed"] / took * 60, 60 / (per * LATENCY_MS / 1000)
    cmd = "`make bench` (`python -m tests.bench fulfillments`)"
    inputs = (f"{SHIPMENTS} exported orders, each shipped in one fulfilment with a tracking number; one run; "
              f"NetSuite {LATENCY_MS} ms a call; SQLite")
    report.table("Fulfilments: one run tells WooCommerce", __doc__, [
        ("NetSuite requests per shipment", cmd, inputs,
         f"{per:.2f} ({ns_requests} for {run['changed']} of {SHIPMENTS} shipments, run {run['status']})",
         f"≤ {least:.2f} (the fulfilment, its sales order; one SuiteQL page)",
         report.ratio(per, least, higher_is_better=False)),
        ("shipments per minute", cmd, inputs,
         f"{rate:.0f}/min (the run {took:.1f} s; {elapsed:.1f} s until the echoes of our writes settled)",
         f"{ceiling:.0f}/min ceiling (60 s ÷ requests per shipment × latency, one call at a time)",
         f"{rate / ceiling:.0%} (no goal)"),
    ], SHIPMENTS=SHIPMENTS, LATENCY_MS=LATENCY_MS)


if __name__ == "__main__":
    main()
