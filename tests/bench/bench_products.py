"""The catalog import (issue 14) at size: PARENTS matrix parents × CHILDREN children and SIMPLE simple items
(every tenth a non-inventory item) in NetSuite, into an empty store, then a re-run with nothing changed.

Both sandboxes answer every call after a fixed latency (BENCH_WOO_LATENCY_MS, BENCH_NS_LATENCY_MS). The flow
makes its calls one after another, so the least wall time a run can take is

    bound = WooCommerce calls × WooCommerce latency + NetSuite calls × NetSuite latency

Prints the calls each run made, its wall time and that bound, and the share of the wall time the bound explains.
``make bench``: 1,000 × 5 + 5,000 = 10,000 sellable items; ``make bench-quick``: 100 × 5 + 500.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from pathlib import Path

from tests.bench import report

QUICK = report.quick()
PARENTS = int(os.environ.get("BENCH_PRODUCT_PARENTS", "100" if QUICK else "1000"))
CHILDREN = int(os.environ.get("BENCH_PRODUCT_CHILDREN", "5"))
SIMPLE = int(os.environ.get("BENCH_PRODUCT_SIMPLE", "500" if QUICK else "5000"))
WOO_LATENCY_MS = float(os.environ.get("BENCH_WOO_LATENCY_MS", "20"))
NS_LATENCY_MS = float(os.environ.get("BENCH_NS_LATENCY_MS", "100"))
OPTIONS = {"custitem_color": "Color", "custitem_size": "Size"}
BATCH = 100  # WooCommerce's batch endpoints take at most 100 objects


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
        record(first, again)
        assert first["failed"] == 0 and again["changed"] == 0, (first, again)
    finally:
        stack.stop()


def measure(stack, label: str) -> dict:
    """One "Sync now" run of products, drained in this thread; prints calls, wall time and the latency bound.

    Returns the run (seen, changed, failed) with what was counted: calls, batch writes, wall time, bound."""
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
    return {**run, "woo_calls": woo_calls, "batches": batches, "ns_calls": ns_calls, "wall_s": elapsed,
            "bound_s": bound}


def record(first: dict, again: dict) -> None:
    """The generated table: WooCommerce calls against the floor the API allows (products in batches of 100,
    variations batched per parent), no writes when nothing changed, wall time against the latency bound."""
    floor = math.ceil((PARENTS + SIMPLE) / BATCH) + PARENTS * math.ceil(CHILDREN / BATCH)
    cmd = "`make bench` (`python -m tests.bench products`)"
    inputs = (f"{PARENTS:,} matrix parents × {CHILDREN} + {SIMPLE:,} simple = {PARENTS * CHILDREN + SIMPLE:,} "
              f"sellable items, empty store; WooCommerce {WOO_LATENCY_MS:.0f} ms, NetSuite {NS_LATENCY_MS:.0f} ms "
              "a call; SQLite, drained in one thread")

    def wall(run: dict) -> str:
        return (f"{run['wall_s']:.1f} s ({run['woo_calls']:,} WooCommerce + {run['ns_calls']} NetSuite calls; "
                f"{run['bound_s'] / run['wall_s']:.0%} of it is latency)")

    def times(run: dict) -> str:
        return f"{run['wall_s'] / run['bound_s']:.2f} × (no goal)" if run["bound_s"] else "–"

    report.table("Products: the catalog import", "\n\n".join(__doc__.split("\n\n")[:3]), [
        ("first import: WooCommerce calls", cmd, inputs,
         (f"{first['woo_calls']:,} ({first['batches']:,} batch writes); {first['changed']:,} of "
          f"{first['seen']:,} written, {first['failed']} failed"), f"{floor:,} (the API's floor)",
         report.ratio(first["woo_calls"], floor, higher_is_better=False)),
        ("first import: wall time", cmd, inputs, wall(first), f"≥ {first['bound_s']:.1f} s (calls × latency)",
         times(first)),
        ("no-change re-run: WooCommerce writes", cmd, "the same catalog again, nothing changed in NetSuite",
         f"{again['batches']} ({again['woo_calls']} calls); {again['changed']} of {again['seen']:,} changed", "0",
         "100% ✓" if again["batches"] == 0 and again["changed"] == 0 else "✗"),
        ("no-change re-run: wall time", cmd, "the same catalog again", wall(again),
         f"≥ {again['bound_s']:.1f} s (calls × latency)", times(again)),
    ], PARENTS=f"{PARENTS:,}", CHILDREN=CHILDREN, SIMPLE=f"{SIMPLE:,}")


if __name__ == "__main__":
    main()
