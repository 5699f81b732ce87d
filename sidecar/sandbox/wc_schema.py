"""WordPress REST schema validation for write bodies: the types and enums WooCommerce declares, with the same
``rest_invalid_param`` errors (numeric strings are coerced to integers, as rest_sanitize_value_from_schema does).
"""

from __future__ import annotations

import re
from typing import Any

from .wc_errors import WooError, not_in_enum

INT_RE = re.compile(r"^-?\d+$")
TRUE_WORDS = {"true", "1", "yes"}
BOOL_WORDS = {"true", "false", "1", "0", "yes", "no", ""}


def _coerce(field: str, kind: Any, value: Any) -> tuple[Any, str | None]:
    """Return (coerced value, error message or None) for one field."""
    nullable = isinstance(kind, str) and kind.endswith("|null")
    if nullable:
        if value is None:
            return None, None
        kind = kind[:-5]
    if isinstance(kind, list):
        return (value, None) if value in kind else (value, "enum")
    if kind == "string":
        return (value, None) if isinstance(value, str) else (value, f"{field} is not of type string.")
    if kind == "integer":
        if isinstance(value, bool):
            return value, f"{field} is not of type integer."
        if isinstance(value, int):
            return value, None
        if isinstance(value, float) and value.is_integer():
            return int(value), None
        if isinstance(value, str) and INT_RE.match(value.strip()):
            return int(value.strip()), None
        return value, f"{field} is not of type integer."
    if kind == "boolean":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, (int, str)) and str(value).lower() in BOOL_WORDS:
            return str(value).lower() in TRUE_WORDS, None
        return value, f"{field} is not of type boolean."
    if kind == "array":
        return (value, None) if isinstance(value, list) else (value, f"{field} is not of type array.")
    if kind == "object":
        return (value, None) if isinstance(value, dict) else (value, f"{field} is not of type object.")
    return value, None


def validate(body: dict, schema: dict[str, Any]) -> dict:
    """Check and coerce ``body`` against ``schema``; raise the combined rest_invalid_param error."""
    out = dict(body)
    params: dict[str, str] = {}
    details: dict[str, dict] = {}
    for field, kind in schema.items():
        if field not in body:
            continue
        value, problem = _coerce(field, kind, body[field])
        if problem == "enum":
            err = not_in_enum(field, kind)
            params.update(err.data["params"])
            details.update(err.data["details"])
        elif problem:
            params[field] = problem
            details[field] = {"code": "rest_invalid_type", "message": problem, "data": {"param": field}}
        else:
            out[field] = value
    if params:
        raise WooError("rest_invalid_param", "Invalid parameter(s): " + ", ".join(params), 400,
                       {"status": 400, "params": params, "details": details})
    return out


PRODUCT_STATUSES = ["draft", "pending", "private", "publish", "future"]
PRODUCT_TYPES = ["simple", "grouped", "external", "variable"]
STOCK_STATUSES = ["instock", "outofstock", "onbackorder"]
PRODUCT_SCHEMA = {
    "name": "string", "slug": "string", "type": PRODUCT_TYPES, "status": PRODUCT_STATUSES, "featured": "boolean",
    "catalog_visibility": ["visible", "catalog", "search", "hidden"], "description": "string",
    "short_description": "string", "sku": "string", "regular_price": "string", "sale_price": "string",
    "virtual": "boolean", "downloadable": "boolean", "tax_status": ["taxable", "shipping", "none"],
    "tax_class": "string", "manage_stock": "boolean", "stock_quantity": "integer",
    "stock_status": STOCK_STATUSES, "backorders": ["no", "notify", "yes"], "low_stock_amount": "integer|null",
    "weight": "string", "menu_order": "integer", "parent_id": "integer", "meta_data": "array",
    "attributes": "array", "default_attributes": "array", "inventory_delta": "integer", "purchase_note": "string",
    "sold_individually": "boolean", "reviews_allowed": "boolean", "dimensions": "object",
    "shipping_class": "string", "categories": "array", "tags": "array", "images": "array",
}
VARIATION_SCHEMA = {k: v for k, v in PRODUCT_SCHEMA.items()
                    if k not in ("name", "slug", "type", "featured", "catalog_visibility", "short_description",
                                 "default_attributes", "sold_individually", "reviews_allowed", "categories",
                                 "tags", "images", "parent_id", "purchase_note")}
VARIATION_SCHEMA["image"] = "object|null"
VARIATION_SCHEMA["status"] = ["draft", "pending", "private", "publish"]  # no "future" for variations (wc/v3 index)
ORDER_STATUSES = ["auto-draft", "pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed",
                  "checkout-draft"]
ORDER_SCHEMA = {
    "parent_id": "integer", "status": ORDER_STATUSES, "currency": "string", "customer_id": "integer",
    "customer_note": "string", "billing": "object", "shipping": "object", "payment_method": "string",
    "payment_method_title": "string", "transaction_id": "string", "meta_data": "array", "line_items": "array",
    "shipping_lines": "array", "fee_lines": "array", "coupon_lines": "array", "set_paid": "boolean",
}
