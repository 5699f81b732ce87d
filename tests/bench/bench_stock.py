"""Stock at catalog scale (issue 12): BENCH_STOCK_ITEMS items (default 100,000; 10,000 with BENCH_QUICK=1) at 2
locations in the NetSuite sandbox (latency 300 ms, concurrency limit 5) and as many products in the WooCommerce
sandbox (latency 100 ms), synced by a real worker process (``sidecar worker``) with every other schedule off, so
each run's calls are its own.

Runs: 1 full (every quantity differs), 2 full with nothing changed, 3 incremental after 1 % of items changed,
4 incremental with nothing changed. For each: SuiteQL requests (expected ⌈rows / 1000⌉ pages), WooCommerce GETs,
batch calls (expected ⌈changed / 100⌉) and write calls, wall time (the run's started → finished) against

    bound = SuiteQL pages × NS latency (keyset pages are sequential) + (WooCommerce GETs + batch calls) / 4 × Woo
            latency

the sum of the phases as if each waited for the one before, at 4 WooCommerce calls at a time; and at the end
the worker's peak RSS (VmHWM; goal < 300 MB). The run reads NetSuite while it scans the store (full runs) and
reads the store's current stock while it writes (incremental runs), so it can come in under that sum.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import report

ITEMS = int(os.environ.get("BENCH_STOCK_ITEMS", "10000" if report.quick() else "100000"))
NS_LATENCY_MS = int(os.environ.get("BENCH_NS_LATENCY_MS", "300"))
NS_LIMIT = int(os.environ.get("BENCH_NS_LIMIT", "5"))
WOO_LATENCY_MS = int(os.environ.get("BENCH_WOO_LATENCY_MS", "100"))
WOO_WORKERS = 4
# run 3 changes every CHANGE_EVERY-th item: 100 = 1 % (issue 12); 10 at 10,000 items makes the same 1,000 changes
# (10 reads, 10 batch calls) as 1 % of 100,000, without the full-size runs
CHANGE_EVERY = int(os.environ.get("BENCH_STOCK_CHANGE_EVERY", "100"))
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
        load_before = os.getloadavg()
        seed(stack)
        worker = start_worker(tmp, stack.ns.url)
        rows = []
        rows.append(measure(stack, worker, "1 full, all differ", "manual", ITEMS, ITEMS))
        rows.append(measure(stack, worker, "2 full, no change", "manual", ITEMS, 0))
        changed = change_some(stack)
        rows.append(measure(stack, worker, f"3 incremental, {100 / CHANGE_EVERY:g} % changed", "schedule", changed,
                            changed))
        rows.append(measure(stack, worker, "4 incremental, no change", "schedule", 0, 0))
        rss = peak_rss_mb(worker.pid)
        report_rows(rows, rss, (load_before, os.getloadavg()))
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        stack.stop()


def control(url: str, path: str, body: dict) -> dict:
    """A sandbox control call with room for a loaded machine (a 100,000-item load takes a while)."""
    import requests

    answer = requests.post(f"{url}/_sandbox/{path}", json=body, timeout=900)
    assert answer.status_code < 400, answer.text
    return answer.json()


def seed(stack) -> None:
    started = time.monotonic()
    made = control(stack.ns.url, "bulk-items", {"count": ITEMS, "locations": 2, "quantity": 10})
    control(stack.woo.url, "bulk-products", {"count": ITEMS, "stock_quantity": 0})
    stack.first_item = made["first_id"]
    stack.locations = made["locations"]
    schedules = stack.api.get("/v1/settings").get_json()["schedules"]
    # every schedule off: a fulfilment or cancellation poll falling inside a run would add its own SuiteQL
    # request to the run's count (it did: the 101st "page" of the first full run was the */5 fulfilment poll)
    res = stack.api.put("/v1/settings", {"netsuite": {"concurrency_limit": NS_LIMIT},
                                         "inventory": {"overlap_minutes": 0},
                                         "schedules": {name: "off" for name in schedules}})
    assert res.status_code == 200, res.get_json()
    stack.ns_control("POST", "config", {"latency_ms": NS_LATENCY_MS})
    stack.woo_control("POST", "config", {"latency_ms": WOO_LATENCY_MS})
    print(f"seeded {ITEMS} NetSuite items at 2 locations and {ITEMS} WooCommerce products in "
          f"{time.monotonic() - started:.1f} s", flush=True)


def change_some(stack) -> int:
    """Change every CHANGE_EVERY-th item at one location (1 % by default)."""
    time.sleep(1.1)  # a later second than the cursor: lastquantityavailablechange has 1 s resolution
    ids = range(stack.first_item, stack.first_item + ITEMS, CHANGE_EVERY)
    changes = [{"item_id": i, "location_id": stack.locations[0], "quantityavailable": 11} for i in ids]
    stack.ns_control("POST", "items/quantities", {"changes": changes})
    return len(changes)


def start_worker(tmp: Path, ns_url: str) -> subprocess.Popen:
    """The worker, logging at INFO into tmp/worker.log (each inventory run logs when its phases ended)."""
    from tests.conftest import SHARED_SECRET

    env = {**os.environ, "SIDECAR_VAR_DIR": str(tmp / "var"), "SIDECAR_SHARED_SECRET": SHARED_SECRET,
           "SIDECAR_NETSUITE_BASE_URL": ns_url, "SIDECAR_LOG_LEVEL": "INFO"}
    env.pop("SIDECAR_DATABASE_URL", None)
    log = open(tmp / "worker.log", "w")  # noqa: SIM115 - the worker writes it until it stops
    worker = subprocess.Popen([sys.executable, "-m", "sidecar", "worker", "--workers", "2"], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    worker.log_path = tmp / "worker.log"
    return worker


def phases(worker, run_id: int) -> str:
    """The run's own account of where its time went (its log line), or '' when it is not there."""
    for _ in range(20):
        found = re.search(rf"inventory run {run_id} \((?:full|incremental)\): (.*)", worker.log_path.read_text())
        if found:
            return found.group(1)
        time.sleep(0.1)
    return ""


def other_runs(run_id: int) -> list[str]:
    """Runs of other flows that overlapped this one (there should be none: their calls would count here)."""
    from sidecar.store.db import database
    from sidecar.store.models import SyncRun

    with database.connection_context():
        run = SyncRun.get_by_id(run_id)
        rows = SyncRun.select().where((SyncRun.id != run_id) & (SyncRun.started_at <= run.finished_at)
                                      & ((SyncRun.finished_at.is_null()) | (SyncRun.finished_at >= run.started_at)))
        return [f"{r.flow} ({r.trigger})" for r in rows]


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def counters(stack, worker) -> dict:
    ns, woo = stack.ns_control("GET", "stats"), stack.woo_control("GET", "stats")
    return {"suiteql": ns["by_method_path"].get(SUITEQL, 0), "ns_429": ns["rejected_429"],
            "woo_requests": woo["requests"], "batch": woo["batch_calls"], "writes": woo["write_calls"],
            "cpu_worker": cpu_s(worker.pid), "cpu_ns": cpu_s(stack.ns.proc.pid), "cpu_woo": cpu_s(stack.woo.proc.pid)}


def measure(stack, worker, label: str, trigger: str, rows: int, changed: int) -> dict:
    from sidecar.pipeline.runs import start_run
    from sidecar.store.db import database

    before = counters(stack, worker)
    started = time.monotonic()
    with database.connection_context():
        run_id = start_run("inventory", trigger)[0].id
    run, wall = wait_for_run(run_id)
    queued = time.monotonic() - started
    after = counters(stack, worker)
    delta = {k: after[k] - before[k] for k in after}
    gets = delta["woo_requests"] - delta["writes"]
    pages = delta["suiteql"] - delta["ns_429"]  # a query refused with 429 (retried) is counted, not served
    bound = pages * NS_LATENCY_MS / 1000 + (gets + delta["batch"]) / WOO_WORKERS * WOO_LATENCY_MS / 1000
    others = other_runs(run_id)
    out = {"label": label, "wall": wall, "bound": bound, "pages": pages,
           "want_pages": max(1, math.ceil(rows / 1000)), "gets": gets, "batch": delta["batch"],
           "want_batch": math.ceil(changed / 100), "writes": delta["writes"], "run": run, "ns_429": delta["ns_429"],
           "others": others, "load": os.getloadavg()[0]}
    print(f"{label}: run {wall:.2f} s ({queued:.2f} s from queueing), load {out['load']:.1f}, {delta['ns_429']} "
          f"SuiteQL requests answered 429 and retried, {run}", flush=True)
    print(f"  phases: {phases(worker, run_id) or '(not logged)'}", flush=True)
    print(f"  CPU used: worker {delta['cpu_worker']:.2f} s, NetSuite sandbox {delta['cpu_ns']:.2f} s, WooCommerce "
          f"sandbox {delta['cpu_woo']:.2f} s (2 cores shared with the machine's other work)", flush=True)
    if others:
        print(f"  WARNING: other runs overlapped this one and their calls are counted in it: {others}", flush=True)
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


def report_rows(rows: list[dict], rss: float, loads: tuple) -> None:
    """The detailed table on stdout, then the shared report's rows (docs/benchmarks.md's generated block)."""
    load = f"load average {loads[0][0]:.1f} before, {loads[1][0]:.1f} after"
    print(f"\nitems: {ITEMS} at 2 locations; NetSuite {NS_LATENCY_MS} ms, limit {NS_LIMIT}; "
          f"WooCommerce {WOO_LATENCY_MS} ms, {WOO_WORKERS} threads; {load}")
    print(f"{'run':28} {'SuiteQL pages':>14} {'Woo GETs':>9} {'batch calls':>12} {'writes':>7} "
          f"{'wall s':>7} {'bound s':>8} {'ratio':>6} {'load':>5}")
    for r in rows:
        print(f"{r['label']:28} {r['pages']:>6} (want {r['want_pages']:>4}) {r['gets']:>9} "
              f"{r['batch']:>4} (want {r['want_batch']:>4}) {r['writes']:>7} {r['wall']:>7.2f} {r['bound']:>8.2f} "
              f"{r['wall'] / r['bound'] if r['bound'] else float('nan'):>6.2f} {r['load']:>5.1f}")
    print(f"worker peak RSS: {rss:.0f} MB (goal < 300 MB)")
    checks = [all(r["pages"] == r["want_pages"] for r in rows), all(r["batch"] == r["want_batch"] for r in rows),
              rows[1]["writes"] == 0 and rows[3]["writes"] == 0, rss < 300, not any(r["others"] for r in rows)]
    print("holds: pages, batch calls, zero-write reruns, RSS, no other run:",
          ", ".join("yes" if c else "NO" for c in checks))
    cmd = "`make bench` (`python -m tests.bench stock`)"
    inputs = (f"{ITEMS:,} items × 2 locations, NetSuite {NS_LATENCY_MS} ms (limit {NS_LIMIT}), WooCommerce "
              f"{WOO_LATENCY_MS} ms, `sidecar worker`, SQLite; {load}")
    table = []
    for r in rows:
        figure = (f"{r['wall']:.2f} s = {r['wall'] / r['bound']:.2f} × bound; {r['pages']} SuiteQL pages (want {r['want_pages']}), {r['gets']} GETs, "
                  f"{r['batch']} batch calls (want {r['want_batch']}), {r['writes']} writes")
        table.append((f"inventory run {r['label']}", cmd, inputs, figure, f"≤ 1.2 × {r['bound']:.2f} s",
                      report.ratio(r["wall"], 1.2 * r["bound"], higher_is_better=False)))
    table.append(("worker peak RSS", cmd, inputs, f"{rss:.0f} MB", "< 300 MB",
                  report.ratio(rss, 300, higher_is_better=False)))
    report.table("Stock at catalog scale: inventory runs", __doc__.split("\n\n")[0], table)


if __name__ == "__main__":
    main()
