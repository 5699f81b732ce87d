"""WooCommerce sandbox: a faithful local simulator of WooCommerce's REST API v3 and webhooks.

``create_app(options)`` gives a Flask app with its own in-memory store (see docs/sandbox-woocommerce.md);
``run(args)`` serves it for ``sidecar sandbox woocommerce --port N``. Imported by no production module.
"""

from __future__ import annotations

import argparse
import json

from flask import Flask, request

from .wc_api import build_router
from .wc_control import bp as control_bp
from .wc_errors import WooError
from .wc_render_misc import render_coupon, render_customer
from .wc_render_orders import render_order
from .wc_render_products import render_product
from .wc_routes import dispatch, home_url
from .wc_safe_url import parse_allowance
from .wc_store import DEFAULT_OPTIONS, Store
from .wc_webhooks import Deliverer

# Fixed, obviously fake read_write key pair registered in every app (real format: prefix + 40 hex).
DEMO_KEYS = {"consumer_key": "ck_" + "5a4db0c5" * 5, "consumer_secret": "cs_" + "5a4db0c5" * 4 + "deadbeef"}

ERRORS = {"order": "woocommerce_rest_shop_order_invalid_id", "product": "woocommerce_rest_product_invalid_id",
          "coupon": "woocommerce_rest_shop_coupon_invalid_id", "customer": "woocommerce_rest_invalid_id"}


def webhook_payload(store):
    """Build a delivery body at delivery time: the resource's REST form, ``{"id"}`` for deletes, or the error."""

    def render(resource: str, event: str, rid: int, home: str) -> dict:
        if resource == "action":
            return {"action": event, "arg": rid}
        if event == "deleted":
            return {"id": rid}
        with store.lock:
            table = {"order": store.orders, "product": store.products, "coupon": store.coupons,
                     "customer": store.customers}[resource]
            record = table.get(rid)
            if record is None:
                message = "Invalid resource ID." if resource == "customer" else "Invalid ID."
                return WooError(ERRORS[resource], message, 404).body()
            renderer = {"order": render_order, "product": render_product, "coupon": render_coupon,
                        "customer": render_customer}[resource]
            return renderer(store, record, home)

    return render


def note_write(store) -> None:
    """Any write request (REST or control) ends the life of cached list queries (see wc_bulk)."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        with store.lock:
            store.writes += 1


def create_app(options: dict | None = None) -> Flask:
    """A fresh, independent, thread-safe simulated store with DEMO_KEYS registered."""
    store = Store(options)
    parse_allowance(store.options.get("webhook_allowed_hosts"))  # a bad entry fails here, not in delivery
    store.add_key("read_write", DEMO_KEYS["consumer_key"], DEMO_KEYS["consumer_secret"])
    deliverer = Deliverer(store, webhook_payload(store))
    router = build_router()
    app = Flask(__name__)
    app.config.update(WC_STORE=store, WC_DELIVERER=deliverer)
    app.register_blueprint(control_bp)

    @app.route("/wp-json", defaults={"route": "/"}, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    @app.route("/wp-json/", defaults={"route": "/"}, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    @app.route("/wp-json/<path:route>", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    def rest(route: str):
        return dispatch(router, store, deliverer, "/" + route.lstrip("/") if route != "/" else "/")

    @app.route("/", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def plain_permalinks():
        return dispatch(router, store, deliverer, request.args.get("rest_route") or "/")

    app.before_request(lambda: note_write(store))
    @app.after_request
    def deliver_events(response):
        events = store.take_events()
        if events:
            deliverer.enqueue(events, home_url(store))
        return response

    if store.options.get("seed"):
        from .wc_seed import seed

        seed(store, products=int(store.options["seed"]), variable_share=0.2,
             customers=max(1, int(store.options["seed"]) // 4), orders=max(1, int(store.options["seed"]) // 2),
             seed_value=int(store.options["seed"]))
        store.take_events()
    return app


def parse_options(pairs: list[str]) -> dict:
    """``k=v`` strings → typed options (JSON values where they parse: true, 300, 0.1)."""
    options: dict = {}
    for pair in pairs or []:
        key, _, raw = pair.partition("=")
        if key not in DEFAULT_OPTIONS:
            raise SystemExit(f"unknown option {key!r}; known: {', '.join(DEFAULT_OPTIONS)}")
        try:
            options[key] = json.loads(raw)
        except ValueError:
            options[key] = raw
    return options


def run(args: argparse.Namespace) -> int:
    """Serve the sandbox (threaded werkzeug server) until interrupted."""
    from werkzeug.serving import run_simple

    options = parse_options(getattr(args, "option", []))
    if getattr(args, "seed", None):
        options["seed"] = args.seed
    try:
        app = create_app(options)
    except ValueError as err:  # e.g. a webhook_allowed_hosts entry that is not host:port
        raise SystemExit(f"woocommerce sandbox: {err}") from None
    print(f"WooCommerce sandbox on http://{args.host}:{args.port}/wp-json/wc/v3  "
          f"key={DEMO_KEYS['consumer_key']} secret={DEMO_KEYS['consumer_secret']}", flush=True)
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    return 0
