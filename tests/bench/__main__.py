"""Run every benchmark module of this package (``bench_*.py``, each with ``main()``), in name order.

``python -m tests.bench [name …]`` runs only the modules whose name contains one of the arguments.

Issue 17 bounds ``make bench`` to 10 minutes in all (BENCH_BUDGET_S, 600; ``make bench-quick``: 180). At the end
the run prints each module's wall time, the load average around it and the total against that budget; a whole
run (no names given) also records them as a table in docs/benchmarks.md and fails when the total is over the
budget, naming the modules that took longest — those are the ones whose inputs would have to shrink.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys
import time
import traceback

import tests.bench as package
from tests.bench import report

BUDGET_S = float(os.environ.get("BENCH_BUDGET_S", "180" if report.quick() else "600"))
# Smaller inputs for `make bench-quick` of modules that do not read report.quick() themselves (yet).
QUICK_DEFAULTS = {"BENCH_STOCK_ITEMS": "10000"}
TIMES_TITLE = "Duration of the run"
TIMES_INTRO = """Each module's wall time in this run, the 1-minute load average before → after it, and the total
against the bound issue 17 sets for `make bench` (10 minutes; `make bench-quick` 3 minutes). A module over its
share is the one whose inputs would have to shrink."""


def quiet_logs() -> None:
    """Figures only: the in-process sandboxes and sidecar would log every request (werkzeug's access log) and
    every migration; warnings and errors still show."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def run_one(name: str) -> tuple[float, bool]:
    """Run one module's ``main()``; returns its wall time and whether it finished without an error."""
    print(f"== {name}", flush=True)
    started = time.monotonic()
    ok = True
    try:
        importlib.import_module(f"{package.__name__}.{name}").main()
    except Exception:  # noqa: BLE001 - report and go on with the other benchmarks
        traceback.print_exc()
        ok = False
    elapsed = time.monotonic() - started
    print(f"== {name} finished in {elapsed:.1f} s", flush=True)
    return elapsed, ok


def main(argv: list[str]) -> int:
    quiet_logs()
    if report.quick():
        for key, value in QUICK_DEFAULTS.items():
            os.environ.setdefault(key, value)
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if any(arg in n for arg in argv)]
    durations: list[tuple[str, float, bool]] = []
    loads: list[str] = []
    for name in names:
        before = report.load()
        elapsed, ok = run_one(name)
        durations.append((name, elapsed, ok))
        loads.append(f"load {before} → {report.load()}")
    within = summary(durations, loads, whole=not argv)
    report.write()
    failures = sum(1 for _, _, ok in durations if not ok)
    return 1 if failures or not within else 0


def summary(durations: list[tuple[str, float, bool]], loads: list[str], whole: bool) -> bool:
    """Print (and, for a whole run, record) the time each module took; False when a whole run is over budget."""
    total = sum(secs for _, secs, _ in durations)
    if whole:
        within = report.times(TIMES_TITLE, TIMES_INTRO, durations, BUDGET_S, loads)
    else:
        within = True
        for (name, secs, ok), load in zip(durations, loads, strict=True):
            print(f"{name:<24} {secs:7.1f} s  {load}{'' if ok else '  FAILED'}")
        print(f"{'total':<24} {total:7.1f} s  (budget of a whole run: {BUDGET_S:.0f} s)", flush=True)
    if not within:
        longest = ", ".join(f"{n} {s:.0f} s" for n, s, _ in sorted(durations, key=lambda d: -d[1])[:3])
        print(f"OVER BUDGET: {total:.0f} s > {BUDGET_S:.0f} s. Longest: {longest}.", flush=True)
    return within


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
