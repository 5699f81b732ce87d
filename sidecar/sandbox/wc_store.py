"""The sandbox's in-memory store: every record, id sequences that mimic WordPress, API keys and OAuth nonces.

One Store per app; a single re-entrant lock guards it, so a threaded server never sees half-written state.
Records are plain dicts in WooCommerce's own field names; rendering to REST JSON lives in the wc_render_* modules.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime
from typing import Any

from .wc_util import utcnow

DEFAULT_OPTIONS: dict[str, Any] = {
    "https": False, "latency_ms": 0, "fault_rate": 0.0, "seed": None, "home_url": None,
    "webhook_fail_limit": 5, "webhook_hold": False, "calc_taxes": False, "timezone_offset": 0, "webhook_any_host": False,
    "webhook_allowed_hosts": [],  # the site's http_request_host_is_external / http_allowed_safe_ports filters
    "site_name": "WooCommerce Sandbox", "currency": "USD", "price_num_decimals": 2,
    "manage_stock": True,  # the store option woocommerce_manage_stock ("Enable stock management")
}

# WordPress keeps products, variations, orders (HPOS placeholders), refunds and coupons in one posts sequence,
# notes in comments, customers in users (1 = the admin that owns the keys), order items in their own table.
SEQUENCES = {"post": 10, "user": 2, "comment": 1, "item": 1, "meta": 1, "webhook": 1, "tax": 1,
             "attribute": 1, "term": 16, "key": 1}


class Store:
    """All state of one simulated store."""

    def __init__(self, options: dict | None = None):
        self.lock = threading.RLock()
        self.options = {**DEFAULT_OPTIONS, **(options or {})}
        self.keys: dict[str, dict] = {}
        self.nonces: dict[tuple[str, str], int] = {}
        self.stats: dict[str, Any] = {"requests": 0, "by_method_path": {}, "batch_calls": 0, "write_calls": 0}
        self.writes = 0  # bumped by every write request: list queries are cached until the next one
        self.catalog_changes = 0  # bumped when a product or variation is added, removed or gets another SKU
        self.listings: dict[tuple, tuple[int, list]] = {}
        self.deliveries: list[dict] = []
        self.events: list[tuple[str, str, int]] = []
        self.pending_rate_ids: list[int] | None = None
        self.clock: datetime | None = None
        self.reset()

    def reset(self) -> None:
        """Forget every record (keys and options stay)."""
        with self.lock:
            self.seq = dict(SEQUENCES)
            self.products: dict[int, dict] = {}
            self.orders: dict[int, dict] = {}
            self.refunds: dict[int, dict] = {}
            self.notes: dict[int, dict] = {}
            self.customers: dict[int, dict] = {}
            self.coupons: dict[int, dict] = {}
            self.webhooks: dict[int, dict] = {}
            self.taxes: dict[int, dict] = {}
            self.attributes: dict[int, dict] = {}
            self.media: dict[int, dict] = {}  # image attachments (wc_media)
            self.deliveries.clear()
            # SKU and slug → product id, kept by wc_products.write_fields (the only writer of both), so a
            # catalog import of thousands of products is not quadratic. Entries are checked on use.
            self.sku_index: dict[str, int] = {}
            self.slug_index: dict[str, int] = {}
            self.writes += 1
            self.catalog_changes += 1

    def next_id(self, kind: str) -> int:
        with self.lock:
            value = self.seq[kind]
            self.seq[kind] = value + 1
            return value

    def meta_id(self) -> int:
        return self.next_id("meta")

    def now(self) -> datetime:
        """Store time in UTC: the real clock, or a time fixed through /_sandbox/clock (replaying captures)."""
        return self.clock or utcnow()

    def add_key(self, permissions: str, consumer_key: str | None = None, consumer_secret: str | None = None) -> dict:
        """Register an API key pair owned by the admin user (id 1), as WooCommerce → Advanced → REST API does."""
        key = consumer_key or "ck_" + secrets.token_hex(20)
        secret = consumer_secret or "cs_" + secrets.token_hex(20)
        with self.lock:
            self.keys[key] = {"key_id": self.next_id("key"), "consumer_key": key, "consumer_secret": secret,
                              "permissions": permissions, "user_id": 1, "username": "admin"}
        return {"consumer_key": key, "consumer_secret": secret}

    def find_product_by_sku(self, sku: str) -> dict | None:
        product = self.products.get(self.sku_index.get(sku, 0)) if sku else None
        if product and product.get("sku") == sku and product["status"] != "trash":
            return product
        return None

    def slug_taken(self, slug: str, own_id: int) -> bool:
        product = self.products.get(self.slug_index.get(slug, 0))
        return bool(product) and product["slug"] == slug and product["id"] != own_id

    def index_product(self, record: dict) -> None:
        """Remember a product's SKU and slug (called after every write of either)."""
        with self.lock:
            if record.get("sku"):
                self.sku_index[record["sku"]] = record["id"]
            if record.get("slug"):
                self.slug_index[record["slug"]] = record["id"]

    def emit(self, resource: str, event: str, resource_id: int) -> None:
        """Record a webhook-relevant event; the app hands events to the delivery thread after the request.

        ``resource`` is order/product/customer/coupon, or ``action`` with ``event`` = the hook name."""
        with self.lock:
            self.events.append((resource, event, resource_id))

    def take_events(self) -> list[tuple[str, str, int]]:
        with self.lock:
            events, self.events = self.events, []
            return events

    def count_request(self, method: str, route: str) -> None:
        with self.lock:
            self.stats["requests"] += 1
            if method not in ("GET", "HEAD", "OPTIONS"):
                self.stats["write_calls"] += 1
            label = f"{method} {route}"
            self.stats["by_method_path"][label] = self.stats["by_method_path"].get(label, 0) + 1
