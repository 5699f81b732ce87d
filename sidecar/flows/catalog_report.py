"""The catalog report (issue 12, "clean your data first"): what stops stock and prices from syncing, read live
from both systems — it writes nothing (not even the binder).

Lists: store SKUs with no NetSuite item, NetSuite items with no product, SKUs used twice on either side,
products and variations without a SKU, variable products whose variations are not the children of one matrix
item, and (issue 20) SKUs whose stock is held back by orders not yet in NetSuite. Each row has the same
columns (``sku``, ``woocommerce_id``, ``netsuite_id``, ``detail``), so the CSV export is one table.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sidecar.clients.suiteql import column
from sidecar.clients.woocommerce_catalog import pages_in_parallel
from sidecar.flows import in_flight
from sidecar.flows.base import FlowContext
from sidecar.mapping.stock import sku_key

LISTS = ("woocommerce_sku_without_netsuite_item", "netsuite_item_without_product", "duplicate_sku_woocommerce",
         "duplicate_sku_netsuite", "product_without_sku", "variations_not_matching_matrix", "held_back_by_orders")
COLUMNS = ("list", "sku", "woocommerce_id", "netsuite_id", "detail")
FIELDS = "id,sku,type,parent_id,name"
SELLABLE = "('InvtPart','NonInvtPart','Kit','Assembly')"


def row(sku="", woo_id="", ns_id="", detail="") -> dict:
    return {"sku": sku or "", "woocommerce_id": str(woo_id or ""), "netsuite_id": str(ns_id or ""),
            "detail": detail}


def build(ctx: FlowContext) -> dict:
    """``{"generated_at", "counts", "lists"}`` with every row of every list."""
    woo, variable = _woo_catalog(ctx)
    ns = _netsuite_items(ctx)
    lists: dict[str, list[dict]] = {name: [] for name in LISTS}
    woo_keys = Counter(sku_key(p["sku"]) for p in woo if p["sku"])
    ns_keys = Counter(sku_key(i["sku"]) for i in ns if i["sku"])
    ns_by_key = {sku_key(i["sku"]): i for i in ns if i["sku"]}
    for p in woo:
        if not p["sku"]:
            kind = "variation" if p["parent"] else "product"
            lists["product_without_sku"].append(row(woo_id=p["id"], detail=f"{kind} {p['name']!r} has no SKU"))
        elif p["type"] != "variable" and sku_key(p["sku"]) not in ns_by_key:
            lists["woocommerce_sku_without_netsuite_item"].append(
                row(p["sku"], p["id"], detail=f"no NetSuite item has {ctx.settings['items']['match_by']} "
                                              f"{p['sku']!r}"))
    for item in ns:
        if item["matrixtype"] != "PARENT" and item["sku"] and sku_key(item["sku"]) not in woo_keys:
            lists["netsuite_item_without_product"].append(row(item["sku"], ns_id=item["id"],
                                                              detail="no WooCommerce product has this SKU"))
    _duplicates(lists["duplicate_sku_woocommerce"], woo_keys, woo, "id", "WooCommerce products")
    _duplicates(lists["duplicate_sku_netsuite"], ns_keys, ns, "id", "NetSuite items")
    lists["variations_not_matching_matrix"] = _matrix_mismatches(woo, variable, ns_by_key)
    if ctx.settings["inventory"]["hold_unexported_orders"]:
        woo_by_key = {sku_key(p["sku"]): p for p in woo if p["sku"] and p["type"] != "variable"}
        for key, units in sorted(in_flight.held_units(ctx).items()):
            product = woo_by_key.get(key) or {}  # the SKU as the shop wrote it, not its matching key
            lists["held_back_by_orders"].append(row(product.get("sku") or key, product.get("id"),
                                                    ns_id=(ns_by_key.get(key) or {}).get("id"),
                                                    detail=f"{units} unit(s) in orders not yet in NetSuite"))
    return {"generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "counts": {name: len(rows) for name, rows in lists.items()}, "lists": lists}


def _woo_catalog(ctx: FlowContext) -> tuple[list[dict], list[int]]:
    """Every product and variation as (id, sku, type, parent, name); ids of variable products."""
    out, variable = [], []
    params = {"orderby": "id", "order": "asc", "_fields": FIELDS}
    for page in pages_in_parallel(ctx.woo, "products", params):
        out += [_woo_row(p, 0) for p in page]
        variable += [p["id"] for p in page if p.get("type") == "variable"]
    for parent in variable:
        for page in pages_in_parallel(ctx.woo, f"products/{int(parent)}/variations", params):
            out += [_woo_row(p, parent) for p in page]
    return out, variable


def _woo_row(obj: dict, parent: int) -> dict:
    return {"id": obj["id"], "sku": str(obj.get("sku") or "").strip(), "type": obj.get("type") or "simple",
            "parent": parent, "name": obj.get("name") or ""}


def _netsuite_items(ctx: FlowContext) -> list[dict]:
    col = column(ctx.settings["items"]["match_by"])
    query = (f"SELECT id, {col} AS sku, parent, matrixtype FROM item WHERE id > ? AND isinactive = 'F' "
             f"AND itemtype IN {SELLABLE} ORDER BY id FETCH FIRST 1001 ROWS ONLY")
    out, after = [], 0
    while True:
        page = ctx.netsuite.suiteql_page(query, params=[after], limit=1000)
        out += [{"id": r["id"], "sku": str(r.get("sku") or "").strip(), "parent": r.get("parent"),
                 "matrixtype": r.get("matrixtype")} for r in page["items"]]
        if not page["hasMore"] or not page["items"]:
            return out
        after = int(page["items"][-1]["id"])


def _duplicates(into: list[dict], counts: Counter, records: list[dict], id_key: str, where: str) -> None:
    ids, written = defaultdict(list), {}
    for rec in records:
        if rec["sku"] and counts[sku_key(rec["sku"])] > 1:
            ids[sku_key(rec["sku"])].append(str(rec[id_key]))
            written.setdefault(sku_key(rec["sku"]), rec["sku"])  # shown as written, not as its matching key
    for key, found in sorted(ids.items()):
        into.append(row(written[key], detail=f"used by {len(found)} {where}: {', '.join(found)}"))


def _matrix_mismatches(woo: list[dict], variable: list[int], ns_by_key: dict[str, dict]) -> list[dict]:
    """A variable product is in step when every variation's SKU is a child of one and the same matrix item."""
    variations = defaultdict(list)
    for p in woo:
        if p["parent"]:
            variations[p["parent"]].append(p)
    parents = {p["id"]: p for p in woo if p["type"] == "variable"}
    out = []
    for pid in variable:
        items = [ns_by_key.get(sku_key(v["sku"])) for v in variations[pid]]
        problems = [v["sku"] or f"#{v['id']}" for v, i in zip(variations[pid], items)
                    if i is None or i.get("matrixtype") != "CHILD"]
        matrix = {i.get("parent") for i in items if i and i.get("matrixtype") == "CHILD"}
        if problems:
            detail = f"variations not matrix children in NetSuite: {', '.join(problems[:10])}"
        elif len(matrix) > 1:
            detail = f"variations belong to different matrix items: {', '.join(sorted(map(str, matrix)))}"
        else:
            continue
        out.append(row(parents.get(pid, {}).get("sku"), pid, ",".join(sorted(map(str, matrix))), detail))
    return out
