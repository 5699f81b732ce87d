"""The after-sale side of the NetSuite sandbox against the spec: fulfilments in parts with packages and a carrier
(§6.4, §4.7), the fulfilment queries of §8.4 with ``lastmodifieddate``, closing lines with ``isClosed`` (§5, §6.1),
closing/cancelling as a user would (``/_sandbox/close``), the refund-side transforms with added lines and
given amounts (§6.5), a standalone credit memo and a cash sale with its payment method."""

from __future__ import annotations

import pytest

from .test_netsuite_records import R, items, new_id, order_body
from .test_netsuite_tba import Sandbox, sandbox_servers

FULFILMENTS = ("SELECT f.id AS fulfillment_id, f.tranid, f.status, "
               "TO_CHAR(f.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodified, tl.createdfrom AS order_id "
               "FROM transaction f JOIN transactionline tl ON tl.transaction = f.id AND tl.mainline = 'T' "
               "WHERE f.type = 'ItemShip' AND f.lastmodifieddate >= TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS') "
               "ORDER BY f.id")


@pytest.fixture
def sandbox_factory():
    yield from sandbox_servers()


@pytest.fixture
def sb(sandbox_factory) -> Sandbox:
    return sandbox_factory({"seed": 12})


def order(sb: Sandbox, n_items: int = 2, **extra) -> str:
    return new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, n_items), **extra)))


def record(sb: Sandbox, rtype: str, rid: str) -> dict:
    return next(r for r in sb.records(rtype) if r["id"] == rid)


def test_fulfil_in_two_shipments_with_packages_and_carrier(sb):
    so = order(sb)
    first = sb.control("POST", "/fulfill", {"salesOrderId": so, "lines": [{"orderLine": 1, "quantity": 1}],
                                            "packages": [{"trackingNumber": "1ZA"}, {"trackingNumber": "1ZB"}],
                                            "shipCarrier": "ups"})
    assert first.status_code == 201, first.text
    shipped = record(sb, "itemFulfillment", first.json()["id"])
    assert [(ln["orderLine"], ln["quantity"]) for ln in shipped["item"]["items"]] == [(1, 1)]
    assert shipped["shipCarrier"] == {"id": "ups"} and shipped["createdFrom"] == {"id": so}
    assert record(sb, "salesOrder", so)["status"]["id"] == "D"
    second = sb.control("POST", "/fulfill", {"salesOrderId": so, "trackingNumbers": ["1ZC"]}).json()["id"]
    lines = record(sb, "itemFulfillment", second)["item"]["items"]
    assert [(ln["orderLine"], ln["quantity"]) for ln in lines] == [(1, 1), (2, 2)]
    assert record(sb, "salesOrder", so)["status"]["id"] == "F"
    rows = sb.ns.suiteql(FULFILMENTS, ["2000-01-01 00:00:00"]).json()["items"]
    assert [(r["fulfillment_id"], r["order_id"], r["status"]) for r in rows] == [
        (first.json()["id"], so, "C"), (second, so, "C")]
    assert sb.ns.suiteql(FULFILMENTS, ["2999-01-01 00:00:00"]).json()["items"] == []
    tracking = sb.ns.suiteql(
        "SELECT f.id AS fulfillment_id, n.trackingnumber FROM transaction f "
        "JOIN trackingnumbermap m ON m.transaction = f.id JOIN trackingnumber n ON n.id = m.trackingnumber "
        "WHERE f.type = 'ItemShip' ORDER BY n.trackingnumber").json()["items"]
    assert [r["trackingnumber"] for r in tracking] == ["1ZA", "1ZB", "1ZC"]
    quantities = sb.ns.suiteql("SELECT tl.transaction AS fulfillment_id, tl.item, ABS(tl.quantity) AS qty "
                               "FROM transactionline tl WHERE tl.transaction IN (?) AND tl.mainline = 'F' "
                               "AND tl.taxline = 'F'", [int(second)]).json()["items"]
    assert sorted(float(r["qty"]) for r in quantities) == [1.0, 2.0]


def test_close_lines_by_patch_and_close_or_cancel_as_a_user(sb):
    so = order(sb)
    patched = sb.ns.request("PATCH", f"{R}/salesOrder/{so}", json={"item": {"items": [{"line": 1, "isClosed": True},
                                                                             {"line": 2, "isClosed": True}]}})
    assert patched.status_code == 204
    closed = record(sb, "salesOrder", so)
    assert closed["status"]["id"] == "H" and all(ln["isClosed"] for ln in closed["item"]["items"])
    assert sb.ns.post(f"{R}/salesOrder/{so}/!transform/itemFulfillment", json={}).status_code == 400
    second = order(sb, otherRefNum="1002")
    assert sb.control("POST", "/close", {"salesOrderId": second, "how": "cancel"}).json()["status"] == "C"
    third = order(sb, otherRefNum="1003")
    sb.control("POST", "/fulfill", {"salesOrderId": third, "lines": [{"orderLine": 1, "quantity": 1}]})
    refused = sb.control("POST", "/close", {"salesOrderId": third, "how": "cancel"})
    assert refused.status_code == 400
    assert sb.control("POST", "/close", {"salesOrderId": third}).status_code == 200
    rows = sb.ns.suiteql("SELECT id, status FROM transaction WHERE type = 'SalesOrd' AND status IN ('C', 'H') "
                         "ORDER BY id").json()["items"]
    assert [(r["id"], r["status"]) for r in rows] == [(so, "H"), (second, "C"), (third, "H")]
    lines = record(sb, "salesOrder", third)["item"]["items"]  # closing keeps what was shipped
    assert [(ln["quantityFulfilled"], ln["isClosed"]) for ln in lines] == [(1, True), (0, True)]


def test_credit_memo_from_invoice_with_added_lines_and_given_amounts(sb):
    so = order(sb)
    sb.control("POST", "/fulfill", {"salesOrderId": so})
    invoice = new_id(sb.ns.post(f"{R}/salesOrder/{so}/!transform/invoice", json={}))
    refund_item = sb.records("otherChargeSaleItem")[0]["id"]
    body = {"externalId": "woo-s-refund-9", "shippingCost": 0,
            "item": {"items": [{"orderLine": 1, "quantity": 1, "rate": 6.6667, "amount": 6.67},
                               {"orderLine": 2, "quantity": 0},
                               {"item": {"id": refund_item}, "amount": 3.01, "description": "Goodwill"}]}}
    memo = new_id(sb.ns.post(f"{R}/invoice/{invoice}/!transform/creditMemo", json=body))
    credit = record(sb, "creditMemo", memo)
    assert [(ln.get("quantity"), ln["amount"]) for ln in credit["item"]["items"]] == [(1, 6.67), (None, 3.01)]
    assert credit["total"] == 9.68 and credit["createdFrom"] == {"id": invoice}
    found = sb.ns.suiteql("SELECT t.id FROM transaction t JOIN transactionline tl ON tl.transaction = t.id "
                          "AND tl.mainline = 'T' WHERE t.type = 'CustInvc' AND tl.createdfrom = ?",
                          [int(so)]).json()["items"]
    assert [r["id"] for r in found] == [invoice]
    no_item = {"item": {"items": [{"amount": 1.0}]}}
    assert sb.ns.post(f"{R}/invoice/{invoice}/!transform/creditMemo", json=no_item).status_code == 400


def test_standalone_credit_memo_and_cash_sale_with_payment_method(sb):
    customer = sb.records("customer")[0]["id"]
    item = items(sb, 1)[0]
    memo = new_id(sb.ns.post(f"{R}/creditMemo", json={
        "entity": {"id": customer}, "externalId": "woo-s-refund-1",
        "item": {"items": [{"item": {"id": item}, "quantity": 1, "rate": 12.5, "amount": 12.5}]}}))
    assert record(sb, "creditMemo", memo)["total"] == 12.5
    sale = new_id(sb.ns.post(f"{R}/cashSale", json={
        "entity": {"id": customer}, "externalId": "woo-s-order-5", "paymentOption": {"id": "7"},
        "item": {"items": [{"item": {"id": item}, "quantity": 2, "rate": 10.0}]}}))
    stored = record(sb, "cashSale", sale)
    assert stored["paymentOption"] == {"id": "7"} and stored["total"] == 20.0 and stored["tranId"].startswith("CS")
    refund = new_id(sb.ns.post(f"{R}/cashSale/{sale}/!transform/cashRefund",
                               json={"externalId": "woo-s-refund-2",
                                     "item": {"items": [{"orderLine": 1, "quantity": 1, "amount": 10.0}]}}))
    assert record(sb, "cashRefund", refund)["total"] == 10.0
    again = sb.ns.post(f"{R}/cashSale/{sale}/!transform/cashRefund", json={"externalId": "woo-s-refund-2"})
    assert again.status_code == 400  # the external id is taken in the transactions group


@pytest.mark.parametrize("rtype", ["cashSale", "cashRefund", "customerRefund"])
def test_payment_method_is_payment_option_in_the_2026_1_schema(sb, rtype):
    """§6.5: cashSale, cashRefund and customerRefund take ``paymentOption``; ``paymentMethod`` is not a field of
    the 2026.1 schema, so with PropertyNameValidation=Error it is refused, naming the field."""
    customer = sb.records("customer")[0]["id"]
    body = {"entity": {"id": customer}, "paymentMethod": {"id": "7"},
            "item": {"items": [{"item": {"id": items(sb, 1)[0]}, "quantity": 1, "rate": 10.0}]}}
    refused = sb.ns.post(f"{R}/{rtype}", json=body, headers={"X-NetSuite-PropertyNameValidation": "Error"})
    assert refused.status_code == 400, refused.text
    assert refused.json()["o:errorDetails"][0]["o:errorPath"] == "paymentMethod"
