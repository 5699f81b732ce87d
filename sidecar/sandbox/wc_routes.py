"""The REST dispatcher: one WordPress-like router for ``/wp-json/wc/v3/…`` so route misses, auth and permission
checks happen in WooCommerce's order (auth → key permission → route → endpoint permission → handler)."""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, request

from .wc_auth import Authenticator, check_key_permission
from .wc_errors import WooError, no_route
from .wc_util import php_json

LOG = logging.getLogger(__name__)
DENIED = {
    "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "view": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    "create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "edit": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "delete": ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
    "batch": ("woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."),
}
EDITABLE = ("POST", "PUT", "PATCH")
FATAL = {"code": "internal_server_error",
         "message": "<p>There has been a critical error on this website.</p><p><a href=\"https://wordpress.org/"
                    "documentation/article/faq-troubleshooting/\">Learn more about troubleshooting WordPress.</a></p>",
         "data": {"status": 500}, "additional_errors": []}


@dataclass
class Ctx:
    """Everything a handler needs about one request."""

    store: Any
    deliverer: Any
    method: str
    route: str
    query: dict
    query_pairs: list
    body: Any
    home_url: str
    is_ssl: bool
    local_path: str
    headers: Any
    basic: tuple | None
    sign_params: dict
    key: dict | None = None
    extra_headers: dict = field(default_factory=dict)

    @property
    def force(self) -> bool:
        return str(self.query.get("force", "")).lower() in ("1", "true", "yes")


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict = field(default_factory=dict)


class Router:
    """(methods, regex, handler, permission) rows; the first pattern that matches path and method wins."""

    def __init__(self):
        self.rows: list[tuple[tuple, re.Pattern, Callable, str]] = []

    def add(self, methods: tuple, pattern: str, handler: Callable, perm: str) -> None:
        self.rows.append((methods, re.compile(f"^{pattern}$"), handler, perm))

    def match(self, method: str, route: str):
        for methods, regex, handler, perm in self.rows:
            found = regex.match(route)
            if found and method in methods:
                return handler, perm, {k: int(v) if v.isdigit() else v for k, v in found.groupdict().items()}
        raise no_route()


def _php_params(pairs: list[tuple[str, str]]) -> tuple[dict, dict]:
    """Query params as PHP sees them: ``a[]=1&a[]=2`` → a = "1,2" for filters, a[0], a[1] for signing."""
    query: dict[str, str] = {}
    signed: dict[str, str] = {}
    counters: dict[str, int] = {}
    for key, value in pairs:
        if key.endswith("[]"):
            base = key[:-2]
            index = counters.get(base, 0)
            counters[base] = index + 1
            signed[f"{base}[{index}]"] = value
            query[base] = f"{query[base]},{value}" if index else value
        else:
            signed[key] = value
            query[key] = value
    return query, signed


def _parse_body() -> tuple[Any, dict]:
    ctype = (request.content_type or "").split(";")[0].strip().lower()
    if ctype == "application/json":
        raw = request.get_data(cache=True)
        if not raw.strip():
            return {}, {}
        try:
            return json.loads(raw), {}
        except ValueError:
            raise WooError("rest_invalid_json", "Invalid JSON body passed.", 400,
                           {"status": 400, "json_error_code": 4, "json_error_message": "Syntax error"}) from None
    form = request.form.to_dict()
    return form, form


def request_is_ssl(store) -> bool:
    """is_ssl(): the https option, a TLS request, or X-Forwarded-Proto: https (as the captured store honoured)."""
    return bool(store.options.get("https")) or request.scheme == "https" \
        or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def home_url(store) -> str:
    """The store's home URL: the ``home_url`` option, else scheme + Host of the current request."""
    configured = store.options.get("home_url")
    if configured:
        return configured.rstrip("/")
    return f"{'https' if request_is_ssl(store) else 'http'}://{request.host}"


def build_ctx(store, deliverer, route: str) -> Ctx:
    is_ssl = request_is_ssl(store)
    home = home_url(store)
    all_pairs = list(request.args.items(multi=True))
    pairs = [(k, v) for k, v in all_pairs if k != "rest_route"]
    query, _ = _php_params(pairs)
    _, signed = _php_params(all_pairs)  # $_GET, rest_route included, is what OAuth signs
    auth = request.authorization
    ctx = Ctx(store, deliverer, request.method, route, query, pairs, None, home.rstrip("/"), is_ssl,
              request.path, request.headers,
              (auth.username or "", auth.password or "") if auth and auth.type == "basic" else None, signed)
    return ctx


def dispatch(router: Router, store, deliverer, route: str) -> Response:
    """Answer one REST request; every failure is a WooCommerce-shaped JSON error."""
    opts = store.options
    if opts.get("latency_ms"):
        time.sleep(float(opts["latency_ms"]) / 1000)
    if opts.get("outage_status") and request.method in (opts.get("outage_methods") or request.method).split(","):
        # the host is down or overloaded: its proxy answers, WordPress never runs (optionally for writes only)
        store.count_request(request.method, "outage")
        return Response("<html><body><h1>Service Unavailable</h1></body></html>", status=int(opts["outage_status"]),
                        content_type="text/html; charset=UTF-8")
    ctx = build_ctx(store, deliverer, route)
    store.count_request(request.method, re.sub(r"/\d+", "/<id>", route))
    try:
        if opts.get("fault_rate") and random.random() < float(opts["fault_rate"]):
            return _json(Reply(500, FATAL), ctx)
        ctx.body, form = _parse_body()
        ctx.sign_params = {**ctx.sign_params, **form}
        ctx.key = Authenticator(store).authenticate(ctx)
        check_key_permission(request.method, ctx.key)
        handler, perm, params = router.match(request.method, route)
        if ctx.key is None and perm != "public":
            code, message = DENIED[perm]
            raise WooError(code, message, 401)
        with store.lock:  # one writer at a time: handlers read and change several records together
            reply = handler(ctx, **params)
    except WooError as err:
        reply = Reply(err.http_status, err.body(), err.headers)
    except (AttributeError, TypeError, ValueError, KeyError):  # a body of the wrong shape: PHP would fatal too
        LOG.exception("sandbox handler failed on %s %s", request.method, route)
        reply = Reply(500, FATAL)
    return _json(reply, ctx)


def _json(reply: Reply, ctx: Ctx) -> Response:
    response = Response(php_json(reply.body), status=reply.status, content_type="application/json; charset=UTF-8")
    response.headers.add("Link", f'<{ctx.home_url}/wp-json/>; rel="https://api.w.org/"')
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Access-Control-Expose-Headers"] = "X-WP-Total, X-WP-TotalPages, Link"
    for name, value in reply.headers.items():
        if name == "Link":
            response.headers.add("Link", value)
        else:
            response.headers[name] = value
    return response
