"""Catalogs at scale for benchmarks, and the listing cache that keeps paging through them cheap.

``bulk_products`` writes N products (optionally variable ones with variations) straight into the store — the
REST create path checks each SKU against every product, which is quadratic at 100,000. ``cached_listing`` keeps
the filtered, ordered result of a list query until the next write request, so reading page 1,000 of a catalog
costs a slice instead of a filter and sort of every product (the real store has MySQL indexes for this).
"""

from __future__ import annotations

from collections.abc import Callable

from .wc_products import new_record, recompute_stock_status, slugify

PAGING_PARAMS = {"page", "per_page", "offset", "_fields", "consumer_key", "consumer_secret", "oauth_consumer_key",
                 "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_version"}
MAX_CACHED = 8


def cached_listing(store, kind: str, query: dict, build: Callable[[], list[dict]]) -> list[dict]:
    """The records of a list query (before paging), rebuilt only when a write happened since."""
    key = (kind, tuple(sorted((k, str(v)) for k, v in query.items() if k not in PAGING_PARAMS)))
    with store.lock:
        hit = store.listings.get(key)
        if hit and hit[0] == store.writes:
            return hit[1]
    records = build()
    with store.lock:
        if len(store.listings) >= MAX_CACHED:
            store.listings.clear()
        store.listings[key] = (store.writes, records)
    return records


def sku_index(store) -> dict[str, list[dict]]:
    """Products and variations by SKU (WooCommerce's product lookup table has this index), rebuilt only when a
    product was added or removed or a SKU changed (``store.catalog_changes``): a stock or price write leaves it
    as it is, as it leaves the store's lookup table. It holds the live records, so every other field (status,
    stock) is read as it is now by the filters that follow."""
    with store.lock:
        version = (store.catalog_changes, id(store.products), len(store.products))
        cached = getattr(store, "sku_cache", None)
        if cached is None or cached[0] != version:
            index: dict[str, list[dict]] = {}
            for record in store.products.values():
                if record.get("sku"):
                    index.setdefault(record["sku"], []).append(record)
            cached = store.sku_cache = (version, index)
        return cached[1]


def _product(store, kind: str, sku: str, name: str, stock: int | None, price: str, parent_id: int = 0) -> dict:
    record = new_record(store, kind, parent_id)
    record.update(id=store.next_id("post"), name=name, sku=sku, regular_price=price if kind != "variable" else "")
    if kind != "variation":
        record["slug"] = f"{slugify(name)}-{record['id']}"  # unique by construction
    if stock is not None and kind != "variable":
        record.update(manage_stock=True, stock_quantity=stock)
        recompute_stock_status(record)
    store.products[record["id"]] = record
    return record


def bulk_products(store, count: int, prefix: str = "BULK-", stock_quantity: int | None = 0,
                  variable_every: int = 0, price: str = "19.99") -> dict:
    """``count`` sellable SKUs ``<prefix><n:06d>`` (the NetSuite sandbox's bulk items use the same names).
    With ``variable_every`` = k, each group of k SKUs are the variations of one variable product (SKU + "-M")."""
    if count < 1 or count > 500_000:
        raise ValueError("count must be 1..500000")
    parent = None
    with store.lock:
        first = store.seq["post"]
        for n in range(count):
            sku = f"{prefix}{n + 1:06d}"
            if variable_every and n % variable_every == 0:
                parent = _product(store, "variable", f"{sku}-M", f"Bulk variable {n + 1}", None, "")
                parent["attributes"] = [{"id": 0, "name": "Option", "position": 0, "visible": True,
                                         "variation": True, "options": [str(k) for k in range(variable_every)]}]
            if variable_every:
                child = _product(store, "variation", sku, "", stock_quantity, price, parent["id"])
                child["attributes"] = [{"id": 0, "name": "Option", "option": str(n % variable_every)}]
                parent["variations"].append(child["id"])
            else:
                _product(store, "simple", sku, f"Bulk product {n + 1}", stock_quantity, price)
        store.writes += 1
        store.catalog_changes += 1
    sku_index(store)  # the store's lookup table is written with the products, not on the first lookup
    return {"products": count, "first_id": first, "last_id": store.seq["post"] - 1}
