"""``/_sandbox/…`` controls, apart from the REST API and without auth: place an order as a checkout would,
read stock, change knobs, seed, inspect requests and webhook deliveries, reset, make keys."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from .wc_errors import WooError
from .wc_items import resolve_product
from .wc_orders import create_order
from .wc_people import create_coupon, create_tax
from .wc_render_misc import render_coupon, render_tax
from .wc_render_orders import render_order
from .wc_routes import home_url
from .wc_safe_url import parse_allowance

CONFIG_KEYS = ("latency_ms", "fault_rate", "calc_taxes", "webhook_fail_limit", "https", "timezone_offset",
               "home_url", "webhook_hold", "price_num_decimals", "outage_status",
               "outage_methods", "manage_stock", "webhook_allowed_hosts")
CHECKOUT_STATUSES = ("pending", "processing", "on-hold", "completed", "failed", "checkout-draft")

bp = Blueprint("wc_sandbox_controls", __name__, url_prefix="/_sandbox")


def _store():
    return current_app.config["WC_STORE"]


def _check_stock(store, entry: dict, allow_backorder: bool) -> None:
    product = resolve_product(store, entry)
    if product is None:
        raise WooError("sandbox_unknown_product", f"No product for line item {entry}.", 400)
    wanted = int(entry.get("quantity", 1))
    if product["manage_stock"] is True and not allow_backorder and product["backorders"] == "no" \
            and (product["stock_quantity"] or 0) < wanted:
        raise WooError("sandbox_out_of_stock", f"Not enough stock for {product['sku'] or product['id']}.", 400)


def _tax_rate_ids(store, percent) -> list[int]:
    rate = f"{float(percent):.4f}"
    found = next((r for r in store.taxes.values() if r["rate"] == rate and not r["country"]), None)
    return [(found or create_tax(store, {"rate": percent, "name": "Tax", "shipping": True}))["id"]]


def place_order(store, body: dict, allow_backorder: bool = False) -> dict:
    """An order as the checkout creates it: addresses from the customer, stock checked, paid unless pending.

    The whole checkout holds the store lock, so parallel checkouts never sell the same unit twice."""
    with store.lock:
        return _place_order(store, body, allow_backorder)


def _place_order(store, body: dict, allow_backorder: bool) -> dict:
    lines = body.get("line_items") or []
    if not lines:
        raise WooError("sandbox_empty_cart", "line_items is required.", 400)
    for entry in lines:
        _check_stock(store, entry, allow_backorder)
    status = body.get("status", "processing")
    if status not in CHECKOUT_STATUSES:
        raise WooError("sandbox_invalid_status", f"status must be one of {', '.join(CHECKOUT_STATUSES)}.", 400)
    rest = {k: body[k] for k in ("customer_id", "billing", "shipping", "line_items", "coupon_lines",
                                 "shipping_lines", "fee_lines", "currency", "customer_note", "meta_data") if k in body}
    customer = store.customers.get(body.get("customer_id") or 0)
    if customer:
        rest.setdefault("billing", dict(customer["billing"], email=customer["billing"]["email"] or customer["email"]))
        rest.setdefault("shipping", {k: v for k, v in customer["shipping"].items()})
    rest["payment_method"] = body.get("payment_method", "bacs")
    rest["payment_method_title"] = body.get("payment_method_title", "Direct bank transfer")
    rest["status"] = "pending"
    if body.get("tax_rate") is not None:
        store.pending_rate_ids = _tax_rate_ids(store, body["tax_rate"])
    try:
        order = create_order(store, rest, created_via="checkout")
    finally:
        store.pending_rate_ids = None
    order.update({"customer_ip_address": "127.0.0.1", "customer_user_agent": "sandbox-checkout"})
    _finish_checkout(store, order, status, body.get("set_paid", status in ("processing", "completed")))
    return order


def _finish_checkout(store, order: dict, status: str, set_paid: bool) -> None:
    from .wc_orders import payment_complete, set_status

    if set_paid:
        payment_complete(store, order)
    if status != order["status"]:
        set_status(store, order, status)


@bp.post("/orders")
def post_order():
    store = _store()
    try:
        order = place_order(store, request.get_json(force=True, silent=True) or {})
    except WooError as err:
        return jsonify(err.body()), err.http_status
    return jsonify(render_order(store, order, home_url(store))), 201


@bp.get("/stock")
def get_stock():
    store = _store()
    sku = request.args.get("sku", "")
    product = store.find_product_by_sku(sku)
    if product is None:
        return jsonify({"code": "sandbox_unknown_sku", "message": f"No product with SKU {sku!r}."}), 404
    return jsonify({"sku": sku, "id": product["id"], "stock_quantity": product["stock_quantity"],
                    "stock_status": product["stock_status"]})


@bp.post("/config")
def post_config():
    store = _store()
    body = request.get_json(force=True, silent=True) or {}
    if "webhook_allowed_hosts" in body:
        try:
            parse_allowance(body["webhook_allowed_hosts"])
        except ValueError as err:
            return jsonify({"code": "sandbox_invalid_config", "message": str(err)}), 400
    with store.lock:
        store.options.update({k: v for k, v in body.items() if k in CONFIG_KEYS})
    return jsonify({k: store.options.get(k) for k in CONFIG_KEYS})


@bp.post("/seed")
def post_seed():
    from .wc_seed import seed

    body = request.get_json(force=True, silent=True) or {}
    made = seed(_store(), int(body.get("products", 0)), float(body.get("variable_share", 0.2)),
                int(body.get("customers", 0)), int(body.get("orders", 0)), body.get("seed"))
    return jsonify(made)


@bp.post("/bulk-products")
def post_bulk_products():
    """Many products at once, straight into the store (benchmarks): ``{"count", "prefix", "stock_quantity",
    "variable_every", "price"}``."""
    from .wc_bulk import bulk_products

    body = request.get_json(force=True, silent=True) or {}
    try:
        made = bulk_products(_store(), int(body.get("count", 0)), str(body.get("prefix", "BULK-")),
                             body.get("stock_quantity", 0), int(body.get("variable_every", 0)),
                             str(body.get("price", "19.99")))
    except (TypeError, ValueError) as err:
        return jsonify({"code": "sandbox_invalid_bulk", "message": str(err)}), 400
    return jsonify(made)


@bp.get("/stats")
def get_stats():
    store = _store()
    with store.lock:
        stats = {"requests": store.stats["requests"], "by_method_path": dict(store.stats["by_method_path"]),
                 "batch_calls": store.stats["batch_calls"], "write_calls": store.stats["write_calls"]}
    return jsonify(stats)


@bp.get("/deliveries")
def get_deliveries():
    store = _store()
    current_app.config["WC_DELIVERER"].flush()
    with store.lock:
        return jsonify(list(store.deliveries))


@bp.post("/webhooks/flush")
def flush_webhooks():
    done = current_app.config["WC_DELIVERER"].flush()
    return jsonify({"flushed": done})


@bp.post("/webhooks/run")
def run_webhooks():
    """Deliver everything held while ``webhook_hold`` was on (payloads are built now, at delivery time)."""
    return jsonify({"released": current_app.config["WC_DELIVERER"].run_held()})


@bp.post("/reset")
def post_reset():
    _store().reset()
    return jsonify({"reset": True})


@bp.post("/keys")
def post_keys():
    body = request.get_json(force=True, silent=True) or {}
    permissions = body.get("permissions", "read_write")
    if permissions not in ("read", "write", "read_write"):
        return jsonify({"code": "sandbox_invalid_permissions", "message": "read, write or read_write"}), 400
    return jsonify(_store().add_key(permissions)), 201


@bp.post("/coupons")
def post_coupon():
    store = _store()
    try:
        coupon = create_coupon(store, request.get_json(force=True, silent=True) or {})
    except WooError as err:
        return jsonify(err.body()), err.http_status
    return jsonify(render_coupon(store, coupon, home_url(store))), 201


@bp.post("/taxes")
def post_tax():
    store = _store()
    rate = create_tax(store, request.get_json(force=True, silent=True) or {})
    return jsonify(render_tax(rate, home_url(store))), 201


@bp.post("/ids")
def post_ids():
    """Set the next id of a sequence (post, user, comment, item, meta, webhook, tax, term) — replay tests."""
    store = _store()
    body = request.get_json(force=True, silent=True) or {}
    with store.lock:
        for kind, value in body.items():
            if kind in store.seq:
                store.seq[kind] = int(value)
        return jsonify(dict(store.seq))


@bp.post("/clock")
def post_clock():
    """Fix the store clock (``{"now": "2026-11-28T01:45:25"}``, UTC) or release it (``{"now": null}``)."""
    from .wc_util import parse_date

    store = _store()
    body = request.get_json(force=True, silent=True) or {}
    store.clock = parse_date(body["now"]) if body.get("now") else None
    return jsonify({"now": store.now().strftime("%Y-%m-%dT%H:%M:%S"), "fixed": store.clock is not None})
