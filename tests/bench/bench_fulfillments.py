"""Shipments per minute told to WooCommerce by one ``fulfillments`` run (issue 13), with NetSuite as slow as a
real account (every call takes LATENCY_MS). One run is one thread (one run of a flow at a time), so its rate is
bounded by the calls per shipment, not by the concurrency limit: printed next to that ceiling.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

SHIPMENTS = int(os.environ.get("BENCH_SHIPMENTS", "40"))
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
        report(stack, run, before, elapsed)
    finally:
        stack.stop()


def report(stack, run: dict, before: int, elapsed: float) -> None:
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


if __name__ == "__main__":
    main()
