"""WooCommerce SKU → NetSuite item internal id, matched by ``items.match_by`` (itemid, upccode, externalid or a
custom item field), with a short-lived cache so an order burst costs one SuiteQL query per new SKU.

Misses are not cached: once someone adds the item in NetSuite, the next retry finds it.
"""

from __future__ import annotations

import threading
import time

from sidecar.clients.suiteql import column, in_list
from sidecar.flows.base import FlowContext, FlowError

CACHE_TTL_S = 600
_cache: dict[tuple[str, str], tuple[float, str]] = {}
_lock = threading.Lock()


def resolve_skus(ctx: FlowContext, skus: list[str]) -> dict[str, str]:
    """Map each SKU to an item id; unknown SKUs are absent from the result."""
    match_by = ctx.settings["items"]["match_by"]
    found, missing = _from_cache(match_by, skus)
    for start in range(0, len(missing), 1000):
        found.update(_query(ctx, match_by, missing[start:start + 1000]))
    return found


def resolve_lines(ctx: FlowContext, lines: list[dict]) -> dict[int, str]:
    """Item id per WooCommerce line id; FlowError naming the first line that cannot be matched."""
    for line in lines:
        if not (line.get("sku") or "").strip():
            raise FlowError(f"line '{line.get('name')}' (product {line.get('product_id')}) has no SKU; give the "
                            "product a SKU in WooCommerce so it can be matched to a NetSuite item")
    found = resolve_skus(ctx, [line["sku"].strip() for line in lines])
    match_by = ctx.settings["items"]["match_by"]
    for line in lines:
        if line["sku"].strip() not in found:
            raise FlowError(f"SKU {line['sku'].strip()} has no NetSuite item (matched by {match_by})")
    return {line["id"]: found[line["sku"].strip()] for line in lines}


def _from_cache(match_by: str, skus: list[str]) -> tuple[dict[str, str], list[str]]:
    now, found, missing = time.monotonic(), {}, []
    with _lock:
        for sku in dict.fromkeys(skus):
            hit = _cache.get((match_by, sku))
            if hit and now - hit[0] < CACHE_TTL_S:
                found[sku] = hit[1]
            else:
                missing.append(sku)
    return found, missing


def _query(ctx: FlowContext, match_by: str, skus: list[str]) -> dict[str, str]:
    col = column(match_by)
    query = (f"SELECT id, {col} AS sku FROM item WHERE {col} IN {in_list(skus)} AND isinactive = 'F' "
             "ORDER BY id")
    found: dict[str, str] = {}
    wanted = {sku.lower(): sku for sku in skus}
    for row in ctx.netsuite.suiteql(query):
        sku = wanted.get(str(row.get("sku", "")).lower())
        if sku and sku not in found:  # the lowest id wins when two items share a SKU
            found[sku] = str(row["id"])
    with _lock:
        for sku, item_id in found.items():
            _cache[(match_by, sku)] = (time.monotonic(), item_id)
    return found


def clear_cache() -> None:
    with _lock:
        _cache.clear()
