"""Claims a flow takes around a write that must happen once: "only this job creates order 12's sales order",
"only this job adds EUR to customer 7". A claim belongs to the attempt running the flow (``ctx.attempt``) and is
free as soon as that attempt stops holding its lease, so a killed worker never blocks a record for longer than
its job's lease (``sidecar.store.binder.claim``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sidecar.flows.base import FlowBusy, FlowContext
from sidecar.store import binder


@contextlib.contextmanager
def hold(ctx: FlowContext, entity: str, woo_id: Any, busy_message: str) -> Iterator[None]:
    """Run the block holding the claim on (entity, woo_id); raise FlowBusy (with the holder's remaining lease)
    when another live attempt has it. Nested holds of one claim by the same flow run share it; the claim is
    given back when the outermost block ends, however it ends."""
    key = (entity, str(woo_id))
    if key in ctx.claims:
        yield
        return
    holder = ctx.attempt or binder.ANONYMOUS
    claimed = binder.claim(entity, woo_id, holder)
    if not claimed:
        raise FlowBusy(busy_message, retry_after=claimed.lease_left_s, held_for=claimed.held_for_s)
    ctx.claims.add(key)
    try:
        yield
    finally:
        ctx.claims.discard(key)
        binder.release(entity, woo_id, holder)
