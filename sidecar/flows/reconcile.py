"""Reconciliation (issue 16): proves afterwards that both sides agree, as a report that reads and never writes.

Steps, top to bottom: take the oldest pending report (``POST /v1/reports/reconcile`` made it; one a failed run
could not make waits as pending again) or start one over the last ``reconcile.lookback_days`` (schedule, "Sync
now") → read WooCommerce's orders in the export statuses created in the window (paged) → read our NetSuite sales
orders of the window in one keyset-paged SuiteQL query (1,000 rows a page) → the customer each order is linked to
(the binder) → compare (``mapping.reconcile``) → store the findings and counts on the report.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sidecar.clients.suiteql import literal
from sidecar.flows import catalog, in_flight, inventory
from sidecar.flows.base import FlowContext, FlowError
from sidecar.mapping.common import guest_key
from sidecar.mapping.reconcile import Comparison, compare_orders, compare_stock
from sidecar.mapping.stock import sku_key, target_quantity
from sidecar.store import binder
from sidecar.store.models import Link, Report, SyncRun, utcnow

WOO_FIELDS = ("id", "number", "status", "total", "total_tax", "currency", "customer_id", "date_created")
NS_QUERY = ("SELECT t.id, t.tranid, t.externalid, t.otherrefnum, t.foreigntotal, t.taxtotal, t.entity, t.status "
            "FROM transaction t WHERE t.type = 'SalesOrd' AND t.id > {after} "
            "AND t.trandate >= TO_DATE({start}, 'YYYY-MM-DD') AND t.trandate <= TO_DATE({end}, 'YYYY-MM-DD') "
            "AND (t.externalid LIKE {ours} OR t.otherrefnum IS NOT NULL) ORDER BY t.id")


def run(ctx: FlowContext, run) -> None:
    """Reconcile every pending report (one is made for the lookback window when none waits)."""
    report = _next_report(ctx, run)
    while report is not None:
        _reconcile(ctx, run, report)
        report = _next_report(ctx, run, create=False)


def _next_report(ctx: FlowContext, run, create: bool = True) -> Report | None:
    """The oldest report waiting: pending, or left running by a run that is over (its worker was killed)."""
    over = SyncRun.select(SyncRun.id).where(SyncRun.status != "running")
    pending = Report.select().where((Report.kind == "reconcile") & (
        (Report.status == "pending") | ((Report.status == "running") & Report.run_id.in_(over)))).order_by(Report.id)
    report = pending.first()
    if report is None and create:
        to = utcnow()
        since = to - dt.timedelta(days=ctx.settings["reconcile"]["lookback_days"])
        report = Report.create(kind="reconcile", params={"from": since.isoformat(timespec="seconds"),
                                                         "to": to.isoformat(timespec="seconds")})
    if report is not None:
        Report.update(status="running", run_id=run.id).where(Report.id == report.id).execute()
    return report


def _reconcile(ctx: FlowContext, run, report: Report) -> None:
    start, end = (dt.datetime.fromisoformat(report.params[k]) for k in ("from", "to"))
    try:
        orders = list(woo_orders(ctx, start, end))
        rows = list(ns_sales_orders(ctx, start, end))
        cmp = Comparison(store_key=ctx.settings["store"]["key"], taxes=ctx.settings["orders"]["taxes"],
                         tolerance=Decimal(str(ctx.settings["reconcile"]["tolerance"])))
        compare_orders(cmp, orders, rows, expected_customers(ctx, orders))
        if report.params.get("stock", ctx.settings["reconcile"]["stock"]):
            compare_stock(cmp, *stock_sides(ctx))
    except FlowError as exc:
        Report.update(status="failed", error=exc.message, finished_at=utcnow()).where(
            Report.id == report.id).execute()
        raise
    except Exception as exc:
        _wait_again(report, exc)
        raise
    counts = {"orders": len(orders), "sales_orders": len(rows), **cmp.counts()}
    Report.update(status="done", counts=counts, findings=cmp.findings, error=None, finished_at=utcnow()).where(
        Report.id == report.id).execute()
    run.seen += len(orders)
    run.failed += len(cmp.findings)
    run.errors = ([f"report {report.id}: {len(cmp.findings)} finding(s)"] if cmp.findings else None)


def _wait_again(report: Report, exc: Exception) -> None:
    """A report its run could not make (a system did not answer) is pending again, saying why: it was marked
    running first, and left so it stayed running for good — no later run took it and nobody was told."""
    Report.update(status="pending", error=f"Not made yet: {exc}. The next reconcile run makes it.").where(
        Report.id == report.id).execute()


def woo_orders(ctx: FlowContext, start: dt.datetime, end: dt.datetime):
    """Orders in the export statuses created in the window, slimmed to what the comparison reads."""
    statuses = ctx.settings["orders"]["export_statuses"]
    params = {"after": _gmt(start), "before": _gmt(end), "dates_are_gmt": "true"}
    for order in ctx.woo.iter_orders(status=statuses, **params):
        slim = {k: order.get(k) for k in WOO_FIELDS}
        slim["email"] = ((order.get("billing") or {}).get("email") or "").strip().lower()
        yield slim


def ns_sales_orders(ctx: FlowContext, start: dt.datetime, end: dt.datetime):
    """Our sales orders (external id prefix) and any with an order number, in the window ± a day (NetSuite's
    transaction date is in the account's time zone)."""
    ours = literal(f"woo-{ctx.settings['store']['key']}-order-%")
    query = NS_QUERY.format(after="{after}", ours=ours,
                            start=literal((start - dt.timedelta(days=1)).strftime("%Y-%m-%d")),
                            end=literal((end + dt.timedelta(days=1)).strftime("%Y-%m-%d")))
    yield from ctx.netsuite.suiteql_keyset(query, key="id")


def expected_customers(ctx: FlowContext, orders: list[dict]) -> dict:
    """The NetSuite customer each order should be sold to, where the sidecar knows it."""
    guest = ctx.settings["orders"]["guest_customer"]
    out = {}
    for order in orders:
        if order.get("customer_id"):
            link = binder.find("customer", order["customer_id"])
        elif guest != "create":
            out[order["id"]] = guest
            continue
        else:
            link = binder.find("guest", guest_key(order["email"])) if order["email"] else None
        if link and link.ns_id:
            out[order["id"]] = link.ns_id
    return out


def stock_sides(ctx: FlowContext) -> tuple[dict[str, int | None], dict[str, int]]:
    """Per folded SKU: the store's stock now (a fresh catalog scan) and what the inventory flow would push
    (NetSuite available − buffer − units held by orders not yet in NetSuite). Only the local SKU map is written."""
    catalog.scan(ctx)
    settings = ctx.settings
    held = in_flight.held_units(ctx) if settings["inventory"]["hold_unexported_orders"] else {}
    buffer = settings["inventory"]["safety_buffer"]
    expected: dict[str, int] = {}
    for page in inventory.stock_pages(ctx, settings, None):
        for row in page:
            key = sku_key(row.get("sku"))
            if key:
                expected[key] = target_quantity(row.get("available"), buffer, held.get(key, 0))
    store: dict[str, int | None] = {}
    for link in Link.select(Link.external_id, Link.data).where((Link.entity == catalog.ENTITY)
                                                               & Link.external_id.is_null(False)):
        if (link.data or {}).get("type") != "variable":
            store[link.external_id] = (link.data or {}).get("woo_qty") if (link.data or {}).get("managed") else None
    return store, expected


def _gmt(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S")
