"""Products and variations: create, update and delete with WooCommerce's write rules (spec A2).

Records keep WooCommerce's field names. Derived fields (price, on_sale, variable parents' stock status…) are
computed when rendering, in wc_render_products.
"""

from __future__ import annotations

import re

from .wc_errors import WooError, invalid_id
from .wc_media import image_ids
from .wc_schema import PRODUCT_SCHEMA, VARIATION_SCHEMA, validate
from .wc_util import apply_meta

PLAIN_FIELDS = ["name", "slug", "status", "featured", "catalog_visibility", "description", "short_description",
                "regular_price", "sale_price", "virtual", "downloadable", "tax_status", "tax_class", "backorders",
                "low_stock_amount", "weight", "menu_order", "purchase_note", "sold_individually",
                "reviews_allowed", "dimensions", "shipping_class"]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")


def new_record(store, kind: str, parent_id: int = 0) -> dict:
    """A product or variation with WooCommerce's defaults."""
    now = store.now()
    return {
        "id": 0, "type": kind, "parent_id": parent_id, "name": "Product" if kind != "variation" else "",
        "slug": "", "status": "publish", "featured": False, "catalog_visibility": "visible", "description": "",
        "short_description": "", "sku": "", "regular_price": "", "sale_price": "", "virtual": False,
        "downloadable": False, "tax_status": "taxable", "tax_class": "", "manage_stock": False,
        "stock_quantity": None, "stock_status": "instock", "backorders": "no", "low_stock_amount": None,
        "weight": "", "dimensions": {"length": "", "width": "", "height": ""}, "shipping_class": "",
        "menu_order": 0, "purchase_note": "", "sold_individually": False, "reviews_allowed": True,
        "attributes": [], "default_attributes": [], "variations": [], "meta": [], "total_sales": 0,
        "image_ids": [], "date_created": now, "date_modified": now,
    }


def check_sku(store, sku: str, own_id: int) -> None:
    """SKUs are unique across products and variations: product_invalid_sku with a suggestion (spec A5)."""
    if not sku:
        return
    owner = store.find_product_by_sku(sku)
    if owner and owner["id"] != own_id:
        n = 1
        while store.find_product_by_sku(f"{sku}-{n}"):
            n += 1
        raise WooError("product_invalid_sku", "Invalid or duplicated SKU.", 400,
                       {"status": 400, "resource_id": owner["id"], "unique_sku": f"{sku}-{n}"})


def _attribute_name(store, attr: dict) -> tuple[int, str]:
    attr_id = int(attr.get("id") or 0)
    if attr_id and attr_id in store.attributes:
        return attr_id, store.attributes[attr_id]["name"]
    return 0, attr.get("name", "")


def set_attributes(store, record: dict, body: dict) -> None:
    """Parent attributes: global options sorted alphabetically, local ones kept in order (FINDINGS)."""
    if "attributes" in body:
        attrs = []
        for pos, attr in enumerate(body["attributes"] or []):
            attr_id, name = _attribute_name(store, attr)
            options = [str(o) for o in attr.get("options", [])]
            attrs.append({"id": attr_id, "name": name, "position": attr.get("position", pos),
                          "visible": bool(attr.get("visible", False)), "variation": bool(attr.get("variation", False)),
                          "options": sorted(options) if attr_id else options})
        record["attributes"] = attrs
    if "default_attributes" in body:
        defaults = []
        for attr in body["default_attributes"] or []:
            attr_id, name = _attribute_name(store, attr)
            option = str(attr.get("option", ""))
            defaults.append({"id": attr_id, "name": name, "option": slugify(option) if attr_id else option})
        record["default_attributes"] = defaults


def _parent_attribute(store, record: dict, attr: dict) -> dict | None:
    """The parent's variation attribute this one names (global by id, local by sanitize_title of the name)."""
    parent = store.products.get(record["parent_id"]) or {"attributes": []}
    attr_id, name = _attribute_name(store, attr)
    for own in parent["attributes"]:
        same = own["id"] == attr_id if attr_id else (not own["id"] and slugify(own["name"]) == slugify(name))
        if same and own["variation"] and (attr_id or name):
            return own
    return None


def set_variation_attributes(store, record: dict, body: dict) -> None:
    """The whole set is replaced; an attribute the parent lacks or does not vary by is skipped silently, as the
    variations controller does (the variation then matches any value of it)."""
    if "attributes" in body:
        record["attributes"] = []
        for attr in body["attributes"] or []:
            own = _parent_attribute(store, record, attr)
            if own is not None:
                record["attributes"].append({"id": own["id"], "name": own["name"],
                                             "option": str(attr.get("option", ""))})


def apply_stock(record: dict, body: dict, store_manages: bool = True) -> None:
    """Stock write rules (spec A2.2): quantity only when stock is managed; status recomputed on save. Grouped
    and external products never manage stock (the request is ignored, not refused; external is in stock). With
    the store option woocommerce_manage_stock off the products controller applies only ``stock_status`` (the
    variations controller has no such check: it stores the write, which then reads as unmanaged)."""
    if not store_manages and record["type"] != "variation":
        if "stock_status" in body:
            record["stock_status"] = body["stock_status"]
        return
    if "manage_stock" in body:
        record["manage_stock"] = bool(body["manage_stock"])
    if "stock_status" in body:
        record["stock_status"] = body["stock_status"]
    if record["type"] in ("grouped", "external"):
        record.update(manage_stock=False, stock_quantity=None, backorders="no", low_stock_amount=None)
        if record["type"] == "external":
            record["stock_status"] = "instock"
        return
    if record["manage_stock"] is True:
        if "stock_quantity" in body:
            record["stock_quantity"] = body["stock_quantity"]
        elif "inventory_delta" in body:
            record["stock_quantity"] = (record["stock_quantity"] or 0) + body["inventory_delta"]
        elif record["stock_quantity"] is None:
            record["stock_quantity"] = 0
        recompute_stock_status(record)
    else:
        record["stock_quantity"] = None
        record["backorders"] = "no" if record["type"] != "variation" else record["backorders"]


def recompute_stock_status(record: dict) -> None:
    if record["manage_stock"] is not True:
        return
    if (record["stock_quantity"] or 0) > 0:
        record["stock_status"] = "instock"
    elif record["backorders"] != "no":
        record["stock_status"] = "onbackorder"
    else:
        record["stock_status"] = "outofstock"


def write_fields(store, record: dict, body: dict) -> None:
    """Apply a validated body to a record (create or update); a bad image id refuses it before any change. A
    product's ``type`` is applied first, on update too: WooCommerce builds the product from that type's class,
    so the new type's rules (prices, stock) apply to the rest of the request."""
    if "type" in body and record["type"] != "variation":
        record["type"] = body["type"]
    if record["type"] == "variation" and "image" in body:
        image = body["image"]
        record["image_ids"] = image_ids(store, [image] if image else [], "woocommerce_variation_invalid_image_id")
    elif "images" in body and record["type"] != "variation":
        record["image_ids"] = image_ids(store, body["images"], "woocommerce_product_invalid_image_id")
    for field in PLAIN_FIELDS:
        if field in body:
            record[field] = body[field]
    if "sku" in body:
        check_sku(store, body["sku"], record["id"])
        if record.get("sku") != body["sku"]:
            store.catalog_changes += 1  # the SKU lookup index (wc_bulk.sku_index) is stale now
        record["sku"] = body["sku"]
    if record["type"] in ("variable", "grouped"):
        record["regular_price"] = record["sale_price"] = ""
    if "meta_data" in body:
        record["meta"] = apply_meta(record["meta"], body["meta_data"], store.meta_id)
    if record["type"] == "variation":
        set_variation_attributes(store, record, body)
    else:
        set_attributes(store, record, body)
    apply_stock(record, body, bool(store.options.get("manage_stock", True)))
    if not record["slug"] and record["type"] != "variation":
        record["slug"] = unique_slug(store, slugify(record["name"]) or str(record["id"]), record["id"])
    store.index_product(record)


def unique_slug(store, slug: str, own_id: int) -> str:
    candidate, n = slug, 2
    while store.slug_taken(candidate, own_id):
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def create_product(store, body: dict) -> dict:
    """POST /products. The SKU is checked before an id is taken, so a failed create leaves nothing behind."""
    if body.get("id"):
        raise WooError("woocommerce_rest_product_exists", "Cannot create existing product.", 400)
    body = validate(body, PRODUCT_SCHEMA)
    record = new_record(store, body.get("type", "simple"))
    check_sku(store, body.get("sku", ""), 0)
    with store.lock:
        record["id"] = store.next_id("post")
        write_fields(store, record, body)
        store.products[record["id"]] = record
        store.catalog_changes += 1
    return record


def create_variation(store, parent: dict, body: dict) -> dict:
    body = validate(body, VARIATION_SCHEMA)
    check_sku(store, body.get("sku", ""), 0)
    record = new_record(store, "variation", parent["id"])
    record["reviews_allowed"] = False
    with store.lock:
        record["id"] = store.next_id("post")
        write_fields(store, record, body)
        store.products[record["id"]] = record
        store.catalog_changes += 1
        parent["variations"].append(record["id"])
        parent["date_modified"] = store.now()
    return record


def update_record(store, record: dict, body: dict, schema: dict) -> dict:
    body = validate(body, schema)
    with store.lock:
        write_fields(store, record, body)
        record["date_modified"] = store.now()
    return record


def get_product(store, product_id: int, status: int = 404, allow_variation: bool = True) -> dict:
    record = store.products.get(product_id)
    if record is None or (record["type"] == "variation" and not allow_variation):
        raise invalid_id("woocommerce_rest_product_invalid_id", status)
    return record


def get_variation(store, variation_id: int, status: int = 404) -> dict:
    record = store.products.get(variation_id)
    if record is None or record["type"] != "variation":
        raise invalid_id("woocommerce_rest_product_variation_invalid_id", status)
    return record


def delete_product(store, record: dict, force: bool) -> None:
    """Trash (no force) or remove for good; removing a parent removes its variations."""
    with store.lock:
        if not force:
            record["status"] = "trash"
            record["date_modified"] = store.now()
            return
        for child_id in record.get("variations", []):
            store.products.pop(child_id, None)
        store.products.pop(record["id"], None)
        store.catalog_changes += 1
        parent = store.products.get(record["parent_id"]) if record["type"] == "variation" else None
        if parent and record["id"] in parent["variations"]:
            parent["variations"].remove(record["id"])


def stock_holder(store, record: dict) -> dict:
    """The record whose stock moves (get_stock_managed_by_id): a variation that does not manage its own stock
    under a parent that does moves the parent's."""
    parent = store.products.get(record.get("parent_id")) if record.get("type") == "variation" else None
    if record.get("manage_stock") is not True and parent and parent.get("manage_stock") is True:
        return parent
    return record


def change_stock(store, record: dict, delta: int) -> tuple[int, int] | None:
    """Add ``delta`` to a managed stock (orders, refunds); returns (old, new) or None when not managed."""
    record = stock_holder(store, record)
    if record.get("manage_stock") is not True or not store.options.get("manage_stock", True):
        return None
    with store.lock:
        old = record["stock_quantity"] or 0
        record["stock_quantity"] = old + delta
        recompute_stock_status(record)
        record["date_modified"] = store.now()
        return old, record["stock_quantity"]
