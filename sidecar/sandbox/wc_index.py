"""``GET /wc/v3``: the namespace index (WP_REST_Server::get_namespace_index), generated from the sandbox's own
route table so it never lists a route the sandbox does not serve.

A client reads the index to discover which routes and methods a store offers and which arguments they take. Each
sandbox route is shown under WordPress's pattern for it (``(?P<id>[\\d]+)`` …), its methods grouped into endpoints
as WooCommerce registers them, and each endpoint's ``args`` list the arguments the sandbox actually reads, with
WooCommerce's types, enums and required flags (from wc_schema where the sandbox validates them).
"""

from __future__ import annotations

import re

from .wc_api_products import PRODUCT_LIST_STATUSES
from .wc_routes import Ctx, Reply
from .wc_schema import ORDER_SCHEMA, PRODUCT_SCHEMA, PRODUCT_TYPES, STOCK_STATUSES, VARIATION_SCHEMA

NAMESPACE = "wc/v3"
GROUP_RE = re.compile(r"\(\?P<(\w+)>([^)]*)\)")
# Sandbox path-group names → WordPress's: the last group of a path is "id", parents are named after the resource.
PARENTS = {"pid": "product_id", "oid": "order_id", "aid": "attribute_id", "zid": "zone_id"}
RENAMED = set(PARENTS) | {"vid", "nid", "rid", "cid", "wid", "gateway_id"}
# Routes whose WordPress pattern the naming rule cannot derive: a fixed setting served by the generic settings
# route, and the one place WooCommerce names a parent zone "id".
WP_PATHS = {"/wc/v3/settings/general/woocommerce_calc_taxes": r"/wc/v3/settings/(?P<group_id>[\w-]+)/(?P<id>[\w-]+)",
            "/wc/v3/settings/general/woocommerce_price_num_decimals":
                r"/wc/v3/settings/(?P<group_id>[\w-]+)/(?P<id>[\w-]+)",
            r"/wc/v3/shipping/zones/(?P<zid>\d+)/locations": r"/wc/v3/shipping/zones/(?P<id>[\d]+)/locations"}
DIGITS, SANDBOX_DIGITS = r"[\d]+", r"\d+"  # a numeric path group as WooCommerce and wc_api write it
PATH_ARG = {"group_id": "group"}  # WooCommerce's settings routes call their group argument "group"

CONTEXT = ("string", ["view", "edit"])
PAGING = {"context": CONTEXT, "page": ("integer",), "per_page": ("integer",), "offset": ("integer",),
          "order": ("string", ["asc", "desc"]), "orderby": ("string",)}
DATES = {"after": ("string",), "before": ("string",), "modified_after": ("string",),
         "modified_before": ("string",), "dates_are_gmt": ("boolean",)}
IDS = {"include": ("array",), "exclude": ("array",)}
LIST_ARGS = {
    "list_products": {**PAGING, **DATES, **IDS, "search": ("string",), "parent": ("array",), "sku": ("string",),
                      "status": ("string", PRODUCT_LIST_STATUSES), "type": ("string", PRODUCT_TYPES),
                      "stock_status": ("string", STOCK_STATUSES)},
    "list_variations": {**PAGING, **DATES, **IDS, "search": ("string",), "parent": ("array",), "sku": ("string",),
                        "stock_status": ("string", STOCK_STATUSES)},
    "list_orders": {**PAGING, **DATES, **IDS, "search": ("string",), "parent": ("array",), "status": ("array",),
                    "customer": ("integer",), "product": ("integer",)},
    "list_refunds": PAGING,
    "list_notes": {"context": CONTEXT, "type": ("string", ["any", "customer", "internal"])},
    "list_customers": {**PAGING, **IDS, "search": ("string",), "email": ("string",), "role": ("string",)},
    "list_coupons": {**PAGING, "code": ("string",)},
    "list_webhooks": {**PAGING, "status": ("string", ["all", "active", "paused", "disabled"])},
    "list_taxes": PAGING,
    "list_attributes": {"context": CONTEXT},
    "list_terms": {"context": CONTEXT},
    "tax_classes": {"context": CONTEXT},
    "get_system_status": {"context": ("string", ["view"])},
    "list_tools": {"context": CONTEXT},
    "current_currency": {},  # WooCommerce's data controllers take no context
}
WRITE_ARGS = {
    "product": PRODUCT_SCHEMA, "variation": VARIATION_SCHEMA, "order": ORDER_SCHEMA,
    "customer": {"email": "string", "first_name": "string", "last_name": "string", "username": "string",
                 "billing": "object", "shipping": "object", "meta_data": "array"},
    "coupon": {"code": "string", "amount": "string", "description": "string"},
    "webhook": {"name": "string", "status": ["active", "paused", "disabled"], "topic": "string", "secret": "string"},
    "tax": {"country": "string", "state": "string", "rate": "string", "name": "string", "priority": "integer",
            "compound": "boolean", "shipping": "boolean", "order": "integer"},
    "note": {"note": "string", "customer_note": "boolean", "added_by_user": "boolean"},
    "refund": {"amount": "string", "reason": "string", "meta_data": "array", "api_refund": "boolean",
               "api_restock": "boolean"},
    "attribute": {"name": "string", "slug": "string", "has_archives": "boolean"},
    "term": {"name": "string", "slug": "string", "description": "string", "menu_order": "integer"},
    "zone": {"name": "string", "order": "integer"},
    "method": {"order": "integer", "enabled": "boolean", "settings": "object", "method_id": None},
    "setting": {"value": ["null", "object", "string", "number", "boolean", "integer", "array"]},
}
# Which write schema a handler reads, and the fields it refuses to create without (rest_missing_callback_param).
HANDLER_SCHEMA = {"post_product": "product", "put_product": "product", "batch_products": "product",
                  "post_variation": "variation", "put_variation": "variation", "batch_variations": "variation",
                  "post_order": "order", "put_order": "order", "batch_orders": "order", "post_customer": "customer",
                  "put_customer": "customer", "post_coupon": "coupon", "post_webhook": "webhook",
                  "put_webhook": "webhook", "post_tax": "tax", "post_note": "note", "post_refund": "refund",
                  "post_attribute": "attribute", "post_term": "term", "post_zone": "zone", "post_method": "method",
                  "calc_taxes_setting": "setting", "price_decimals_setting": "setting"}
REQUIRED = {"post_customer": {"email"}, "post_coupon": {"code"}, "post_webhook": {"topic", "delivery_url"},
            "post_note": {"note"}, "post_attribute": {"name"}, "post_term": {"name"}, "post_zone": {"name"},
            "post_method": {"method_id"}}
EXTRA = {"post_webhook": {"delivery_url": "string"}}  # only settable at creation
# wc_schema's "object|null" for a variation image means "null is accepted" (WordPress skips validating a null
# param); WooCommerce declares the argument as a plain object.
DECLARED = {"image": "object"}
UNDOCUMENTED = {"inventory_delta"}  # accepted but absent from WooCommerce's schema (spec A2, "undocumented")


def wp_path(pattern: str) -> str:
    """The WordPress route pattern of a sandbox router pattern."""
    if pattern in WP_PATHS:
        return WP_PATHS[pattern]

    def rename(match: re.Match) -> str:
        name, chars = match.group(1), match.group(2)
        if name in RENAMED:
            name = "id" if match.end() == len(pattern) else PARENTS[name]
        return f"(?P<{name}>{DIGITS if chars == SANDBOX_DIGITS else chars})"

    return GROUP_RE.sub(rename, pattern)


def arg(name: str, kind, required: bool = False) -> dict:
    """One argument as WordPress lists it. ``kind`` is a query-param spec ``(type,)``/``(type, enum)`` or a
    wc_schema kind: a type name, ``"x|null"`` (→ ``["x", "null"]``), an enum list, or a list of JSON types."""
    out: dict = {"description": f"{name.replace('_', ' ').capitalize()}."}
    if isinstance(kind, tuple):
        out["type"] = kind[0]
        if len(kind) > 1:
            out["enum"] = kind[1]
    elif isinstance(kind, list) and kind[:1] == ["null"]:
        out["type"] = kind
    elif isinstance(kind, list):
        out["type"], out["enum"] = "string", kind
    elif isinstance(kind, str) and kind.endswith("|null"):
        out["type"] = [kind[:-5], "null"]
    elif kind is not None:
        out["type"] = kind
    out["required"] = required
    return out


def endpoint_args(path: str, methods: tuple, handler, perm: str) -> dict | list:
    """The args of one endpoint: path arguments, then what the handler reads for its permission kind."""
    args = {PATH_ARG.get(m.group(1), m.group(1)): arg(m.group(1), "integer" if m.group(2) == DIGITS else "string")
            for m in GROUP_RE.finditer(path)}
    name = handler.__name__
    if "GET" in methods:
        specs = LIST_ARGS.get(name, {"context": CONTEXT} if perm == "view" else {})
        args.update({key: arg(key, spec) for key, spec in specs.items()})
    elif perm == "delete":
        args["force"] = arg("force", "boolean")
    elif name in HANDLER_SCHEMA:
        schema = {**WRITE_ARGS[HANDLER_SCHEMA[name]], **EXTRA.get(name, {})}
        args.update({key: arg(key, DECLARED.get(key, kind), key in REQUIRED.get(name, ()))
                     for key, kind in schema.items() if key not in UNDOCUMENTED})
    return args or []  # PHP encodes an empty array as []


def routes(router, home: str) -> dict:
    """Router rows grouped by WordPress pattern, in registration order, with their endpoints and links."""
    out: dict[str, dict] = {f"/{NAMESPACE}": {
        "namespace": NAMESPACE, "methods": ["GET"],
        "endpoints": [{"methods": ["GET"], "args": {"namespace": {"default": NAMESPACE, "required": False},
                                                    "context": {"default": "view", "required": False}}}],
        "_links": {"self": [{"href": f"{home}/wp-json/{NAMESPACE}"}]}}}
    for methods, regex, handler, perm in router.rows:
        pattern = regex.pattern[1:-1]
        if not pattern.startswith(f"/{NAMESPACE}/"):
            continue
        path = wp_path(pattern)
        route = out.setdefault(path, {"namespace": NAMESPACE, "methods": [], "endpoints": []})
        route["methods"] += [m for m in methods if m not in route["methods"]]
        route["endpoints"].append({"methods": list(methods), "args": endpoint_args(path, methods, handler, perm)})
        if "(?P<" not in path:
            route["_links"] = {"self": [{"href": f"{home}/wp-json{path}"}]}
    return out


def index_handler(router):
    """The ``GET /wc/v3`` handler for ``router`` (bound after every route is registered)."""

    def namespace_index(ctx: Ctx) -> Reply:
        return Reply(200, {"namespace": NAMESPACE, "routes": routes(router, ctx.home_url),
                           "_links": {"up": [{"href": f"{ctx.home_url}/wp-json/"}]}})

    return namespace_index
