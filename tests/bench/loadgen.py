"""A lean HTTP/1.1 load generator for the intake benchmark: raw keep-alive sockets, requests built beforehand.

The machine has two cores, and the client shares them with the server it measures: ``requests`` spent about as
much CPU per call as the server it was timing. Here every request (body, signature, headers) is serialised before
the clock starts, and each of ``concurrency`` threads sends one and reads its answer (status line, headers,
``Content-Length`` bytes) on its own keep-alive connection — a few tens of microseconds of client CPU per request.
"""

from __future__ import annotations

import os
import socket
import statistics
import threading
import time
from dataclasses import dataclass


def build_request(host: str, target: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One POST as bytes, keep-alive."""
    head = [f"POST {target} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}",
            "Content-Type: application/json", "Connection: keep-alive"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@dataclass
class Result:
    sent: int
    statuses: dict[int, int]
    elapsed_s: float
    latencies_ms: list[float]
    server_cpu_s: float | None = None
    cpu_split: list[float] | None = None  # each server process's share of server_cpu_s (gunicorn's workers)

    @property
    def rate(self) -> float:
        return self.sent / self.elapsed_s

    def quantile(self, q: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[q - 1]

    @property
    def split(self) -> str:
        """How the server CPU was spread over its processes, e.g. "52/48%": with keep-alive connections a
        gunicorn worker can take all of them (it accepts while the other sleeps), and then one core serves."""
        return "/".join(f"{share:.0%}".rstrip("%") for share in self.cpu_split or []) + "%"

    @property
    def cpu_ms_per_request(self) -> float | None:
        return None if self.server_cpu_s is None else self.server_cpu_s / self.sent * 1000


class Connection:
    def __init__(self, host: str, port: int):
        self.sock = socket.create_connection((host, port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def call(self, raw: bytes) -> int:
        self.sock.sendall(raw)
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(self.buf) < length:
            self._fill()
        self.buf = self.buf[length:]
        return status

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buf += chunk

    def close(self) -> None:
        self.sock.close()


def run(host: str, port: int, requests: list[bytes], concurrency: int, server_pids: list[int] | None = None,
        ) -> Result:
    """Send ``requests`` from ``concurrency`` connections as fast as the server answers; time each one."""
    conns = [Connection(host, port) for _ in range(concurrency)]
    latencies: list[float] = [0.0] * len(requests)
    statuses: list[int] = [0] * len(requests)
    lock = threading.Lock()
    position = iter(range(len(requests)))

    def drive(conn: Connection) -> None:
        while True:
            with lock:
                i = next(position, None)
            if i is None:
                return
            started = time.perf_counter()
            statuses[i] = conn.call(requests[i])
            latencies[i] = (time.perf_counter() - started) * 1000

    pids = server_pids or []
    cpu_before = [process_cpu([pid]) for pid in pids]
    started = time.perf_counter()
    threads = [threading.Thread(target=drive, args=(c,)) for c in conns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    per_pid = [process_cpu([pid]) - before for pid, before in zip(pids, cpu_before, strict=True)]
    cpu = sum(per_pid) if pids else None
    split = sorted((c / cpu for c in per_pid), reverse=True) if cpu else None
    for c in conns:
        c.close()
    counts: dict[int, int] = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    return Result(len(requests), counts, elapsed, sorted(latencies), cpu, split)


def process_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (from /proc; 0 for one that is gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / tick


def children(pid: int) -> list[int]:
    """The pids of ``pid``'s children (gunicorn's workers)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []
