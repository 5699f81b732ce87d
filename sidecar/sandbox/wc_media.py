"""Product images as WooCommerce 8.2.2 keeps them: media-library attachments a product's ``images`` and a
variation's ``image`` point at, and the ``image`` of an order's line items (checked on a real store, 2026-12-04).

An image is given by ``id`` (an existing attachment, else 400 ``woocommerce_product_invalid_image_id`` /
``woocommerce_variation_invalid_image_id`` "#N is an invalid image ID.") or by ``src`` (WordPress downloads it into
the media library; the sandbox downloads nothing and files it under ``wp-content/uploads/YYYY/MM/<name>``).
Attachments take their ids from the posts' sequence, as in WordPress.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .wc_errors import WooError
from .wc_util import fmt_date


def image_ids(store, entries, code: str) -> list[int]:
    """The attachment ids of ``images`` entries (``[{"id"} or {"src"}, …]``); raises before anything changes."""
    entries = [e for e in entries or [] if isinstance(e, dict)]
    for entry in entries:
        image_id = _int(entry.get("id"))
        if image_id and image_id not in store.media:
            raise WooError(code, f"#{image_id} is an invalid image ID.", 400)
    ids = []
    for entry in entries:
        image_id = _int(entry.get("id")) or (_sideload(store, str(entry["src"])) if entry.get("src") else 0)
        if image_id:
            attachment = store.media[image_id]
            for key in ("name", "alt"):
                if entry.get(key):
                    attachment[key] = str(entry[key])
            ids.append(image_id)
    return ids


def _int(value) -> int:
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else 0


def _sideload(store, src: str) -> int:
    filename = urlsplit(src).path.rsplit("/", 1)[-1] or "image"
    now = store.now()
    with store.lock:
        image_id = store.next_id("post")
        store.media[image_id] = {"id": image_id, "path": f"wp-content/uploads/{now:%Y/%m}/{filename}",
                                 "name": filename.rsplit(".", 1)[0], "alt": "", "date_created": now,
                                 "date_modified": now}
    return image_id


def src(store, image_id: int, home: str) -> str:
    attachment = store.media.get(image_id)
    return f"{home}/{attachment['path']}" if attachment else ""


def render_image(store, image_id: int, home: str) -> dict | None:
    """An image as products' ``images[]`` and variations' ``image`` show it."""
    attachment = store.media.get(image_id)
    if attachment is None:
        return None
    offset = store.options["timezone_offset"]
    return {"id": image_id,
            "date_created": fmt_date(attachment["date_created"], offset),
            "date_created_gmt": fmt_date(attachment["date_created"]),
            "date_modified": fmt_date(attachment["date_modified"], offset),
            "date_modified_gmt": fmt_date(attachment["date_modified"]),
            "src": src(store, image_id, home), "name": attachment["name"], "alt": attachment["alt"]}


def line_image(store, product: dict | None, home: str) -> dict:
    """``image`` of an order's line item: the product's ``get_image_id()``, typed as WooCommerce types it.

    A variation reads it with get_post_thumbnail_id: an **int** (its own image, else its parent's, else 0). Any
    other product reads the raw ``_thumbnail_id`` meta: a **string** ("" without an image, "76" with one). No
    product at all: 0.
    """
    if product is None:
        return {"id": 0, "src": ""}
    own = (product.get("image_ids") or [0])[0]
    if product["type"] == "variation":
        parent = store.products.get(product["parent_id"]) or {}
        image_id = own or (parent.get("image_ids") or [0])[0]
        return {"id": image_id, "src": src(store, image_id, home) if image_id else ""}
    return {"id": str(own) if own else "", "src": src(store, own, home) if own else ""}
