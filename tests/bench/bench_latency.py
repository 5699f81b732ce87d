"""Latency, order placed → sales order (issue 17): ORDERS orders arriving at RATE per second, NetSuite at
LATENCY_MS (limit 5), everything else at its defaults — SQLite, `sidecar serve` and `sidecar worker` as they
start without options. Each order is placed in the WooCommerce sandbox and announced at once with the plugin's
signed ``POST /v1/events`` (round robin over the serves); its latency ends when the worker has linked its sales
order (created, number read, link committed). Mixed buyers as in bench_orders.
"""

from __future__ import annotations

import os
import time

from tests.bench import harness, report

ORDERS = int(os.environ.get("BENCH_LATENCY_ORDERS", "100" if report.quick() else "500"))
RATE = float(os.environ.get("BENCH_LATENCY_RATE", "5"))
LATENCY_MS = int(os.environ.get("BENCH_NS_LATENCY_MS", "300"))
P50_S, P99_S = 5.0, 60.0


def main() -> None:
    pipe, skus = harness.start_pipeline()
    try:
        pipe.start_serve()
        pipe.start_worker()
        harness.wait_heartbeat()
        pipe.stack.ns_control("POST", "config", {"latency_ms": LATENCY_MS})
        before = pipe.ns_stats()
        started = time.monotonic()
        for n in range(ORDERS):
            time.sleep(max(0.0, started + n / RATE - time.monotonic()))
            pipe.place(n, f"buyer{n // 2}@example.com", skus)
        arrival_s = time.monotonic() - started
        pipe.wait_exported(ORDERS, timeout_s=600)
        exported = pipe.exported()
        after = pipe.ns_stats()
    finally:
        pipe.stop()
    latencies = [exported[w][1] - t for w, t in pipe.placed.items()]
    p50, p99 = harness.quantile(latencies, 0.50), harness.quantile(latencies, 0.99)
    per_order = (after["requests"] - before["requests"]) / ORDERS
    print(f"{ORDERS} orders at {ORDERS / arrival_s:.1f}/s, NetSuite {LATENCY_MS} ms ({per_order:.2f} requests/order): "
          f"placed → sales order p50 {p50:.2f} s, p99 {p99:.2f} s, max {max(latencies):.2f} s")
    cmd = "`make bench` (`python -m tests.bench latency`)"
    inputs = (f"{ORDERS} orders at {ORDERS / arrival_s:.1f}/s, NetSuite {LATENCY_MS} ms, limit 5, defaults "
              f"(SQLite, serve 2×4, worker {os.environ.get('SIDECAR_WORKERS', 'default')} threads), "
              f"{per_order:.2f} NetSuite requests/order")
    report.table("Latency: order placed → sales order", __doc__.split("\n\n")[0], [
        ("p50", cmd, inputs, f"{p50:.2f} s", f"< {P50_S:.0f} s", report.ratio(p50, P50_S, higher_is_better=False)),
        ("p99", cmd, inputs, f"{p99:.2f} s (max {max(latencies):.2f} s)", f"< {P99_S:.0f} s",
         report.ratio(p99, P99_S, higher_is_better=False)),
    ], ORDERS=ORDERS, RATE=f"{RATE:g}", LATENCY_MS=LATENCY_MS)


if __name__ == "__main__":
    main()
