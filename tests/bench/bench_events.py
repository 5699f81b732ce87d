"""Intake benchmark: signed ``POST /v1/events`` under gunicorn (``sidecar serve``) on SQLite.

Starts the real server on a free 127.0.0.1 port with a throw-away var dir, sends EVENTS signed envelopes from
CONCURRENCY client threads (keep-alive sessions), and prints accepted events/s and the p50/p99 latency of each
request. Each accepted event is one transaction holding the Event row and its huey task.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from sidecar.security import signed_headers

EVENTS = int(os.environ.get("BENCH_EVENTS", "3000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
SECRET = "bench-shared-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(var_dir: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "SIDECAR_VAR_DIR": str(var_dir), "SIDECAR_SHARED_SECRET": SECRET,
           "SIDECAR_LOG_LEVEL": "WARNING"}
    env.pop("SIDECAR_DATABASE_URL", None)
    env.pop("SIDECAR_REDIS_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "sidecar", "serve", "--bind", f"127.0.0.1:{port}",
                             "--workers", str(workers), "--threads", "4"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    stop(proc)
    raise RuntimeError("sidecar serve did not answer /healthz within 30 s")


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


def send(session: requests.Session, url: str, n: int) -> tuple[float, int]:
    body = json.dumps({"id": str(uuid.uuid4()), "topic": "order.created", "resource_id": n + 1,
                       "occurred_at": "2026-11-28T03:00:00+00:00",
                       "payload": {"id": n + 1, "status": "processing", "total": "29.35",
                                   "line_items": [{"sku": "HW-001", "quantity": 2}]}}).encode()
    headers = {**signed_headers(SECRET, "POST", "/v1/events", body), "Content-Type": "application/json"}
    started = time.perf_counter()
    resp = session.post(url, data=body, timeout=30, headers=headers)
    return time.perf_counter() - started, resp.status_code


def run(workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = start_server(Path(tmp), port, workers)
        try:
            url = f"http://127.0.0.1:{port}/v1/events"
            sessions = [requests.Session() for _ in range(CONCURRENCY)]
            for i in range(50):  # warm-up: connections, first writes
                send(sessions[i % CONCURRENCY], url, i)
            started = time.perf_counter()
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                results = list(pool.map(lambda n: send(sessions[n % CONCURRENCY], url, 1000 + n), range(EVENTS)))
            elapsed = time.perf_counter() - started
        finally:
            stop(proc)
    latencies = sorted(r[0] * 1000 for r in results)
    accepted = sum(1 for r in results if r[1] == 202)
    q = statistics.quantiles(latencies, n=100)
    print(f"gunicorn {workers} workers x 4 threads, SQLite, {CONCURRENCY} clients: {accepted}/{EVENTS} accepted, "
          f"{accepted / elapsed:.0f} events/s, p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms")


def main() -> None:
    for workers in (1, 2, 4):
        run(workers)


if __name__ == "__main__":
    main()
