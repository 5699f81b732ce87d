"""Products and variations as REST v3 renders them, key for key (fixtures 01-variable, 02-list, product-*)."""

from __future__ import annotations

import heapq

from .wc_media import render_image
from .wc_util import dec, fmt_date, render_meta

PRICE_SPAN = ('<span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol">'
              '&#36;</span>{}</bdi></span>')


def active_price(record: dict) -> str:
    sale = record.get("sale_price", "")
    return sale if sale != "" else record.get("regular_price", "")


def on_sale(record: dict) -> bool:
    sale, regular = record.get("sale_price", ""), record.get("regular_price", "")
    return sale != "" and (regular == "" or dec(sale) < dec(regular))


def price_html(record: dict) -> str:
    if active_price(record) == "":
        return ""
    if on_sale(record):
        return (f'<del aria-hidden="true">{PRICE_SPAN.format(record["regular_price"])}</del> '
                f'<ins>{PRICE_SPAN.format(record["sale_price"])}</ins>')
    return PRICE_SPAN.format(active_price(record))


def children(store, record: dict) -> list[dict]:
    return [store.products[c] for c in record.get("variations", []) if c in store.products]


def derived(store, record: dict) -> dict:
    """Price, sale and stock fields; a variable parent derives them from its variations."""
    if record["type"] != "variable":
        return {"price": active_price(record), "on_sale": on_sale(record), "stock_status": record["stock_status"],
                "purchasable": active_price(record) != "", "price_html": price_html(record)}
    kids = [k for k in children(store, record) if active_price(k) != ""]
    prices = sorted(dec(active_price(k)) for k in kids)
    low = min(kids, key=lambda k: dec(active_price(k)), default=None)
    html = ""
    if prices:
        html = PRICE_SPAN.format(f"{prices[0]:.2f}")
        if prices[-1] != prices[0]:
            html += " &ndash; " + PRICE_SPAN.format(f"{prices[-1]:.2f}")
    status = "instock" if any(k["stock_status"] != "outofstock" for k in kids) else "outofstock"
    if record.get("manage_stock") is True:
        status = record["stock_status"]
    return {"price": active_price(low) if low else "", "on_sale": any(on_sale(k) for k in kids),
            "stock_status": status, "purchasable": bool(kids), "price_html": html}


def variation_suffix(record: dict) -> str:
    return ", ".join(a["option"] for a in record["attributes"])


def permalink(store, record: dict, home: str) -> str:
    if record["type"] != "variation":
        return f"{home}/product/{record['slug']}/"
    parent = store.products.get(record["parent_id"], {"slug": ""})
    query = "&".join(f"attribute_{'pa_' + a['name'].lower() if a['id'] else a['name'].lower()}="
                     f"{a['option'].lower() if a['id'] else a['option']}" for a in record["attributes"])
    return f"{home}/product/{parent['slug']}/" + (f"?{query}" if query else "")


def stock_fields(record: dict, store_manages: bool = True, parent: dict | None = None) -> dict:
    """managing_stock() reads false for everything while the store option woocommerce_manage_stock is off. A
    variation that does not manage its own stock under a parent that does reads ``"parent"``, with the parent's
    quantity and backorders (WC_Product_Variation inherits them in the view context)."""
    manage, qty, backorders = record["manage_stock"], record["stock_quantity"], record["backorders"]
    if record["type"] == "variation" and manage is not True and parent and parent.get("manage_stock") is True:
        manage, qty, backorders = "parent", parent["stock_quantity"], parent["backorders"]
    if not store_manages:
        manage = False
    backorders_allowed = backorders in ("yes", "notify")
    return {"manage_stock": manage, "stock_quantity": qty, "backorders": backorders,
            "backorders_allowed": backorders_allowed,
            "backordered": bool(manage in (True, "parent") and (qty or 0) < 0 and backorders_allowed),
            "low_stock_amount": record["low_stock_amount"]}


def dates(record: dict, offset: float, *names: str) -> dict:
    out = {}
    for name in names:
        out[name] = fmt_date(record.get(name), offset)
        out[name + "_gmt"] = fmt_date(record.get(name))
    return out


def links(home: str, self_path: str, collection: str, up: str | None = None) -> dict:
    out = {"self": [{"href": f"{home}/wp-json/wc/v3/{self_path}"}],
           "collection": [{"href": f"{home}/wp-json/wc/v3/{collection}"}]}
    if up:
        out["up"] = [{"href": f"{home}/wp-json/wc/v3/{up}"}]
    return out


def _variation_as_product_overrides(store, record: dict) -> dict:
    """``/products/<variation id>`` quirks: name "Parent - options", total_sales a string, no categories."""
    parent = store.products.get(record["parent_id"], {"name": ""})
    suffix = variation_suffix(record)
    return {"name": f"{parent['name']} - {suffix}" if suffix else parent["name"],
            "slug": f"{parent.get('slug', '')}-{suffix.lower().replace(', ', '-')}".strip("-"),
            "total_sales": str(record["total_sales"]), "average_rating": "0.00", "reviews_allowed": False,
            "categories": [], "has_options": False}


def render_product(store, record: dict, home: str, context: str = "view") -> dict:
    """A product (or a variation seen through /products/<id>) with every key in WooCommerce's order."""
    offset = store.options["timezone_offset"]
    d = derived(store, record)
    is_var = record["type"] == "variation"
    out = {"id": record["id"], "name": record["name"], "slug": record["slug"],
           "permalink": permalink(store, record, home)}
    out.update(dates(record, offset, "date_created", "date_modified"))
    out.update({
        "type": record["type"], "status": record["status"], "featured": record["featured"],
        "catalog_visibility": record["catalog_visibility"], "description": record["description"],
        "short_description": record["short_description"], "sku": record["sku"], "price": d["price"],
        "regular_price": record["regular_price"], "sale_price": record["sale_price"],
        "date_on_sale_from": None, "date_on_sale_from_gmt": None, "date_on_sale_to": None,
        "date_on_sale_to_gmt": None, "on_sale": d["on_sale"], "purchasable": d["purchasable"],
        "total_sales": record["total_sales"], "virtual": record["virtual"], "downloadable": record["downloadable"],
        "downloads": [], "download_limit": -1, "download_expiry": -1, "external_url": "", "button_text": "",
        "tax_status": record["tax_status"], "tax_class": record["tax_class"]})
    out.update(stock_fields(record, bool(store.options.get("manage_stock", True)), store.products.get(
        record["parent_id"]) if is_var else None))
    out.update(_shipping_and_catalog(store, record, d, home))
    if is_var:
        out.update(_variation_as_product_overrides(store, record))
    if context == "edit" and not is_var:
        out["permalink_template"] = f"{home}/product/%pagename%/"
        out["generated_slug"] = record["slug"]
    up = f"products/{record['parent_id']}" if is_var else None
    out["_links"] = links(home, f"products/{record['id']}", "products", up)
    return out


def _shipping_and_catalog(store, record: dict, d: dict, home: str) -> dict:
    """The second half of a product's keys, from sold_individually to post_password."""
    return {
        "sold_individually": record["sold_individually"], "weight": record["weight"],
        "dimensions": dict(record["dimensions"]), "shipping_required": not record["virtual"],
        "shipping_taxable": record["tax_status"] in ("taxable", "shipping"),
        "shipping_class": record["shipping_class"], "shipping_class_id": 0,
        "reviews_allowed": record["reviews_allowed"], "average_rating": "0", "rating_count": 0,
        "upsell_ids": [], "cross_sell_ids": [], "parent_id": record["parent_id"],
        "purchase_note": record["purchase_note"],
        "categories": [{"id": 15, "name": "Uncategorized", "slug": "uncategorized"}], "tags": [],
        "images": [render_image(store, i, home) for i in record["image_ids"] if i in store.media],
        "attributes": [dict(a) for a in record["attributes"]],
        "default_attributes": [dict(a) for a in record["default_attributes"]],
        "variations": list(record["variations"]), "grouped_products": [], "menu_order": record["menu_order"],
        "price_html": d["price_html"], "related_ids": related_ids(store, record),
        "meta_data": render_meta(record["meta"]), "stock_status": d["stock_status"],
        "has_options": record["type"] == "variable", "post_password": ""}


def related_ids(store, record: dict) -> list[int]:
    """Other published, non-variation products (WooCommerce picks up to 5 from the same categories)."""
    if record["type"] == "variation":
        return []
    with store.lock:  # the six lowest candidate ids, once per change of the product set (catalogs of 100,000;
        key = (len(store.products), store.seq["post"])  # a status change alone does not refresh them)
        cached = getattr(store, "related_cache", None)
        if cached is None or cached[0] != key:
            ids = heapq.nsmallest(6, (p["id"] for p in store.products.values()
                                      if p["type"] != "variation" and p["status"] == "publish"))
            cached = store.related_cache = (key, ids)
    return [i for i in cached[1] if i != record["id"]][:5]


def render_variation(store, record: dict, home: str, parent_id: int | None = None) -> dict:
    """A variation as /products/<parent>/variations renders it (no name, type or parent_id; image null)."""
    offset = store.options["timezone_offset"]
    parent_id = record["parent_id"] if parent_id is None else parent_id
    out = {"id": record["id"]}
    out.update(dates(record, offset, "date_created", "date_modified"))
    out.update({"description": record["description"], "permalink": permalink(store, record, home),
                "sku": record["sku"], "price": active_price(record), "regular_price": record["regular_price"],
                "sale_price": record["sale_price"], "date_on_sale_from": None, "date_on_sale_from_gmt": None,
                "date_on_sale_to": None, "date_on_sale_to_gmt": None, "on_sale": on_sale(record),
                "status": record["status"], "purchasable": active_price(record) != "",
                "virtual": record["virtual"], "downloadable": record["downloadable"], "downloads": [],
                "download_limit": -1, "download_expiry": -1, "tax_status": record["tax_status"],
                "tax_class": record["tax_class"]})
    stock = stock_fields(record, bool(store.options.get("manage_stock", True)), store.products.get(record["parent_id"]))
    out.update({"manage_stock": stock["manage_stock"], "stock_quantity": stock["stock_quantity"],
                "stock_status": record["stock_status"], "backorders": stock["backorders"],
                "backorders_allowed": stock["backorders_allowed"], "backordered": stock["backordered"],
                "low_stock_amount": stock["low_stock_amount"], "weight": record["weight"],
                "dimensions": dict(record["dimensions"]), "shipping_class": record["shipping_class"],
                "shipping_class_id": 0,
                "image": render_image(store, (record["image_ids"] or [0])[0], home),
                "attributes": [dict(a) for a in record["attributes"]], "menu_order": record["menu_order"],
                "meta_data": render_meta(record["meta"])})
    base = f"products/{parent_id}/variations"
    out["_links"] = links(home, f"{base}/{record['id']}", base, f"products/{parent_id}")
    return out
