"""Which code handles which topic and which flow: one explicit table, found with grep.

``TOPIC_HANDLERS`` maps an event topic to ``handler(event, ctx) -> str`` (a one-line outcome); ``FLOW_RUNS`` maps
a flow name ("Sync now", schedules) to ``run(ctx, run)``. Adding a flow means adding its module under
``sidecar/flows/`` and its lines here.

``SIDECAR_EXTRA_FLOWS="mod.a,mod.b"`` imports more modules; each may declare ``TOPICS = {topic: handler}`` and/or
``FLOW = "name"`` with ``run(ctx, run)`` (and ``SCHEDULE = "<schedules key>"``). An extra module may *add* topics
and flows, never replace a built-in one: a clash is recorded in ``load_errors`` (shown in /v1/status) and the
built-in stays. ``SIDECAR_BUILTIN_FLOWS=off`` starts from empty tables — for the pipeline's own tests, which run
counting handlers instead of the real flows.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from sidecar.flows import (
    after_sale,
    cancellations,
    customers,
    fulfillments,
    order_catchup,
    orders,
    products,
    reconcile,
    refunds,
    webhook_watchdog,
)

log = logging.getLogger(__name__)
Handler = Callable[[Any, Any], str]
EXTRA_ENV = "SIDECAR_EXTRA_FLOWS"
BUILTIN_ENV = "SIDECAR_BUILTIN_FLOWS"


@dataclass(frozen=True)
class FlowSpec:
    name: str
    run: Callable[[Any, Any], None]
    module: str
    schedule_key: str


def _flow(name: str, run: Callable[[Any, Any], None], schedule_key: str | None = None) -> FlowSpec:
    return FlowSpec(name, run, run.__module__, schedule_key or name)


TOPIC_HANDLERS: dict[str, Handler] = {
    "order.created": orders.handle_order_event,
    "order.updated": after_sale.handle_order_change,  # export/update, then refunds, then a cancellation
    "order.refunded": after_sale.handle_order_change,
    "order.cancelled": after_sale.handle_order_change,
    "customer.created": customers.handle_customer_event,
    "customer.updated": customers.handle_customer_event,
}

FLOW_RUNS: dict[str, FlowSpec] = {
    "orders": _flow("orders", order_catchup.run),
    "customers": _flow("customers", customers.run),
    "fulfillments": _flow("fulfillments", fulfillments.run),
    "refunds": _flow("refunds", refunds.run),
    "cancellations": _flow("cancellations", cancellations.run),
    "webhooks": _flow("webhooks", webhook_watchdog.run),  # also run by each orders run; no schedule of its own
    "reconcile": _flow("reconcile", reconcile.run),
    "products": _flow("products", products.run),  # the catalog import, NetSuite → WooCommerce (issue 14)
}


class RegistryError(RuntimeError):
    """A module claims a topic or flow that is already taken."""


@dataclass
class Registry:
    topics: dict[str, Handler] = field(default_factory=dict)
    flows: dict[str, FlowSpec] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # "topic:x" / "flow:y" → module name
    load_errors: dict[str, str] = field(default_factory=dict)

    def handler_for(self, topic: str) -> Handler | None:
        return self.topics.get(topic)

    def flow(self, name: str) -> FlowSpec | None:
        return self.flows.get(name)

    def add_module(self, module: ModuleType) -> None:
        """Add what ``module`` declares (TOPICS, FLOW + run); RegistryError if any of it is taken already."""
        claims = [f"topic:{topic}" for topic in (getattr(module, "TOPICS", None) or {})]
        name = getattr(module, "FLOW", None)
        has_flow = bool(name) and callable(getattr(module, "run", None))
        claims += [f"flow:{name}"] if has_flow else []
        for what in claims:
            if what in self.owners and self.owners[what] != module.__name__:
                raise RegistryError(f"{what} is claimed by both {self.owners[what]} and {module.__name__}")
        for topic, handler in (getattr(module, "TOPICS", None) or {}).items():
            self.topics[topic] = handler
            self.owners[f"topic:{topic}"] = module.__name__
        if has_flow:
            self.flows[name] = FlowSpec(name, module.run, module.__name__, getattr(module, "SCHEDULE", name))
            self.owners[f"flow:{name}"] = module.__name__


def built_in() -> Registry:
    """The tables above as a registry."""
    registry = Registry(topics=dict(TOPIC_HANDLERS), flows=dict(FLOW_RUNS))
    registry.owners.update({f"topic:{t}": h.__module__ for t, h in TOPIC_HANDLERS.items()})
    registry.owners.update({f"flow:{n}": s.module for n, s in FLOW_RUNS.items()})
    return registry


def discover(extra: str | None = None, builtins: bool | None = None) -> Registry:
    """The built-in table plus the extra modules named in ``extra`` (default: SIDECAR_EXTRA_FLOWS)."""
    if builtins is None:
        builtins = os.environ.get(BUILTIN_ENV, "on").strip().lower() not in ("off", "0", "no", "false")
    registry = built_in() if builtins else Registry()
    extra = os.environ.get(EXTRA_ENV, "") if extra is None else extra
    for name in filter(None, (part.strip() for part in extra.split(","))):
        try:
            registry.add_module(importlib.import_module(name))
        except Exception as exc:  # noqa: BLE001 - one broken extra module must not stop the others
            log.error("flow module %s could not be loaded:\n%s", name, traceback.format_exc())
            registry.load_errors[name] = f"{type(exc).__name__}: {exc}"
    return registry


_current: Registry | None = None
_lock = threading.Lock()


def get_registry() -> Registry:
    """The process's registry, built on first use."""
    global _current
    with _lock:
        if _current is None:
            _current = discover()
        return _current


def reset_registry(registry: Registry | None = None) -> None:
    """Drop (or replace) the cached registry, e.g. after a test changed SIDECAR_EXTRA_FLOWS."""
    global _current
    with _lock:
        _current = registry
