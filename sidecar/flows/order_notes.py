"""Private notes on a WooCommerce order written at most once, for the flows that write a note before (or
without) recording it: a note the store saved whose answer was lost (a timeout) leaves no record, and the
retry would write it again. One read of the order's notes, on paths that are rare (a retry, a report)."""

from __future__ import annotations

from sidecar.flows.base import FlowContext


def note_texts(ctx: FlowContext, order_id: int) -> list[str]:
    """The text of every note the order shows."""
    return [str(n.get("note") or "") for n in ctx.woo.list_order_notes(order_id)]


def note_once(ctx: FlowContext, order_id: int, note: str) -> None:
    """Write a private note unless the order shows it already (the same text)."""
    if note not in note_texts(ctx, order_id):
        ctx.woo.add_order_note(order_id, note, customer_note=False)
