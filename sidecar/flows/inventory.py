"""Stock, NetSuite → WooCommerce (issues 12 and 20). NetSuite is the system of record: the store's quantity of
each SKU is set to NetSuite's availability over ``inventory.locations``, minus ``inventory.safety_buffer``,
minus the units of orders the store sold that are not sales orders in NetSuite yet, never below 0.

Steps, top to bottom:
1. full or incremental? "Sync now", the first run, changed inventory settings and the first scheduled run
   after ``schedules.inventory_full`` fell due are full; other scheduled runs are incremental.
2. a full run scans the store's catalog into the binder (SKU → product/variation, the store's current stock).
3. units held by orders not yet in NetSuite (``in_flight``).
4. SuiteQL ``inventoryitemlocations``, keyset-paged 1,000 items a page (the next page is read while this one is
   written); an incremental run reads only items whose ``lastquantityavailablechange`` is after its cursor
   minus ``inventory.overlap_minutes`` (the cursor is the newest change NetSuite reported, in NetSuite's own
   clock and time zone, so the sidecar's clock never matters; the overlap covers changes committed while a run
   was reading).
5. per item: match by SKU, compute the quantity, write only what differs (NetSuite wins: a hand edit is
   overwritten and counted as drift), in batches of ≤100, recording what was pushed in the binder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from croniter import croniter

from sidecar.clients.suiteql import column
from sidecar.flows import catalog, in_flight
from sidecar.flows.base import FlowContext
from sidecar.flows.woo_writer import WooWriter, record_error
from sidecar.mapping.stock import decide_stock, sku_key, target_quantity
from sidecar.store.models import Link, utcnow
from sidecar.store.txn import write_transaction

FLOW = "inventory"
CURSOR = "netsuite.inventory.changed_after"
LAST_FULL = "netsuite.inventory.full_at"
SETTINGS_SEEN = "netsuite.inventory.settings"
PAGE = 1000
NS_TIME = "%Y-%m-%d %H:%M:%S"


def run(ctx: FlowContext, run) -> None:
    """One inventory run; counts and errors land on ``run`` (seen, changed, unchanged, unmatched, failed,
    held_back, drift)."""
    settings = ctx.settings
    full = is_full(run, settings)
    run.cursor_before = catalog.read_cursor(CURSOR)
    if full:
        catalog.scan(ctx)
    held = in_flight.held_units(ctx) if settings["inventory"]["hold_unexported_orders"] else {}
    since = None if full else overlapped(run.cursor_before, settings["inventory"]["overlap_minutes"])
    pusher = StockPusher(ctx, run, held, full)
    newest = None
    try:
        for page in stock_pages(ctx, settings, since):
            newest = max([newest or "", *(r.get("changed") or "" for r in page)]) or None
            pusher.page(page)
    finally:
        pusher.close()
    if full:
        run.unmatched += unmatched_in_store(run.id)
        catalog.save_cursor(LAST_FULL, utcnow().strftime("%Y-%m-%dT%H:%M:%S"))
        catalog.save_cursor(SETTINGS_SEEN, settings_fingerprint(settings))
    if newest and newest > (run.cursor_before or ""):
        catalog.save_cursor(CURSOR, newest)
    run.cursor_after = catalog.read_cursor(CURSOR)
    run.save()


def is_full(run, settings: dict) -> bool:
    """Full on "Sync now", on the first run, after a change of inventory settings, and on the first scheduled
    run after ``schedules.inventory_full`` fell due since the last full run."""
    last = catalog.read_cursor(LAST_FULL)
    if run.trigger != "schedule" or not last or not catalog.read_cursor(CURSOR):
        return True
    if catalog.read_cursor(SETTINGS_SEEN) != settings_fingerprint(settings):
        return True
    cron = settings["schedules"].get("inventory_full")
    if not cron or cron == "off":
        return False
    due = croniter(cron, run.created_at or utcnow()).get_prev(dt.datetime)
    return dt.datetime.fromisoformat(last) < due


def settings_fingerprint(settings: dict) -> str:
    """What changes every quantity when it changes: the locations, the buffer, the match field."""
    keys = [settings["inventory"]["locations"], settings["inventory"]["safety_buffer"],
            settings["inventory"]["hold_unexported_orders"], settings["items"]["match_by"]]
    return hashlib.sha256(json.dumps(keys, sort_keys=True).encode()).hexdigest()[:16]


def overlapped(cursor: str | None, minutes: int) -> str | None:
    if not cursor:
        return None
    return (dt.datetime.strptime(cursor, NS_TIME) - dt.timedelta(minutes=minutes)).strftime(NS_TIME)


def stock_query(match_by: str, locations, incremental: bool) -> str:
    """One keyset page of items with their availability summed over the chosen locations. It fetches one row
    more than the page holds, so ``hasMore`` says whether another page exists (no empty last page)."""
    where = ["iil.item > ?", "i.isinactive = 'F'"]
    if locations != "all":
        where.append(f"iil.location IN ({', '.join(str(int(loc)) for loc in locations)})")
    having = (" HAVING MAX(iil.lastquantityavailablechange) > TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS')"
              if incremental else "")
    return (f"SELECT iil.item AS id, MAX(i.{column(match_by)}) AS sku, MAX(i.parent) AS parent, "
            "SUM(iil.quantityavailable) AS available, "
            "TO_CHAR(MAX(iil.lastquantityavailablechange), 'YYYY-MM-DD HH24:MI:SS') AS changed "
            "FROM inventoryitemlocations iil JOIN item i ON i.id = iil.item "
            f"WHERE {' AND '.join(where)} GROUP BY iil.item{having} ORDER BY iil.item "
            f"FETCH FIRST {PAGE + 1} ROWS ONLY")


def stock_pages(ctx: FlowContext, settings: dict, since: str | None) -> Iterator[list[dict]]:
    query = stock_query(settings["items"]["match_by"], settings["inventory"]["locations"], since is not None)
    return keyset_pages(ctx, query, [since] if since else [])


def keyset_pages(ctx: FlowContext, query: str, extra: list, key: str = "id") -> Iterator[list[dict]]:
    """Pages of ``query`` (``? `` first = the last key read), the next page fetched while the caller works."""
    def fetch(after: int) -> dict:
        return ctx.netsuite.suiteql_page(query, params=[after, *extra], limit=PAGE)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ns-pages") as pool:
        ahead = pool.submit(fetch, 0)
        while ahead is not None:
            page = ahead.result()
            rows = page["items"]
            ahead = pool.submit(fetch, int(rows[-1][key])) if page["hasMore"] and rows else None
            if rows:
                yield rows


def unmatched_in_store(run_id: int) -> int:
    """Store SKUs (not variable parents) that no NetSuite item matched in this full run."""
    marker, count = f"run:{run_id}", 0
    query = Link.select(Link.fingerprint, Link.data).where((Link.entity == catalog.ENTITY)
                                                           & Link.external_id.is_null(False))
    for link in query.iterator():
        if link.fingerprint != marker and (link.data or {}).get("type") != "variable":
            count += 1
    return count


class StockPusher:
    """Compares each NetSuite row with its product(s) and queues the writes."""

    def __init__(self, ctx: FlowContext, run, held: dict[str, int], fresh: bool):
        self.ctx, self.run, self.held, self.fresh = ctx, run, held, fresh
        self.settings = ctx.settings
        self.writer = WooWriter(ctx, run, self._written)

    def page(self, rows: list[dict]) -> None:
        """Match one page by SKU (learning SKUs the binder lacks between scans), then decide per item."""
        keys = {sku_key(r.get("sku")): str(r.get("sku") or "").strip() for r in rows}
        links = catalog.links_by_sku(keys)
        if not self.fresh:
            links.update(catalog.learn_skus(self.ctx, [k for k in keys if k and k not in links], keys))
        wanted: list[tuple[dict, Link, int]] = []
        for row in rows:
            self.run.seen += 1
            found = self._match(row, links)
            if found is None:
                continue
            target = self._target(row)
            if target is not None:
                wanted.append((row, found, target))
        if not self.fresh:
            self._refresh([link for _, link, target in wanted if self._differs(link, target)])
        self._decide(wanted)

    def _match(self, row: dict, links: dict[str, list[Link]]) -> Link | None:
        key = sku_key(row.get("sku"))
        if not key:
            record_error(self.run, f"NetSuite item {row.get('id')} has no {self.settings['items']['match_by']}; "
                                   "fill it in so the item can be matched to a WooCommerce product")
            return None
        found = links.get(key) or []
        if not found:
            self.run.unmatched += 1
            return None
        if len(found) > 1:
            ids = ", ".join(link.woo_id for link in found)
            record_error(self.run, f"SKU {row.get('sku')} is used by WooCommerce products {ids}; give each "
                                   "product its own SKU")
            return None
        return found[0]

    def _target(self, row: dict) -> int | None:
        key = sku_key(row.get("sku"))
        held = self.held.get(key, 0)
        try:
            target = target_quantity(row.get("available"), self.settings["inventory"]["safety_buffer"], held)
        except ValueError as exc:
            record_error(self.run, f"NetSuite item {row.get('id')} ({row.get('sku')}): {exc}; check the item's "
                                   "stock at its locations in NetSuite")
            return None
        self.run.held_back += held > 0
        return target

    @staticmethod
    def _differs(link: Link, target: int) -> bool:
        data = link.data or {}
        return not (data.get("managed") is True and data.get("qty") == target)

    def _refresh(self, links: list[Link]) -> None:
        """Between scans, read the store's current stock of the products about to be written (one call per
        100, a few at a time), so a number the store already shows is not written again."""
        by_key = {link.external_id: link for link in links}
        chunks = [[link.data.get("sku") for link in links[n:n + 100]] for n in range(0, len(links), 100)]
        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="woo-skus") as pool:
            for found in pool.map(self.ctx.woo.find_products_by_sku, chunks):
                for obj in found:
                    link = by_key.get(sku_key(obj.get("sku")))
                    if link is not None and str(obj.get("id")) == link.woo_id:
                        link.data = {**link.data, **catalog.seen_data(obj, int(link.data.get("parent") or 0)),
                                     "fresh": True}

    def _decide(self, wanted: list[tuple[dict, Link, int]]) -> None:
        """Record matches and unchanged items in one transaction; queue the writes after it (never wait on the
        write threads while holding the database)."""
        marker, seen_only, writes = f"run:{self.run.id}", [], []
        with write_transaction():
            for row, link, target in wanted:
                data = dict(link.data or {})
                fresh = self.fresh or data.pop("fresh", False)
                decision = decide_stock(target, data.get("qty"), data.get("woo_qty"), data.get("managed"), fresh)
                self.run.drift += decision.drift
                if decision.body is not None:
                    link.data, link.ns_id, link.fingerprint = {**data, "pending_qty": target}, str(row["id"]), marker
                    writes.append((link, decision.body))
                    continue
                self.run.unchanged += 1
                if data.get("qty") == target and link.ns_id == str(row["id"]):
                    seen_only.append(link.id)
                    continue
                link.data, link.ns_id, link.fingerprint = {**data, "qty": target}, str(row["id"]), marker
                link.save()
            if seen_only:
                Link.update(fingerprint=marker).where(Link.id.in_(seen_only)).execute()
        for link, body in writes:
            self.writer.add(link, body)

    def _written(self, link: Link, body: dict) -> None:
        data = dict(link.data or {})
        qty = data.pop("pending_qty", body.get("stock_quantity"))
        link.data = {**data, "qty": qty, "woo_qty": qty, "managed": True}
        link.updated_at = utcnow()
        link.save()

    def close(self) -> None:
        self.writer.close()
