"""``build_context()``: the FlowContext a job runs with, its clients built lazily from the stored credentials.

This is where the pipeline builds the clients: it hands them the credentials, the settings they need and the
API-log recorder (``store.apilog.record_api_call``); a client never reads the database itself.

Clients are cached per process and shared by the worker threads (so the NetSuite client's concurrency limit
holds across them); a change of credentials or client settings builds fresh ones on the next job.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

from sidecar.flows.base import FlowContext, NewEvent
from sidecar.store.apilog import record_api_call, remember_secrets
from sidecar.store.runtime import get_runtime
from sidecar.store.settings import get_settings

_cache: dict[str, tuple[str, Any]] = {}
_lock = threading.Lock()


def build_context(emit: Callable[[NewEvent], bool] | None = None) -> FlowContext:
    """A fresh context per job: settings read once on first use, clients from the per-process cache; ``emit``
    lets a flow run hand new events to the pipeline (``runs`` passes intake's ``accept``)."""
    holder: dict[str, dict] = {}

    def settings() -> dict:
        if "s" not in holder:
            holder["s"] = get_settings()
        return holder["s"]

    return FlowContext(factories={
        "settings": settings,
        "netsuite": lambda: _client("netsuite", settings(), _make_netsuite),
        "woo": lambda: _client("woocommerce", settings(), _make_woo),
    }, emit=emit)


def _client(system: str, settings: dict, make: Callable[[dict, dict], Any]) -> Any:
    """The cached client for ``system`` if its credentials and settings are unchanged, else a new one."""
    values = get_runtime().credentials.get(system)
    section = settings.get("netsuite" if system == "netsuite" else "woocommerce", {})
    base_url = get_runtime().config.netsuite_base_url  # a restarted sidecar may point elsewhere
    fingerprint = hashlib.sha256(json.dumps([values, section, base_url], sort_keys=True).encode()).hexdigest()
    with _lock:
        cached = _cache.get(system)
        if cached and cached[0] == fingerprint:
            return cached[1]
        remember_secrets(get_runtime().credentials.all_secret_values())  # new credentials: redact them too
        client = make(values, settings)
        _cache[system] = (fingerprint, client)
        return client


def _make_netsuite(values: dict, settings: dict) -> Any:
    from sidecar.clients.netsuite import NetSuiteClient
    from sidecar.pipeline.gates import netsuite_gate

    gate = netsuite_gate(values.get("account_id", ""), settings)
    return NetSuiteClient.from_credentials(values, get_runtime().config, settings, api_log=record_api_call,
                                           gate=gate)


def _make_woo(values: dict, settings: dict) -> Any:
    from sidecar.clients.woocommerce import WooClient

    return WooClient.from_credentials(values, settings, api_log=record_api_call)


def clear_client_cache() -> None:
    """Forget cached clients (tests; credentials rotated by hand in the database)."""
    with _lock:
        _cache.clear()
