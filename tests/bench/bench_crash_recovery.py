"""Issue 19 with the production timing: how long after a worker is SIGKILLed (and restarted at once) do the
orders it was exporting reach NetSuite? The scenario of ``tests/flows/test_orders_crash.py`` — real orders flow,
429s, repeated deliveries, two kills while order claims are held — with the default lease (300 s), sweep (15 s)
and retry backoff (30 s doubling). Allowed: lease + 60 s after the restart. Takes about six minutes.

Set BENCH_CRASH_TIMING=short to run the suite's short settings instead (seconds, for a quick look).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from tests.flows.crash_scenario import Scenario, run
from tests.flows.test_orders_crash import SHORT

ORDERS = int(os.environ.get("BENCH_ORDERS", "30"))


def main() -> None:
    timing = SHORT if os.environ.get("BENCH_CRASH_TIMING") == "short" else {}
    tmp = Path(tempfile.mkdtemp(prefix="nssync-bench-crash-"))
    started = time.monotonic()
    out = run(tmp, Scenario(orders=ORDERS, timing=timing))
    duplicates = {k: n for k, n in out.sales_orders.items() if n != 1}
    missing = out.expected_ids - set(out.sales_orders)
    print(f"timing:                     {timing or 'production defaults'} (lease {out.lease_s:.0f} s)")
    print(f"orders:                     {len(out.expected_ids)}; sales orders in NetSuite {sum(out.sales_orders.values())}"
          f", duplicated {len(duplicates)}, missing {len(missing)}")
    print(f"events:                     {dict(out.event_status)}; deferred while another job held the "
          f"record: {out.deferred}; NetSuite 429s: {out.rejected_429}")
    for n, (held, secs) in enumerate(zip(out.claims_at_kill, out.recovery_s, strict=True), start=1):
        print(f"kill {n}:                     left {len(held)} claim(s) {sorted(held)}; their orders exported "
              f"{secs:.1f} s after the restart (allowed {out.lease_s + 60:.0f} s)")
    print(f"last order exported:        {out.all_exported_s:.1f} s after the last restart")
    print(f"claims left at the end:     {out.leftover_claims}")
    print(f"whole scenario:             {time.monotonic() - started:.0f} s")
    if duplicates or missing or out.leftover_claims:
        raise SystemExit("exactly-once broken")


if __name__ == "__main__":
    main()
