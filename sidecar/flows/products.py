"""Products, NetSuite → WooCommerce: the catalog import (issue 14), "Sync now" (``POST /v1/sync/products``) and
``schedules.products`` (default off).

Steps: read the items of ``products.item_types`` (only web-store items when ``products.only_online``) with
SuiteQL keyset paging — every item on "Sync now", on a schedule only those modified since the cursor (less an
overlap) plus the whole family of any changed matrix item → read their price and stock → map (simple items to
simple products, matrix parents to variable products, children to variations) → write through products/batch
and products/<id>/variations/batch, 100 objects a call, matched by SKU (``items.match_by``) → bind with a
fingerprint, so an unchanged item costs no write. A child no longer in NetSuite sets its variation private;
nothing is ever deleted. One item that cannot be written fails alone, named with its reason in the run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sidecar.clients.errors import RemoteError
from sidecar.flows.base import FlowContext
from sidecar.flows.catalog_reads import STOCKED_TYPES, read_families, read_items, read_prices, read_stock
from sidecar.flows.catalog_writes import PRODUCT, VARIATION, Plan, Tally, write
from sidecar.mapping import products as m
from sidecar.store.models import Cursor, Link, utcnow

CURSOR = "netsuite.items.lastmodifieddate"
OVERLAP = dt.timedelta(minutes=10)
MAX_ERRORS = 20
STAMP = "%Y-%m-%d %H:%M:%S"


@dataclass
class Catalog:
    """The items of one run, grouped as WooCommerce will hold them."""

    simple: list[m.Item] = field(default_factory=list)
    parents: list[m.Item] = field(default_factory=list)
    children: dict[str, list[m.Item]] = field(default_factory=dict)
    refused: list[tuple[m.Item, str]] = field(default_factory=list)
    newest: str | None = None
    count: int = 0


def run(ctx: FlowContext, run) -> None:
    """One run: full when started by hand (or never run before), incremental on a schedule."""
    cursor = _read_cursor()
    since = None if run.trigger == "manual" or not cursor else _minus(cursor, OVERLAP)
    run.cursor_before = cursor
    catalog = read_catalog(ctx, since)
    tally = Tally()
    for item, reason in catalog.refused:
        tally.fail(Plan(item, {}, {}), reason)
    sync_catalog(ctx, catalog, tally)
    run.seen, run.changed, run.failed = catalog.count, tally.changed, len(tally.failed)
    run.errors = [f"item {p.item.id} ({p.item.sku or 'no SKU'}): {p.error}" for p in tally.failed][:MAX_ERRORS] \
        or None
    run.cursor_after = _advance(cursor, catalog, tally)


def read_catalog(ctx: FlowContext, since: str | None) -> Catalog:
    """Read the items (and, incrementally, whole matrix families) and group them."""
    options = ctx.settings["products"]["matrix_options"]
    items = {str(r["id"]): m.item_from_row(r, options) for r in read_items(ctx, since)}
    if since is not None:
        families = {i.parent for i in items.values() if i.parent}
        families |= {i.id for i in items.values() if i.matrix_type == "PARENT"}
        for row in read_families(ctx, families) if families else ():
            items.setdefault(str(row["id"]), m.item_from_row(row, options))
    return group(list(items.values()), ctx.settings["items"]["match_by"])


def group(items: list[m.Item], match_by: str) -> Catalog:
    """Simple items, parents and their children; items without a SKU, with a SKU another item already has,
    or children whose parent is not imported are refused with the reason."""
    catalog, skus = Catalog(count=len(items)), {}
    ids = {i.id for i in items if i.matrix_type == "PARENT"}
    for item in sorted(items, key=lambda i: int(i.id)):
        catalog.newest = max(filter(None, (catalog.newest, item.lastmodified)), default=None)
        if not item.sku:
            catalog.refused.append((item, f"has no {match_by}, which is its SKU in WooCommerce"))
        elif item.sku.casefold() in skus:
            catalog.refused.append((item, f"SKU {item.sku} is also item {skus[item.sku.casefold()]}'s"))
        elif item.matrix_type == "CHILD" and item.parent not in ids:
            catalog.refused.append((item, (f"its matrix parent {item.parent} is not imported (inactive, not online "
                                          "or of a type not in products.item_types)")))
        else:
            skus[item.sku.casefold()] = item.id
            if item.matrix_type == "PARENT":
                catalog.parents.append(item)
            elif item.matrix_type == "CHILD":
                catalog.children.setdefault(item.parent, []).append(item)
            else:
                catalog.simple.append(item)
    return catalog


def sync_catalog(ctx: FlowContext, catalog: Catalog, tally: Tally) -> None:
    """Products first (a variable product must exist before its variations), then each parent's variations."""
    settings = ctx.settings
    kids = [c for family in catalog.children.values() for c in family]
    prices = read_prices(ctx, [i.id for i in catalog.simple + kids])
    stock = read_stock(ctx, [i.id for i in catalog.simple + kids if i.item_type in STOCKED_TYPES])
    modes = settings["products"]["fields"]
    links = _links(PRODUCT)

    def plan(item: m.Item, full: dict) -> Plan:
        return Plan(item, full, m.update_body(full, modes), links.get(item.id))

    simple = [plan(i, m.simple_product(i, prices.get(i.id), stock.get(i.id), settings)) for i in catalog.simple]
    parents = [plan(p, m.variable_product(p, catalog.children.get(p.id, []), settings, _attributes(links, p)))
               for p in catalog.parents]
    write(PRODUCT, simple + parents, ctx.woo.batch_products, tally, lambda p, rid: _adopt(ctx, p, rid, None))
    variations = _links(VARIATION)
    families: dict[str, list[Link]] = {}
    for link in variations.values():
        families.setdefault((link.data or {}).get("parent_ns"), []).append(link)
    for parent in parents:
        family = catalog.children.get(parent.item.id, [])
        if parent.woo_id is None:
            for child in family:
                tally.fail(Plan(child, {}, {}), f"its variable product {parent.item.sku} could not be written")
            continue
        plans = [_variation_plan(c, parent, m.variation(c, prices.get(c.id), stock.get(c.id), settings), modes,
                                 variations) for c in family]
        gone = _gone(families.get(parent.item.id, []), parent, {c.id for c in family})
        write(VARIATION, plans, lambda pid=parent.woo_id, **ops: ctx.woo.batch_variations(pid, **ops), tally,
              lambda p, rid, pid=parent.woo_id: _adopt(ctx, p, rid, pid), gone)


def _attributes(links: dict[str, Link], parent: m.Item) -> list[dict] | None:
    """The attributes last written to this parent's variable product (their order is kept)."""
    link = links.get(parent.id)
    return (link.data or {}).get("attributes") if link else None


def _variation_plan(child: m.Item, parent: Plan, full: dict, modes: dict, links: dict[str, Link]) -> Plan:
    return Plan(child, full, m.update_body(full, modes, m.VARIATION_ALWAYS_SENT), links.get(child.id),
                extra={"parent_ns": parent.item.id, "parent_woo": parent.woo_id})


def _gone(family: list[Link], parent: Plan, current: set[str]) -> list[dict]:
    """Variations of this parent whose NetSuite child is no longer imported: set private, never deleted."""
    return [{"id": int(link.woo_id), "status": "private"} for link in family
            if link.ns_id not in current and (link.data or {}).get("parent_woo") == parent.woo_id
            and link.fingerprint != m.GONE]


def _adopt(ctx: FlowContext, plan: Plan, woo_id: int, parent_woo: int | None) -> bool:
    """A create refused for its SKU: take over the WooCommerce product with that SKU when it is the same kind
    (simple/variable product, or a variation of this parent); otherwise the item fails alone."""
    try:
        found = ctx.woo.get_product(woo_id)
    except RemoteError:
        return False
    same = (found.get("type") == plan.full.get("type") if parent_woo is None
            else found.get("type") == "variation" and int(found.get("parent_id") or 0) == parent_woo)
    if same:
        plan.woo_id, plan.link = woo_id, None
    return same


def _links(entity: str) -> dict[str, Link]:
    return {link.ns_id: link for link in Link.select().where(Link.entity == entity)}


def _advance(cursor: str | None, catalog: Catalog, tally: Tally) -> str | None:
    """The newest ``lastmodifieddate`` read, held back to the oldest item whose write failed, so it is read again.
    Items refused as they stand in NetSuite (no SKU, …) do not hold it back: fixing them there moves their date."""
    refused = {item.id for item, _ in catalog.refused}
    failed = [p.item.lastmodified for p in tally.failed if p.item.lastmodified and p.item.id not in refused]
    newest = min([catalog.newest, *failed]) if catalog.newest else cursor
    if newest and newest != cursor:
        Cursor.insert(name=CURSOR, value=newest, updated_at=utcnow()).on_conflict(
            conflict_target=[Cursor.name], update={Cursor.value: newest, Cursor.updated_at: utcnow()}).execute()
    return newest


def _read_cursor() -> str | None:
    row = Cursor.get_or_none(Cursor.name == CURSOR)
    return row.value if row and row.value else None


def _minus(stamp: str, delta: dt.timedelta) -> str:
    return (dt.datetime.strptime(stamp, STAMP) - delta).strftime(STAMP)
