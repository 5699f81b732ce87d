"""Customers, coupons, tax rates and global attributes: the records orders depend on (spec A4, fixtures 04)."""

from __future__ import annotations

import re

from .wc_errors import WooError, missing_params
from .wc_util import apply_meta, money

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CUSTOMER_BILLING = ["first_name", "last_name", "company", "address_1", "address_2", "city", "postcode", "country",
                    "state", "email", "phone"]
CUSTOMER_SHIPPING = [k for k in CUSTOMER_BILLING if k != "email"]
EMAIL_EXISTS = ('An account is already registered with your email address. '
                '<a href="#" class="showlogin">Please log in.</a>')


def find_customer_by_email(store, email: str) -> dict | None:
    email = (email or "").lower()
    return next((c for c in store.customers.values() if c["email"].lower() == email), None)


def _unique_username(store, base: str) -> str:
    taken = {c["username"] for c in store.customers.values()} | {"admin"}
    name, n = base, 1
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


def _set_customer(store, customer: dict, body: dict) -> None:
    for field in ("first_name", "last_name"):
        if field in body:
            customer[field] = str(body[field])
    for part in ("billing", "shipping"):
        if isinstance(body.get(part), dict):
            customer[part].update({k: str(v) for k, v in body[part].items() if k in customer[part]})
    if "meta_data" in body:
        customer["meta"] = apply_meta(customer["meta"], body["meta_data"], store.meta_id)


def create_customer(store, body: dict) -> dict:
    """POST /customers: a WordPress user with role customer; ids come from the users sequence."""
    email = body.get("email")
    if not email:
        raise missing_params(["email"])
    if not EMAIL_RE.match(str(email)):
        raise WooError("registration-error-invalid-email", "Please provide a valid email address.", 400)
    if find_customer_by_email(store, email):
        raise WooError("registration-error-email-exists", EMAIL_EXISTS, 400)
    with store.lock:
        now = store.now()
        customer = {"id": store.next_id("user"), "date_created": now, "date_modified": now, "email": email,
                    "first_name": "", "last_name": "", "role": "customer",
                    "username": body.get("username") or _unique_username(store, email.split("@")[0]),
                    "billing": {k: "" for k in CUSTOMER_BILLING}, "shipping": {k: "" for k in CUSTOMER_SHIPPING},
                    "is_paying_customer": False, "meta": []}
        _set_customer(store, customer, body)
        store.customers[customer["id"]] = customer
        store.emit("customer", "created", customer["id"])
    return customer


def update_customer(store, customer: dict, body: dict) -> dict:
    if "email" in body and body["email"] != customer["email"]:
        other = find_customer_by_email(store, body["email"])
        if not EMAIL_RE.match(str(body["email"])) or (other and other["id"] != customer["id"]):
            raise WooError("woocommerce_rest_customer_invalid_email", "Email address is invalid.", 400)
        customer["email"] = body["email"]
    with store.lock:
        _set_customer(store, customer, body)
        customer["date_modified"] = store.now()
        store.emit("customer", "updated", customer["id"])
    return customer


def get_customer(store, customer_id: int, status: int = 404) -> dict:
    customer = store.customers.get(customer_id)
    if customer is None:
        raise WooError("woocommerce_rest_invalid_id", "Invalid resource ID.", status)
    return customer


COUPON_DEFAULTS = {"status": "publish", "discount_type": "fixed_cart", "description": "", "date_expires": None,
                   "usage_count": 0, "individual_use": False, "product_ids": [], "excluded_product_ids": [],
                   "usage_limit": None, "usage_limit_per_user": None, "limit_usage_to_x_items": None,
                   "free_shipping": False, "product_categories": [], "excluded_product_categories": [],
                   "exclude_sale_items": False, "minimum_amount": "0.00", "maximum_amount": "0.00",
                   "email_restrictions": [], "used_by": []}


def create_coupon(store, body: dict) -> dict:
    """POST /coupons: codes are lowercased and unique case-insensitively (FINDINGS)."""
    code = str(body.get("code") or "").lower()
    if not code:
        raise missing_params(["code"])
    if any(c["code"] == code for c in store.coupons.values()):
        raise WooError("woocommerce_rest_coupon_code_already_exists", "The coupon code already exists", 400)
    if body.get("discount_type", "fixed_cart") not in ("percent", "fixed_cart", "fixed_product"):
        from .wc_errors import not_in_enum
        raise not_in_enum("discount_type", ["percent", "fixed_cart", "fixed_product"])
    with store.lock:
        now = store.now()
        coupon = {**COUPON_DEFAULTS, "id": store.next_id("post"), "code": code, "date_created": now,
                  "date_modified": now, "meta": []}
        for key in COUPON_DEFAULTS:
            if key in body:
                coupon[key] = body[key]
        coupon["amount"] = money(body.get("amount", 0))
        for key in ("minimum_amount", "maximum_amount"):
            coupon[key] = money(coupon[key])
        store.coupons[coupon["id"]] = coupon
        store.emit("coupon", "created", coupon["id"])
    return coupon


TAX_DEFAULTS = {"country": "", "state": "", "postcode": "", "city": "", "rate": "0", "name": "", "priority": 1,
                "compound": False, "shipping": True, "order": 0, "class": "standard"}


def create_tax(store, body: dict) -> dict:
    with store.lock:
        rate = {**TAX_DEFAULTS, **{k: body[k] for k in TAX_DEFAULTS if k in body}, "id": store.next_id("tax")}
        rate["rate"] = f"{float(rate['rate']):.4f}"
        rate["country"], rate["state"] = rate["country"].upper(), rate["state"].upper()
        store.taxes[rate["id"]] = rate
    return rate


def create_attribute(store, body: dict) -> dict:
    if not body.get("name"):
        raise missing_params(["name"])
    with store.lock:
        attr = {"id": store.next_id("attribute"), "name": body["name"],
                "slug": "pa_" + str(body.get("slug") or body["name"]).lower(), "type": body.get("type", "select"),
                "order_by": body.get("order_by", "menu_order"), "has_archives": bool(body.get("has_archives")),
                "terms": {}}
        store.attributes[attr["id"]] = attr
    return attr


def create_term(store, attr: dict, body: dict) -> dict:
    if not body.get("name"):
        raise missing_params(["name"])
    with store.lock:
        term = {"id": store.next_id("term"), "name": body["name"],
                "slug": body.get("slug") or str(body["name"]).lower(), "description": body.get("description", ""),
                "menu_order": int(body.get("menu_order", 0)), "count": 0}
        attr["terms"][term["id"]] = term
    return term
