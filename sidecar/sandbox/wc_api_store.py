"""Store set-up endpoints a demo or test needs around orders: shipping zones with their locations and
methods, tax classes and the current currency. Kept minimal: the shapes of WooCommerce 8.2, no UI settings."""

from __future__ import annotations

from .wc_api_products import created
from .wc_errors import WooError, missing_params
from .wc_routes import Ctx, Reply

CURRENCIES = {"USD": ("United States (US) dollar", "&#36;"), "EUR": ("Euro", "&euro;"),
              "GBP": ("Pound sterling", "&pound;"), "CAD": ("Canadian dollar", "&#36;")}
TAX_CLASSES = [("standard", "Standard rate"), ("reduced-rate", "Reduced rate"), ("zero-rate", "Zero rate")]
METHOD_TITLES = {"flat_rate": ("Flat rate", "<p>Lets you charge a fixed rate for shipping.</p>\n"),
                 "free_shipping": ("Free shipping", ("<p>Free shipping is a special method which can be triggered "
                                                     "with coupons and minimum spends.</p>\n")),
                 "local_pickup": ("Local pickup", "<p>Allow customers to pick up orders themselves.</p>\n")}


def _href(ctx: Ctx, path: str) -> list[dict]:
    return [{"href": f"{ctx.home_url}/wp-json/wc/v3/{path}"}]


def current_currency(ctx: Ctx) -> Reply:
    code = ctx.store.options.get("currency", "USD")
    name, symbol = CURRENCIES.get(code, (code, code))
    return Reply(200, {"code": code, "name": name, "symbol": symbol,
                       "_links": {"self": _href(ctx, f"data/currencies/{code}"),
                                  "collection": _href(ctx, "data/currencies")}})


def tax_classes(ctx: Ctx) -> Reply:
    return Reply(200, [{"slug": slug, "name": name, "_links": {"collection": _href(ctx, "taxes/classes")}}
                       for slug, name in TAX_CLASSES])


def _zones(ctx: Ctx) -> dict:
    return ctx.store.__dict__.setdefault("shipping_zones", {})


def _zone(ctx: Ctx, zid: int) -> dict:
    zone = _zones(ctx).get(zid)
    if zone is None:
        raise WooError("woocommerce_rest_shipping_zone_invalid", "Resource does not exist.", 404)
    return zone


def render_zone(ctx: Ctx, zone: dict) -> dict:
    base = f"shipping/zones/{zone['id']}"
    return {"id": zone["id"], "name": zone["name"], "order": zone["order"],
            "_links": {"self": _href(ctx, base), "collection": _href(ctx, "shipping/zones"),
                       "describedby": _href(ctx, f"{base}/locations")}}


def post_zone(ctx: Ctx) -> Reply:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    if not body.get("name"):
        raise missing_params(["name"])
    with ctx.store.lock:
        zones = _zones(ctx)
        zone = {"id": len(zones) + 1, "name": body["name"], "order": int(body.get("order", 0)), "locations": [],
                "methods": []}
        zones[zone["id"]] = zone
    return created(ctx, render_zone(ctx, zone), f"shipping/zones/{zone['id']}")


def put_locations(ctx: Ctx, zid: int) -> Reply:
    zone = _zone(ctx, zid)
    zone["locations"] = [{"code": str(l.get("code", "")), "type": l.get("type", "country")}
                         for l in (ctx.body if isinstance(ctx.body, list) else [])]
    base = f"shipping/zones/{zid}"
    return Reply(200, [{**loc, "_links": {"collection": _href(ctx, f"{base}/locations"), "describes": _href(ctx, base)}}
                       for loc in zone["locations"]])


def post_method(ctx: Ctx, zid: int) -> Reply:
    """Adding a shipping method answers 200, not 201 (FINDINGS); instance ids are ints here."""
    zone = _zone(ctx, zid)
    body = ctx.body if isinstance(ctx.body, dict) else {}
    method_id = body.get("method_id")
    if method_id not in METHOD_TITLES:
        raise WooError("woocommerce_rest_shipping_zone_method_invalid", "Resource does not exist.", 400)
    title, description = METHOD_TITLES[method_id]
    given = body.get("settings") or {}
    settings = {key: _setting(key, str(given.get(key, default))) for key, default in
                (("title", title), ("tax_status", "taxable"), ("cost", ""))}
    instance = sum(len(z["methods"]) for z in _zones(ctx).values()) + 1
    zone["methods"].append(instance)
    base = f"shipping/zones/{zid}/methods"
    return Reply(200, {"id": instance, "instance_id": instance, "title": settings["title"]["value"],
                       "order": len(zone["methods"]), "enabled": bool(body.get("enabled", True)),
                       "method_id": method_id, "method_title": title, "method_description": description,
                       "settings": settings, "_links": {"self": _href(ctx, f"{base}/{instance}"),
                                                        "collection": _href(ctx, base),
                                                        "describes": _href(ctx, f"shipping/zones/{zid}")}})


def _setting(key: str, value: str) -> dict:
    out = {"id": key, "label": key.replace("_", " ").capitalize(), "description": "", "type": "text",
           "value": value, "default": "", "tip": "", "placeholder": ""}
    if key == "tax_status":
        out.update({"type": "select", "default": "taxable", "options": {"taxable": "Taxable", "none": "None"}})
    return out
