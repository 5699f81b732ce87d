"""Transforms and the fulfilment/refund path of the NetSuite sandbox: salesOrder → itemFulfillment by
orderLine (partial, itemReceive false), status B → D → F, stock taken from the location, create-form previews,
``/_sandbox/fulfill`` with tracking numbers, and the refund records."""

from __future__ import annotations

import pytest

from .test_netsuite_records import R, items, new_id, order_body
from .test_netsuite_tba import Sandbox, sandbox_servers


@pytest.fixture
def sandbox_factory():
    yield from sandbox_servers()



@pytest.fixture
def sb(sandbox_factory) -> Sandbox:
    return sandbox_factory({"seed": 12})


def stock(sb: Sandbox, item_id: str, location: str = "1") -> dict:
    item = next(r for r in sb.records("inventoryItem") if r["id"] == item_id)
    return next(ln for ln in item["locations"]["items"] if ln["location"]["id"] == location)


def test_partial_then_full_fulfillment(sb):
    ids = items(sb, 2)
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, ids)))
    before = stock(sb, ids[0])["quantityOnHand"]
    body = {"shipStatus": {"id": "C"}, "package": {"items": [{"packageTrackingNumber": "1Z999AA10123456784"}]},
            "item": {"items": [{"orderLine": 1, "quantity": 1}, {"orderLine": 2, "itemReceive": False}]}}
    response = sb.ns.post(f"{R}/salesOrder/{so}/!transform/itemFulfillment", json=body)
    fid = new_id(response)
    assert response.headers["Location"].endswith(f"/itemFulfillment/{fid}")
    fulfillment = sb.records("itemFulfillment")[0]
    assert fulfillment["createdFrom"] == {"id": so} and fulfillment["tranId"].startswith("IF")
    assert [(ln["orderLine"], ln["quantity"]) for ln in fulfillment["item"]["items"]] == [(1, 1)]
    assert stock(sb, ids[0])["quantityOnHand"] == before - 1
    assert sb.records("salesOrder")[0]["status"]["id"] == "D"
    rest = new_id(sb.ns.post(f"{R}/salesOrder/{so}/!transform/itemFulfillment", json={}))
    lines = next(ln for ln in sb.records("itemFulfillment") if ln["id"] == rest)["item"]["items"]
    assert [(ln["orderLine"], ln["quantity"]) for ln in lines] == [(1, 1), (2, 2)]
    order = sb.records("salesOrder")[0]
    assert order["status"]["id"] == "F" and [ln["quantityFulfilled"] for ln in order["item"]["items"]] == [2, 2]
    nothing_left = sb.ns.post(f"{R}/salesOrder/{so}/!transform/itemFulfillment", json={})
    assert nothing_left.status_code == 400
    assert nothing_left.json()["o:errorDetails"][0]["o:errorCode"] == "USER_ERROR"


def test_over_fulfilment_and_unknown_order_line_are_refused(sb):
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 1))))
    too_many = {"item": {"items": [{"orderLine": 1, "quantity": 3}]}}
    assert sb.ns.post(f"{R}/salesOrder/{so}/!transform/itemFulfillment", json=too_many).status_code == 400
    wrong = {"item": {"items": [{"orderLine": 7, "quantity": 1}]}}
    answer = sb.ns.post(f"{R}/salesOrder/{so}/!transform/itemFulfillment", json=wrong)
    assert answer.status_code == 400 and answer.json()["o:errorDetails"][0]["o:errorPath"].startswith("item")
    assert sb.records("itemFulfillment") == []


def test_create_form_preview_saves_nothing(sb):
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 2))))
    preview = sb.ns.post(f"{R}/salesOrder/{so}/!transform/itemFulfillment", json={},
                         headers={"Accept": "application/vnd.oracle.resource+json; type=create-form"})
    assert preview.status_code == 200
    assert [ln["orderLine"] for ln in preview.json()["item"]["items"]] == [1, 2]
    assert sb.records("itemFulfillment") == [] and sb.records("salesOrder")[0]["status"]["id"] == "B"


def test_sandbox_fulfill_and_tracking_numbers_in_suiteql(sb):
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 2))))
    ship = sb.records("shipItem")[1]["id"]
    made = sb.control("POST", "/fulfill", {"salesOrderId": so, "trackingNumbers": ["TRK-1", "TRK-2"],
                                           "shipMethod": ship})
    assert made.status_code == 201
    fulfillment = sb.records("itemFulfillment")[0]
    assert fulfillment["shipStatus"]["id"] == "C" and fulfillment["shipMethod"]["id"] == ship
    q = ("SELECT DISTINCT tl.createdfrom AS order_id, f.id AS fulfillment_id, n.trackingnumber "
         "FROM transactionline tl JOIN transaction f ON f.id = tl.transaction AND f.type = 'ItemShip' "
         "JOIN trackingnumbermap m ON m.transaction = f.id JOIN trackingnumber n ON n.id = m.trackingnumber "
         f"WHERE tl.createdfrom IN ({so}) ORDER BY n.trackingnumber")
    rows = sb.ns.suiteql(q).json()["items"]
    assert [(r["order_id"], r["fulfillment_id"], r["trackingnumber"]) for r in rows] == [
        (so, made.json()["id"], "TRK-1"), (so, made.json()["id"], "TRK-2")]
    got = sb.ns.get(f"{R}/itemFulfillment/{made.json()['id']}", query={"expandSubResources": "true"}).json()
    assert [p["packageTrackingNumber"] for p in got["package"]["items"]] == ["TRK-1", "TRK-2"]
    status = sb.ns.suiteql("SELECT status, BUILTIN.DF(status) AS status_text FROM transaction WHERE id = ?",
                           [int(so)]).json()["items"][0]
    assert status == {"links": [], "status": "F", "status_text": "Sales Order : Pending Billing"}


def test_refund_records_from_cash_sale_and_invoice(sb):
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 2))))
    sb.control("POST", "/fulfill", {"salesOrderId": so})
    cash_sale = new_id(sb.ns.post(f"{R}/salesOrder/{so}/!transform/cashSale", json={}))
    assert sb.records("salesOrder")[0]["status"]["id"] == "G"
    refund_body = {"item": {"items": [{"orderLine": 1, "quantity": 1}, {"orderLine": 2, "quantity": 0}]},
                   "externalId": "WC-CR-1001-1"}
    refund = new_id(sb.ns.post(f"{R}/cashSale/{cash_sale}/!transform/cashRefund", json=refund_body))
    stored = next(r for r in sb.records("cashRefund") if r["id"] == refund)
    assert stored["createdFrom"] == {"id": cash_sale} and stored["externalId"] == "WC-CR-1001-1"
    assert [ln["quantity"] for ln in stored["item"]["items"]] == [1]
    so2 = new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 1), otherRefNum="1002")))
    sb.control("POST", "/fulfill", {"salesOrderId": so2})
    invoice = new_id(sb.ns.post(f"{R}/salesOrder/{so2}/!transform/invoice", json={}))
    unapplied = new_id(sb.ns.post(f"{R}/invoice/{invoice}/!transform/creditMemo", json={"memo": "refund 0"}))
    assert not (sb.records("creditMemo")[0].get("apply") or {}).get("items")  # §4.7: the body names the doc
    assert sb.records("creditMemo")[0]["id"] == unapplied
    named = {"memo": "refund 1", "apply": {"items": [{"doc": {"id": invoice}, "apply": True}]}}
    memo = new_id(sb.ns.post(f"{R}/invoice/{invoice}/!transform/creditMemo", json=named))
    credit = next(r for r in sb.records("creditMemo") if r["id"] == memo)
    assert credit["apply"]["items"] == [{"doc": {"id": invoice}, "apply": True}]
    rows = sb.ns.suiteql("SELECT type, foreigntotal FROM transaction WHERE id = ?", [int(memo)]).json()["items"]
    assert rows[0]["type"] == "CustCred" and float(rows[0]["foreigntotal"]) == credit["total"]
    unsupported = sb.ns.post(f"{R}/customer/1/!transform/salesOrder", json={})
    assert unsupported.status_code == 400


def test_orders_commit_stock_and_give_it_back(sb):
    item = items(sb, 1)[0]
    sb.control("POST", f"/items/{item}/quantity", {"location_id": 1, "quantityavailable": 5, "quantityonhand": 5})
    order = order_body(sb, [item])
    order["item"]["items"][0]["quantity"] = 3
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=order))
    held = stock(sb, item)
    assert (held["quantityOnHand"], held["quantityCommitted"], held["quantityAvailable"]) == (5, 3, 2)
    line = sb.records("salesOrder")[0]["item"]["items"][0]
    assert (line["quantityCommitted"], line["quantityBackOrdered"]) == (3, 0)
    second = new_id(sb.ns.post(f"{R}/salesOrder", json=order | {"otherRefNum": "1002"}))
    line = next(r for r in sb.records("salesOrder") if r["id"] == second)["item"]["items"][0]
    assert (line["quantityCommitted"], line["quantityBackOrdered"]) == (2, 1)
    assert stock(sb, item)["quantityAvailable"] == 0
    row = sb.ns.suiteql("SELECT quantityavailable, quantitycommitted FROM inventoryitemlocations "
                        "WHERE item = ? AND location = 1", [int(item)]).json()["items"][0]
    assert (row["quantityavailable"], row["quantitycommitted"]) == ("0", "5")
    closed = {"item": {"items": [{"line": 1, "isClosed": True}]}}
    new_id(sb.ns.request("PATCH", f"{R}/salesOrder/{second}", json=closed))
    assert stock(sb, item)["quantityAvailable"] == 2
    assert sb.records("salesOrder")[1]["status"]["id"] == "H"
    sb.control("POST", "/fulfill", {"salesOrderId": so})
    after = stock(sb, item)
    assert (after["quantityOnHand"], after["quantityCommitted"], after["quantityAvailable"]) == (2, 0, 2)
    third = new_id(sb.ns.post(f"{R}/salesOrder", json=order | {"otherRefNum": "1003"}))
    assert stock(sb, item)["quantityAvailable"] == 0
    sb.control("PATCH", f"/records/salesOrder/{third}", {"status": {"id": "C"}})
    assert stock(sb, item)["quantityAvailable"] == 2
    fourth = new_id(sb.ns.post(f"{R}/salesOrder", json=order | {"otherRefNum": "1004"}))
    assert sb.ns.request("DELETE", f"{R}/salesOrder/{fourth}").status_code == 204
    assert stock(sb, item)["quantityAvailable"] == 2


def test_transform_with_replace_item_keeps_only_the_lines_sent(sb):
    """§5: ``?replace=`` works on POST as on PATCH — lines not in the request are removed; §6.5 names it for a
    partial cash refund. Without it the cash sale's other lines come along at their full quantity."""
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 2))))
    sb.control("POST", "/fulfill", {"salesOrderId": so})
    cash_sale = new_id(sb.ns.post(f"{R}/salesOrder/{so}/!transform/cashSale", json={}))
    body = {"item": {"items": [{"orderLine": 1, "quantity": 1}]}}
    merged = new_id(sb.ns.post(f"{R}/cashSale/{cash_sale}/!transform/cashRefund", json=body))
    replaced = new_id(sb.ns.post(f"{R}/cashSale/{cash_sale}/!transform/cashRefund", json=body,
                                 query={"replace": "item"}))
    lines = {r["id"]: [ln["orderLine"] for ln in r["item"]["items"]] for r in sb.records("cashRefund")}
    assert lines[merged] == [1, 2] and lines[replaced] == [1]
