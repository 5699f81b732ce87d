"""A buyer's orders reach NetSuite in the order they arrived, even after an outage scattered their retries.

While NetSuite is down, every order event fails and is retried after its own jittered backoff; when NetSuite is
back they come due in any order, so a buyer's second order could become a sales order before the first. Before
exporting an order, ``earlier_orders_first`` looks for earlier order events of the same buyer (same WooCommerce
customer, or same billing e-mail for guests, read from the events' payloads) that are still waiting and whose
order is not exported yet, and exports those first, in arrival order, in this same job — their own events later
find them exported ("Already up to date."). Nothing waits and no attempt is spent on waiting. An earlier order
that cannot be exported as it stands (a FlowError: unknown SKU…) does not hold the later ones back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import peewee

from sidecar.flows.base import FlowBusy, FlowError
from sidecar.flows.order_costs import buyer_key
from sidecar.store import binder
from sidecar.store.models import Event

ORDER_TOPICS = ("order.created", "order.updated")
WAIT_S = 60.0  # at most this long for an earlier order another job is exporting (a few NetSuite calls)


def earlier_orders(event, order: dict) -> list[str]:
    """Woo ids of the buyer's orders announced before ``event`` whose events still wait, oldest first."""
    buyer = buyer_key(order)
    if buyer is None or getattr(event, "id", None) is None:
        return []
    # The e-mail or customer id must appear in the payload's text: a cheap filter before parsing any payload. (Not
    # ``payload.contains()``: the JSON field would encode the pattern as a JSON string, quotes and all.)
    token = buyer.split(":", 1)[1]
    rows = (Event.select(Event.resource_id, Event.payload)
            .where(Event.topic.in_(ORDER_TOPICS) & Event.status.in_(("pending", "running"))
                   & (Event.id < event.id) & (Event.resource_id != str(order["id"]))
                   & peewee.Expression(Event.payload, peewee.OP.ILIKE, peewee.Value(f"%{token}%", converter=False)))
            .order_by(Event.id))
    found: list[str] = []
    for resource_id, payload in rows.tuples():
        if isinstance(payload, dict) and resource_id not in found and buyer_key(payload) == buyer:
            link = binder.find("order", resource_id)
            if not (link and link.ns_id):
                found.append(resource_id)
    return found


def earlier_orders_first(ctx, event, order: dict, export: Callable[[dict], str]) -> list[str]:
    """Export the buyer's earlier waiting orders before ``order``; returns their one-line outcomes."""
    outcomes = []
    statuses = ctx.settings["orders"]["export_statuses"]
    for woo_id in earlier_orders(event, order):
        earlier = ctx.woo.get_order(woo_id)
        if earlier.get("status") in statuses:
            outcome = _export_first(woo_id, earlier, export)
            if outcome:
                outcomes.append(f"first order {woo_id}: {outcome}")
    return outcomes


def _export_first(woo_id: str, earlier: dict, export: Callable[[dict], str]) -> str | None:
    """Export one earlier order, or wait while another job does; a retryable error (NetSuite still down) goes up
    so that this order waits too."""
    for _ in range(3):
        try:
            return export(earlier)
        except FlowBusy:  # another job holds it: let it finish; if it gave up, try ourselves again
            if _linked_or_released(woo_id) == "linked":
                return None
        except FlowError:
            return None  # its own event fails with the message; later orders go on
    raise FlowBusy(f"the buyer's earlier order {woo_id} is still being exported by another job")


def _linked_or_released(woo_id: str, timeout_s: float = WAIT_S) -> str:
    """Wait while another job holds the order's claim: "linked" when its sales order exists, "released" when
    that job gave up (it retries later on its own), "held" after ``timeout_s``.

    A job of this process says so the moment NetSuite answered its create (``creating``/``created``), before it
    reads the number and writes back: the later order may go as soon as the earlier sales order exists (issue
    17: waiting for the whole export kept a third of the worker's threads idle). A job of another process is
    seen through the link, polled."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        link = binder.find("order", woo_id)
        if link is not None and link.ns_id:
            return "linked"
        if not binder.claim_is_live("order", woo_id):
            return "released"
        with _lock:
            signal = _created.get(str(woo_id))
        if signal is None:
            time.sleep(POLL_S)
        elif signal.changed.wait(POLL_S) and signal.created:
            return "linked"
    return "held"


POLL_S = 0.2


class _Export:
    """One job's export of an order in this process: ``changed`` is set once the sales order was created
    (``created``) or the job stopped trying."""

    def __init__(self) -> None:
        self.changed = threading.Event()
        self.created = False


_created: dict[str, _Export] = {}
_lock = threading.Lock()


@contextmanager
def creating(woo_id) -> Iterator[None]:
    """Around one job's export of an order: waiters of this process can be told when its sales order exists."""
    key = str(woo_id)
    with _lock:
        mine = key not in _created
        if mine:
            _created[key] = _Export()
    try:
        yield
    finally:
        if mine:
            with _lock:
                _created.pop(key).changed.set()  # whatever happened, a waiter looks at the link again


def created(woo_id) -> None:
    """NetSuite answered the create of this order's sales order (or cash sale)."""
    with _lock:
        signal = _created.get(str(woo_id))
        if signal is not None:
            signal.created = True
            signal.changed.set()
