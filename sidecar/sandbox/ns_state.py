"""Everything one sandbox app owns — its store, credentials, login audit, governance knobs and counters — in
one object, so two apps in the same process never share state."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app

from .ns_oauth2 import OAuth2Registry
from .ns_store import Store
from .ns_tba import TbaRegistry

DEFAULTS = {"account_id": "1234567_SB1", "latency_ms": 0, "concurrency_limit": 5, "concurrency_status": 429,
            "fault_rate": 0.0, "timeout_rate": 0.0, "timeout_delay_s": 5.0, "fault_seed": None, "seed": None,
            "token_lifetime_s": 3600, "clock_skew_s": 0, "oauth2_error_mode": "rfc", "oauth2_loose_token": False,
            "outage_status": 0, "suiteql_numbers": False}
TUNABLE = {"latency_ms": float, "concurrency_limit": int, "concurrency_status": int, "fault_rate": float,
           "timeout_rate": float, "timeout_delay_s": float, "clock_skew_s": float, "token_lifetime_s": int,
           "oauth2_error_mode": str, "oauth2_loose_token": bool, "outage_status": int,
           "suiteql_numbers": bool}


@dataclass
class Stats:
    requests: int = 0
    in_flight: int = 0
    max_concurrent: int = 0
    rejected_429: int = 0
    faults: int = 0
    timeouts: int = 0
    outage_refused: int = 0
    busy_s: float = 0.0  # summed time requests spent inside the limit (served ÷ this = mean service time)
    served: int = 0
    by_method_path: Counter = field(default_factory=Counter)
    # Seconds spent with exactly k requests in flight (index k), so a client can see how long the account's slots
    # stood partly idle; ``changed_at`` is when ``in_flight`` last changed (monotonic clock).
    level_s: list = field(default_factory=lambda: [0.0])
    changed_at: float = field(default_factory=time.monotonic)

    def set_in_flight(self, count: int) -> None:
        """Change ``in_flight`` (under the state's lock), charging the time since the last change to its level."""
        now = time.monotonic()
        self._charge(now)
        self.in_flight = count

    def _charge(self, now: float) -> None:
        level = max(0, self.in_flight)
        while len(self.level_s) <= level:
            self.level_s.append(0.0)
        self.level_s[level] += now - self.changed_at
        self.changed_at = now

    def as_dict(self) -> dict:
        self._charge(time.monotonic())
        return {"requests": self.requests, "in_flight": self.in_flight, "max_concurrent": self.max_concurrent,
                "rejected_429": self.rejected_429, "faults": self.faults, "timeouts": self.timeouts, "outage_refused": self.outage_refused,
                "busy_s": round(self.busy_s, 3), "served": self.served,
                "level_s": [round(x, 3) for x in self.level_s],
                "by_method_path": dict(self.by_method_path)}


@dataclass
class SandboxState:
    options: dict
    store: Store
    tba: TbaRegistry = field(default_factory=TbaRegistry)
    oauth2: OAuth2Registry = field(default_factory=OAuth2Registry)
    audit: list = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    lock: threading.Lock = field(default_factory=threading.Lock)
    rng: random.Random = field(default_factory=random.Random)
    demo_private_pem: str = ""

    def now(self) -> float:
        """Server time, shifted by clock_skew_s so tests can put the client's clock out of step."""
        return time.time() + float(self.options.get("clock_skew_s") or 0)

    def record_login(self, status: str, reason: str, detail: str, auth: str, method: str, path: str) -> None:
        with self.lock:
            self.audit.append({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "status": status,
                               "reason": reason, "detail": detail, "auth": auth, "method": method, "path": path})
            del self.audit[:-5000]

    def configure(self, values: dict) -> dict:
        """Apply tunable knobs from POST /_sandbox/config; unknown keys are refused."""
        unknown = set(values) - set(TUNABLE)
        if unknown:
            raise ValueError(f"unknown option(s): {', '.join(sorted(unknown))}")
        if values.get("oauth2_error_mode", "rfc") not in ("rfc", "observed"):
            raise ValueError("oauth2_error_mode must be rfc or observed")
        with self.lock:
            for key, value in values.items():
                self.options[key] = TUNABLE[key](value)
        return {k: self.options[k] for k in TUNABLE}


def state() -> SandboxState:
    return current_app.extensions["ns_sandbox"]
