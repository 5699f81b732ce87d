"""REST handlers for /products, /products/<id>/variations and their batch endpoints (spec A2)."""

from __future__ import annotations

from .wc_batch import run_batch
from .wc_bulk import cached_listing, sku_index
from .wc_errors import WooError, invalid_id, not_in_enum
from .wc_listing import date_filters, id_list, order_records, page_headers, paginate, pick_fields
from .wc_products import create_product, delete_product, get_product, update_record
from .wc_render_products import render_product
from .wc_routes import Ctx, Reply
from .wc_schema import PRODUCT_SCHEMA, PRODUCT_TYPES, STOCK_STATUSES

PRODUCT_LIST_STATUSES = ["any", "future", "trash", "draft", "pending", "private", "publish"]


def _check_enum(query: dict, name: str, allowed: list[str]) -> None:
    for value in str(query.get(name, "")).split(",") if query.get(name) else []:
        if value not in allowed:
            raise not_in_enum(name, allowed)


def _status_ok(record: dict, statuses: str) -> bool:
    wanted = statuses.split(",") if statuses else ["any"]
    if "any" in wanted:
        return record["status"] not in ("trash", "auto-draft")
    return record["status"] in wanted


def filter_products(ctx: Ctx, records: list[dict], variations_of: int | None = None) -> list[dict]:
    """Apply the product list filters; ``sku`` also matches variations (spec A2.1)."""
    q = ctx.query
    _check_enum(q, "status", PRODUCT_LIST_STATUSES)
    if variations_of is None:
        _check_enum(q, "type", PRODUCT_TYPES)
    _check_enum(q, "stock_status", STOCK_STATUSES)
    include, exclude = id_list(q, "include"), id_list(q, "exclude")
    skus = [s for s in str(q.get("sku", "")).split(",") if s] if q.get("sku") else None
    preds = date_filters(q, ctx.store.options["timezone_offset"])
    if skus is not None:  # by the SKU index, as the store's lookup table does
        index = sku_index(ctx.store)
        records = sorted({r["id"]: r for s in [*skus, q["sku"]] for r in index.get(s, [])}.values(),
                         key=lambda r: r["id"])
    out = []
    for r in records:
        if variations_of is not None:
            if r["type"] != "variation" or r["parent_id"] != variations_of:
                continue
        elif r["type"] == "variation" and not skus:
            continue
        if skus is not None and r["sku"] not in skus and r["sku"] != q["sku"]:
            continue
        checks = [_status_ok(r, q.get("status", "")), include is None or r["id"] in include,
                  not exclude or r["id"] not in exclude, not q.get("type") or r["type"] == q["type"],
                  not q.get("stock_status") or r["stock_status"] == q["stock_status"],
                  not q.get("parent") or r["parent_id"] in (id_list(q, "parent") or []),
                  not q.get("search") or str(q["search"]).lower() in r["name"].lower()]
        if all(checks) and all(p(r) for p in preds):
            out.append(r)
    return out


def list_reply(ctx: Ctx, records: list[dict], render, defaults=()) -> Reply:
    page_items, total, per_page, page = paginate(records, ctx.query)
    url = f"{ctx.home_url}/wp-json{ctx.route}"
    headers = page_headers(total, per_page, page, url, ctx.query_pairs, defaults)
    fields = ctx.query.get("_fields")
    return Reply(200, [pick_fields(render(r), fields) for r in page_items], headers)


def created(ctx: Ctx, body: dict, path: str) -> Reply:
    return Reply(201, body, {"Location": f"{ctx.home_url}/wp-json/wc/v3/{path}"})


def list_products(ctx: Ctx) -> Reply:
    def build() -> list[dict]:
        records = filter_products(ctx, list(ctx.store.products.values()))
        return order_records(records, ctx.query, include=id_list(ctx.query, "include"))
    records = cached_listing(ctx.store, "products", ctx.query, build)
    return list_reply(ctx, records, lambda r: render_product(ctx.store, r, ctx.home_url))


def post_product(ctx: Ctx) -> Reply:
    record = create_product(ctx.store, ctx.body or {})
    ctx.store.emit("product", "created", record["id"])
    return created(ctx, render_product(ctx.store, record, ctx.home_url, "edit"), f"products/{record['id']}")


def get_one(ctx: Ctx, pid: int) -> Reply:
    record = get_product(ctx.store, pid)
    return Reply(200, pick_fields(render_product(ctx.store, record, ctx.home_url), ctx.query.get("_fields"), keep_links=True))


def _update_product(ctx: Ctx, pid: int, body: dict) -> dict:
    record = get_product(ctx.store, pid, 400)
    if record["type"] == "variation":
        raise WooError("woocommerce_rest_invalid_product_id", "To manipulate product variations you should use the "
                       "/products/&lt;product_id&gt;/variations/&lt;id&gt; endpoint.", 404)
    update_record(ctx.store, record, body, PRODUCT_SCHEMA)
    ctx.store.emit("product", "updated", pid)
    return render_product(ctx.store, record, ctx.home_url, "edit")


def put_product(ctx: Ctx, pid: int) -> Reply:
    return Reply(200, _update_product(ctx, pid, ctx.body or {}))


def _delete_product(ctx: Ctx, pid: int, force: bool, status: int = 404) -> dict:
    record = get_product(ctx.store, pid, status)
    before = render_product(ctx.store, record, ctx.home_url, "edit")
    if not force and record["status"] == "trash":
        raise WooError("woocommerce_rest_already_trashed", "The product has already been deleted.", 410)
    delete_product(ctx.store, record, force)
    if not force:
        ctx.store.emit("product", "deleted", pid)
        return render_product(ctx.store, record, ctx.home_url, "edit")
    return before


def delete_one(ctx: Ctx, pid: int) -> Reply:
    return Reply(200, _delete_product(ctx, pid, ctx.force))


def batch_products(ctx: Ctx) -> Reply:
    return run_batch(ctx, lambda item: post_product(_sub(ctx, item)).body,
                     lambda pid, item: _update_product(ctx, pid, item),
                     lambda pid: _delete_product(ctx, pid, True),
                     lambda: invalid_id("woocommerce_rest_product_invalid_id", 400))


def _sub(ctx: Ctx, body) -> Ctx:
    from dataclasses import replace

    return replace(ctx, body=body)
