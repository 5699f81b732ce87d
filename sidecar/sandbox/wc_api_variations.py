"""REST handlers for /products/<id>/variations[/<vid>|/batch] (spec A2, fixtures 01-variable)."""

from __future__ import annotations

from .wc_api_products import created, filter_products, list_reply
from .wc_batch import run_batch
from .wc_errors import WooError, invalid_id
from .wc_listing import id_list, order_records, pick_fields
from .wc_products import create_variation, delete_product, get_product, get_variation, update_record
from .wc_render_products import render_variation
from .wc_routes import Ctx, Reply
from .wc_schema import VARIATION_SCHEMA, validate


def list_variations(ctx: Ctx, pid: int) -> Reply:
    records = filter_products(ctx, list(ctx.store.products.values()), variations_of=pid)
    records = order_records(records, ctx.query, include=id_list(ctx.query, "include"), ties_by_id_desc=True)
    return list_reply(ctx, records, lambda r: render_variation(ctx.store, r, ctx.home_url, pid))


def _create(ctx: Ctx, pid: int, body: dict) -> dict:
    parent = get_product(ctx.store, pid, 404, allow_variation=False)
    record = create_variation(ctx.store, parent, {**(body or {})})
    ctx.store.emit("product", "created", record["id"])
    return render_variation(ctx.store, record, ctx.home_url, pid)


def post_variation(ctx: Ctx, pid: int) -> Reply:
    body = _create(ctx, pid, ctx.body or {})
    return created(ctx, body, f"products/{pid}/variations/{body['id']}")


def get_one_variation(ctx: Ctx, pid: int, vid: int) -> Reply:
    """No parent check, as WooCommerce: the links are rewritten to the parent in the URL (FINDINGS)."""
    record = get_variation(ctx.store, vid)
    body = render_variation(ctx.store, record, ctx.home_url, pid)
    return Reply(200, pick_fields(body, ctx.query.get("_fields"), keep_links=True))


def _update(ctx: Ctx, pid: int, vid: int, body: dict) -> dict:
    """The variations controller sets every written variation's parent to the product of the URL (a batch
    update through another product's URL moves it there; only a single update is checked first)."""
    record = get_variation(ctx.store, vid, 400)
    body = validate(body, VARIATION_SCHEMA)
    move_variation(ctx.store, record, pid)  # first: the attributes are matched against the new parent
    update_record(ctx.store, record, body, VARIATION_SCHEMA)
    ctx.store.emit("product", "updated", vid)
    return render_variation(ctx.store, record, ctx.home_url, pid)


def move_variation(store, record: dict, pid: int) -> None:
    with store.lock:
        if record["parent_id"] == pid:
            return
        old = store.products.get(record["parent_id"])
        if old and record["id"] in old["variations"]:
            old["variations"].remove(record["id"])
        new = store.products.get(pid)
        if new is not None and record["id"] not in new["variations"]:
            new["variations"].append(record["id"])
        record["parent_id"] = pid


def put_variation(ctx: Ctx, pid: int, vid: int) -> Reply:
    """The update permission check refuses a variation of another product (403 for an authenticated key)."""
    record = ctx.store.products.get(vid)
    if record and record["type"] == "variation" and record["parent_id"] and record["parent_id"] != pid:
        raise WooError("woocommerce_rest_cannot_edit", "Parent product does not match current variation.", 403)
    return Reply(200, _update(ctx, pid, vid, ctx.body or {}))


def _delete(ctx: Ctx, pid: int, vid: int, force: bool) -> dict:
    record = get_variation(ctx.store, vid)
    before = render_variation(ctx.store, record, ctx.home_url, pid)
    delete_product(ctx.store, record, force)
    return before if force else render_variation(ctx.store, record, ctx.home_url, pid)


def delete_variation(ctx: Ctx, pid: int, vid: int) -> Reply:
    return Reply(200, _delete(ctx, pid, vid, ctx.force))


def batch_variations(ctx: Ctx, pid: int) -> Reply:
    return run_batch(ctx, lambda item: _create(ctx, pid, item), lambda vid, item: _update(ctx, pid, vid, item),
                     lambda vid: _delete(ctx, pid, vid, True),
                     lambda: invalid_id("woocommerce_rest_product_variation_invalid_id", 400))
