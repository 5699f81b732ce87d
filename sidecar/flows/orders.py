"""Orders, WooCommerce → NetSuite sales orders (issue 6).

Steps, top to bottom: read the order fresh from WooCommerce → already linked? then only update what may still
change → status one of ``orders.export_statuses``? → claim it (the claim belongs to this job's attempt: a live
holder makes us wait without spending an attempt, a dead one's claim is taken over — ``flows/claims.py``) →
resolve customer (able to buy in the order's currency) and items → map → create (a record an earlier, crashed
attempt created is found by its external id) → bind → write back (order meta + a private note).
Replays, duplicate webhooks and the echo of our own write-back all end at "Already up to date."
"""

from __future__ import annotations

from sidecar.clients.errors import NotFoundError
from sidecar.clients.netsuite import AdoptedId
from sidecar.flows import claims, currencies, customers, item_lookup, order_costs, order_sequence
from sidecar.flows.base import FlowContext, FlowError
from sidecar.flows.order_notes import note_once, note_texts
from sidecar.flows.records import create_or_adopt
from sidecar.mapping import orders as order_map
from sidecar.mapping.common import MappingError, fingerprint
from sidecar.mapping.rules import apply_field_map
from sidecar.store import binder

UNFULFILLED = {"A", "B"}  # Pending Approval, Pending Fulfillment
META_ID, META_NUMBER = "_netsuite_sales_order_id", "_netsuite_sales_order_number"


def handle_order_event(event, ctx: FlowContext) -> str:
    """``order.created`` / ``order.updated``: export the order once, then keep its header in step."""
    try:
        order = ctx.woo.get_order(event.resource_id)
    except NotFoundError:
        return f"Order {event.resource_id} no longer exists in WooCommerce; nothing to do."
    link = binder.find("order", order["id"])
    if link and link.ns_id:
        return update_exported(ctx, order, link)
    statuses = ctx.settings["orders"]["export_statuses"]
    if order["status"] not in statuses:
        return f"Not exported yet: status {order['status']} is not one of orders.export_statuses {statuses}"
    first = order_sequence.earlier_orders_first(ctx, event, order, lambda o: export_claimed(ctx, o))
    return " ".join([*first, export_claimed(ctx, order)])


def export_claimed(ctx: FlowContext, order: dict) -> str:
    """Export while holding the order's claim, so a parallel job for the same order cannot create twice. A job
    that finds the claim held by a live job waits for it (FlowBusy); once the holder is done the link is there."""
    with claims.hold(ctx, "order", order["id"], f"order {order['id']} is being exported by another job"):
        link = binder.find("order", order["id"])  # the holder we waited for may have finished meanwhile
        if link and link.ns_id:
            return update_exported(ctx, order, link)
        with order_sequence.creating(order["id"]):
            return export(ctx, order)


def export(ctx: FlowContext, order: dict) -> str:
    """Create the sales order and record the link. If an earlier attempt created it and then crashed, the
    create answers with that record (its external id is taken), so it is adopted, never duplicated."""
    with order_costs.customer_turn(order):  # a buyer's orders side by side would each create the customer
        customer_id = customers.ensure_for_order(ctx, order)
    resolved = order_map.ResolvedOrder(customer_id=customer_id,
                                       item_ids=item_lookup.resolve_lines(ctx, order.get("line_items") or []))
    record_type = order_map.record_type(order, ctx.settings)  # salesOrder, or cashSale for a paid order
    try:
        build = order_map.cash_sale if record_type == "cashSale" else order_map.sales_order
        body = build(order, ctx.settings, resolved)
    except MappingError as exc:
        raise FlowError(exc.message, field=exc.setting) from exc
    try:
        ns_id = create_or_adopt(ctx, record_type, body, RECORD_LABEL[record_type])
    except FlowError as exc:
        currencies.refused(exc, resolved.customer_id)
        raise
    order_sequence.created(order["id"])  # the buyer's next order may go now (arrival order is kept)
    record = {"id": str(ns_id), "tranId": order_costs.sales_order_number(ctx, ns_id, record_type)}  # one shared read
    link = _bind(order, record, body["externalId"], record_type)
    write_back(ctx, order, link, creator=True)
    if isinstance(ns_id, AdoptedId):
        return _adopted(ctx, order, link)
    return f"Created {link.ns_number} (internal id {link.ns_id})"


def _adopted(ctx: FlowContext, order: dict, link) -> str:
    """The sales order was already there: an earlier attempt created it and died before the link. The order may
    have changed since (a new address is why the next event came), and the link now holds the fingerprint of
    today's data, so the header is sent now, as after any change (unless turned off or already shipping)."""
    outcome = f"Adopted {link.ns_number} (internal id {link.ns_id}), created by an earlier attempt."
    if not ctx.settings["orders"]["update_after_export"]:
        return outcome
    return f"{outcome} {_update_header(ctx, order, link, link.fingerprint)}"


RECORD_LABEL = {"salesOrder": "the sales order", "cashSale": "the cash sale"}


def _bind(order: dict, record: dict, ext_id: str, record_type: str = "salesOrder"):
    return binder.bind("order", order["id"], record["id"], external_id=ext_id,
                       ns_number=record.get("tranId") or str(record["id"]),
                       fingerprint=fingerprint(order_map.header_fingerprint_source(order)),
                       data={"lines": fingerprint(order_map.lines_fingerprint_source(order)), "record": record_type})


def write_back(ctx: FlowContext, order: dict, link, *, creator: bool = False) -> None:
    """Order meta with the NetSuite id and number, and a private note; once per link.

    The job that created the record writes back, still holding the order's claim. Another job (the checkout's
    second event) that finds the link takes the claim first, so it waits while the creator is alive and writing
    back, then re-reads the link: the note is written once. A creator that died in between left its claim with
    its lease, so the waiter finishes the write-back as soon as that lease is gone."""
    if (link.data or {}).get("written_back"):
        return
    if creator:
        _write_back(ctx, order, link)
        return
    with claims.hold(ctx, "order", order["id"], f"order {order['id']} was just exported by another job; trying "
                                                "again shortly"):
        link = binder.find("order", order["id"])
        if not (link.data or {}).get("written_back"):
            _write_back(ctx, order, link, reread=True)


def _write_back(ctx: FlowContext, order: dict, link, *, reread: bool = False) -> None:
    """``written_back`` is recorded after the note, so a write-back that failed is finished by a later job. That
    job (``reread``) reads the notes first: the store may have saved the note and lost its answer (a timeout),
    and the note is not written twice. The creator writes without reading: nobody wrote it before."""
    ctx.woo.set_order_meta(order["id"], {META_ID: link.ns_id, META_NUMBER: link.ns_number})
    kind = RECORD_LABEL[(link.data or {}).get("record") or "salesOrder"].removeprefix("the ")
    note = f"Exported to NetSuite as {kind} {link.ns_number} (internal id {link.ns_id})."
    if reread:
        note_once(ctx, order["id"], note)
    else:
        ctx.woo.add_order_note(order["id"], note, customer_note=False)
    binder.remember(link, written_back=True)


def update_exported(ctx: FlowContext, order: dict, link) -> str:
    """After export: finish a missed write-back, send address/note changes while unfulfilled, report line
    changes (never guessed: a person decides how to change a sales order's lines)."""
    write_back(ctx, order, link)
    outcomes = []
    lines_fp = fingerprint(order_map.lines_fingerprint_source(order))
    if lines_fp != (link.data or {}).get("lines") and lines_fp != (link.data or {}).get("lines_reported"):
        outcomes.append(_report_line_change(ctx, order, link, lines_fp))
    header_fp = fingerprint(order_map.header_fingerprint_source(order))
    if header_fp != link.fingerprint and ctx.settings["orders"]["update_after_export"]:
        outcomes.append(_update_header(ctx, order, link, header_fp))
    return " ".join(outcomes) or "Already up to date."


def _update_header(ctx: FlowContext, order: dict, link, header_fp: str) -> str:
    if (link.data or {}).get("record") == "cashSale":  # a cash sale is final: nothing left to ship to
        binder.bind("order", order["id"], link.ns_id, fingerprint=header_fp)
        return f"Address/note change not sent: {link.ns_number} is a cash sale."
    record = ctx.netsuite.get("salesOrder", link.ns_id)
    status = (record.get("status") or {}).get("id") if isinstance(record.get("status"), dict) else None
    if status and status not in UNFULFILLED:
        binder.bind("order", order["id"], link.ns_id, fingerprint=header_fp)
        return f"Address/note change not sent: {link.ns_number} is already being fulfilled (status {status})."
    body = order_map.update_body(order)
    body.update(apply_field_map(order, ctx.settings["orders"]["field_map"]))
    ctx.netsuite.update("salesOrder", link.ns_id, body)
    binder.bind("order", order["id"], link.ns_id, fingerprint=header_fp)
    return f"Updated {link.ns_number} (addresses, note)."


def _report_line_change(ctx: FlowContext, order: dict, link, lines_fp: str) -> str:
    """One note per change of the items. ``lines_reported`` is recorded after the note, so a note the store
    saved whose answer was lost (a timeout) would be written again by the retry; and the text is the same for
    every change, so finding it proves nothing. Before writing, the number of such notes is recorded with the
    change (``lines_reporting``): a retry of that change that finds one more note knows the note landed."""
    message = (f"The items of this order changed after it was exported as {link.ns_number}; the sales order "
               "was not changed. Update it in NetSuite if needed.")
    told = note_texts(ctx, order["id"]).count(message)
    tried = (link.data or {}).get("lines_reporting") or {}
    if not (tried.get("lines") == lines_fp and told > tried.get("told", told)):
        binder.remember(link, lines_reporting={"lines": lines_fp, "told": told})
        ctx.woo.add_order_note(order["id"], message, customer_note=False)
    binder.remember(link, lines_reported=lines_fp, lines_reporting=None)
    return f"Reported: items changed after export; {link.ns_number} left as it is."
