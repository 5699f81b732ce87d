"""Intake benchmark: signed ``POST /v1/events`` under gunicorn (``sidecar serve``), beside its web-stack ceiling.

Starts the real server on a free 127.0.0.1 port with a throw-away var dir and ``SIDECAR_BENCH_NOOP=1``, then, in
the same run and against the same server: EVENTS signed no-op requests (``POST /v1/bench/noop``: gunicorn, Flask,
the signature check, a JSON answer — the ceiling of the web stack) and EVENTS signed event envelopes, from
CONCURRENCY keep-alive connections (``loadgen``). Prints requests/s, p50/p99, the server's CPU per request (read
from /proc: on a shared machine this is the steadier figure) and intake ÷ ceiling. Afterwards it counts the rows:
every acknowledged event is stored, once.

The same run on PostgreSQL follows (``BENCH_PG_URL``, else a throw-away server from scripts/start-postgres.sh
on port 54339, stopped after; skipped without PostgreSQL). ``BENCH_EVENTS_CONFIGS="2x4,3x4"`` (workers x threads) chooses the gunicorn shapes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sidecar.security import signed_headers
from tests.bench import loadgen, report

EVENTS = int(os.environ.get("BENCH_EVENTS", "1500" if report.quick() else "4000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
CONFIGS = os.environ.get("BENCH_EVENTS_CONFIGS", "2x4")  # the `sidecar serve` defaults
SECRET = "bench-shared-secret"
TARGET_RATE, TARGET_P99_MS, TARGET_SHARE = 1000, 50, 0.70


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(var_dir: Path, port: int, workers: int, threads: int, database_url: str | None = None,
                 ) -> subprocess.Popen:
    env = {**os.environ, "SIDECAR_VAR_DIR": str(var_dir), "SIDECAR_SHARED_SECRET": SECRET,
           "SIDECAR_LOG_LEVEL": "WARNING", "SIDECAR_BENCH_NOOP": "1"}
    env.pop("SIDECAR_DATABASE_URL", None)
    env.pop("SIDECAR_REDIS_URL", None)
    if database_url:
        env["SIDECAR_DATABASE_URL"] = database_url
    proc = subprocess.Popen([sys.executable, "-m", "sidecar", "serve", "--bind", f"127.0.0.1:{port}",
                             "--workers", str(workers), "--threads", str(threads)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                if len(loadgen.children(proc.pid)) >= workers:
                    return proc
        except OSError:
            pass
        time.sleep(0.1)
    stop(proc)
    raise RuntimeError("sidecar serve did not listen within 60 s")


def stop(proc: subprocess.Popen) -> None:
    """The gunicorn master and its workers (one process group): SIGTERM, then SIGKILL after 15 s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        proc.wait()


def event_requests(host: str, first: int, count: int) -> tuple[list[bytes], list[str]]:
    """``count`` signed envelopes, each a new order event, as raw HTTP requests (and their ids)."""
    out, ids = [], []
    for n in range(first, first + count):
        event_id = str(uuid.uuid4())
        body = json.dumps({"id": event_id, "topic": "order.created", "resource_id": n + 1,
                           "occurred_at": "2026-11-28T03:00:00+00:00",
                           "payload": {"id": n + 1, "status": "processing", "total": "29.35",
                                       "line_items": [{"sku": "HW-001", "quantity": 2}]}}).encode()
        out.append(loadgen.build_request(host, "/v1/events", body,
                                         signed_headers(SECRET, "POST", "/v1/events", body)))
        ids.append(event_id)
    return out, ids


def noop_requests(host: str, count: int) -> list[bytes]:
    """Signed no-op requests with a body of the same size as an envelope."""
    body = json.dumps({"id": str(uuid.uuid4()), "pad": "x" * 250}).encode()
    raw = loadgen.build_request(host, "/v1/bench/noop", body, signed_headers(SECRET, "POST", "/v1/bench/noop", body))
    return [raw] * count


def measure(workers: int, threads: int, database_url: str | None = None) -> dict:
    """One server: warm-up, the no-op ceiling, then the intake; stored rows checked against the 202s."""
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = start_server(Path(tmp), port, workers, threads, database_url)
        host = f"127.0.0.1:{port}"
        try:
            pids = loadgen.children(proc.pid)
            warm, _ = event_requests(host, 0, 200)
            loadgen.run("127.0.0.1", port, warm + noop_requests(host, 200), CONCURRENCY)
            events, ids = event_requests(host, 1000, EVENTS)
            ceiling = loadgen.run("127.0.0.1", port, noop_requests(host, EVENTS), CONCURRENCY, pids)
            intake = loadgen.run("127.0.0.1", port, events, CONCURRENCY, pids)
        finally:
            stop(proc)
        stored = count_stored(Path(tmp), database_url, ids)
    return {"workers": workers, "threads": threads, "ceiling": ceiling, "intake": intake, "stored": stored,
            "db": "PostgreSQL" if database_url else "SQLite"}


def count_stored(var_dir: Path, database_url: str | None, ids: list[str]) -> int:
    """How many of the benchmark's events are in the ``event`` table (each key is unique)."""
    from sidecar.store.db import make_database

    db = make_database(database_url or f"sqlite:///{var_dir / 'sidecar.db'}")
    db.connect()
    try:
        wanted = {f"plugin:{i}" for i in ids}
        rows = db.execute_sql("SELECT key FROM event WHERE source = 'plugin'").fetchall()
        return sum(1 for (key,) in rows if key in wanted)
    finally:
        db.close()


def line(m: dict) -> str:
    c, i = m["ceiling"], m["intake"]
    share = i.rate / c.rate
    return (f"{m['db']}, gunicorn {m['workers']}x{m['threads']}, {CONCURRENCY} connections: "
            f"no-op {c.rate:.0f}/s (p99 {c.quantile(99):.1f} ms, {c.cpu_ms_per_request:.2f} ms CPU/req, "
            f"CPU over workers {c.split}) · "
            f"intake {i.statuses.get(202, 0)}/{i.sent} accepted, {i.rate:.0f}/s, p50 {i.quantile(50):.1f} ms, "
            f"p99 {i.quantile(99):.1f} ms, {i.cpu_ms_per_request:.2f} ms CPU/event, CPU over workers {i.split} · "
            f"{share:.0%} of the ceiling = CPU per request {c.cpu_ms_per_request / i.cpu_ms_per_request:.0%} × "
            f"cores kept busy {busy(i):.2f} of {busy(c):.2f} ({busy(i) / busy(c):.0%}) · "
            f"{m['stored']} stored")


def busy(result) -> float:
    """Server cores the run kept busy: requests per second × CPU seconds per request. Intake ÷ no-op is the
    product of the two ratios: how much more work an event is (CPU per request), and how much of the machine it
    could use while requests wait for one another (SQLite's single writer, a group's commit)."""
    return result.rate * result.cpu_ms_per_request / 1000


def rows(m: dict) -> list[tuple[str, str, str, str, str, str]]:
    c, i = m["ceiling"], m["intake"]
    cmd = "`make bench` (`python -m tests.bench events`)"
    inputs = (f"{i.sent} signed envelopes, {CONCURRENCY} keep-alive connections, `sidecar serve` "
              f"{m['workers']} workers × {m['threads']} threads, {m['db']}")
    name = f"intake, {m['db']}"
    cores = os.cpu_count() or 2
    return [
        (f"{name}: rate", cmd, inputs, f"{i.rate:.0f} events/s", f"≥ {TARGET_RATE}/s", report.ratio(i.rate, TARGET_RATE)),
        (f"{name}: p99", cmd, inputs, f"{i.quantile(99):.1f} ms (p50 {i.quantile(50):.1f})", f"< {TARGET_P99_MS} ms",
         report.ratio(i.quantile(99), TARGET_P99_MS, higher_is_better=False)),
        (f"{name}: share of the web-stack ceiling", cmd, f"same server, signed no-op route: {c.rate:.0f} req/s",
         f"{i.rate / c.rate:.0%}", f"≥ {TARGET_SHARE:.0%}", report.ratio(i.rate / c.rate, TARGET_SHARE)),
        (f"{name}: server CPU per event", cmd, f"no-op {c.cpu_ms_per_request:.2f} ms CPU/request",
         f"{i.cpu_ms_per_request:.2f} ms → {cores / i.cpu_ms_per_request * 1000:.0f} events/s on {cores} idle cores",
         f"≥ {TARGET_RATE}/s", report.ratio(cores / i.cpu_ms_per_request * 1000, TARGET_RATE)),
        (f"{name}: where the share goes", cmd, (f"no-op {c.cpu_ms_per_request:.2f} ms CPU/request, "
         f"{busy(c):.2f} server cores busy"),
         (f"{i.rate / c.rate:.0%} = CPU per request {c.cpu_ms_per_request / i.cpu_ms_per_request:.0%} (no-op ÷ event) "
         f"× cores kept busy {busy(i) / busy(c):.0%} ({busy(i):.2f} of {busy(c):.2f})"), "–", "–"),
        (f"{name}: nothing lost", cmd, inputs, f"{m['stored']} stored of {i.statuses.get(202, 0)} acknowledged",
         "all, once", "100% ✓" if m["stored"] == i.statuses.get(202, 0) == i.sent else "✗"),
    ]


def main() -> None:
    from tests.bench import harness
    from tests.conftest import reset_postgres

    results = []
    for shape in CONFIGS.split(","):
        workers, threads = (int(x) for x in shape.split("x"))
        results.append(measure(workers, threads))
        print(line(results[-1]), flush=True)
    with harness.postgres() as url:
        if url:
            reset_postgres(url)
            workers, threads = (int(x) for x in CONFIGS.split(",")[0].split("x"))
            results.append(measure(workers, threads, url))
            print(line(results[-1]), flush=True)
        else:
            print("PostgreSQL row skipped: no PostgreSQL (BENCH_PG_URL, or postgresql installed)")
    table_rows = [r for m in results for r in rows(m)]
    report.table("Intake: signed POST /v1/events", __doc__.split("\n\n")[1], table_rows, EVENTS=EVENTS,
                 CONCURRENCY=CONCURRENCY)


if __name__ == "__main__":
    main()
