"""``make run``'s demo stops cleanly on Ctrl-C, names a taken port, and starts its worker only once paired.

The demo runs as ``scripts/run.sh`` runs it (``.venv/bin/sidecar demo``), with its own var dir and free ports on
127.0.0.1, in a process group of its own as a terminal's foreground job is; SIGINT to that group is what a
Ctrl-C sends. Linux only (reads /proc).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sidecar.ports import address_in_use

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
STOP_BOUND_S = 15.0
SIDECAR = Path(sys.executable).with_name("sidecar")


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def sidecar_cmd(*args: str) -> list[str]:
    return [str(SIDECAR), *args] if SIDECAR.exists() else [sys.executable, "-m", "sidecar", *args]


def stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1])


def descendants(root: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := stat(int(entry.name))):
            parents[int(entry.name)] = st[1]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def running(pid: int) -> bool:
    st = stat(pid)
    return st is not None and st[0] not in ("Z", "X")  # a zombie holds no port and runs no code


class DemoRun:
    def __init__(self, tmp: Path):
        self.var = tmp
        tmp.mkdir(parents=True, exist_ok=True)
        self.bind_port, self.ns_port, self.woo_port = free_ports(3)
        self.ports = [self.bind_port, self.ns_port, self.woo_port]
        env = {**os.environ, "SIDECAR_VAR_DIR": str(tmp), "SIDECAR_BIND": f"127.0.0.1:{self.bind_port}"}
        env.pop("SIDECAR_DATABASE_URL", None)
        env.pop("SIDECAR_REDIS_URL", None)
        self.out = tmp / "demo.out"
        with open(self.out, "wb") as out:
            self.proc = subprocess.Popen(
                sidecar_cmd("demo", "--netsuite-port", str(self.ns_port), "--woo-port", str(self.woo_port)),
                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, process_group=0)
        self.seen: set[int] = set()

    def text(self) -> str:
        return self.out.read_text(errors="replace")

    def wait_for_line(self, marker: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.seen |= descendants(self.proc.pid)
            if marker in self.text():
                return
            assert self.proc.poll() is None, f"demo exited ({self.proc.returncode}):\n{self.text()}"
            time.sleep(0.1)
        raise AssertionError(f"demo did not print {marker!r} within {timeout} s:\n{self.text()}")

    def ctrl_c_and_check(self) -> None:
        self.seen |= descendants(self.proc.pid)
        os.killpg(self.proc.pid, signal.SIGINT)  # what the terminal sends to its foreground process group
        deadline = time.monotonic() + STOP_BOUND_S
        while time.monotonic() < deadline:
            left = {pid for pid in self.seen | {self.proc.pid} if running(pid)}
            taken = [p for p in self.ports if address_in_use("127.0.0.1", p)]
            if self.proc.poll() is not None and not left and not taken:
                break
            time.sleep(0.1)
        else:
            for pid in self.seen | {self.proc.pid}:  # leave nothing behind for the next test
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            raise AssertionError(f"{STOP_BOUND_S} s after SIGINT: demo {self.proc.poll()}, still running {left}, "
                                 f"ports in use {taken}\n{self.text()}")
        assert self.proc.returncode == 0, self.text()
        assert len(self.seen) >= 5, f"expected sandboxes, API master + workers and worker, saw {self.seen}"


# Where each of the five runs is interrupted: while pairing (API up, worker not yet started), right after the
# worker started, and three times once the demo is serving.
STOP_POINTS = ["demo: pairing the sidecar", "starting the worker", "Serving until Ctrl-C",
               "Serving until Ctrl-C", "Serving until Ctrl-C"]


def test_ctrl_c_stops_every_child_and_frees_the_ports_five_times_in_a_row(tmp_path):
    for n, marker in enumerate(STOP_POINTS):
        demo = DemoRun(tmp_path / f"run{n}")
        demo.wait_for_line(marker)
        if n == 2:
            check_worker_started_after_pairing(demo)
        demo.ctrl_c_and_check()


def check_worker_started_after_pairing(demo: DemoRun) -> None:
    """The worker's first log line comes after the last credential was stored; nothing it ran got a 401 or
    failed (its first scheduled catch-up used to run against credentials still being stored)."""
    text = demo.text()
    assert "5 of 5 orders arrived in NetSuite" in text, text
    assert "jobs: 0 pending, 0 running, 0 failed" in text, text
    first = (demo.var / "sidecar-worker.log").read_text().splitlines()[0]
    started = dt.datetime.strptime(first[:23], "%Y-%m-%d %H:%M:%S,%f").astimezone(dt.UTC)
    with sqlite3.connect(demo.var / "demo.db") as db:
        stored = max(dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC)
                     for (v,) in db.execute("SELECT updated_at FROM secret"))
        assert started >= stored - dt.timedelta(milliseconds=1), (started, stored)
        assert db.execute("SELECT COUNT(*) FROM api_call WHERE status = 401").fetchone() == (0,)
        runs = db.execute("SELECT flow, status FROM sync_run").fetchall()
    assert runs and all(status == "done" for _, status in runs), runs
    log = (demo.var / "sidecar-worker.log").read_text()
    assert "INFO sidecar.pipeline.worker: event" in log and "done: Created SO" in log, log
    assert "INFO sidecar.pipeline.runs: run" in log, log


def test_a_port_in_use_is_named_in_one_line(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        ns_port, woo_port = free_ports(2)
        env = {**os.environ, "SIDECAR_VAR_DIR": str(tmp_path), "SIDECAR_BIND": f"127.0.0.1:{port}"}
        expected = f"127.0.0.1:{port} is already in use by another process — stop it or set SIDECAR_BIND"
        for args in (["demo", "--netsuite-port", str(ns_port), "--woo-port", str(woo_port)], ["serve"]):
            done = subprocess.run(sidecar_cmd(*args), env=env, capture_output=True, text=True, timeout=60, check=False,
                                  stdin=subprocess.DEVNULL)
            assert done.returncode == 1, (args, done.stdout, done.stderr)
            assert expected in done.stderr, (args, done.stderr)
            assert "a process exited" not in done.stderr + done.stdout
        assert not list(tmp_path.glob("*.log")), "nothing was started"

        squat_ns = f"127.0.0.1:{port} is already in use by another process — stop it or pass --netsuite-port"
        bind = free_ports(1)[0]
        done = subprocess.run(sidecar_cmd("demo", "--netsuite-port", str(port), "--woo-port", str(woo_port)),
                              env={**env, "SIDECAR_BIND": f"127.0.0.1:{bind}"}, capture_output=True, text=True,
                              timeout=60, stdin=subprocess.DEVNULL, check=False)
        assert done.returncode == 1 and squat_ns in done.stderr, done.stderr
