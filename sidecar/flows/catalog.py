"""WooCommerce's catalog as the sidecar remembers it: one ``Link`` per product or variation (entity
``product``), found by SKU, holding what the store last showed and what the sidecar last pushed.

A scan pages through products (and the variations of variable products), a few pages at a time, and writes
each page to the binder before reading on, so the catalog is never in memory at once. Links of products that
are gone from the store are dropped at the end of a complete scan. ``Link`` columns: ``woo_id`` the product or
variation id, ``external_id`` the SKU folded for matching, ``ns_id`` the NetSuite item last matched,
``fingerprint`` "run:<id>" of the last run that matched it; ``data`` holds sku, parent, type, the store's
stock (``woo_qty``, ``managed``) and prices as last seen, and ``qty``/``regular_price``/``sale_price`` as last
pushed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sidecar.clients.woocommerce_catalog import pages_in_parallel
from sidecar.flows.base import FlowContext
from sidecar.mapping.stock import sku_key
from sidecar.store.link_rows import links_by_external_id, links_where_in
from sidecar.store.models import Cursor, Link, utcnow
from sidecar.store.txn import write_transaction

ENTITY = "product"
FIELDS = "id,sku,type,parent_id,status,manage_stock,stock_quantity,regular_price,sale_price"
SCANNED = "woo.catalog.scanned_at"
SQL_CHUNK = 500  # ids in one IN (...) of the local database


@dataclass
class ScanCounts:
    products: int = 0
    variations: int = 0
    without_sku: int = 0


def seen_data(obj: dict, parent: int) -> dict:
    """What a scan remembers of one product or variation."""
    managed = obj.get("manage_stock")
    qty = obj.get("stock_quantity")
    return {"sku": str(obj.get("sku") or "").strip(), "parent": parent, "type": obj.get("type") or "simple",
            "managed": managed is True, "woo_qty": int(qty) if isinstance(qty, (int, float)) else None,
            "woo_regular": obj.get("regular_price") or "", "woo_sale": obj.get("sale_price") or ""}


def scan(ctx: FlowContext, workers: int = 4) -> ScanCounts:
    """Refresh every product link from the store; returns what it saw."""
    started, counts, variable = utcnow(), ScanCounts(), []
    params = {"orderby": "id", "order": "asc", "_fields": FIELDS}
    for page in pages_in_parallel(ctx.woo, "products", params, workers):
        remember_page(page, 0, counts)
        variable += [p["id"] for p in page if p.get("type") == "variable"]
    for parent in variable:
        for page in pages_in_parallel(ctx.woo, f"products/{int(parent)}/variations", params, workers):
            remember_page(page, parent, counts)
    (Link.delete().where((Link.entity == ENTITY) & (Link.updated_at < started)).execute())
    save_cursor(SCANNED, started.strftime("%Y-%m-%dT%H:%M:%S"))
    return counts


def remember_page(page: list[dict], parent: int, counts: ScanCounts) -> None:
    """Upsert one page of products (or of one product's variations) into the binder, in one transaction."""
    now, untouched, new = utcnow(), [], []
    with write_transaction():
        known = {link.woo_id: link for link in _links_by_woo_id([str(p["id"]) for p in page])}
        for obj in page:
            data = seen_data(obj, parent)
            counts.variations += parent != 0
            counts.products += parent == 0
            counts.without_sku += not data["sku"]
            link = known.get(str(obj["id"]))
            if link is None:
                new.append({"entity": ENTITY, "woo_id": str(obj["id"]), "data": data, "created_at": now,
                            "updated_at": now, "external_id": sku_key(data["sku"]) or None})
            elif all((link.data or {}).get(k) == v for k, v in data.items()) \
                    and link.external_id == (sku_key(data["sku"]) or None):
                untouched.append(link.id)  # as it was: only mark it seen
            else:
                link.data = {**(link.data or {}), **data}
                link.external_id = sku_key(data["sku"]) or None
                link.updated_at = now
                link.save()
        if new:
            Link.insert_many(new).execute()
        if untouched:
            Link.update(updated_at=now).where(Link.id.in_(untouched)).execute()


def _links_by_woo_id(ids: list[str]) -> list[Link]:
    return links_where_in(ENTITY, "woo_id", ids)


def links_by_sku(keys: Iterable[str]) -> dict[str, list[Link]]:
    """Product links per folded SKU (a SKU twice in the store gives two links), in id order. They carry the
    columns a stock or price decision needs, not the timestamps (``link_rows``)."""
    found: dict[str, list[Link]] = {}
    for link in sorted(links_by_external_id(ENTITY, keys), key=lambda link: link.id):
        found.setdefault(link.external_id, []).append(link)
    return found


def learn_skus(ctx: FlowContext, keys: list[str], skus: dict[str, str]) -> dict[str, list[Link]]:
    """Between scans: look SKUs the binder does not know up in the store (one call per 100) and bind what is
    found, with the store's current stock, so a new product is pushed without waiting for the nightly scan."""
    if not keys:
        return {}
    found = ctx.woo.find_products_by_sku([skus[k] for k in keys], FIELDS)
    now = utcnow()
    with write_transaction():
        known = {link.woo_id: link for link in _links_by_woo_id([str(p["id"]) for p in found])}
        for obj in found:
            data = seen_data(obj, int(obj.get("parent_id") or 0) if obj.get("type") == "variation" else 0)
            link = known.get(str(obj["id"])) or Link(entity=ENTITY, woo_id=str(obj["id"]), created_at=now)
            link.data = {**(link.data or {}), **data}
            link.external_id, link.updated_at = sku_key(data["sku"]), now
            link.save()
    return links_by_sku(keys)


def read_cursors(names: list[str]) -> dict[str, str | None]:
    """Several cursors in one query (absent ones are None)."""
    found = {row.name: row.value for row in Cursor.select(Cursor.name, Cursor.value).where(Cursor.name.in_(names))}
    return {name: found.get(name) for name in names}


def read_cursor(name: str) -> str | None:
    row = Cursor.get_or_none(Cursor.name == name)
    return row.value if row else None


def save_cursor(name: str, value: str | None) -> None:
    Cursor.insert(name=name, value=value, updated_at=utcnow()).on_conflict(
        conflict_target=[Cursor.name], update={Cursor.value: value, Cursor.updated_at: utcnow()}).execute()


def scanned_since(hours: float) -> bool:
    """Whether a complete scan finished within the last ``hours``."""
    value = read_cursor(SCANNED)
    if not value:
        return False
    return dt.datetime.fromisoformat(value) > utcnow() - dt.timedelta(hours=hours)
