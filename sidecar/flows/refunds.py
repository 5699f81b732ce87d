"""Refunds, WooCommerce → NetSuite credit memos or cash refunds (``order.refunded``; ``order.updated`` and the
polls look at refunds too, since WooCommerce has no refund webhook of its own).

Steps, top to bottom, for each refund of an exported order that is not bound yet: map it (items and quantities,
amount-only, shipping, fees, tax; MappingError names the setting) → pick the record (``refunds.record``) and its
source (spec §6.5: a cash refund from the cash sale, a credit memo from the invoice when NetSuite has one, else
standalone against the customer) → create it with external id ``woo-<store>-refund-<id>`` (a replay finds it)
→ check the total NetSuite shows against WooCommerce's → bind → a private note on the order.

The ``refunds`` run is the catch-up for orders the orders poll does not list (status ``refunded``): it queues an
``order.refunded`` event per changed order version, keyed like the webhook of that version.
"""

from __future__ import annotations

from sidecar.clients.suiteql import literal
from sidecar.flows import claims, item_lookup, woo_poll
from sidecar.flows.base import FlowContext, FlowError
from sidecar.flows.records import create_or_adopt
from sidecar.mapping import refunds as refund_map
from sidecar.mapping.common import MappingError, money
from sidecar.store import binder

FLOW = "refunds"
ENTITY = "refund"  # binder: "<woo order id>-<refund id>" ↔ the credit memo / cash refund
LABEL = {"creditMemo": "credit memo", "cashRefund": "cash refund"}
SOURCES = {"creditMemo": ("invoice", "CustInvc"), "cashRefund": ("cashSale", "CashSale")}


def sync_refunds(ctx: FlowContext, order: dict, link) -> list[str]:
    """Record every refund of an exported order that NetSuite does not have yet; one outcome per refund."""
    listed = [r.get("id") for r in order.get("refunds") or []]
    if all(_settled(order["id"], rid) for rid in listed):  # the usual echo: nothing new, no extra read
        return []
    outcomes = []
    for refund in sorted(ctx.woo.list_refunds(order["id"]), key=lambda r: r["id"]):
        key = child_key(order["id"], refund["id"])
        if _settled(order["id"], refund["id"]):
            continue
        # order.updated and order.refunded of one refund may run side by side: one records it, under a claim
        with claims.hold(ctx, ENTITY, key, f"refund {refund['id']} is being recorded by another job; trying again "
                                           "shortly"):
            row = binder.find(ENTITY, key)  # re-read under the claim
            if row is None or not row.ns_id:
                outcomes.append(record_refund(ctx, order, link, refund))
            elif not (row.data or {}).get("noted"):
                outcomes.append(_note_again(ctx, order, row))
    return outcomes


def _settled(order_id, refund_id) -> bool:
    """Bound and said on the order. A refund bound without its note (the store refused the note) is not settled:
    the binding alone would make every later job skip it, and the order would never say where its refund went."""
    link = binder.find(ENTITY, child_key(order_id, refund_id))
    return link is not None and bool(link.ns_id) and bool((link.data or {}).get("noted"))


def child_key(order_id, refund_id) -> str:
    return f"{order_id}-{refund_id}"


def record_refund(ctx: FlowContext, order: dict, link, refund: dict) -> str:
    """Create the NetSuite record of one refund, bind it, and say so on the order."""
    record_type = ctx.settings["refunds"]["record"]
    refunded = {refund_map.refunded_item_id(line) for line in refund.get("line_items") or []
                if money(line.get("quantity"))}
    item_ids = item_lookup.resolve_lines(ctx, [ln for ln in order.get("line_items") or [] if ln["id"] in refunded])
    try:
        plan = refund_map.refund_plan(refund, order, ctx.settings, item_ids)
    except MappingError as exc:
        raise FlowError(f"Refund {refund['id']}: {exc.message}", field=exc.setting) from exc
    ns_id, source = _create(ctx, record_type, link, plan)
    record = ctx.netsuite.get(record_type, ns_id)
    number = record.get("tranId") or str(ns_id)
    total = money(record.get("total"))
    if ctx.settings["orders"]["taxes"] != "woocommerce":  # NetSuite added its own tax: compare before tax
        total -= money(record.get("taxTotal"))
    mismatch = "" if total == plan.expected_total else (
        f" NetSuite shows {total}, WooCommerce {plan.expected_total}: check the record.")
    link_row = binder.bind(ENTITY, child_key(order["id"], refund["id"]), ns_id, ns_number=number,
                           external_id=plan.body["externalId"],
                           data={"order": order["id"], "refund": refund["id"], "record": record_type,
                                 "source": source, "amount": str(money(refund.get("amount"))),
                                 "total": str(total), "at": refund.get("date_created"),
                                 "note": f"Refund {refund['id']} ({money(refund.get('amount'))}) recorded in "
                                         f"NetSuite as {LABEL[record_type]} {number}.{mismatch}"})
    ctx.woo.add_order_note(order["id"], link_row.data["note"], customer_note=False)
    binder.remember(link_row, noted=True)
    return f"Refund {refund['id']}: created {LABEL[record_type]} {number} ({source}, total {total}).{mismatch}"


def _note_again(ctx: FlowContext, order: dict, row) -> str:
    """The note of a refund bound by an attempt whose note failed. The notes are read first: a note the store
    saved although its answer was lost is not written twice."""
    data = row.data or {}
    note = data.get("note") or f"Refund {data.get('refund')} ({data.get('amount')}) recorded in NetSuite as " \
                               f"{LABEL[data.get('record') or 'creditMemo']} {row.ns_number}."
    marker = f"Refund {data.get('refund')} ("
    if not any(str(n.get("note") or "").startswith(marker) for n in ctx.woo.list_order_notes(order["id"])):
        ctx.woo.add_order_note(order["id"], note, customer_note=False)
    binder.remember(row, noted=True)
    return f"Refund {data.get('refund')}: noted on the order ({row.ns_number})."


def _create(ctx: FlowContext, record_type: str, link, plan: refund_map.RefundPlan) -> tuple[str, str]:
    """From its source when there is one (transform), else standalone; a record an earlier attempt made is
    found by its external id first, so a replay never makes a second one."""
    found = ctx.netsuite.find_by_external_id(record_type, plan.body["externalId"])
    if found:
        return str(found["id"]), "adopted"
    source_type, source_id = find_source(ctx, record_type, link)
    if source_id:
        source = ctx.netsuite.get(source_type, source_id, expand_sub_resources=True)
        lines = [refund_map.SourceLine(int(line["line"]), str((line.get("item") or {}).get("id")))
                 for line in (source.get("item") or {}).get("items") or []]
        body = refund_map.transform_body(plan, lines, bool(source.get("discountItem")),
                                         apply_to=source_id if source_type == "invoice" else None)
        return ctx.netsuite.transform(source_type, source_id, record_type, body), f"from {source_type} {source_id}"
    order_record = ctx.netsuite.get(_order_type(link), link.ns_id)
    header = {k: order_record[k] for k in ("entity", "subsidiary", "currency", "location")
              if isinstance(order_record.get(k), dict) and order_record[k].get("id")}
    header = {k: {"id": str(v["id"])} for k, v in header.items()}
    body = refund_map.standalone_body(plan, header)
    return create_or_adopt(ctx, record_type, body, f"the {LABEL[record_type]}"), "standalone"


def _order_type(link) -> str:
    return (link.data or {}).get("record") or "salesOrder"


def find_source(ctx: FlowContext, record_type: str, link) -> tuple[str, str | None]:
    """The record a refund is transformed from: our cash sale itself, or the invoice / cash sale NetSuite made
    from our sales order; None when there is none (the refund is then standalone)."""
    source_type, code = SOURCES[record_type]
    if _order_type(link) == source_type:
        return source_type, link.ns_id
    if _order_type(link) != "salesOrder":
        return source_type, None
    rows = list(ctx.netsuite.suiteql(
        "SELECT t.id FROM transaction t JOIN transactionline tl ON tl.transaction = t.id AND tl.mainline = 'T' "
        f"WHERE t.type = {literal(code)} AND tl.createdfrom = {literal(link.ns_id)} ORDER BY t.id"))
    return source_type, (str(rows[0]["id"]) if rows else None)


def refunds_of(order_id) -> list[dict]:
    """The refunds recorded for an order, for ``GET /v1/orders/<id>``; ``synced_at`` (when the NetSuite record
    was made, as for shipments) lets the order box say when."""
    return [{"refund_id": (ln.data or {}).get("refund"), "ns_id": ln.ns_id, "ns_number": ln.ns_number,
             "record": (ln.data or {}).get("record"), "source": (ln.data or {}).get("source"),
             "amount": (ln.data or {}).get("amount"), "ns_total": (ln.data or {}).get("total"),
             "external_id": ln.external_id, "synced_at": ln.created_at.isoformat() + "Z"}
            for ln in binder.children(ENTITY, order_id)]


def run(ctx: FlowContext, run) -> None:
    """Catch-up for fully refunded orders (status ``refunded``, which the orders poll does not list)."""
    woo_poll.queue_changed(ctx, run, cursor=CURSOR, statuses=["refunded"], topic="order.refunded")


CURSOR = "woo.orders.refunded.modified_after"
