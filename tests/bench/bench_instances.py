"""Several instances (DESIGN.md §6): two ``sidecar serve`` + two ``sidecar worker`` on one PostgreSQL.

ORDERS orders are placed in the WooCommerce sandbox (four at a time) and announced round robin to the two serves;
one in ten is announced again to the other serve (a plugin retry after a timeout), one in ten gets a second event. NetSuite answers in LATENCY_MS; the
sidecar's ``netsuite.concurrency_limit`` is LIMIT and the gate is the shared one (``SIDECAR_NETSUITE_GATE``
``auto`` → database on PostgreSQL). The NetSuite sandbox itself allows 10× more, so that it *counts* how many
requests were really in flight at once (``max_concurrent``) instead of refusing the excess.
Checks: every order exported once (one link, one sales order per external id), peak in flight ≤ LIMIT.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.bench import harness, report

ORDERS = int(os.environ.get("BENCH_INSTANCES_ORDERS", "100" if report.quick() else "1000"))
LATENCY_MS = int(os.environ.get("BENCH_NS_LATENCY_MS_INSTANCES", "100"))
LIMIT = int(os.environ.get("BENCH_NS_LIMIT", "5"))


def main() -> None:
    with harness.postgres() as url:
        if url is None:
            print("skipped: no PostgreSQL (set BENCH_PG_URL, or install postgresql for scripts/start-postgres.sh)")
            return
        run(url)


def place(pipe: harness.Pipeline, n: int, skus: list[str]) -> bool:
    """Order ``n`` (buyer k places orders 2k and 2k+1); some announced twice. True when a repeat answered 200."""
    woo_id = pipe.place(n, f"buyer{n // 2}@example.com", skus)
    if n % 10 == 5:  # the plugin retries the same envelope on the other serve
        return pipe.announce({"id": woo_id}, pipe.event_ids[woo_id]) == 200
    if n % 10 == 7:  # a second event about the same order
        pipe.announce({"id": woo_id})
    return False


def run(url: str) -> None:
    pipe, skus = harness.start_pipeline(database_url=url, ns_options={"concurrency_limit": LIMIT * 10},
                                        settings={"netsuite": {"concurrency_limit": LIMIT}})
    try:
        for _ in range(2):
            pipe.start_serve(workers=1, threads=4)
        pipe.stack.ns_control("POST", "config", {"latency_ms": LATENCY_MS})
        before = pipe.ns_stats()["requests"]
        for _ in range(2):
            pipe.start_worker(threads=8)
        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:  # four shoppers at once: placing 1,000 orders one by one took long
            answers = list(pool.map(lambda n: place(pipe, n, skus), range(ORDERS)))
        duplicates = sum(answers)
        pipe.wait_exported(ORDERS, timeout_s=900)
        elapsed = time.monotonic() - started
        time.sleep(1)
        stats = pipe.ns_stats()
        ext = Counter(so.get("externalId") for so in pipe.sales_orders())
    finally:
        pipe.stop()
    twice = sum(1 for c in ext.values() if c > 1)
    requests = stats["requests"] - before
    print(f"{ORDERS} orders through 2 serve + 2 worker on PostgreSQL in {elapsed:.1f} s; {len(ext)} sales orders, "
          f"{twice} twice; NetSuite peak in flight {stats['max_concurrent']} (limit {LIMIT}), "
          f"{stats['rejected_429']} answered 429, {requests / ORDERS:.2f} requests/order")
    cmd = "`make bench` (`python -m tests.bench instances`)"
    inputs = (f"{ORDERS} orders (+{ORDERS // 10} envelopes repeated, +{ORDERS // 10} second events), 2 serve × 1×4, 2 worker × 8 threads, "
              f"PostgreSQL, NetSuite {LATENCY_MS} ms")
    report.table("Several instances on one PostgreSQL", __doc__.split("\n\n")[1], [
        ("sales orders, none twice", cmd, inputs,
         f"{len(ext)} sales orders, {twice} twice; {duplicates} repeated envelopes answered 200 (of {ORDERS // 10})",
         f"{ORDERS}, 0 twice", "100% ✓" if len(ext) == ORDERS and not twice else "✗"),
        ("NetSuite requests in flight (sandbox's count)", cmd, f"sidecar limit {LIMIT}, sandbox allows {LIMIT * 10}",
         f"peak {stats['max_concurrent']}", f"≤ {LIMIT}",
         report.ratio(stats["max_concurrent"], LIMIT, higher_is_better=False)),
        ("throughput", cmd, inputs, f"{ORDERS / elapsed * 60:.0f} orders/minute ({requests / ORDERS:.2f} req/order)",
         f"{LIMIT / (LATENCY_MS / 1000) * 60 / (requests / ORDERS):.0f}/min ceiling",
         (f"{ORDERS / elapsed * 60 / (LIMIT / (LATENCY_MS / 1000) * 60 / (requests / ORDERS)):.0%} (no bound: "
         "placing the orders is part of the time)")),
    ], ORDERS=ORDERS, LATENCY_MS=LATENCY_MS, LIMIT=LIMIT)


if __name__ == "__main__":
    main()
