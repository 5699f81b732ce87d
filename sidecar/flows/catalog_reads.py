"""What the products flow reads from NetSuite: the items to import (SuiteQL keyset paging, every item or only
those changed since a time), and for the sellable ones their regular price and their stock.

Price and stock follow the rules of the prices and inventory flows (issue 12): the price is the
``prices.price_level_id`` row in ``prices.currency_id`` for a quantity of 1 (the lowest quantity tier); stock is
the sum of ``quantityavailable`` over ``inventory.locations`` minus ``inventory.safety_buffer``, never below 0.
They are written here, small and separate, until those flows' shared readers are merged: ``read_prices`` and
``read_stock`` are the two functions to swap for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from sidecar.clients.suiteql import column, in_list, literal
from sidecar.flows.base import FlowContext

CHUNK = 1000  # NetSuite's limit on the items of an IN list
STOCKED_TYPES = {"InvtPart", "Assembly"}  # item types that have stock per location


def item_columns(settings: dict) -> str:
    """The select list: the match key as ``sku``, web texts, weight, matrix structure, option values."""
    match_by = column(settings["items"]["match_by"])
    options = "".join(f", BUILTIN.DF({column(f)}) AS opt_{column(f)}" for f in settings["products"]["matrix_options"])
    return ("id, itemid, " + f"{match_by} AS sku, displayname, salesdescription, storedescription, "
            "storedetaileddescription, weight, BUILTIN.DF(weightunit) AS weightunit, itemtype, matrixtype, parent, "
            "TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodified" + options)


def item_filter(settings: dict) -> str:
    """Active items of the chosen types, and only web-store items when ``products.only_online`` is on."""
    online = " AND isonline = 'T'" if settings["products"]["only_online"] else ""
    return f"isinactive = 'F' AND itemtype IN {in_list(settings['products']['item_types'])}{online}"


def read_items(ctx: FlowContext, since: str | None = None) -> Iterator[dict]:
    """Every item to import, or those modified at or after ``since`` (``YYYY-MM-DD HH24:MI:SS`` as NetSuite
    printed it), in id order through keyset windows (any number of rows, spec §8.2)."""
    changed = (f" AND lastmodifieddate >= TO_DATE({literal(since)}, 'YYYY-MM-DD HH24:MI:SS')" if since else "")
    query = (f"SELECT {item_columns(ctx.settings)} FROM item WHERE id > {{after}} AND "
             f"{item_filter(ctx.settings)}{changed} ORDER BY id")
    yield from ctx.netsuite.suiteql_keyset(query)


def read_families(ctx: FlowContext, parent_ids: Iterable[str]) -> Iterator[dict]:
    """Matrix parents and all their children (an incremental run re-reads a whole family when one member
    changed: the parent's attributes list every child's values, and a child gone is seen only this way)."""
    ids = sorted({int(i) for i in parent_ids})
    for start in range(0, len(ids), CHUNK):
        chunk = ", ".join(str(i) for i in ids[start:start + CHUNK])
        query = (f"SELECT {item_columns(ctx.settings)} FROM item WHERE id > {{after}} AND "
                 f"(id IN ({chunk}) OR parent IN ({chunk})) AND {item_filter(ctx.settings)} ORDER BY id")
        yield from ctx.netsuite.suiteql_keyset(query)


def read_prices(ctx: FlowContext, item_ids: Iterable[str]) -> dict[str, str]:
    """Regular price per item id at ``prices.price_level_id`` in ``prices.currency_id``, quantity 1 (the lowest
    quantity tier when the item has quantity pricing). Items without such a row are absent."""
    level = int(ctx.settings["prices"]["price_level_id"])
    currency = int(ctx.settings["prices"]["currency_id"])
    found: dict[str, str] = {}
    for chunk in _chunks(item_ids):
        query = (f"SELECT item, unitprice, quantity FROM pricing WHERE pricelevel = {level} AND currency = "
                 f"{currency} AND priceqty = 1 AND item IN ({chunk}) ORDER BY item, quantity")
        for row in ctx.netsuite.suiteql(query):
            found.setdefault(str(row["item"]), row.get("unitprice"))
    return {k: v for k, v in found.items() if v not in (None, "")}


def read_stock(ctx: FlowContext, item_ids: Iterable[str]) -> dict[str, int]:
    """Stock per item id: available over ``inventory.locations`` minus ``inventory.safety_buffer``, ≥ 0.
    Items with no location rows have 0."""
    locations = ctx.settings["inventory"]["locations"]
    where = "" if locations == "all" else f" AND location IN ({', '.join(str(int(x)) for x in locations)})"
    buffer = int(ctx.settings["inventory"]["safety_buffer"])
    stock: dict[str, int] = {}
    for chunk in _chunks(item_ids):
        for item in chunk.split(", "):
            stock[item] = 0
        query = (f"SELECT item, SUM(quantityavailable) AS qty FROM inventoryitemlocations WHERE item IN ({chunk})"
                 f"{where} GROUP BY item ORDER BY item")
        for row in ctx.netsuite.suiteql(query):
            stock[str(row["item"])] = int(Decimal(str(row.get("qty") or 0)))
    return {item: max(0, qty - buffer) for item, qty in stock.items()}


def _chunks(item_ids: Iterable[str]) -> Iterator[str]:
    ids = sorted({int(i) for i in item_ids})
    for start in range(0, len(ids), CHUNK):
        yield ", ".join(str(i) for i in ids[start:start + CHUNK])
