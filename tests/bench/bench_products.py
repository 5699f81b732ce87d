"""The catalog import (issue 14) at size: 10,000 sellable NetSuite items — 1,000 matrix parents × 5 children and
5,000 simple items (every tenth a non-inventory item) — into an empty store, then a re-run with nothing changed.

Both sandboxes answer every call after a fixed latency (BENCH_WOO_LATENCY_MS, BENCH_NS_LATENCY_MS). The flow
makes its calls one after another, so the least wall time a run can take is

    bound = WooCommerce calls × WooCommerce latency + NetSuite calls × NetSuite latency

Prints the calls each run made, its wall time and that bound, and the share of the wall time the bound explains.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

PARENTS = int(os.environ.get("BENCH_PRODUCT_PARENTS", "1000"))
CHILDREN = int(os.environ.get("BENCH_PRODUCT_CHILDREN", "5"))
SIMPLE = int(os.environ.get("BENCH_PRODUCT_SIMPLE", "5000"))
WOO_LATENCY_MS = float(os.environ.get("BENCH_WOO_LATENCY_MS", "20"))
NS_LATENCY_MS = float(os.environ.get("BENCH_NS_LATENCY_MS", "100"))
OPTIONS = {"custitem_color": "Color", "custitem_size": "Size"}


def main() -> None:
    from tests.flows.stack import start_stack

    tmp = Path(tempfile.mkdtemp(prefix="nssync-bench-products-"))
    stack = start_stack(tmp, ns_options={"seed": 0})
    try:
        stack.ns_control("POST", "reset")
        started = time.monotonic()
        seeded = stack.ns_control("POST", "catalog", {"parents": PARENTS, "children": CHILDREN, "simple": SIMPLE})
        print(f"NetSuite catalog seeded:    {seeded['simple']} simple + {seeded['parents']} parents × {CHILDREN} "
              f"children in {time.monotonic() - started:.1f} s")
        assert stack.api.put("/v1/settings", {"products": {"matrix_options": OPTIONS}}).status_code == 200
        stack.ns_control("POST", "config", {"latency_ms": NS_LATENCY_MS})
        stack.woo_control("POST", "config", {"latency_ms": WOO_LATENCY_MS})
        first = measure(stack, "first import")
        again = measure(stack, "no-change re-run")
        assert first["failed"] == 0 and again["changed"] == 0, (first, again)
    finally:
        stack.stop()


def measure(stack, label: str) -> dict:
    """One "Sync now" run of products, drained in this thread; prints calls, wall time and the latency bound."""
    from tests.pipeline_handlers import drain

    woo0, ns0 = stack.woo_control("GET", "stats"), stack.ns_control("GET", "stats")
    started = time.monotonic()
    run_id = stack.api.post("/v1/sync/products").get_json()["run_id"]
    drain(settle_s=0.1)
    elapsed = time.monotonic() - started
    run = stack.api.get(f"/v1/runs/{run_id}").get_json()
    woo1, ns1 = stack.woo_control("GET", "stats"), stack.ns_control("GET", "stats")
    woo_calls = woo1["requests"] - woo0["requests"]
    batches = woo1["batch_calls"] - woo0["batch_calls"]
    ns_calls = ns1["requests"] - ns0["requests"]
    bound = woo_calls * WOO_LATENCY_MS / 1000 + ns_calls * NS_LATENCY_MS / 1000
    print(f"{label}:")
    print(f"  run:                      {run['status']}, seen {run['seen']}, changed {run['changed']}, "
          f"failed {run['failed']}")
    print(f"  WooCommerce calls:        {woo_calls} ({batches} batch writes), latency {WOO_LATENCY_MS:.0f} ms")
    print(f"  NetSuite calls:           {ns_calls}, latency {NS_LATENCY_MS:.0f} ms")
    print(f"  wall time:                {elapsed:.1f} s")
    print(f"  latency bound:            {bound:.1f} s  (calls × latency, one call at a time; "
          f"{bound / elapsed:.0%} of the wall time)" if elapsed else "")
    return run


if __name__ == "__main__":
    main()
