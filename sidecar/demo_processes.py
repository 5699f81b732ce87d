"""The demo's child processes: started in process groups of their own, watched while they start, and stopped as a
whole (SIGTERM, then SIGKILL for whatever is left after ``STOP_GRACE_S``), gunicorn's worker processes included.
Split from ``sidecar.demo`` so that each file has one job: this one runs processes, that one tells the story."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from sidecar.config import Config
from sidecar.security import signed_headers

STOP_GRACE_S = 8.0


@dataclass
class Demo:
    config: Config
    ns_url: str
    woo_url: str
    api_url: str
    procs: list[subprocess.Popen] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    http: requests.Session = field(default_factory=requests.Session)

    # -- processes ---------------------------------------------------------------------------------------
    def start(self, args: list[str], env: dict | None = None, log_name: str = "") -> None:
        """Start ``sidecar <args>`` with its output in ``var/<log_name>.log`` so the demo's own lines stay
        readable."""
        cmd = [sys.executable, "-m", "sidecar", *args]
        name = log_name or args[0]
        log = open(self.log_path(name), "ab")  # noqa: SIM115 - the child owns it
        env = {"SIDECAR_LOG_LEVEL": "INFO", **os.environ, **(env or {})}
        # process_group=0: a group of its own (gunicorn's workers join the master's), out of the terminal's
        # foreground group, so Ctrl-C reaches the demo alone and stop() ends each group as a whole.
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                process_group=0, preexec_fn=_parent_death_signal())  # noqa: PLW1509 - no threads here
        log.close()
        self.procs.append(proc)
        self.names[proc.pid] = name

    def log_path(self, name: str) -> Path:
        return self.config.var_dir / f"{name}.log"

    def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """SIGTERM every child's process group, wait up to ``grace_s``, then SIGKILL what is left of them."""
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second Ctrl-C must not cut this short
            signal.signal(sig, signal.SIG_IGN)
        groups = [p.pid for p in self.procs]  # process_group=0: each child leads a group named by its pid
        for pgid in groups:
            _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and any(_group_alive(g, self.procs) for g in groups):
            time.sleep(0.1)
        for pgid in groups:
            if _group_alive(pgid, self.procs):  # an empty group's number may belong to someone else by now
                _signal_group(pgid, signal.SIGKILL)
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def wait_for(self, url: str, what: str, timeout_s: float = 30, *, ok_only: bool = False) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                status = self.http.get(url, timeout=2).status_code
                if status < (300 if ok_only else 500):
                    return
            except requests.RequestException:
                pass
            for proc in self.procs:
                if proc.poll() is not None:
                    raise SystemExit(f"demo: {self.exited(proc)} while waiting for {what}")
            time.sleep(0.2)
        raise SystemExit(f"demo: {what} did not answer at {url} within {timeout_s:.0f} s")

    def exited(self, proc: subprocess.Popen) -> str:
        """'<name> exited (code N): <last line of its log>' — the cause, not just the fact."""
        name = self.names.get(proc.pid, "a process")
        try:
            lines = [ln for ln in self.log_path(name).read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            lines = []
        last = f": {lines[-1].strip()[:300]}" if lines else ""
        return f"{name} exited (code {proc.returncode}){last} (log: {self.log_path(name)})"

    # -- the sidecar's own signed API ----------------------------------------------------------------------
    def api(self, method: str, path: str, body: object | None = None) -> dict:
        raw = b"" if body is None else json.dumps(body).encode()
        headers = {**signed_headers(self.config.shared_secret, method, path, raw), "Content-Type": "application/json"}
        res = self.http.request(method, self.api_url + path, data=raw, headers=headers, timeout=30)
        if res.status_code >= 400:
            raise SystemExit(f"demo: {method} {path} → {res.status_code} {res.text[:300]}")
        return res.json()

    def sandbox(self, base: str, method: str, path: str, body: object | None = None):
        res = self.http.request(method, base + "/_sandbox/" + path, json=body, timeout=30)
        res.raise_for_status()
        return res.json()


def _parent_death_signal():
    """A pre-exec hook (Linux) that has the child SIGTERMed if the demo itself is killed outright (SIGKILL), so
    the sandboxes and the API do not outlive it holding their ports; None elsewhere. libc is looked up here, in
    the parent, so the hook itself only makes one system call."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pgid: int, procs: list[subprocess.Popen]) -> bool:
    """True while a process of the group still runs. Our own children are reaped first; zombies do not count
    (gunicorn workers orphaned by a killed master wait for init to reap them)."""
    for proc in procs:
        proc.poll()
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc_fs = Path("/proc")
    if not proc_fs.is_dir():  # no /proc: trust kill(0)
        return True
    for entry in proc_fs.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, _ppid, group = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(group) == pgid and state not in ("Z", "X"):
            return True
    return False
