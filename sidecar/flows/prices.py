"""Prices, NetSuite → WooCommerce (issue 12): ``regular_price`` from the price level ``prices.price_level_id``
in currency ``prices.currency_id`` (the quantity-1 row: ``priceqty = 1``, lowest quantity tier), with the
store's number of decimals; ``sale_price`` from ``prices.sale_price_level_id`` when set (empty when missing,
equal or higher). Only prices that differ from what the store shows are written.

Steps: read the store's decimals → scan the catalog (current prices) → SuiteQL ``pricing`` keyset-paged by item →
per item: match by SKU, compute, write what differs in batches of ≤100 → remember what was pushed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sidecar.clients.errors import RemoteError
from sidecar.clients.suiteql import column
from sidecar.flows import catalog
from sidecar.flows.base import FlowContext
from sidecar.flows.woo_writer import WooWriter, record_error
from sidecar.mapping.stock import decide_prices, number, prices, sku_key
from sidecar.store.models import Link

FLOW = "prices"
PAGE = 1000
DECIMALS_SETTING = "settings/general/woocommerce_price_num_decimals"


def run(ctx: FlowContext, run) -> None:
    """One prices run: seen = items with a price row, changed = products written."""
    decimals = store_decimals(ctx)
    catalog.scan(ctx)
    writer = WooWriter(ctx, run, _written)
    try:
        for page in item_pages(ctx):
            links = catalog.links_by_sku(sku_key(rows[0].get("sku")) for rows in page)
            for item_rows in page:
                run.seen += 1
                found = links.get(sku_key(item_rows[0].get("sku"))) or []
                _one_item(ctx, run, writer, item_rows, found, decimals)
    finally:
        writer.close()
    run.save()


def store_decimals(ctx: FlowContext) -> int:
    """``prices.decimals`` when set, else WooCommerce's own "Number of decimals" setting (2 if unreadable)."""
    configured = ctx.settings["prices"].get("decimals")
    if configured is not None:
        return int(configured)
    try:
        return int(str(ctx.woo.get(DECIMALS_SETTING).get("value")))
    except (RemoteError, AttributeError, TypeError, ValueError):
        return 2


def price_query(match_by: str, levels: list[str]) -> str:
    return (f"SELECT p.item AS id, i.{column(match_by)} AS sku, p.pricelevel AS pricelevel, "
            "p.unitprice AS unitprice, p.quantity AS minqty FROM pricing p JOIN item i ON i.id = p.item "
            f"WHERE p.item > ? AND p.currency = ? AND p.pricelevel IN ({', '.join(str(int(x)) for x in levels)}) "
            f"AND p.priceqty = 1 AND i.isinactive = 'F' ORDER BY p.item FETCH FIRST {PAGE + 1} ROWS ONLY")


def item_pages(ctx: FlowContext) -> Iterator[list[list[dict]]]:
    """Pages of price rows grouped per item, keyset-paged by item id; an item cut by a page end is read again
    whole on the next page."""
    p = ctx.settings["prices"]
    levels = [p["price_level_id"]] + ([p["sale_price_level_id"]] if p.get("sale_price_level_id") else [])
    query = price_query(ctx.settings["items"]["match_by"], levels)
    after = 0
    while True:
        page = ctx.netsuite.suiteql_page(query, params=[after, int(p["currency_id"])], limit=PAGE)
        rows = page["items"]
        if page["hasMore"] and rows and rows[0]["id"] != rows[-1]["id"]:
            last = rows[-1]["id"]
            rows = [r for r in rows if r["id"] != last]
        yield list(_grouped(rows))
        if not page["hasMore"] or not rows:
            return
        after = int(rows[-1]["id"])


def _grouped(rows: list[dict]) -> Iterator[list[dict]]:
    group: list[dict] = []
    for row in rows:
        if group and row["id"] != group[0]["id"]:
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def _level_price(rows: list[dict], level: str | None):
    """The unit price of the lowest quantity tier of ``level`` (None when the item has none). ``pricelevel`` is
    compared as text: SuiteQL values are usually strings but may be JSON numbers (spec §8.1)."""
    tiers = [r for r in rows if level and str(r.get("pricelevel")) == str(level) and r.get("unitprice") is not None]
    if not tiers:
        return None
    return min(tiers, key=lambda r: number(r.get("minqty") or 0, "quantity"))["unitprice"]


def _one_item(ctx: FlowContext, run, writer: WooWriter, rows: list[dict], found: list[Link],
              decimals: int) -> None:
    p, head = ctx.settings["prices"], rows[0]
    if not found:
        run.unmatched += 1
        return
    regular = _level_price(rows, p["price_level_id"])
    if regular is None:
        record_error(run, f"NetSuite item {head['id']} ({head.get('sku')}) has no price at price level "
                          f"{p['price_level_id']} in currency {p['currency_id']}; add one in NetSuite")
        return
    try:
        wanted = prices(regular, _level_price(rows, p.get("sale_price_level_id")), decimals)
    except ValueError as exc:
        record_error(run, f"NetSuite item {head['id']} ({head.get('sku')}): {exc}")
        return
    if not p.get("sale_price_level_id"):
        wanted.pop("sale_price")
    for link in found:
        data = link.data or {}
        if data.get("type") == "variable":  # WooCommerce derives a variable product's price from its variations
            run.unchanged += 1
            continue
        body = decide_prices(wanted, {"regular_price": data.get("woo_regular"), "sale_price": data.get("woo_sale")})
        if body is None:
            run.unchanged += 1
        else:
            writer.add(link, body)


def _written(link: Link, body: dict) -> None:
    data = dict(link.data or {})
    for field, seen in (("regular_price", "woo_regular"), ("sale_price", "woo_sale")):
        if field in body:
            data[field] = data[seen] = body[field]
    link.data = data  # saved with the rest of its batch by the writer
