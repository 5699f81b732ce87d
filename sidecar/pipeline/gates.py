"""Which gate bounds the NetSuite requests in flight: this process's, or one shared through the database.

``SIDECAR_NETSUITE_GATE``: ``process`` (a semaphore in this process: right for one worker), ``database`` (leased
slot rows, ``sidecar.store.slots``: right for several worker processes or machines on one database) or ``auto``
(the default: ``database`` on PostgreSQL/MySQL — the set-up for several instances, DESIGN.md §6 — and
``process`` on SQLite, where one worker per database file is the rule). The limit is
``netsuite.concurrency_limit`` either way.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from sidecar.store.db import is_sqlite
from sidecar.store.slots import DbGate

ENV = "SIDECAR_NETSUITE_GATE"
_gates: dict[tuple[str, int, float], DbGate] = {}
_lock = threading.Lock()


def mode() -> str:
    chosen = (os.environ.get(ENV) or "auto").strip().lower()
    if chosen not in {"auto", "process", "database"}:
        raise ValueError(f"{ENV} must be auto, process or database, got {chosen!r}")
    if chosen == "auto":
        return "process" if is_sqlite() else "database"
    return chosen


def netsuite_gate(account_id: str, settings: dict) -> Any:
    """The database gate for ``account_id`` (one per process and limit), or None for the client's own."""
    if mode() != "database":
        return None
    section = settings.get("netsuite", {})
    limit = int(section.get("concurrency_limit", 5))
    # A slot is held for one HTTP call; its lease must outlast the longest one (read timeout, both retries of a
    # slow read), so a worker killed mid-call frees its slot within a few minutes, never earlier than it ends.
    lease_s = 3 * float(section.get("timeout_s", 60.0)) + 30
    key = (account_id.upper().replace("-", "_"), limit, lease_s)
    with _lock:
        gate = _gates.get(key)
        if gate is None:
            gate = _gates[key] = DbGate(f"netsuite:{key[0]}", limit, lease_s=lease_s)
        return gate
