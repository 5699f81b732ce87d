"""Stock at scale for tests and benchmarks: set quantities at item locations (what an inventory adjustment leaves
behind, with ``lastquantityavailablechange`` moving only when ``quantityavailable`` does), and a bulk load that
generates N inventory items (optionally matrix parents with children) straight into the store in one
transaction — 100,000 items at 2 locations in seconds, where the record service would take hours."""

from __future__ import annotations

import json

from . import ns_seed, ns_tables
from .ns_compute import complete, now_iso
from .ns_schema import TYPES
from .ns_tables import STOCK_STAMP, keep_stock_stamps, ref_id

CHUNK = 5000
QUANTITY_FIELDS = (("quantityavailable", "quantityAvailable"), ("quantityonhand", "quantityOnHand"),
                   ("quantitycommitted", "quantityCommitted"))


class BulkError(ValueError):
    """A request the controls refuse (unknown item, missing location)."""


def set_quantity(store, item_id: int, location_id, values: dict) -> dict:
    """Set quantities of one item at one location; quantityAvailable = onHand - committed is kept."""
    rtype = TYPES["inventoryItem"]
    item = store.load(rtype.name, item_id)
    if item is None:
        raise BulkError(f"no inventory item {item_id}")
    if location_id is None:
        raise BulkError("location_id is required")
    keep_stock_stamps(item)
    lines = item.setdefault("locations", {"items": []})["items"]
    line = next((ln for ln in lines if ref_id(ln.get("location")) == int(location_id)), None)
    if line is None:
        line = {"location": {"id": str(location_id)}}
        lines.append(line)
    before = line.get("quantityAvailable")
    for src, dst in QUANTITY_FIELDS:
        if values.get(src) is not None:
            line[dst] = float(values[src])
    line.setdefault("quantityOnHand", line.get("quantityAvailable", 0))
    line.setdefault("quantityAvailable", line["quantityOnHand"])
    if values.get("quantityavailable") is not None and values.get("quantityonhand") is None:
        line["quantityOnHand"] = line["quantityAvailable"] + float(line.get("quantityCommitted") or 0)
    line["quantityCommitted"] = max(0.0, line["quantityOnHand"] - line["quantityAvailable"])
    if before is None or float(before) != line["quantityAvailable"]:
        line[STOCK_STAMP] = now_iso()
    store.save(rtype, item_id, complete(rtype, item, store, item_id))
    return line


def _record(n: int, sku: str, locations: list[int], qty: int, stamp: str, **extra) -> dict:
    price = 10 + n % 90 + 0.99
    lines = [{"currencyPage": {"id": "1"}, "priceLevel": {"id": str(level)}, "quantity": {"value": 0},
              "priceQty": 1, "price": round(price * (1 - pct / 100), 2)}
             for level, pct in ((1, 0), (2, 5), (4, 3))]
    stock = [{"location": {"id": str(loc)}, "quantityOnHand": float(qty), "quantityCommitted": 0.0,
              "quantityAvailable": float(qty), "quantityBackOrdered": 0, "quantityOnOrder": 0, STOCK_STAMP: stamp}
             for loc in locations]
    rec = {"itemId": sku, "displayName": f"Bulk item {n}", "upcCode": ns_seed.upc(n), "externalId": f"ITEM-{sku}",
           "custitem_woo_sku": f"WOO-{sku}", "isOnline": True, "subsidiary": {"items": [{"id": "1"}]},
           "price": {"items": lines}, "locations": {"items": stock}, "itemType": {"id": "InvtPart"},
           "createdDate": stamp, "lastModifiedDate": stamp, **extra}
    rec["quantityAvailable"] = rec["quantityOnHand"] = float(qty * len(locations))
    return rec


def bulk_items(store, count: int, locations: int = 2, prefix: str = "BULK-", quantity: int = 10,
               matrix_every: int = 0) -> dict:
    """``count`` sellable items (SKU ``<prefix><n:06d>``) with ``quantity`` at each of ``locations``; with
    ``matrix_every`` = k, every k-th sellable item is instead the child of a matrix parent of its own group of k."""
    if count < 1 or count > 500_000 or locations < 1:
        raise BulkError("count must be 1..500000 and locations at least 1")
    rtype = TYPES["inventoryItem"]
    with store.lock:
        locs = ns_seed.base_lists(store, locations)["locations"][:locations]
        stamp, first = now_iso(), store.next_value("id:item")
        records, rid, parent = [], first, None
        for n in range(count):
            sku = f"{prefix}{n + 1:06d}"
            extra = {}
            if matrix_every and n % matrix_every == 0:
                parent = rid
                records.append((rid, _record(n, f"{sku}-M", [], 0, stamp, matrixType={"id": "PARENT"})))
                rid += 1
            if matrix_every:
                extra = {"parent": {"id": str(parent)}, "matrixType": {"id": "CHILD"}}
            records.append((rid, _record(n, sku, locs, quantity, stamp, **extra)))
            rid += 1
            if len(records) >= CHUNK:
                _insert(store, rtype, records)
                records = []
        _insert(store, rtype, records)
        store.conn.execute("INSERT OR REPLACE INTO sbx_seq VALUES (?, ?)", ("id:item", rid - 1))
    return {"items": count, "records": rid - first, "first_id": first, "last_id": rid - 1, "locations": locs}


def _insert(store, rtype, records: list[tuple[int, dict]]) -> None:
    """Write one chunk of records and their SuiteQL projections with executemany, in one transaction."""
    conn, rows = store.conn, {}
    conn.execute("BEGIN")
    try:
        conn.executemany("INSERT INTO sbx_record VALUES (?, ?, ?, ?, ?)",
                         [(rtype.name, rid, rtype.group, rec["externalId"].lower(), json.dumps(rec))
                          for rid, rec in records])
        for rid, rec in records:
            for table, table_rows in ns_tables.project_item(rid, rec, rtype).items():
                rows.setdefault(table, []).extend(table_rows)
        for table, table_rows in rows.items():
            if table_rows:
                cols = list(table_rows[0])
                names = ", ".join(f'"{c}"' for c in cols)
                conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(cols))})',
                                 [tuple(r[c] for c in cols) for r in table_rows])
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
