"""Stock, NetSuite → WooCommerce (issues 12 and 20). NetSuite is the system of record: the store's quantity of
each SKU is set to NetSuite's availability over ``inventory.locations``, minus ``inventory.safety_buffer``,
minus the units of orders the store sold that are not sales orders in NetSuite yet, never below 0.

Steps, top to bottom:
1. full or incremental? "Sync now", the first run, changed inventory settings and the first scheduled run
   after ``schedules.inventory_full`` fell due are full; other scheduled runs are incremental.
2. the first SuiteQL request leaves at once (``stock_reader``): ``inventoryitemlocations``, keyset-paged 1,000
   items a page, read ahead on a thread of its own while the run does its local work; an incremental run reads
   only items whose ``lastquantityavailablechange`` is after its cursor minus ``inventory.overlap_minutes`` (the
   cursor is the newest change NetSuite reported, in NetSuite's own clock and time zone, so the sidecar's clock
   never matters; the overlap covers changes committed while a run was reading).
3. meanwhile, a full run scans the store's catalog into the binder (SKU → product/variation, the store's current
   stock): no NetSuite row is decided before the scan is complete (the SKU map and the store's quantities must
   be whole), but NetSuite pages are read during it.
4. units held by orders not yet in NetSuite (``in_flight``), also while the first page is on its way.
5. per item: match by SKU, compute the quantity, write only what differs (NetSuite wins: a hand edit is
   overwritten and counted as drift), in batches of ≤100, recording what was pushed in the binder.
6. the cursor moves to the newest change read, but never past a change whose write got no answer from the store
   (``StockPusher.cursor_for``), so the next incremental run writes it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from croniter import croniter

from sidecar.clients.suiteql import column
from sidecar.flows import catalog, in_flight
from sidecar.flows.base import FlowContext
from sidecar.flows.stock_reader import Phases, StockReader, StockRow
from sidecar.flows.woo_writer import WooWriter, record_error
from sidecar.mapping.stock import decide_stock, sku_key, target_quantity
from sidecar.store.link_rows import save_links
from sidecar.store.models import Link, utcnow
from sidecar.store.txn import write_transaction

FLOW = "inventory"
CURSOR = "netsuite.inventory.changed_after"
LAST_FULL = "netsuite.inventory.full_at"
SETTINGS_SEEN = "netsuite.inventory.settings"
PAGE = 1000
SLICE = 100  # rows matched at a time between scans; also the products one store read covers
READ_AHEAD = 100  # NetSuite pages (of PAGE items) a full run may hold while it scans the store: ~15 MB
NS_TIME = "%Y-%m-%d %H:%M:%S"
log = logging.getLogger(__name__)


def run(ctx: FlowContext, run) -> None:
    """One inventory run; counts and errors land on ``run`` (seen, changed, unchanged, unmatched, failed,
    held_back, drift)."""
    clock, settings = Phases(), ctx.settings
    cursors = catalog.read_cursors([CURSOR, LAST_FULL, SETTINGS_SEEN])
    full = is_full(run, settings, cursors)
    run.cursor_before = cursors.get(CURSOR)
    since = None if full else overlapped(run.cursor_before, settings["inventory"]["overlap_minutes"])
    reader = start_reader(ctx, settings, since, READ_AHEAD if full else 2)  # NetSuite is asked first
    pusher, newest = None, None
    try:
        if full:
            catalog.scan(ctx)
            clock.mark("catalog scanned")
        held = in_flight.held_units(ctx) if settings["inventory"]["hold_unexported_orders"] else {}
        clock.mark("in-flight orders")
        pusher = StockPusher(ctx, run, held, full)
        for page in reader:
            newest = max([newest or "", *(r.changed or "" for r in page)]) or None
            pusher.page(page)
        clock.mark(f"{reader.pages} NetSuite pages decided (first answered at {reader.first_page_s or 0:.3f} s, "
                   f"last at {reader.last_page_s or 0:.3f} s)")
    finally:
        reader.close()
        if pusher is not None:
            pusher.close()
    clock.mark("written")
    finish(run, settings, full, pusher.cursor_for(newest))
    clock.mark("done")
    log.info("inventory run %s (%s): %s", run.id, "full" if full else "incremental", clock)


def finish(run, settings: dict, full: bool, newest: str | None) -> None:
    """Count the store's unmatched SKUs (full runs) and move the cursors."""
    if full:
        run.unmatched += unmatched_in_store(run.id)
        catalog.save_cursor(LAST_FULL, utcnow().strftime("%Y-%m-%dT%H:%M:%S"))
        catalog.save_cursor(SETTINGS_SEEN, settings_fingerprint(settings))
    if newest and newest > (run.cursor_before or ""):
        catalog.save_cursor(CURSOR, newest)
    run.cursor_after = newest if newest and newest > (run.cursor_before or "") else run.cursor_before
    run.save()


def start_reader(ctx: FlowContext, settings: dict, since: str | None, read_ahead: int) -> StockReader:
    """The stock rows, read ahead on their own thread from now on (the client is built here, on the run's
    thread)."""
    query = stock_query(settings["items"]["match_by"], settings["inventory"]["locations"], since is not None)
    netsuite, extra = ctx.netsuite, [since] if since else []
    return StockReader(lambda after: netsuite.suiteql_page(query, params=[after, *extra], limit=PAGE), read_ahead)


def is_full(run, settings: dict, cursors: dict[str, str | None]) -> bool:
    """Full on "Sync now", on the first run, after a change of inventory settings, and on the first scheduled
    run after ``schedules.inventory_full`` fell due since the last full run."""
    last = cursors.get(LAST_FULL)
    if run.trigger != "schedule" or not last or not cursors.get(CURSOR):
        return True
    if cursors.get(SETTINGS_SEEN) != settings_fingerprint(settings):
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
    more than the page holds, so ``hasMore`` says whether another page exists (no empty last page).

    The incremental filter picks the items with a location row that changed after the bind (a subquery on
    ``lastquantityavailablechange``, which an index answers) and still sums all their chosen locations; the
    same filter as ``HAVING MAX(…) > …`` without grouping every row of the account to find a quiet catalog."""
    locs = "" if locations == "all" else ", ".join(str(int(loc)) for loc in locations)
    where = ["iil.item > ?", "i.isinactive = 'F'"]
    if locs:
        where.append(f"iil.location IN ({locs})")
    if incremental:
        changed_loc = f" AND c.location IN ({locs})" if locs else ""
        where.append("iil.item IN (SELECT c.item FROM inventoryitemlocations c WHERE c.lastquantityavailablechange"
                     f" > TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS'){changed_loc})")
    return (f"SELECT iil.item AS id, MAX(i.{column(match_by)}) AS sku, MAX(i.parent) AS parent, "
            "SUM(iil.quantityavailable) AS available, "
            "TO_CHAR(MAX(iil.lastquantityavailablechange), 'YYYY-MM-DD HH24:MI:SS') AS changed "
            "FROM inventoryitemlocations iil JOIN item i ON i.id = iil.item "
            f"WHERE {' AND '.join(where)} GROUP BY iil.item ORDER BY iil.item "
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
    """Store SKUs (not variable parents) that no NetSuite item matched in this full run: only the links this
    run did not mark are read (usually few), not the whole catalog."""
    marker, count = f"run:{run_id}", 0
    query = Link.select(Link.data).where((Link.entity == catalog.ENTITY) & Link.external_id.is_null(False)
                                         & (Link.fingerprint.is_null() | (Link.fingerprint != marker)))
    for link in query.iterator():
        if (link.data or {}).get("type") != "variable":
            count += 1
    return count


class StockPusher:
    """Compares each NetSuite row with its product(s) and queues the writes.

    Between scans (``fresh`` False) the store's current stock of the products about to be written is read
    first, 100 a call on a few threads, and each 100 is decided and queued for writing as soon as its read
    answers, so the reads and the writes of one page overlap instead of following each other."""

    def __init__(self, ctx: FlowContext, run, held: dict[str, int], fresh: bool):
        self.ctx, self.run, self.held, self.fresh = ctx, run, held, fresh
        self.settings = ctx.settings
        self.writer = WooWriter(ctx, run, self._written, on_unanswered=self._unanswered)
        self.reads: ThreadPoolExecutor | None = None
        self.changed_at: dict[int, str] = {}  # link id → NetSuite's change time of the row being written
        self.unanswered: list[str] = []  # change times of the rows whose write got no verdict

    def page(self, rows: list[StockRow]) -> None:
        """Match one page by SKU and decide per item. Between scans it goes 100 rows at a time, and each 100
        products about to be written has its store read sent as soon as it is complete, while the rest of the
        page is still being matched."""
        links = self._links(rows)
        if self.fresh:
            self._decide(self._wanted(rows, links))
            return
        stale: list[tuple[StockRow, Link, int]] = []
        reads: list[tuple[list, Future]] = []
        for start in range(0, len(rows), SLICE):
            wanted = self._wanted(rows[start:start + SLICE], links)
            self._decide([w for w in wanted if not self._differs(w[1], w[2])])
            stale += [w for w in wanted if self._differs(w[1], w[2])]
            while len(stale) >= SLICE or (stale and start + SLICE >= len(rows)):
                reads.append(self._read(stale[:SLICE]))
                stale = stale[SLICE:]
        for chunk, answer in reads:
            self._decide(self._refreshed(chunk, answer.result()))

    def _links(self, rows: list[StockRow]) -> dict[str, list[Link]]:
        """The page's links by folded SKU; between scans, SKUs the binder lacks are looked up in the store."""
        keys = {sku_key(r.sku): str(r.sku or "").strip() for r in rows}
        links = catalog.links_by_sku(keys)
        if not self.fresh:
            links.update(catalog.learn_skus(self.ctx, [k for k in keys if k and k not in links], keys))
        return links

    def _wanted(self, rows: list[StockRow], links: dict[str, list[Link]]) -> list[tuple[StockRow, Link, int]]:
        """(row, its product's link, the quantity to show) for the rows that match one product; the others are
        counted (unmatched, failed)."""
        wanted: list[tuple[StockRow, Link, int]] = []
        for row in rows:
            self.run.seen += 1
            found = self._match(row, links)
            if found is None:
                continue
            target = self._target(row)
            if target is not None:
                wanted.append((row, found, target))
        return wanted

    def _match(self, row: StockRow, links: dict[str, list[Link]]) -> Link | None:
        key = sku_key(row.sku)
        if not key:
            record_error(self.run, f"NetSuite item {row.id} has no {self.settings['items']['match_by']}; "
                                   "fill it in so the item can be matched to a WooCommerce product")
            return None
        found = links.get(key) or []
        if not found:
            self.run.unmatched += 1
            return None
        if len(found) > 1:
            ids = ", ".join(link.woo_id for link in found)
            record_error(self.run, f"SKU {row.sku} is used by WooCommerce products {ids}; give each "
                                   "product its own SKU")
            return None
        return found[0]

    def _target(self, row: StockRow) -> int | None:
        key = sku_key(row.sku)
        held = self.held.get(key, 0)
        try:
            target = target_quantity(row.available, self.settings["inventory"]["safety_buffer"], held)
        except ValueError as exc:
            record_error(self.run, f"NetSuite item {row.id} ({row.sku}): {exc}; check the item's "
                                   "stock at its locations in NetSuite")
            return None
        self.run.held_back += held > 0
        return target

    @staticmethod
    def _differs(link: Link, target: int) -> bool:
        data = link.data or {}
        return not (data.get("managed") is True and data.get("qty") == target)

    def _read(self, chunk: list[tuple[StockRow, Link, int]]) -> tuple[list, Future]:
        """Send the read of the store's current stock of ≤100 products about to be written (4 at a time)."""
        if self.reads is None:
            self.reads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="woo-skus")
        skus = [link.data.get("sku") for _, link, _ in chunk]
        return chunk, self.reads.submit(self.ctx.woo.find_products_by_sku, skus, catalog.FIELDS)

    @staticmethod
    def _refreshed(chunk: list[tuple[StockRow, Link, int]], found: list[dict]) -> list[tuple[StockRow, Link, int]]:
        """The chunk with what the store shows now on each link, marked fresh (so the store's number decides)."""
        by_key = {link.external_id: link for _, link, _ in chunk}
        for obj in found:
            link = by_key.get(sku_key(obj.get("sku")))
            if link is not None and str(obj.get("id")) == link.woo_id:
                link.data = {**link.data, **catalog.seen_data(obj, int(link.data.get("parent") or 0)), "fresh": True}
        return chunk

    def _decide(self, wanted: list[tuple[StockRow, Link, int]]) -> None:
        """Record matches and unchanged items in one transaction; queue the writes after it (never wait on the
        write threads while holding the database)."""
        if not wanted:
            return
        marker, seen_only, writes, saved = f"run:{self.run.id}", [], [], []
        with write_transaction():
            for row, link, target in wanted:
                data = dict(link.data or {})
                fresh = self.fresh or data.pop("fresh", False)
                decision = decide_stock(target, data.get("qty"), data.get("woo_qty"), data.get("managed"), fresh)
                self.run.drift += decision.drift
                if decision.body is not None:
                    link.data, link.ns_id, link.fingerprint = {**data, "pending_qty": target}, str(row.id), marker
                    writes.append((link, decision.body))
                    if row.changed:
                        self.changed_at[link.id] = row.changed
                    continue
                self.run.unchanged += 1
                if data.get("qty") == target and link.ns_id == str(row.id):
                    seen_only.append(link.id)
                    continue
                link.data, link.ns_id, link.fingerprint = {**data, "qty": target}, str(row.id), marker
                saved.append(link)
            save_links(saved)
            if seen_only:
                Link.update(fingerprint=marker).where(Link.id.in_(seen_only)).execute()
        for link, body in writes:
            self.writer.add(link, body)

    def _written(self, link: Link, body: dict) -> None:
        """What the store shows now (the writer saves the batch's links together)."""
        data = dict(link.data or {})
        qty = data.pop("pending_qty", body.get("stock_quantity"))
        link.data = {**data, "qty": qty, "woo_qty": qty, "managed": True}

    def _unanswered(self, link: Link) -> None:
        if link.id in self.changed_at:
            self.unanswered.append(self.changed_at[link.id])

    def cursor_for(self, newest: str | None) -> str | None:
        """``newest``, held back to just before the oldest change whose write the store never answered (a 503 or
        a dropped connection): else the next incremental run would not read that item again, and the store would
        keep the old quantity until a full run. A write the store refused (a verdict: product gone, stock not
        kept) does not hold it back — it fails again on every read and needs a person; it is in the run's errors."""
        if not newest or not self.unanswered:
            return newest
        before = dt.datetime.strptime(min(self.unanswered), NS_TIME) - dt.timedelta(seconds=1)
        return min(newest, before.strftime(NS_TIME))

    def close(self) -> None:
        try:
            self.writer.close()
        finally:
            if self.reads is not None:
                self.reads.shutdown(wait=True)
