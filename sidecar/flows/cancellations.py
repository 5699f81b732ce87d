"""Cancellations, both ways.

WooCommerce → NetSuite (``order.cancelled``, and ``order.updated`` of a cancelled order): read the sales order →
already closed or cancelled there? then only remember it → anything fulfilled? then report it on the order
(private note + outcome) and change nothing: a person decides → else close every open line (``isClosed``,
spec §5/§6.1) → remember "closed by woocommerce", its note pending → private note → no longer pending (a
note the store refused is written by the retry).

NetSuite → WooCommerce (the ``cancellations`` run, ``schedules.cancellations``, when
``cancellations.from_netsuite``): sales orders closed (H) or cancelled (C) since the cursor (SuiteQL) → ours and
not closed by us → nothing shipped and the order neither completed nor refunded in WooCommerce? then cancel it
with a note; else report it with a private note — the close is remembered ("closed by netsuite") first, its note
pending until written (``_tell_store``). The run also queues cancelled WooCommerce orders the orders poll does
not list.

Loop guard: the cancellation is remembered on the order's link (``data.cancellation``) and each side re-reads
the other before writing, so our own close does not come back as a cancel, nor our cancel as a close.
"""

from __future__ import annotations

from sidecar.clients.errors import NotFoundError, RemoteError
from sidecar.clients.suiteql import literal
from sidecar.flows import claims, ns_poll, woo_poll
from sidecar.flows.base import FlowBusy, FlowContext, FlowError
from sidecar.flows.order_notes import note_once
from sidecar.mapping.common import money, ns_bool
from sidecar.store import binder
from sidecar.store.models import utcnow

FLOW = "cancellations"
CURSOR = "netsuite.salesorders.closed.lastmodifieddate"
WOO_CURSOR = "woo.orders.cancelled.modified_after"
CLOSED = {"C": "cancelled", "H": "closed"}
# WooCommerce orders a NetSuite close never cancels: cancelling a completed order would put its stock back and
# take it out of the shop's sales; a refunded one has already been paid back. A private note says why.
SETTLED = {"completed", "refunded"}
CLAIM = "cancellation"  # binder claim row held while a WooCommerce cancel is applied
MAX_ERRORS = 20
QUERY = ("SELECT t.id, t.tranid, t.status, TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodified "
         "FROM transaction t WHERE t.type = 'SalesOrd' AND t.status IN ('C', 'H') "
         "AND t.lastmodifieddate >= TO_DATE({since}, 'YYYY-MM-DD HH24:MI:SS') ORDER BY t.id")


# -- WooCommerce → NetSuite ----------------------------------------------------------------------------------
def woo_cancelled(ctx: FlowContext, order: dict, link) -> str | None:
    """Close the sales order of a cancelled WooCommerce order, or report why not; None when not cancelled."""
    if order.get("status") != "cancelled" or handled(link):
        return None
    # the webhook and the plugin's event of one cancel may run side by side: one handles it, under a claim
    with claims.hold(ctx, CLAIM, order["id"], f"the cancellation of order {order['id']} is being handled by "
                                              "another job"):
        link = binder.find("order", order["id"])  # re-read under the claim
        record = cancellation_of(link)
        if record is None:
            return _close_for_woo(ctx, order, link)
        if record.get("note_pending"):  # the store refused it after the close was recorded
            _write_note(ctx, order, link, reread=True)
            return f"The note on the cancellation of {link.ns_number or link.ns_id} was written."
        return None


def handled(link) -> bool:
    """The cancellation is recorded and said on the order. A close recorded with its note still pending (the
    store refused the note) is not: the record alone would make every later job skip the order."""
    record = cancellation_of(link)
    return record is not None and not record.get("note_pending")


def _close_for_woo(ctx: FlowContext, order: dict, link) -> str:
    number = link.ns_number or link.ns_id
    if (link.data or {}).get("record", "salesOrder") != "salesOrder":
        return _report(ctx, order, link, f"Cancelled in WooCommerce, but {number} is a cash sale, which cannot "
                                         "be closed; refund or void it in NetSuite.")
    sales_order = ctx.netsuite.get("salesOrder", link.ns_id, expand_sub_resources=True)
    status = (sales_order.get("status") or {}).get("id")
    if status in CLOSED:
        _remember(link, "netsuite", CLOSED[status])
        return f"Cancelled in WooCommerce; {number} was already {CLOSED[status]} in NetSuite."
    lines = (sales_order.get("item") or {}).get("items") or []
    if any(money(line.get("quantityFulfilled")) > 0 for line in lines):
        return _report(ctx, order, link, f"Cancelled in WooCommerce after NetSuite shipped part of {number}; the "
                                         "sales order was not changed. Close or return it in NetSuite.")
    open_lines = lines_to_close(sales_order)
    ctx.netsuite.update("salesOrder", link.ns_id, {"item": {"items": open_lines}})
    _remember(link, "woocommerce", "closed", lines=len(open_lines),
              note_pending=f"Cancelled: every line of {number} closed in NetSuite.")
    _write_note(ctx, order, link)
    return f"Closed {number} in NetSuite ({len(open_lines)} lines), cancelled in WooCommerce."


def _write_note(ctx: FlowContext, order: dict, link, *, reread: bool = False) -> None:
    """The pending note of the recorded close, then the record without it. The close is recorded before its note
    (a retry must not read our own close as one made in NetSuite, nor our cancel's echo close the sales order
    back), so a note the store refused is still there for the next job to write. ``reread``: an earlier attempt
    may have written the note and lost the answer, so the order's notes are read first."""
    record = dict(cancellation_of(link) or {})
    note = record.pop("note_pending")
    if reread:
        note_once(ctx, order["id"], note)
    else:
        ctx.woo.add_order_note(order["id"], note, customer_note=False)
    binder.remember(link, cancellation=record)


def lines_to_close(sales_order: dict) -> list[dict]:
    """The PATCH lines that close every open line: keyed by ``line`` so they update, never add (spec §5);
    ``isClosed`` read as JSON or ``"T"``/``"F"`` (spec §3.2)."""
    return [{"line": line["line"], "isClosed": True}
            for line in (sales_order.get("item") or {}).get("items") or [] if not ns_bool(line.get("isClosed"))]


def _report(ctx: FlowContext, order: dict, link, message: str) -> str:
    note_once(ctx, order["id"], message)
    _remember(link, "woocommerce", "reported", message=message)
    return f"Reported: {message}"


def _remember(link, by: str, state: str, **extra) -> None:
    binder.remember(link, cancellation={"by": by, "state": state, "at": utcnow().isoformat() + "Z", **extra})


# -- NetSuite → WooCommerce ----------------------------------------------------------------------------------
def run(ctx: FlowContext, run) -> None:
    """Poll closed/cancelled sales orders (when ``cancellations.from_netsuite``), then queue cancelled
    WooCommerce orders the orders poll skips."""
    ns_cursors = None
    if ctx.settings["cancellations"]["from_netsuite"]:
        _poll_netsuite(ctx, run)
        ns_cursors = (run.cursor_before, run.cursor_after)
    errors = list(run.errors or [])
    # an order whose cancellation is handled needs nothing (woo_cancelled would answer None): among them the
    # orders this run just cancelled for NetSuite, whose webhook may not have arrived yet
    woo_poll.queue_changed(ctx, run, cursor=WOO_CURSOR, statuses=["cancelled"], topic="order.cancelled",
                           handled=handled)
    if ns_cursors:  # the run has one pair of cursor fields and two polls: say both, each by name
        run.cursor_before = f"netsuite {ns_cursors[0]}; woocommerce {run.cursor_before}"
        run.cursor_after = f"netsuite {ns_cursors[1]}; woocommerce {run.cursor_after}"
    run.errors = errors[:MAX_ERRORS] or None


def _poll_netsuite(ctx: FlowContext, run) -> None:
    started = utcnow()
    since = ns_poll.window_start(CURSOR, started)
    run.cursor_before = ns_poll.ns_time(since)
    rows = list(ctx.netsuite.suiteql(QUERY.format(since=literal(ns_poll.ns_time(since)))))
    errors, failed = [], []
    for row in rows:
        link = binder.find_by_ns_id("order", row["id"])
        if link is None or not link.ns_id or (link.data or {}).get("cancellation"):
            continue  # not ours, or already handled either way (the loop guard)
        run.seen += 1
        try:
            run.changed += netsuite_closed(ctx, link, row)
        except (FlowError, FlowBusy, RemoteError) as exc:  # busy: a WooCommerce cancel of it is under way
            run.failed += 1
            failed.append(row)
            errors.append(f"Order {link.woo_id} ({link.ns_number}): {exc}")
    run.cursor_after = ns_poll.advance(CURSOR, rows, failed, started) or run.cursor_before
    run.errors = errors or None


def netsuite_closed(ctx: FlowContext, link, row: dict) -> int:
    """Cancel the WooCommerce order of a sales order closed in NetSuite with nothing shipped; else report."""
    state = CLOSED[str(row["status"])]
    number = link.ns_number or row.get("tranid")
    try:
        order = ctx.woo.get_order(int(link.woo_id))
    except NotFoundError:
        _remember(link, "netsuite", state, woo="gone")
        return 0
    if order.get("status") == "cancelled":  # cancelled on both sides already: nothing to write
        _remember(link, "netsuite", state, woo="already cancelled")
        return 0
    if order.get("status") in SETTLED:  # the shop finished it (or paid it back): cancelling would undo that
        return _tell_store(ctx, link, order, state, f"{number} was {state} in NetSuite; the order is already "
                                                    f"{order['status']} here, so it was left as it is.",
                           woo=order["status"])
    sales_order = ctx.netsuite.get("salesOrder", link.ns_id, expand_sub_resources=True)
    if any(money(ln.get("quantityFulfilled")) > 0 for ln in (sales_order.get("item") or {}).get("items") or []):
        return _tell_store(ctx, link, order, state, f"{number} was {state} in NetSuite after part of it shipped; "
                                                    "the order was left as it is.", shipped=True)
    return _tell_store(ctx, link, order, state, f"Cancelled because sales order {number} was {state} in NetSuite.",
                       cancel=True, shipped=False)


def _tell_store(ctx: FlowContext, link, order: dict, state: str, note: str, *, cancel: bool = False,
                **record) -> int:
    """Record the close on the link first, its note pending — the echo of our own cancel (``order.cancelled``)
    must find it and not close the sales order back — then write the store, holding the cancellation's claim so
    that the echo waits for this. A cancel that fails takes the record back: the poll would skip an order whose
    cancellation is recorded, and this sales order stays in its window for the next run. A note that fails after
    the store cancelled the order stays pending: the next run would find the order cancelled and say nothing,
    while the echo of the cancel writes it (``woo_cancelled``); with nothing cancelled, the record is taken back
    and the next run tells the store again. The note is written once (``order_notes.note_once``): a note saved whose
    answer was lost is not written again."""
    with claims.hold(ctx, CLAIM, order["id"], f"the cancellation of order {order['id']} is being handled by "
                                              "another job"):
        _remember(link, "netsuite", state, note_pending=note, **record)
        try:
            if cancel:
                ctx.woo.update_order(order["id"], {"status": "cancelled"})
        except Exception:
            binder.remember(link, cancellation=None)
            raise
        try:
            _write_note(ctx, order, link, reread=True)
        except Exception:
            if not cancel:
                binder.remember(link, cancellation=None)
            raise
    return 1


def cancellation_of(link) -> dict | None:
    """The cancellation an order went through, for ``GET /v1/orders/<id>``."""
    return (link.data or {}).get("cancellation") if link else None
