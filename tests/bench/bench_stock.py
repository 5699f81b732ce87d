"""Stock at catalog scale (issue 12): BENCH_STOCK_ITEMS items (default 100,000) at 2 locations in the NetSuite
sandbox (latency 300 ms, concurrency limit 5) and as many products in the WooCommerce sandbox (latency 100 ms),
synced by a real worker process (``sidecar worker``).

Runs: 1 full (every quantity differs), 2 full with nothing changed, 3 incremental after 1 % of items changed,
4 incremental with nothing changed. For each: SuiteQL pages (expected ⌈rows / 1000⌉), WooCommerce GET pages,
batch calls (expected ⌈changed / 100⌉) and write calls, wall time against the latency bound

    bound = SuiteQL pages × NS latency (keyset pages are sequential; the next one is read while the store is
            written) + (WooCommerce GETs + batch calls) / 4 write threads × Woo latency

and, at the end, the worker's peak RSS (VmHWM; goal < 300 MB: pages are streamed, never the whole catalog).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ITEMS = int(os.environ.get("BENCH_STOCK_ITEMS", "100000"))
NS_LATENCY_MS = int(os.environ.get("BENCH_NS_LATENCY_MS", "300"))
NS_LIMIT = int(os.environ.get("BENCH_NS_LIMIT", "5"))
WOO_LATENCY_MS = int(os.environ.get("BENCH_WOO_LATENCY_MS", "100"))
WOO_WORKERS = 4
SUITEQL = "POST /services/rest/query/v1/suiteql"


class SandboxProcess:
    """A sandbox in its own process (``sidecar sandbox NAME``), as the real systems are: its CPU never competes
    with the bench driver or the other sandbox for one interpreter lock."""

    def __init__(self, system: str, options: list[str]):
        import socket

        import requests

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        args = [sys.executable, "-m", "sidecar", "sandbox", system, "--port", str(port)]
        args += [part for option in options for part in ("--option", option)]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/_sandbox/stats", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"the {system} sandbox did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def start_bench_stack(tmp: Path):
    """Both sandboxes in their own processes, the sidecar API in this one, paired as `make run` pairs them."""
    from sidecar.api.app import create_app
    from sidecar.pipeline.registry import reset_registry
    from tests.conftest import LiveServer, SignedClient, make_config
    from tests.flows.stack import Stack, pair

    ns = SandboxProcess("netsuite", [f"concurrency_limit={NS_LIMIT}"])
    woo = SandboxProcess("woocommerce", [])
    reset_registry()
    app = create_app(make_config(tmp, None, SIDECAR_NETSUITE_BASE_URL=ns.url))
    stack = Stack(ns=ns, woo=woo, sidecar=LiveServer(app), api=SignedClient(app.test_client()))
    pair(stack)
    return stack


def main() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="nssync-bench-stock-"))
    stack = start_bench_stack(tmp)
    worker = None
    try:
        seed(stack)
        worker = start_worker(tmp, stack.ns.url)
        rows = []
        rows.append(measure(stack, "1 full, all differ", "manual", ITEMS, ITEMS))
        rows.append(measure(stack, "2 full, no change", "manual", ITEMS, 0))
        changed = change_one_percent(stack)
        rows.append(measure(stack, "3 incremental, 1 % changed", "schedule", changed, changed))
        rows.append(measure(stack, "4 incremental, no change", "schedule", 0, 0))
        rss = peak_rss_mb(worker.pid)
        report(rows, rss)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        stack.stop()


def seed(stack) -> None:
    started = time.monotonic()
    made = stack.ns_control("POST", "bulk-items", {"count": ITEMS, "locations": 2, "quantity": 10})
    stack.woo_control("POST", "bulk-products", {"count": ITEMS, "stock_quantity": 0})
    stack.first_item = made["first_id"]
    stack.locations = made["locations"]
    res = stack.api.put("/v1/settings", {"netsuite": {"concurrency_limit": NS_LIMIT},
                                         "inventory": {"overlap_minutes": 0},
                                         "schedules": {"inventory": "off", "inventory_full": "off",
                                                       "orders": "off"}})
    assert res.status_code == 200, res.get_json()
    stack.ns_control("POST", "config", {"latency_ms": NS_LATENCY_MS})
    stack.woo_control("POST", "config", {"latency_ms": WOO_LATENCY_MS})
    print(f"seeded {ITEMS} NetSuite items at 2 locations and {ITEMS} WooCommerce products in "
          f"{time.monotonic() - started:.1f} s", flush=True)


def change_one_percent(stack) -> int:
    time.sleep(1.1)  # a later second than the cursor: lastquantityavailablechange has 1 s resolution
    ids = range(stack.first_item, stack.first_item + ITEMS, 100)
    changes = [{"item_id": i, "location_id": stack.locations[0], "quantityavailable": 11} for i in ids]
    stack.ns_control("POST", "items/quantities", {"changes": changes})
    return len(changes)


def start_worker(tmp: Path, ns_url: str) -> subprocess.Popen:
    from tests.conftest import SHARED_SECRET

    env = {**os.environ, "SIDECAR_VAR_DIR": str(tmp / "var"), "SIDECAR_SHARED_SECRET": SHARED_SECRET,
           "SIDECAR_NETSUITE_BASE_URL": ns_url, "SIDECAR_LOG_LEVEL": "WARNING"}
    env.pop("SIDECAR_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "sidecar", "worker", "--workers", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def counters(stack) -> dict:
    ns, woo = stack.ns_control("GET", "stats"), stack.woo_control("GET", "stats")
    return {"suiteql": ns["by_method_path"].get(SUITEQL, 0), "ns_429": ns["rejected_429"],
            "woo_requests": woo["requests"], "batch": woo["batch_calls"], "writes": woo["write_calls"]}


def measure(stack, label: str, trigger: str, rows: int, changed: int) -> dict:
    from sidecar.pipeline.runs import start_run
    from sidecar.store.db import database

    before = counters(stack)
    started = time.monotonic()
    with database.connection_context():
        run_id = start_run("inventory", trigger)[0].id
    run, wall = wait_for_run(run_id)
    queued = time.monotonic() - started
    after = counters(stack)
    delta = {k: after[k] - before[k] for k in after}
    gets = delta["woo_requests"] - delta["writes"]
    pages = delta["suiteql"] - delta["ns_429"]  # a query refused with 429 (retried) is counted, not served
    bound = pages * NS_LATENCY_MS / 1000 + (gets + delta["batch"]) / WOO_WORKERS * WOO_LATENCY_MS / 1000
    out = {"label": label, "wall": wall, "bound": bound, "pages": pages,
           "want_pages": max(1, math.ceil(rows / 1000)), "gets": gets, "batch": delta["batch"],
           "want_batch": math.ceil(changed / 100), "writes": delta["writes"], "run": run, "ns_429": delta["ns_429"]}
    print(f"{label}: run {wall:.1f} s ({queued:.1f} s from queueing), {delta['ns_429']} SuiteQL requests answered "
          f"429 and retried, {run}", flush=True)
    return out


def wait_for_run(run_id: int, timeout_s: float = 3600) -> tuple[dict, float]:
    """The run's counts and its wall time (started → finished, as the worker recorded them)."""
    from sidecar.store.db import database
    from sidecar.store.models import SyncRun

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with database.connection_context():
            run = SyncRun.get_by_id(run_id)
        if run.status in ("done", "failed", "skipped"):
            assert run.status == "done", run.errors
            wall = (run.finished_at - run.started_at).total_seconds()
            return {k: getattr(run, k) for k in ("seen", "changed", "unchanged", "unmatched", "failed",
                                                 "drift")}, wall
        time.sleep(0.2)
    raise RuntimeError(f"run {run_id} did not finish within {timeout_s:.0f} s")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def report(rows: list[dict], rss: float) -> None:
    print(f"\nitems: {ITEMS} at 2 locations; NetSuite {NS_LATENCY_MS} ms, limit {NS_LIMIT}; "
          f"WooCommerce {WOO_LATENCY_MS} ms, {WOO_WORKERS} write threads")
    print(f"{'run':28} {'SuiteQL pages':>14} {'Woo GETs':>9} {'batch calls':>12} {'writes':>7} "
          f"{'wall s':>7} {'bound s':>8} {'ratio':>6}")
    for r in rows:
        print(f"{r['label']:28} {r['pages']:>6} (want {r['want_pages']:>4}) {r['gets']:>9} "
              f"{r['batch']:>4} (want {r['want_batch']:>4}) {r['writes']:>7} {r['wall']:>7.1f} {r['bound']:>8.1f} "
              f"{r['wall'] / r['bound'] if r['bound'] else float('nan'):>6.2f}")
    print(f"worker peak RSS: {rss:.0f} MB (goal < 300 MB)")
    checks = [all(r["pages"] == r["want_pages"] for r in rows), all(r["batch"] == r["want_batch"] for r in rows),
              rows[1]["writes"] == 0 and rows[3]["writes"] == 0, rss < 300]
    print("holds: pages, batch calls, zero-write reruns, RSS:", ", ".join("yes" if c else "NO" for c in checks))


if __name__ == "__main__":
    main()
