"""Pickers for wp-admin (issue 18): NetSuite records by name and internal id, read with SuiteQL and kept a few
minutes, so the settings page offers "Main Warehouse (12)" instead of asking for a hand-typed id.

Read-only. Every kind is one row of ``KINDS``: the table, the column shown as the name, and extra conditions.
A typed internal id still matches (``q=12`` finds record 12), so nobody is forced to search by name.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sidecar.clients.suiteql import literal
from sidecar.flows.base import FlowContext

CACHE_TTL_S = 300
MAX_ROWS = 50
ITEM_TYPES = ("InvtPart", "NonInvtPart", "Service", "OthCharge", "Discount", "ShipItem", "TaxItem", "Kit",
              "Assembly")


@dataclass(frozen=True)
class Kind:
    table: str
    name: str = "name"
    where: str = "isinactive = 'F'"
    also: tuple[str, ...] = ()  # more columns searched and returned (e.g. a customer's e-mail)


KINDS: dict[str, Kind] = {
    "subsidiary": Kind("subsidiary"),
    "location": Kind("location"),
    "department": Kind("department"),
    "classification": Kind("classification"),
    "currency": Kind("currency"),
    "pricelevel": Kind("pricelevel"),
    "paymentmethod": Kind("paymentmethod"),
    "shipitem": Kind("item", "itemid", "isinactive = 'F' AND itemtype = 'ShipItem'"),
    "item": Kind("item", "itemid", "isinactive = 'F'", ("displayname",)),
    "customer": Kind("customer", "entityid", "isinactive = 'F'", ("email", "companyname")),
}

_cache: dict[tuple, tuple[float, list[dict]]] = {}
_lock = threading.Lock()


def lookup(ctx: FlowContext, kind: str, q: str = "", item_type: str | None = None) -> tuple[list[dict], bool]:
    """Up to 50 ``{"id", "name", …}`` rows of ``kind`` matching ``q``; (rows, served from the cache)."""
    key = (kind, q.strip().lower(), item_type, id(ctx.netsuite))
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < CACHE_TTL_S:
            return hit[1], True
    rows = [_row(KINDS[kind], r) for r in ctx.netsuite.suiteql_page(query(kind, q, item_type), limit=MAX_ROWS)["items"]]
    with _lock:
        _cache[key] = (now, rows)
    return rows, False


def query(kind: str, q: str = "", item_type: str | None = None) -> str:
    """The SuiteQL of one look-up; values are quoted literals, never pasted raw."""
    spec = KINDS[kind]
    columns = ", ".join(["id", f"{spec.name} AS name", *spec.also])
    where = [spec.where]
    if item_type:
        where.append(f"itemtype = {literal(item_type)}")
    text = q.strip().lower()
    if text:
        like = literal(f"%{text}%")
        searched = [f"LOWER({col}) LIKE {like}" for col in (spec.name, *spec.also)]
        if text.isascii() and text.isdigit() and len(text) < 19:
            searched.append(f"id = {int(text)}")
        where.append("(" + " OR ".join(searched) + ")")
    return f"SELECT {columns} FROM {spec.table} WHERE {' AND '.join(where)} ORDER BY {spec.name}, id"


def _row(spec: Kind, row: dict) -> dict:
    out = {"id": str(row.get("id")), "name": row.get("name") or str(row.get("id"))}
    out.update({col: row.get(col) for col in spec.also if row.get(col)})
    return out


def clear_cache() -> None:
    with _lock:
        _cache.clear()
