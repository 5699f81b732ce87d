"""The batch endpoint shared by products, variations and orders (spec A2.3): ≤100 items over
create+update+delete, 413 over the limit, 200 with per-item errors, creates → updates → deletes."""

from __future__ import annotations

from collections.abc import Callable

from .wc_errors import WooError
from .wc_routes import Ctx, Reply

BATCH_LIMIT = 100


def run_batch(ctx: Ctx, create: Callable, update: Callable, delete: Callable, missing_id: Callable) -> Reply:
    """``create(item)``, ``update(id, item)``, ``delete(id)`` return rendered objects or raise WooError."""
    body = ctx.body if isinstance(ctx.body, dict) else {}
    ops = {op: body.get(op) or [] for op in ("create", "update", "delete")}
    if sum(len(v) for v in ops.values() if isinstance(v, list)) > BATCH_LIMIT:
        raise WooError("woocommerce_rest_request_entity_too_large",
                       f"Unable to accept more than {BATCH_LIMIT} items for this request.", 413)
    with ctx.store.lock:
        ctx.store.stats["batch_calls"] += 1
    out: dict = {}
    if ops["create"]:
        out["create"] = [_one(lambda item=item: create(item), 0) for item in ops["create"]]
    if ops["update"]:
        out["update"] = [_update(item, update, missing_id) for item in ops["update"]]
    if ops["delete"]:
        out["delete"] = [_one(lambda i=i: delete(int(i)), int(i)) for i in ops["delete"] if int(i or 0)]
    return Reply(200, out)


def _update(item, update: Callable, missing_id: Callable) -> dict:
    item_id = item.get("id") if isinstance(item, dict) else None
    if not item_id:
        return {"id": item_id, "error": missing_id().body()}
    return _one(lambda: update(int(item_id), item), int(item_id))


def _one(action: Callable, failed_id) -> dict:
    try:
        return action()
    except WooError as err:
        return {"id": failed_id, "error": err.body()}
