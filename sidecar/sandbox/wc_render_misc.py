"""REST renderings of customers, coupons, webhooks, tax rates and attributes (fixtures 04, 08, webhook-*)."""

from __future__ import annotations

import hashlib

from .wc_render_products import dates, links
from .wc_util import render_meta

HOOKS = {
    "order.created": ["woocommerce_new_order"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
    "order.deleted": ["wp_trash_post", "woocommerce_trash_order"],
    "order.restored": ["untrashed_post", "woocommerce_untrash_order"],
    "product.created": ["woocommerce_process_product_meta", "woocommerce_new_product",
                        "woocommerce_new_product_variation"],
    "product.updated": ["woocommerce_process_product_meta", "woocommerce_update_product",
                        "woocommerce_update_product_variation"],
    "product.deleted": ["wp_trash_post"],
    "product.restored": ["untrashed_post"],
    "customer.created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
    "customer.updated": ["profile_update", "woocommerce_update_customer"],
    "customer.deleted": ["delete_user"],
    "coupon.created": ["woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"],
    "coupon.updated": ["woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"],
    "coupon.deleted": ["wp_trash_post"],
    "coupon.restored": ["untrashed_post"],
}


def topic_hooks(topic: str) -> list[str]:
    if topic.startswith("action."):
        return [topic[len("action."):]]
    return HOOKS.get(topic, [])


def render_customer(store, customer: dict, home: str) -> dict:
    out = {"id": customer["id"]}
    out.update(dates(customer, store.options["timezone_offset"], "date_created", "date_modified"))
    digest = hashlib.md5(customer["email"].strip().lower().encode()).hexdigest()
    out.update({"email": customer["email"], "first_name": customer["first_name"], "last_name": customer["last_name"],
                "role": customer["role"], "username": customer["username"], "billing": dict(customer["billing"]),
                "shipping": dict(customer["shipping"]), "is_paying_customer": customer["is_paying_customer"],
                "avatar_url": f"http://0.gravatar.com/avatar/{digest}?s=96&d=mm&r=g",
                "meta_data": render_meta(customer["meta"]),
                "_links": links(home, f"customers/{customer['id']}", "customers")})
    return out


def render_coupon(store, coupon: dict, home: str) -> dict:
    off = store.options["timezone_offset"]
    out = {"id": coupon["id"], "code": coupon["code"], "amount": coupon["amount"], "status": coupon["status"]}
    out.update(dates(coupon, off, "date_created", "date_modified"))
    out.update({"discount_type": coupon["discount_type"], "description": coupon["description"]})
    out.update(dates(coupon, off, "date_expires"))
    for key in ("usage_count", "individual_use", "product_ids", "excluded_product_ids", "usage_limit",
                "usage_limit_per_user", "limit_usage_to_x_items", "free_shipping", "product_categories",
                "excluded_product_categories", "exclude_sale_items", "minimum_amount", "maximum_amount",
                "email_restrictions", "used_by"):
        out[key] = coupon[key]
    out["meta_data"] = render_meta(coupon["meta"])
    out["_links"] = links(home, f"coupons/{coupon['id']}", "coupons")
    return out


def _php_date(value) -> dict:
    return {"date": value.strftime("%Y-%m-%d %H:%M:%S.000000"), "timezone_type": 1, "timezone": "+00:00"}


def coupon_data(store, code: str) -> dict | None:
    """The ``coupon_data`` blob WooCommerce stores on a coupon line (PHP DateTime serialisation, FINDINGS)."""
    coupon = next((c for c in store.coupons.values() if c["code"] == code), None)
    if coupon is None:
        return None
    return {"id": coupon["id"], "code": coupon["code"], "amount": coupon["amount"].rstrip("0").rstrip("."),
            "status": coupon["status"], "date_created": _php_date(coupon["date_created"]),
            "date_modified": _php_date(coupon["date_modified"]), "date_expires": None,
            "discount_type": coupon["discount_type"], "description": coupon["description"],
            "usage_count": coupon["usage_count"], "individual_use": coupon["individual_use"],
            "product_ids": [], "excluded_product_ids": [], "usage_limit": coupon["usage_limit"] or 0,
            "usage_limit_per_user": coupon["usage_limit_per_user"] or 0, "limit_usage_to_x_items": None,
            "free_shipping": coupon["free_shipping"], "product_categories": [], "excluded_product_categories": [],
            "exclude_sale_items": coupon["exclude_sale_items"], "minimum_amount": "", "maximum_amount": "",
            "email_restrictions": [], "virtual": False, "meta_data": []}


def render_webhook(store, hook: dict, home: str) -> dict:
    resource, _, event = hook["topic"].partition(".")
    out = {"id": hook["id"], "name": hook["name"], "status": hook["status"], "topic": hook["topic"],
           "resource": resource, "event": event, "hooks": topic_hooks(hook["topic"]),
           "delivery_url": hook["delivery_url"]}
    out.update(dates(hook, store.options["timezone_offset"], "date_created", "date_modified"))
    out["_links"] = links(home, f"webhooks/{hook['id']}", "webhooks")
    return out


def render_tax(rate: dict, home: str) -> dict:
    out = {k: rate[k] for k in ("id", "country", "state", "postcode", "city", "rate", "name", "priority",
                                "compound", "shipping", "order", "class")}
    out.update({"postcodes": [rate["postcode"]] if rate["postcode"] else [],
                "cities": [rate["city"]] if rate["city"] else [],
                "_links": links(home, f"taxes/{rate['id']}", "taxes")})
    return out


def render_attribute(attr: dict, home: str) -> dict:
    out = {k: attr[k] for k in ("id", "name", "slug", "type", "order_by", "has_archives")}
    out["_links"] = links(home, f"products/attributes/{attr['id']}", "products/attributes")
    return out


def render_term(attr: dict, term: dict, home: str) -> dict:
    out = dict(term)
    base = f"products/attributes/{attr['id']}/terms"
    out["_links"] = links(home, f"{base}/{term['id']}", base)
    return out
