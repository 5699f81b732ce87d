"""Crash recovery of the orders flow (issue 19): how long after a worker is SIGKILLed (and restarted at once) do
the orders it was exporting reach NetSuite? The scenario of ``tests/flows/test_orders_crash.py``: ORDERS real
orders, 429s, repeated deliveries, two kills while order claims are held. Allowed: lease + 60 s after the restart.

Timing: ``make bench`` runs the suite's short timing (lease 2 s, sweep 0.3 s, retries 0.2–2 s; the scenario takes
10–20 s) to stay within its 10 minutes; BENCH_CRASH_TIMING=production runs the defaults (lease 300 s, sweep 15 s,
retry base 30 s doubling), which takes five to six minutes — its earlier figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from tests.bench import report
from tests.flows.crash_scenario import Outcome, Scenario, run
from tests.flows.test_orders_crash import SHORT

ORDERS = int(os.environ.get("BENCH_CRASH_ORDERS", "20" if report.quick() else "30"))
PRODUCTION = os.environ.get("BENCH_CRASH_TIMING") == "production"


def main() -> None:
    timing = {} if PRODUCTION else SHORT
    tmp = Path(tempfile.mkdtemp(prefix="nssync-bench-crash-"))
    started = time.monotonic()
    out = run(tmp, Scenario(orders=ORDERS, timing=timing))
    whole_s = time.monotonic() - started
    print_details(out, timing, whole_s)
    record(out, whole_s)
    if duplicates(out) or missing(out) or out.leftover_claims:
        raise RuntimeError("exactly-once broken")


def duplicates(out: Outcome) -> dict:
    return {k: n for k, n in out.sales_orders.items() if n != 1}


def missing(out: Outcome) -> set:
    return out.expected_ids - set(out.sales_orders)


def print_details(out: Outcome, timing: dict, whole_s: float) -> None:
    print(f"timing:                     {timing or 'production defaults'} (lease {out.lease_s:.0f} s)")
    print(f"orders:                     {len(out.expected_ids)}; sales orders in NetSuite {sum(out.sales_orders.values())}"
          f", duplicated {len(duplicates(out))}, missing {len(missing(out))}")
    print(f"events:                     {dict(out.event_status)}; deferred while another job held the "
          f"record: {out.deferred}; NetSuite 429s: {out.rejected_429}")
    for n, (held, secs) in enumerate(zip(out.claims_at_kill, out.recovery_s, strict=True), start=1):
        print(f"kill {n}:                     left {len(held)} claim(s) {sorted(held)}; their orders exported "
              f"{secs:.1f} s after the restart (allowed {out.lease_s + 60:.0f} s)")
    print(f"last order exported:        {out.all_exported_s:.1f} s after the last restart")
    print(f"claims left at the end:     {out.leftover_claims}")
    print(f"whole scenario:             {whole_s:.0f} s")


def record(out: Outcome, whole_s: float) -> None:
    """The generated table: exactly once, then each kill's recovery against lease + 60 s."""
    cmd = ("`BENCH_CRASH_TIMING=production python -m tests.bench crash`" if PRODUCTION
           else "`make bench` (`python -m tests.bench crash`)")
    timing = ("production timing: lease 300 s, sweep 15 s, retry base 30 s" if PRODUCTION
              else "short timing: lease 2 s, sweep 0.3 s, retries 0.2–2 s")
    events = sum(out.event_status.values())
    inputs = (f"{len(out.expected_ids)} orders as {events} events (some delivered twice), NetSuite limit 2 vs the "
              f"client's 5, 1 worker × 4 threads, 2 SIGKILLs; {timing}")
    once = not duplicates(out) and not missing(out) and not out.leftover_claims
    allowed = out.lease_s + 60
    rows = [("orders exactly once", cmd, inputs,
             (f"{len(out.sales_orders)} sales orders for {len(out.expected_ids)} orders, {len(duplicates(out))} "
              f"twice, {len(missing(out))} missing, {out.leftover_claims} claims left; events "
              f"{dict(out.event_status)}; {out.rejected_429} answered 429, {out.deferred} deferred"),
             f"{len(out.expected_ids)}, 0 twice", "100% ✓" if once else "✗")]
    for n, (held, secs) in enumerate(zip(out.claims_at_kill, out.recovery_s, strict=True), start=1):
        rows.append((f"kill {n}: its orders exported after the restart", cmd,
                     f"{len(held)} claim(s) held at the kill", f"{secs:.1f} s", f"≤ lease + 60 s = {allowed:.0f} s",
                     report.ratio(secs, allowed, higher_is_better=False)))
    rows.append(("last order exported after the last restart", cmd, f"whole scenario {whole_s:.0f} s",
                 f"{out.all_exported_s:.1f} s", f"≤ {allowed:.0f} s",
                 report.ratio(out.all_exported_s, allowed, higher_is_better=False)))
    title = "Crash recovery of the orders flow" + (" (production timing)" if PRODUCTION else "")
    report.table(title, __doc__.split("\n\n")[0], rows, ORDERS=len(out.expected_ids))


if __name__ == "__main__":
    main()
