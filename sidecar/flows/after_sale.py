"""``order.updated``, ``order.refunded``, ``order.cancelled``: what happened to an order, in one handler.

WooCommerce sends one ``order.updated`` for many kinds of change (a refund, a cancellation, an address edit,
our own write-back), so the handler runs the steps in order and each decides for itself: the orders flow
(export, or keep the header in step) → refunds not yet in NetSuite → a cancellation not yet applied. When none
of them has anything to do, the outcome is "Already up to date." — which is what the echo of our own
write-back (tracking meta, ``completed``, ``cancelled``) ends in.
"""

from __future__ import annotations

from sidecar.clients.errors import NotFoundError
from sidecar.flows import cancellations, orders, refunds
from sidecar.flows.base import FlowBusy, FlowContext
from sidecar.store import binder

UP_TO_DATE = "Already up to date."


def handle_order_change(event, ctx: FlowContext) -> str:
    """Export/update, then refunds, then cancellation; one line saying what happened."""
    outcome = orders.handle_order_event(event, ctx)
    link = binder.find("order", event.resource_id)
    if link is not None and not link.ns_id:  # another job holds the export claim: its record may appear
        raise FlowBusy(f"order {event.resource_id} is being exported by another job; looking again shortly")
    if link is None:
        return outcome  # never exported: nothing in NetSuite to refund or close
    try:
        order = ctx.woo.get_order(int(event.resource_id))
    except NotFoundError:
        return outcome
    steps = [outcome] if outcome != UP_TO_DATE else []
    steps += refunds.sync_refunds(ctx, order, link)
    closed = cancellations.woo_cancelled(ctx, order, link)
    steps += [closed] if closed else []
    return " ".join(steps) or UP_TO_DATE

