"""Order items (line, shipping and fee lines): built from a request entry and merged by item id (spec A3.4)."""

from __future__ import annotations

from decimal import Decimal

from .wc_errors import WooError
from .wc_util import apply_meta, dec

REMOVE_FIELD = {"line_items": "product_id", "shipping_lines": "method_id", "fee_lines": "name"}


def resolve_product(store, entry: dict) -> dict | None:
    """The product or variation a line item entry points at, or None (WooCommerce then keeps a blank line)."""
    if entry.get("variation_id"):
        found = store.products.get(int(entry["variation_id"]))
        return found if found and found["type"] == "variation" else None
    if entry.get("product_id"):
        found = store.products.get(int(entry["product_id"]))
        return found if found and found["type"] != "variation" else None
    if entry.get("sku"):
        return store.find_product_by_sku(str(entry["sku"]))
    return None


def _variation_meta(store, variation: dict) -> list[dict]:
    meta = []
    for attr in variation["attributes"]:
        if attr["id"]:
            key, value = "pa_" + attr["name"].lower(), attr["option"].lower()
        else:
            key, value = attr["name"].lower(), attr["option"]
        meta.append({"id": store.meta_id(), "key": key, "value": value, "display_key": attr["name"],
                     "display_value": attr["option"]})
    return meta


def _price(product: dict) -> Decimal:
    return dec(product.get("sale_price") or product.get("regular_price"))


def build_line_item(store, entry: dict, item: dict | None) -> dict:
    """A new line item, or ``item`` updated from ``entry``."""
    if item is None:
        if not any(entry.get(k) is not None for k in ("product_id", "variation_id", "sku")):
            raise WooError("woocommerce_rest_required_product_reference",
                           "Product ID or SKU is required.", 400)
        item = {"id": store.next_id("item"), "meta": [], "quantity": 1, "product": None}
        _attach_product(store, item, resolve_product(store, entry))
    elif any(k in entry for k in ("product_id", "variation_id", "sku")):
        _attach_product(store, item, resolve_product(store, entry))
    if "quantity" in entry:
        item["quantity"] = int(entry["quantity"])
    unit = _price(item["product"]) if item["product"] else Decimal(0)
    item["subtotal"] = dec(entry["subtotal"]) if "subtotal" in entry else unit * item["quantity"]
    item["total"] = dec(entry["total"]) if "total" in entry else item["subtotal"]
    if "meta_data" in entry:
        item["meta"] = apply_meta(item["meta"], entry["meta_data"], store.meta_id)
    return item


def _attach_product(store, item: dict, product: dict | None) -> None:
    if product is None:
        item.update({"name": "", "product_id": 0, "variation_id": 0, "tax_class": "", "taxable": True,
                     "product": None})
        return
    is_var = product["type"] == "variation"
    parent = store.products.get(product["parent_id"]) if is_var else None
    suffix = ", ".join(a["option"] for a in product["attributes"]) if is_var else ""
    name = f"{parent['name']} - {suffix}" if parent and suffix else (parent or product)["name"]
    item.update({"name": name, "product_id": parent["id"] if parent else product["id"],
                 "variation_id": product["id"] if is_var else 0, "tax_class": product["tax_class"],
                 "taxable": product["tax_status"] == "taxable", "product": product})
    if is_var:
        item["meta"] = [m for m in item["meta"] if m.get("display_key") is None] + _variation_meta(store, product)


def build_shipping(store, entry: dict, item: dict | None) -> dict:
    item = item or {"id": store.next_id("item"), "meta": [], "method_title": "", "method_id": "",
                    "instance_id": "", "total": Decimal(0)}
    for field in ("method_title", "method_id"):
        if field in entry:
            item[field] = str(entry[field])
    if "instance_id" in entry:
        item["instance_id"] = str(entry["instance_id"])
    if "total" in entry:
        item["total"] = dec(entry["total"])
    if "meta_data" in entry:
        item["meta"] = apply_meta(item["meta"], entry["meta_data"], store.meta_id)
    return item


def build_fee(store, entry: dict, item: dict | None) -> dict:
    item = item or {"id": store.next_id("item"), "meta": [], "name": "", "tax_class": "",
                    "tax_status": "taxable", "amount": "", "total": Decimal(0)}
    for field in ("name", "tax_class", "tax_status"):
        if field in entry:
            item[field] = str(entry[field])
    if "total" in entry:
        item["total"] = dec(entry["total"])
    if "meta_data" in entry:
        item["meta"] = apply_meta(item["meta"], entry["meta_data"], store.meta_id)
    return item


def merge_items(store, order: dict, field: str, entries: list[dict], builder) -> None:
    """Entries with ``id`` update (or remove) that item; entries without create a new one."""
    items = order[field]
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        if entry.get("id"):
            item = next((i for i in items if i["id"] == int(entry["id"])), None)
            if item is None:
                raise WooError("woocommerce_rest_invalid_item_id",
                               "Order item ID provided is not associated with order.", 400)
            removing = (REMOVE_FIELD[field] in entry and entry[REMOVE_FIELD[field]] is None) or (
                field == "line_items" and entry.get("quantity") == 0)
            if removing:
                items.remove(item)
            else:
                builder(store, entry, item)
        else:
            items.append(builder(store, entry, None))
