"""Issue 13 end to end, through the pipeline against both sandboxes over real sockets: shipments with tracking,
refunds as credit memos / cash refunds, cancellations both ways without a loop, and paid orders as cash sales.
Every scenario ends by replaying what it can (webhook deliveries, plugin events, polls) and checking that
nothing new appears on either side."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest

from sidecar.clients.netsuite import NetSuiteClient
from sidecar.clients.netsuite_auth import auth_from_values
from sidecar.sandbox import netsuite as ns_sandbox
from sidecar.store.models import Event
from tests.flows.stack import configure, start_stack, stock_the_store

PERSON = {"first_name": "Jane", "last_name": "Roe", "address_1": "1 Main St", "city": "Austin", "state": "TX",
          "postcode": "78701", "country": "US", "email": "jane.roe@example.com"}
FLAT = [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "7.50"}]
TRACKING_KEYS = ["custom_tracking_link", "custom_tracking_provider", "date_shipped", "tracking_id",
                 "tracking_number", "tracking_provider"]


@pytest.fixture
def stack(tmp_path, monkeypatch):
    monkeypatch.setenv("SIDECAR_RETRY_BASE_S", "0.01")
    stack = start_stack(tmp_path)
    configure(stack)
    stack.items = stock_the_store(stack)
    stack.api.put("/v1/settings", {"fulfillments": {"carriers": {stack.seed["ship_flat"]: "UPS"}},
                                   "refunds": {"item_id": stack.seed["fee"]}})
    yield stack
    stack.stop()


def skus(stack) -> list[str]:
    return sorted(s for s, i in stack.items.items() if not i.get("matrixType"))


def place(stack, lines: list[tuple[str, int]], **extra) -> dict:
    body = {"line_items": [{"sku": s, "quantity": q} for s, q in lines], "shipping_lines": FLAT,
            "billing": PERSON, "shipping": PERSON, "set_paid": True, **extra}
    order = stack.place(body)
    stack.settle()
    return order


def sync(stack, flow: str) -> dict:
    res = stack.api.post(f"/v1/sync/{flow}")
    assert res.status_code in (200, 202), res.get_json()
    stack.settle()
    run = stack.api.get(f"/v1/runs/{res.get_json()['run_id']}").get_json()
    assert run["status"] == "done", run
    return run


def notes(stack, order_id: int, text: str) -> list[str]:
    return [n["note"] for n in stack.woo_client().list_order_notes(order_id) if text in n["note"]]


def meta(order: dict, key: str):
    return next((m["value"] for m in order["meta_data"] if m["key"] == key), None)


def replay_everything(stack, order_id: int, topics=("order.updated", "order.refunded", "order.cancelled")) -> None:
    """Every webhook delivery again, the plugin's events with new ids, and every poll."""
    for d in stack.woo_control("GET", "deliveries"):
        if d["topic"] != "ping":
            stack.http.post(d["url"], data=d["body"].encode(), headers=d["headers"], timeout=10)
    for topic in topics:
        res = stack.api.post("/v1/events", {"id": str(uuid.uuid4()), "topic": topic, "resource_id": order_id,
                                            "occurred_at": "2026-12-04T10:00:00Z", "payload": {"id": order_id}})
        assert res.status_code == 202, res.get_json()
    for flow in ("orders", "fulfillments", "refunds", "cancellations"):
        sync(stack, flow)
    stack.settle()
    assert not Event.select().where(Event.status == "failed").count(), [
        e.last_error for e in Event.select().where(Event.status == "failed")]


def ns_client(stack) -> NetSuiteClient:
    values = dict(ns_sandbox.DEMO_TBA)
    return NetSuiteClient(values["account_id"], auth_from_values(values), base_url=stack.ns.url,
                          api_log=lambda *a, **k: None)


def test_two_shipments_three_tracking_numbers_two_notes_completed_after_the_second(stack):
    a, b = skus(stack)[:2]
    order = place(stack, [(a, 2), (b, 1)])
    so = stack.sales_order_for(order["id"])
    stack.ns_control("POST", "fulfill", {"salesOrderId": so["id"], "lines": [{"orderLine": 1, "quantity": 2}],
                                         "trackingNumbers": ["1Z999AA10000000001", "1Z999AA10000000002"],
                                         "shipMethod": stack.seed["ship_flat"]})
    assert sync(stack, "fulfillments")["changed"] == 1
    first = stack.woo_client().get_order(order["id"])
    assert first["status"] == "processing"
    shipped = notes(stack, order["id"], "Shipped")
    assert len(shipped) == 1 and shipped[0].startswith(
        "Shipped 2 of 3 items via UPS, tracking 1Z999AA10000000001, 1Z999AA10000000002 (shipment IF")
    customer = stack.woo_client().list_order_notes(order["id"], "customer")
    assert [n["note"] for n in customer] == shipped
    tracking = meta(first, "_wc_shipment_tracking_items")
    assert [sorted(t) for t in tracking] == [TRACKING_KEYS] * 2
    assert {(t["tracking_provider"], t["custom_tracking_provider"]) for t in tracking} == {("ups", "")}
    assert all(t["date_shipped"].isdigit() and len(t["tracking_id"]) == 32 for t in tracking)

    stack.ns_control("POST", "fulfill", {"salesOrderId": so["id"], "trackingNumbers": ["1Z999AA10000000003"],
                                         "shipMethod": stack.seed["ship_flat"]})
    assert sync(stack, "fulfillments")["changed"] == 1
    final = stack.woo_client().get_order(order["id"])
    assert final["status"] == "completed"
    shipped = notes(stack, order["id"], "Shipped")
    second = [n for n in shipped if "tracking 1Z999AA10000000003" in n]
    assert len(shipped) == 2 and second[0].startswith("Shipped 1 of 3 items via UPS, tracking 1Z999AA10000000003")
    assert second[0].endswith("Everything has now shipped.")
    assert [t["tracking_number"] for t in meta(final, "_wc_shipment_tracking_items")] == [
        "1Z999AA10000000001", "1Z999AA10000000002", "1Z999AA10000000003"]
    echoes = [e for e in Event.select().where(Event.resource_id == str(order["id"])) if e.source == "webhook"]
    assert echoes and {e.outcome for e in echoes[1:]} == {"Already up to date."}

    replay_everything(stack, order["id"])
    assert len(notes(stack, order["id"], "Shipped")) == 2
    assert len(meta(stack.woo_client().get_order(order["id"]), "_wc_shipment_tracking_items")) == 3
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    assert [len(f["tracking"]) for f in state["fulfillments"]] == [2, 1]
    assert state["fulfillments"][0]["carrier"] == "UPS"


def test_a_completion_the_store_refused_is_tried_again_by_the_next_poll(stack, monkeypatch):
    """Everything shipped but the store refused ``completed``: the last shipment is bound only after the
    completion, so the next poll tells it again — without a second note — and completes the order."""
    from sidecar.clients.woocommerce import WooClient, WooTransientError

    order = place(stack, [(skus(stack)[0], 1)])
    so = stack.sales_order_for(order["id"])
    stack.ns_control("POST", "fulfill", {"salesOrderId": so["id"], "trackingNumbers": ["1Z999AA10000000009"],
                                         "shipMethod": stack.seed["ship_flat"]})
    real = WooClient.update_order

    def refuse_completion(self, order_id, data):
        if data.get("status") == "completed":
            raise WooTransientError("woocommerce 503: the store is down for maintenance", status=503)
        return real(self, order_id, data)

    monkeypatch.setattr(WooClient, "update_order", refuse_completion)
    res = stack.api.post("/v1/sync/fulfillments")
    stack.settle()
    run = stack.api.get(f"/v1/runs/{res.get_json()['run_id']}").get_json()
    assert run["failed"] == 1 and "down for maintenance" in run["errors"][0], run
    assert stack.woo_client().get_order(order["id"])["status"] == "processing"
    assert stack.api.get(f"/v1/orders/{order['id']}").get_json()["fulfillments"] == []

    monkeypatch.setattr(WooClient, "update_order", real)
    assert sync(stack, "fulfillments")["changed"] == 1
    assert stack.woo_client().get_order(order["id"])["status"] == "completed"
    assert len(notes(stack, order["id"], "Shipped")) == 1
    assert len(stack.api.get(f"/v1/orders/{order['id']}").get_json()["fulfillments"]) == 1


def test_a_line_refund_and_an_amount_only_refund_make_two_credit_memos_with_woocommerce_amounts(stack):
    a, b = skus(stack)[:2]
    order = place(stack, [(a, 2), (b, 1)])
    so = stack.sales_order_for(order["id"])
    woo = stack.woo_client()
    line = order["line_items"][0]
    ship = order["shipping_lines"][0]
    first = woo.create_refund(order["id"], amount="27.50", reason="one returned", line_items=[
        {"id": line["id"], "quantity": 1, "refund_total": 20.00}, {"id": ship["id"], "refund_total": 7.50}])
    stack.settle()
    memos = stack.records("creditMemo")
    assert len(memos) == 1 and memos[0]["externalId"] == f"woo-e2e-refund-{first['id']}"
    assert Decimal(str(memos[0]["total"])) == Decimal(first["amount"]) == Decimal("27.50")
    assert [(ln["item"]["id"], ln["quantity"], ln["amount"]) for ln in memos[0]["item"]["items"]] == [
        (stack.items[a]["id"], 1, 20.0)]
    assert memos[0]["entity"] == so["entity"] and "createdFrom" not in memos[0]  # no invoice yet: standalone

    # NetSuite bills the order; the next refund is credited against the invoice.
    client = ns_client(stack)
    stack.ns_control("POST", "fulfill", {"salesOrderId": so["id"]})
    invoice = client.transform("salesOrder", so["id"], "invoice", {})
    second = woo.create_refund(order["id"], amount="4.99", reason="late delivery")
    stack.settle()
    memos = sorted(stack.records("creditMemo"), key=lambda r: int(r["id"]))
    assert len(memos) == 2
    memo = memos[1]
    assert memo["createdFrom"] == {"id": invoice} and memo["externalId"] == f"woo-e2e-refund-{second['id']}"
    assert memo["apply"]["items"] == [{"doc": {"id": invoice}, "apply": True, "line": 0}]  # §4.7: applied to the invoice
    assert Decimal(str(memo["total"])) == Decimal("4.99")
    assert [(ln["item"]["id"], ln["amount"]) for ln in memo["item"]["items"]] == [(stack.seed["fee"], 4.99)]
    assert len(notes(stack, order["id"], "recorded in NetSuite as credit memo")) == 2

    replay_everything(stack, order["id"])
    assert len(stack.records("creditMemo")) == 2
    assert len(notes(stack, order["id"], "recorded in NetSuite as credit memo")) == 2
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    assert [(r["refund_id"], r["amount"], r["ns_total"]) for r in state["refunds"]] == [
        (first["id"], "27.50", "27.5"), (second["id"], "4.99", "4.99")]


def test_a_refund_note_the_store_refused_is_written_by_the_retry(stack, monkeypatch):
    """The credit memo is bound before the note is written; when the store refuses the note, the retry found the
    refund bound and wrote nothing — the order never said where its refund went. Now a bound refund without its
    note gets it from the next job, once (the notes are re-read first)."""
    from sidecar.clients.woocommerce import WooClient, WooTransientError

    order = place(stack, [(skus(stack)[0], 1)])
    stack.sales_order_for(order["id"])
    real, refused = WooClient.add_order_note, []

    def refuse_once(self, order_id, note, **kwargs):
        if note.startswith("Refund ") and not refused:
            refused.append(note)
            raise WooTransientError("woocommerce 503: the store is down for maintenance", status=503)
        return real(self, order_id, note, **kwargs)

    monkeypatch.setattr(WooClient, "add_order_note", refuse_once)
    refund = stack.woo_client().create_refund(order["id"], amount="5.00", reason="goodwill")
    stack.settle()
    assert refused, "the note was never tried"
    assert len(stack.records("creditMemo")) == 1
    assert len(notes(stack, order["id"], f"Refund {refund['id']} (")) == 1

    replay_everything(stack, order["id"])
    assert len(stack.records("creditMemo")) == 1
    assert len(notes(stack, order["id"], f"Refund {refund['id']} (")) == 1


def test_a_line_refund_of_a_billed_sales_order_is_a_cash_refund_of_that_line_only(stack):
    """§4.7/§6.5: the cash refund is transformed from the cash sale NetSuite made from our sales order (found
    by createdfrom, §8.4); the refunded line is keyed by its source line (orderLine), the others left out."""
    stack.api.put("/v1/settings", {"refunds": {"record": "cashRefund"}})
    a, b = skus(stack)[:2]
    order = place(stack, [(a, 2), (b, 1)])
    so = stack.sales_order_for(order["id"])
    stack.ns_control("POST", "fulfill", {"salesOrderId": so["id"]})
    cash_sale = ns_client(stack).transform("salesOrder", so["id"], "cashSale", {})
    refund = stack.woo_client().create_refund(order["id"], amount="20.00", line_items=[
        {"id": order["line_items"][0]["id"], "quantity": 1, "refund_total": 20.00}])
    stack.settle()
    refunds = stack.records("cashRefund")
    assert len(refunds) == 1 and refunds[0]["createdFrom"] == {"id": cash_sale}
    assert [(ln["orderLine"], ln["item"]["id"], ln["quantity"], ln["amount"]) for ln in refunds[0]["item"]["items"]] \
        == [(1, stack.items[a]["id"], 1, 20.0)]
    assert Decimal(str(refunds[0]["total"])) == Decimal(refund["amount"])
    replay_everything(stack, order["id"])
    assert len(stack.records("cashRefund")) == 1


def test_woo_cancel_before_fulfilment_closes_every_line_and_after_is_reported(stack):
    a, b = skus(stack)[:2]
    woo = stack.woo_client()
    before = place(stack, [(a, 1), (b, 2)])
    woo.update_order(before["id"], {"status": "cancelled"})
    stack.settle()
    so = stack.sales_order_for(before["id"])
    assert so["status"]["id"] == "H" and all(ln["isClosed"] for ln in so["item"]["items"])
    assert len(notes(stack, before["id"], "closed in NetSuite")) == 1
    state = stack.api.get(f"/v1/orders/{before['id']}").get_json()
    assert (state["cancellation"]["by"], state["cancellation"]["state"]) == ("woocommerce", "closed")

    after = place(stack, [(a, 1), (b, 2)])
    shipped_so = stack.sales_order_for(after["id"])
    stack.ns_control("POST", "fulfill", {"salesOrderId": shipped_so["id"], "lines": [{"orderLine": 1,
                                                                                      "quantity": 1}]})
    woo.update_order(after["id"], {"status": "cancelled"})
    stack.settle()
    shipped_so = stack.sales_order_for(after["id"])
    assert shipped_so["status"]["id"] == "D" and not any(ln["isClosed"] for ln in shipped_so["item"]["items"])
    assert len(notes(stack, after["id"], "after NetSuite shipped part of")) == 1
    outcomes = [e.outcome or "" for e in Event.select().where(Event.resource_id == str(after["id"]))]
    assert any(o.startswith("Reported: Cancelled in WooCommerce after NetSuite shipped part") for o in outcomes)

    replay_everything(stack, before["id"])
    replay_everything(stack, after["id"])
    assert stack.sales_order_for(before["id"])["lastModifiedDate"] == so["lastModifiedDate"]
    assert stack.sales_order_for(after["id"])["status"]["id"] == "D"
    assert len(notes(stack, before["id"], "closed in NetSuite")) == 1
    assert len(notes(stack, after["id"], "after NetSuite shipped part of")) == 1
    assert {woo.get_order(o["id"])["status"] for o in (before, after)} == {"cancelled"}


def test_a_close_note_the_store_refused_is_written_by_the_retry(stack, monkeypatch):
    """Cancelled in WooCommerce: the sales order is closed and the close recorded before the note is written;
    when the store refused the note, the retry found the close recorded and wrote nothing. Now a close recorded
    without its note gets it from the retry, once (the notes are re-read first)."""
    from sidecar.clients.woocommerce import WooClient, WooTransientError

    order = place(stack, [(skus(stack)[0], 1)])
    real, refused = WooClient.add_order_note, []

    def refuse_once(self, order_id, note, **kwargs):
        if note.startswith("Cancelled: every line") and not refused:
            refused.append(note)
            raise WooTransientError("woocommerce 503: the store is down for maintenance", status=503)
        return real(self, order_id, note, **kwargs)

    monkeypatch.setattr(WooClient, "add_order_note", refuse_once)
    stack.woo_client().update_order(order["id"], {"status": "cancelled"})
    stack.settle()
    assert refused, "the note was never tried"
    assert stack.sales_order_for(order["id"])["status"]["id"] == "H"
    assert len(notes(stack, order["id"], "closed in NetSuite")) == 1
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    assert (state["cancellation"]["by"], state["cancellation"]["state"]) == ("woocommerce", "closed")

    replay_everything(stack, order["id"])
    assert len(notes(stack, order["id"], "closed in NetSuite")) == 1


def lose_answer_once(monkeypatch, text: str) -> list[str]:
    """The store saves the note whose text contains ``text`` but its answer is lost (a timeout), once."""
    from sidecar.clients.woocommerce import WooClient, WooTransientError

    real, lost = WooClient.add_order_note, []

    def answer_lost_once(self, order_id, note, **kwargs):
        answer = real(self, order_id, note, **kwargs)
        if text in note and not lost:
            lost.append(note)
            raise WooTransientError("woocommerce: read timed out", status=None)
        return answer

    monkeypatch.setattr(WooClient, "add_order_note", answer_lost_once)
    return lost


def test_a_cancel_report_whose_answer_was_lost_is_not_written_twice(stack, monkeypatch):
    """Cancelled in WooCommerce after part of it shipped: the report note is saved but its answer lost, so the
    cancellation is not recorded and the retry reported again — two notes. The notes are read first now."""
    order = place(stack, [(skus(stack)[0], 2)])
    so = stack.sales_order_for(order["id"])
    stack.ns_control("POST", "fulfill", {"salesOrderId": so["id"], "lines": [{"orderLine": 1, "quantity": 1}]})
    lost = lose_answer_once(monkeypatch, "after NetSuite shipped part of")
    stack.woo_client().update_order(order["id"], {"status": "cancelled"})
    stack.settle()
    assert lost, "the note was never written"
    assert len(notes(stack, order["id"], "after NetSuite shipped part of")) == 1
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    assert (state["cancellation"]["by"], state["cancellation"]["state"]) == ("woocommerce", "reported")


def test_a_netsuite_close_note_whose_answer_was_lost_is_not_written_twice(stack, monkeypatch):
    """Closed in NetSuite, completed in the store: the note is saved but its answer lost, so the record is taken
    back and the next run told the store again — two notes. The notes are read first now."""
    order = place(stack, [(skus(stack)[0], 1)])
    so = stack.sales_order_for(order["id"])
    stack.woo_client().update_order(order["id"], {"status": "completed"})
    stack.settle()
    stack.ns_control("POST", "close", {"salesOrderId": so["id"]})
    lost = lose_answer_once(monkeypatch, "so it was left as it is")
    res = stack.api.post("/v1/sync/cancellations")
    stack.settle()
    assert lost and stack.api.get(f"/v1/runs/{res.get_json()['run_id']}").get_json()["failed"] == 1
    run = sync(stack, "cancellations")
    assert (run["seen"], run["failed"]) == (1, 0), run
    assert len(notes(stack, order["id"], "so it was left as it is")) == 1
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    assert (state["cancellation"]["by"], state["cancellation"]["woo"]) == ("netsuite", "completed")


def test_netsuite_close_cancels_the_woo_order_without_a_loop(stack):
    a = skus(stack)[0]
    order = place(stack, [(a, 3)])
    so = stack.sales_order_for(order["id"])
    exported = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    time.sleep(0.05)  # the close is recorded later than the export, measurably
    stack.ns_control("POST", "close", {"salesOrderId": so["id"]})
    closed = stack.sales_order_for(order["id"])
    run = sync(stack, "cancellations")
    assert run["changed"] == 1
    assert stack.woo_client().get_order(order["id"])["status"] == "cancelled"
    assert len(notes(stack, order["id"], "was closed in NetSuite")) == 1
    echoes = list(Event.select().where((Event.resource_id == str(order["id"])) & (Event.topic == "order.cancelled")))
    assert echoes and {e.outcome for e in echoes} == {"Already up to date."}
    assert stack.sales_order_for(order["id"])["lastModifiedDate"] == closed["lastModifiedDate"]  # no write back

    replay_everything(stack, order["id"])
    assert len(notes(stack, order["id"], "was closed in NetSuite")) == 1
    assert stack.sales_order_for(order["id"])["lastModifiedDate"] == closed["lastModifiedDate"]
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    assert (state["cancellation"]["by"], state["cancellation"]["state"]) == ("netsuite", "closed")
    # the order box says "Exported as SO… · <when>": the export time, not the close recorded on the link since
    assert state["exported_at"] == exported["exported_at"] <= exported["synced_at"]
    assert state["synced_at"] > state["exported_at"]


@pytest.mark.parametrize("status", ["completed", "refunded"])
def test_netsuite_close_leaves_a_completed_or_refunded_woo_order_as_it_is(stack, status):
    """Nothing shipped in NetSuite, but the shop completed the order (or refunded it in full): cancelling it now
    would put its stock back and take it out of the shop's sales. It keeps its status and gets a private note."""
    order = place(stack, [(skus(stack)[0], 2)])
    stack.woo_client().update_order(order["id"], {"status": status})
    stack.settle()
    so = stack.sales_order_for(order["id"])
    stack.ns_control("POST", "close", {"salesOrderId": so["id"]})
    run = sync(stack, "cancellations")
    assert (run["seen"], run["changed"]) == (1, 1)
    assert stack.woo_client().get_order(order["id"])["status"] == status
    left = notes(stack, order["id"], "was closed in NetSuite")
    assert left == [(f"{so['tranId']} was closed in NetSuite; the order is already {status} here, so it was left "
                     "as it is.")]
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()["cancellation"]
    assert (state["by"], state["state"], state["woo"]) == ("netsuite", "closed", status)

    replay_everything(stack, order["id"])
    assert stack.woo_client().get_order(order["id"])["status"] == status
    assert len(notes(stack, order["id"], "was closed in NetSuite")) == 1


def test_a_cancel_the_store_refused_is_tried_again_by_the_next_run(stack, monkeypatch):
    """The close is recorded before the store is written (our own cancel's echo must find it); when the write
    fails, the record is taken back — else the next run would skip the order as handled and it would stay open."""
    from sidecar.clients.woocommerce import WooClient, WooTransientError

    order = place(stack, [(skus(stack)[0], 1)])
    so = stack.sales_order_for(order["id"])
    stack.ns_control("POST", "close", {"salesOrderId": so["id"]})
    real = WooClient.update_order

    def refused(self, order_id, data):
        raise WooTransientError("woocommerce 503: the store is down for maintenance", status=503)

    monkeypatch.setattr(WooClient, "update_order", refused)
    res = stack.api.post("/v1/sync/cancellations")
    stack.settle()
    run = stack.api.get(f"/v1/runs/{res.get_json()['run_id']}").get_json()
    assert run["failed"] == 1 and "down for maintenance" in run["errors"][0], run
    assert stack.woo_client().get_order(order["id"])["status"] != "cancelled"
    assert stack.api.get(f"/v1/orders/{order['id']}").get_json()["cancellation"] is None

    monkeypatch.setattr(WooClient, "update_order", real)
    run = sync(stack, "cancellations")
    assert (run["seen"], run["changed"], run["failed"]) == (1, 1, 0)
    assert stack.woo_client().get_order(order["id"])["status"] == "cancelled"
    assert len(notes(stack, order["id"], "was closed in NetSuite")) == 1


def test_a_close_note_the_store_refused_after_the_cancel_is_written_by_the_cancels_echo(stack, monkeypatch):
    """Closed in NetSuite: the store cancelled the order, then refused the note. The record was taken back, so
    the cancel's echo read the sales order as closed by NetSuite on its own and the next run found the order
    already cancelled: the note was never written. The record now stays with its note pending, and the echo of
    the cancel writes it (the run holds the cancellation's claim meanwhile, so the echo cannot write it twice)."""
    from sidecar.clients.woocommerce import WooClient, WooTransientError

    order = place(stack, [(skus(stack)[0], 1)])
    so = stack.sales_order_for(order["id"])
    stack.ns_control("POST", "close", {"salesOrderId": so["id"]})
    real, refused = WooClient.add_order_note, []

    def refuse_once(self, order_id, note, **kwargs):
        if "was closed in NetSuite" in note and not refused:
            refused.append(note)
            raise WooTransientError("woocommerce 503: the store is down for maintenance", status=503)
        return real(self, order_id, note, **kwargs)

    monkeypatch.setattr(WooClient, "add_order_note", refuse_once)
    res = stack.api.post("/v1/sync/cancellations")
    stack.settle()
    assert refused and stack.api.get(f"/v1/runs/{res.get_json()['run_id']}").get_json()["failed"] == 1
    assert stack.woo_client().get_order(order["id"])["status"] == "cancelled"
    assert len(notes(stack, order["id"], "was closed in NetSuite")) == 1
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    assert (state["cancellation"]["by"], state["cancellation"]["state"]) == ("netsuite", "closed")
    assert "note_pending" not in state["cancellation"]

    replay_everything(stack, order["id"])
    assert len(notes(stack, order["id"], "was closed in NetSuite")) == 1


def test_a_cancellations_run_does_not_count_its_own_cancel_again_before_its_webhook_arrives(stack):
    """The run cancels the WooCommerce order for NetSuite, then its WooCommerce catch-up sees that order as
    cancelled: with the webhook not delivered yet it queued an event and counted the order twice (a flaky
    ``changed == 2``); an order whose cancellation is recorded is now skipped by the catch-up."""
    order = place(stack, [(skus(stack)[0], 1)])
    so = stack.sales_order_for(order["id"])
    stack.woo_control("POST", "config", {"webhook_hold": True})
    try:
        stack.ns_control("POST", "close", {"salesOrderId": so["id"]})
        run = sync(stack, "cancellations")
    finally:
        stack.woo_control("POST", "config", {"webhook_hold": False})
    assert (run["seen"], run["changed"]) == (1, 1)
    assert run["cursor_after"].startswith("netsuite ") and "; woocommerce " in run["cursor_after"]  # both polls'
    assert not list(Event.select().where((Event.resource_id == str(order["id"])) & (Event.source == "poll")
                                         & (Event.topic == "order.cancelled")))
    stack.woo_control("POST", "webhooks/run")
    stack.settle()
    assert stack.woo_client().get_order(order["id"])["status"] == "cancelled"
    assert len(notes(stack, order["id"], "was closed in NetSuite")) == 1


def test_a_paid_order_becomes_a_cash_sale_and_its_refund_a_cash_refund(stack):
    stack.api.put("/v1/settings", {"orders": {"record": "cashSale", "payment_methods": {"bacs": "7"},
                                              "export_statuses": ["processing", "completed", "on-hold"]},
                                   "refunds": {"record": "cashRefund"}})
    a = skus(stack)[0]
    paid = place(stack, [(a, 2)])
    unpaid = place(stack, [(a, 1)], status="on-hold", set_paid=False)
    sales = stack.records("cashSale", externalId=f"woo-e2e-order-{paid['id']}")
    assert len(sales) == 1 and sales[0]["paymentOption"] == {"id": "7"}  # §6.5: 2026.1 field name
    assert Decimal(str(sales[0]["total"])) == Decimal(paid["total"])
    assert stack.sales_order_for(paid["id"]) is None and stack.sales_order_for(unpaid["id"]) is not None
    assert "Exported to NetSuite as cash sale" in " ".join(notes(stack, paid["id"], "Exported"))
    refund = stack.woo_client().create_refund(paid["id"], amount="20.00", line_items=[
        {"id": paid["line_items"][0]["id"], "quantity": 1, "refund_total": 20.00}])
    stack.settle()
    refunds = stack.records("cashRefund")
    assert len(refunds) == 1 and refunds[0]["createdFrom"] == {"id": sales[0]["id"]}
    assert Decimal(str(refunds[0]["total"])) == Decimal(refund["amount"])
    replay_everything(stack, paid["id"])
    assert len(stack.records("cashRefund")) == 1 and len(stack.records("cashSale")) == 1
    assert stack.api.get(f"/v1/orders/{paid['id']}").get_json()["record"] == "cashSale"


def test_a_gateway_without_a_payment_method_fails_naming_the_setting(stack):
    stack.api.put("/v1/settings", {"orders": {"record": "cashSale", "payment_methods": {"stripe": "7"}}})
    order = place(stack, [(skus(stack)[0], 1)])
    failed = Event.select().where((Event.resource_id == str(order["id"])) & (Event.status == "failed")).first()
    assert failed is not None and "orders.payment_methods" in failed.last_error
    assert stack.records("cashSale") == [] and stack.sales_order_for(order["id"]) is None


def test_without_webhooks_the_polls_find_a_full_refund_and_a_cancel(stack):
    a = skus(stack)[0]
    refunded, cancelled = place(stack, [(a, 1)]), place(stack, [(a, 2)])
    woo = stack.woo_client()
    for hook in woo.list_webhooks():  # WooCommerce gave up on the sidecar: only the polls are left
        woo.update_webhook(hook["id"], {"status": "paused"})
    woo.create_refund(refunded["id"], amount=refunded["total"], reason="changed my mind")
    woo.update_order(cancelled["id"], {"status": "cancelled"})
    stack.settle()
    assert stack.records("creditMemo") == [] and stack.sales_order_for(cancelled["id"])["status"]["id"] == "B"
    assert woo.get_order(refunded["id"])["status"] == "refunded"

    assert sync(stack, "refunds")["changed"] == 1
    memos = stack.records("creditMemo")
    assert len(memos) == 1 and Decimal(str(memos[0]["total"])) == Decimal(refunded["total"])
    assert sync(stack, "cancellations")["changed"] == 1
    assert stack.sales_order_for(cancelled["id"])["status"]["id"] == "H"
    for flow in ("refunds", "cancellations", "orders", "fulfillments"):
        assert sync(stack, flow)["changed"] == 0
    assert len(stack.records("creditMemo")) == 1

    pending = stack.place({"line_items": [{"sku": a, "quantity": 1}], "status": "pending", "billing": PERSON})
    state = stack.api.get(f"/v1/orders/{pending['id']}").get_json()
    assert (state["record"], state["fulfillments"], state["refunds"], state["cancellation"]) == (None, [], [], None)


def test_with_woocommerce_taxes_the_credit_memo_carries_the_refunded_tax_to_the_cent(stack):
    stack.api.put("/v1/settings", {"orders": {"taxes": "woocommerce"}})
    a, b = skus(stack)[:2]
    order = place(stack, [(a, 3), (b, 1)], tax_rate="8.25")
    line = order["line_items"][0]
    tax_id = line["taxes"][0]["id"]
    refund = stack.woo_client().create_refund(order["id"], amount="43.30", line_items=[
        {"id": line["id"], "quantity": 2, "refund_total": 40.00, "refund_tax": [{"id": tax_id,
                                                                                 "refund_total": 3.30}]}])
    stack.settle()
    memo = stack.records("creditMemo")[0]
    assert Decimal(refund["amount"]) == Decimal("43.30") == Decimal(str(memo["total"]))
    assert [(ln["item"]["id"], ln.get("quantity"), ln["amount"]) for ln in memo["item"]["items"]] == [
        (stack.items[a]["id"], 2, 40.0), (stack.seed["tax"], 1, 3.3)]
