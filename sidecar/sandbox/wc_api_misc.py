"""REST handlers for customers, coupons, webhooks, tax rates, attributes, the calc_taxes setting and the
indexes — the supporting resources the connector's flows and the fixtures touch (spec A4, A6.5)."""

from __future__ import annotations

from dataclasses import replace

from .wc_api_products import created, list_reply
from .wc_errors import WooError, invalid_param, missing_params
from .wc_listing import id_list, order_records, pick_fields
from .wc_people import (
    EMAIL_RE,
    create_attribute,
    create_coupon,
    create_customer,
    create_tax,
    create_term,
    get_customer,
    update_customer,
)
from .wc_render_misc import (
    render_attribute,
    render_coupon,
    render_customer,
    render_tax,
    render_term,
    render_webhook,
)
from .wc_routes import Ctx, Reply
from .wc_webhooks import check_webhook_status_param, create_webhook, get_webhook, update_webhook


def list_customers(ctx: Ctx) -> Reply:
    q = ctx.query
    email = q.get("email")
    if email and not EMAIL_RE.match(email):
        raise invalid_param("email", "Invalid email address.", "rest_invalid_email")
    role = q.get("role", "customer")
    include, exclude = id_list(q, "include"), id_list(q, "exclude")
    records = [c for c in ctx.store.customers.values()
               if (role == "all" or c["role"] == role) and (not email or c["email"].lower() == email.lower())
               and (include is None or c["id"] in include) and (not exclude or c["id"] not in exclude)
               and (not q.get("search") or q["search"].lower() in (c["email"] + c["username"]).lower())]
    records = order_records(records, q, default_orderby="name", default_order="asc", include=include)
    return list_reply(ctx, records, lambda c: render_customer(ctx.store, c, ctx.home_url))


def post_customer(ctx: Ctx) -> Reply:
    customer = create_customer(ctx.store, ctx.body or {})
    return created(ctx, render_customer(ctx.store, customer, ctx.home_url), f"customers/{customer['id']}")


def get_one_customer(ctx: Ctx, cid: int) -> Reply:
    body = render_customer(ctx.store, get_customer(ctx.store, cid), ctx.home_url)
    return Reply(200, pick_fields(body, ctx.query.get("_fields"), keep_links=True))


def put_customer(ctx: Ctx, cid: int) -> Reply:
    customer = update_customer(ctx.store, get_customer(ctx.store, cid, 400), ctx.body or {})
    return Reply(200, render_customer(ctx.store, customer, ctx.home_url))


def delete_customer(ctx: Ctx, cid: int) -> Reply:
    customer = get_customer(ctx.store, cid, 400)
    if not ctx.force:
        raise WooError("woocommerce_rest_trash_not_supported", "Customers do not support trashing.", 501)
    body = render_customer(ctx.store, customer, ctx.home_url)
    ctx.store.customers.pop(cid, None)
    ctx.store.emit("customer", "deleted", cid)
    return Reply(200, body)


def list_coupons(ctx: Ctx) -> Reply:
    code = str(ctx.query.get("code", "")).lower()
    records = [c for c in ctx.store.coupons.values() if not code or c["code"] == code]
    return list_reply(ctx, order_records(records, ctx.query), lambda c: render_coupon(ctx.store, c, ctx.home_url))


def post_coupon(ctx: Ctx) -> Reply:
    coupon = create_coupon(ctx.store, ctx.body or {})
    return created(ctx, render_coupon(ctx.store, coupon, ctx.home_url), f"coupons/{coupon['id']}")


def get_coupon(ctx: Ctx, cid: int) -> Reply:
    coupon = ctx.store.coupons.get(cid)
    if coupon is None:
        raise WooError("woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.", 404)
    return Reply(200, render_coupon(ctx.store, coupon, ctx.home_url))


def list_webhooks(ctx: Ctx) -> Reply:
    status = ctx.query.get("status", "all")
    check_webhook_status_param(status)
    records = [w for w in ctx.store.webhooks.values() if status == "all" or w["status"] == status]
    return list_reply(ctx, order_records(records, ctx.query),
                      lambda w: render_webhook(ctx.store, w, ctx.home_url))


def post_webhook(ctx: Ctx) -> Reply:
    hook = create_webhook(ctx.store, ctx.body or {})
    body = render_webhook(ctx.store, hook, ctx.home_url)  # date_modified is still null here, as in WooCommerce
    if ctx.deliverer.ping(hook, ctx.home_url) == 200:  # a refused ping leaves the webhook unsaved (webhooks-list, id 1)
        hook["date_modified"] = ctx.store.now()
    return created(ctx, body, f"webhooks/{hook['id']}")


def get_one_webhook(ctx: Ctx, wid: int) -> Reply:
    return Reply(200, render_webhook(ctx.store, get_webhook(ctx.store, wid), ctx.home_url))


def put_webhook(ctx: Ctx, wid: int) -> Reply:
    hook = update_webhook(ctx.store, get_webhook(ctx.store, wid, 400), ctx.body or {})
    return Reply(200, render_webhook(ctx.store, hook, ctx.home_url))


def delete_webhook(ctx: Ctx, wid: int) -> Reply:
    hook = get_webhook(ctx.store, wid)
    if not ctx.force:
        raise WooError("woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501)
    ctx.store.webhooks.pop(wid, None)
    return Reply(200, render_webhook(ctx.store, hook, ctx.home_url))


def list_taxes(ctx: Ctx) -> Reply:
    records = sorted(ctx.store.taxes.values(), key=lambda r: (r["order"], r["id"]))
    return list_reply(ctx, records, lambda r: render_tax(r, ctx.home_url))


def post_tax(ctx: Ctx) -> Reply:
    rate = create_tax(ctx.store, ctx.body or {})
    return created(ctx, render_tax(rate, ctx.home_url), f"taxes/{rate['id']}")


def post_attribute(ctx: Ctx) -> Reply:
    attr = create_attribute(ctx.store, ctx.body or {})
    return created(ctx, render_attribute(attr, ctx.home_url), f"products/attributes/{attr['id']}")


def list_attributes(ctx: Ctx) -> Reply:
    return Reply(200, [render_attribute(a, ctx.home_url) for a in ctx.store.attributes.values()])


def _attribute(ctx: Ctx, aid: int) -> dict:
    attr = ctx.store.attributes.get(aid)
    if attr is None:
        raise WooError("woocommerce_rest_taxonomy_invalid", "Resource does not exist.", 404)
    return attr


def post_term(ctx: Ctx, aid: int) -> Reply:
    attr = _attribute(ctx, aid)
    term = create_term(ctx.store, attr, ctx.body or {})
    return created(ctx, render_term(attr, term, ctx.home_url), f"products/attributes/{aid}/terms/{term['id']}")


def list_terms(ctx: Ctx, aid: int) -> Reply:
    attr = _attribute(ctx, aid)
    return Reply(200, [render_term(attr, t, ctx.home_url) for t in attr["terms"].values()])


def calc_taxes_setting(ctx: Ctx) -> Reply:
    """GET/PUT settings/general/woocommerce_calc_taxes: the one store setting that changes order totals."""
    if ctx.method != "GET":
        body = ctx.body if isinstance(ctx.body, dict) else {}
        if "value" not in body:
            raise missing_params(["value"])
        ctx.store.options["calc_taxes"] = str(body["value"]) == "yes"
    value = "yes" if ctx.store.options.get("calc_taxes") else "no"
    base = "settings/general"
    return Reply(200, {"id": "woocommerce_calc_taxes", "label": "Enable taxes",
                       "description": "Enable tax rates and calculations", "type": "checkbox", "default": "no",
                       "tip": "Rates will be configurable and taxes will be calculated during checkout.",
                       "value": value, "group_id": "general",
                       "_links": {"self": [{"href": f"{ctx.home_url}/wp-json/wc/v3/{base}/woocommerce_calc_taxes"}],
                                  "collection": [{"href": f"{ctx.home_url}/wp-json/wc/v3/{base}"}]}})


def price_decimals_setting(ctx: Ctx) -> Reply:
    """GET settings/general/woocommerce_price_num_decimals: how many decimals the store shows prices with."""
    base = "settings/general"
    return Reply(200, {"id": "woocommerce_price_num_decimals", "label": "Number of decimals",
                       "description": "This sets the number of decimal points shown in displayed prices.",
                       "type": "number", "default": "2", "tip": "This sets the number of decimal points shown in "
                       "displayed prices.", "value": str(int(ctx.store.options.get("price_num_decimals", 2))),
                       "group_id": "general",
                       "_links": {"self": [{"href": f"{ctx.home_url}/wp-json/wc/v3/{base}/"
                                                    "woocommerce_price_num_decimals"}],
                                  "collection": [{"href": f"{ctx.home_url}/wp-json/wc/v3/{base}"}]}})


def wp_index(ctx: Ctx) -> Reply:
    """``/wp-json/``: the site index a client reads its real home URL from."""
    body = {"name": ctx.store.options["site_name"], "description": "", "url": ctx.home_url, "home": ctx.home_url,
            "gmt_offset": str(ctx.store.options["timezone_offset"]), "timezone_string": "",
            "namespaces": ["wc/v3"], "authentication": [], "routes": {}}
    return Reply(200, pick_fields(body, ctx.query.get("_fields"), keep_links=True))


def sub_ctx(ctx: Ctx, body) -> Ctx:
    return replace(ctx, body=body)
