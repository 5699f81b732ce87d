"""The record service of the NetSuite sandbox over real HTTP: create/get/update/upsert/delete with NetSuite's
status codes and shapes, external-id rules, validation errors, sublist merge/replace, list paging and ``q``."""

from __future__ import annotations

import threading

import pytest

from .test_netsuite_tba import Sandbox, sandbox_servers


@pytest.fixture
def sandbox_factory():
    yield from sandbox_servers()


R = "/services/rest/record/v1"


@pytest.fixture
def sb(sandbox_factory) -> Sandbox:
    return sandbox_factory({"seed": 12})


def new_id(response) -> str:
    assert response.status_code == 204, response.text
    assert response.content == b""
    return response.headers["Location"].rsplit("/", 1)[1]


def customer_body(**extra) -> dict:
    return {"isPerson": True, "firstName": "Jane", "lastName": "Roe", "email": "jane@example.com",
            "subsidiary": {"id": "1"}, "externalId": "WC-CUST-77",
            "addressBook": {"items": [{"label": "Default", "defaultBilling": True, "defaultShipping": True,
                                       "addressBookAddress": {"addressee": "Jane Roe", "addr1": "1 Main St",
                                                              "city": "Austin", "state": "TX", "zip": "78701",
                                                              "country": "US"}}]}} | extra


def order_body(sb: Sandbox, items: list[str], **extra) -> dict:
    customer = sb.records("customer")[0]["id"]
    return {"entity": {"id": customer}, "subsidiary": {"id": "1"}, "currency": {"id": "1"}, "location": {"id": "1"},
            "otherRefNum": "1001", "memo": "WooCommerce order #1001", "shippingCost": 7.5,
            "shipMethod": {"id": sb.records("shipItem")[0]["id"]},
            "item": {"items": [{"item": {"id": i}, "quantity": 2, "rate": 10.0} for i in items]}} | extra


def items(sb: Sandbox, n: int) -> list[str]:
    return [r["id"] for r in sb.records("inventoryItem") if r.get("matrixType", {}).get("id") != "PARENT"][:n]


def test_create_customer_then_get_it_as_netsuite_renders_it(sb):
    response = sb.ns.post(f"{R}/customer", json=customer_body())
    cid = new_id(response)
    assert response.headers["Location"] == f"{sb.url}{R}/customer/{cid}"
    got = sb.ns.get(f"{R}/customer/{cid}")
    assert got.status_code == 200 and "type=singular" in got.headers["Content-Type"]
    body = got.json()
    assert body["links"] == [{"rel": "self", "href": f"{sb.url}{R}/customer/{cid}"}]
    assert (body["id"], body["firstName"], body["isPerson"]) == (cid, "Jane", True)
    assert body["subsidiary"]["id"] == "1" and body["subsidiary"]["refName"]
    assert body["addressBook"] == {"links": [{"rel": "self", "href": f"{sb.url}{R}/customer/{cid}/addressbook"}]}
    assert "companyName" not in body  # empty fields are left out
    expanded = sb.ns.get(f"{R}/customer/{cid}", query={"expandSubResources": "true"}).json()
    line = expanded["addressBook"]["items"][0]
    assert line["addressBookAddress"]["city"] == "Austin" and line["addressBookAddress"]["country"]["id"] == "US"
    assert sb.ns.get(f"{R}/customer/eid:wc-cust-77").json()["id"] == cid  # external ids ignore case
    fields = sb.ns.get(f"{R}/customer/{cid}", query={"fields": "email,firstName"}).json()
    assert set(fields) == {"links", "email", "firstName"}


def test_type_and_field_names_are_case_insensitive(sb):
    body = {"isperson": True, "FIRSTNAME": "Lo", "lastname": "Wer", "subsidiary": 1, "externalid": "LC-1"}
    cid = new_id(sb.ns.post(f"{R}/CUSTOMER", json=body))
    stored = sb.records("customer", externalId="LC-1")[0]
    assert stored["id"] == cid and stored["firstName"] == "Lo" and stored["subsidiary"] == {"id": "1"}


def test_duplicate_external_id_is_a_user_error_across_the_id_group(sb):
    new_id(sb.ns.post(f"{R}/customer", json=customer_body()))
    again = sb.ns.post(f"{R}/customer", json=customer_body(externalId="wc-CUST-77"))
    assert again.status_code == 400
    detail = again.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "USER_ERROR" and "already exists" in detail["detail"]
    assert len(sb.records("customer", externalId="WC-CUST-77")) == 1
    new_id(sb.ns.post(f"{R}/inventoryItem", json={"itemId": "X-1", "externalId": "SHARED-1"}))
    clash = sb.ns.post(f"{R}/discountItem", json={"itemId": "D-1", "externalId": "shared-1"})
    assert clash.status_code == 400  # one item group, whatever the item type
    new_id(sb.ns.post(f"{R}/customer", json=customer_body(externalId="SHARED-1")))  # other group: fine


def test_unknown_field_and_bad_reference_errors_carry_the_path(sb):
    strict = {"X-NetSuite-PropertyNameValidation": "Error"}
    unknown = sb.ns.post(f"{R}/customer", json=customer_body(favouriteColour="red"), headers=strict)
    assert unknown.status_code == 400
    detail = unknown.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "INVALID_CONTENT" and detail["o:errorPath"] == "favouriteColour"
    lenient = sb.ns.post(f"{R}/customer", json=customer_body(favouriteColour="red"))
    assert "favouriteColour" not in sb.records("customer", externalId="WC-CUST-77")[0] and new_id(lenient)
    order = order_body(sb, items(sb, 1))
    order["item"]["items"].append({"item": {"id": "99999"}, "quantity": 1})
    bad = sb.ns.post(f"{R}/salesOrder", json=order)
    detail = bad.json()["o:errorDetails"][0]
    assert bad.status_code == 400 and detail["o:errorPath"] == "item.items[1].item"
    assert detail["o:errorCode"] == "INVALID_CONTENT" and "99999" in detail["detail"]
    assert sb.records("salesOrder") == []
    missing = sb.ns.post(f"{R}/customer", json={"isPerson": False, "subsidiary": {"id": "1"}})
    assert missing.status_code == 400 and "Company Name" in missing.json()["o:errorDetails"][0]["detail"]


def test_sales_order_totals_numbers_and_status(sb):
    ids = items(sb, 2)
    body = order_body(sb, ids, discountItem={"id": sb.records("discountItem")[0]["id"]}, discountRate=-5)
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=body))
    got = sb.ns.get(f"{R}/salesOrder/{so}", query={"expandSubResources": "true"}).json()
    assert got["tranId"].startswith("SO") and got["status"] == {"id": "B", "refName": "Pending Fulfillment"}
    assert got["subtotal"] == 40.0 and got["total"] == 40.0 - 5 + 7.5
    lines = got["item"]["items"]
    assert [ln["line"] for ln in lines] == [1, 2] and lines[0]["amount"] == 20.0
    first_item = next(r for r in sb.records("inventoryItem") if r["id"] == ids[0])
    assert lines[0]["item"]["refName"] == first_item["itemId"] and lines[0]["item"]["id"] == ids[0]
    assert lines[0]["itemType"]["id"] == "InvtPart"
    assert sb.ns.get(f"{R}/salesOrder/{so}", query={"simpleEnumFormat": "true"}).json()["status"] == "B"
    sub = sb.ns.get(f"{R}/salesOrder/{so}/item").json()
    assert sub["count"] == 2 and sub["items"][1]["quantity"] == 2


def test_patch_merges_keyed_lines_appends_unkeyed_and_replace_drops(sb):
    ids = items(sb, 3)
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, ids[:2])))
    patch = {"memo": "changed", "item": {"items": [{"line": 1, "quantity": 5}, {"item": {"id": ids[2]},
                                                                                  "quantity": 1, "rate": 3}]}}
    new_id(sb.ns.request("PATCH", f"{R}/salesOrder/{so}", json=patch))
    stored = sb.records("salesOrder")[0]
    lines = stored["item"]["items"]
    assert [(ln["line"], ln["quantity"]) for ln in lines] == [(1, 5), (2, 2), (3, 1)]
    assert stored["memo"] == "changed" and stored["subtotal"] == 5 * 10 + 20 + 3
    replace = {"item": {"items": [{"line": 2}]}}
    new_id(sb.ns.request("PATCH", f"{R}/salesOrder/{so}", query={"replace": "item"}, json=replace))
    assert [ln["line"] for ln in sb.records("salesOrder")[0]["item"]["items"]] == [2]
    new_id(sb.ns.request("PATCH", f"{R}/salesOrder/{so}", json={"memo": None}))
    assert "memo" not in sb.records("salesOrder")[0]


def test_upsert_by_external_id_creates_then_updates_and_duplicates_lines_without_replace(sb):
    body = order_body(sb, items(sb, 1))
    first = sb.ns.request("PUT", f"{R}/salesOrder/eid:WC-SO-1001", json=body)
    so = new_id(first)
    assert new_id(sb.ns.request("PUT", f"{R}/salesOrder/eid:WC-SO-1001", json=body)) == so
    assert len(sb.records("salesOrder")[0]["item"]["items"]) == 2  # spec §4.4 gotcha: merge appends
    again = sb.ns.request("PUT", f"{R}/salesOrder/eid:WC-SO-1001", query={"replace": "item"}, json=body)
    assert new_id(again) == so
    stored = sb.records("salesOrder")
    assert len(stored) == 1 and len(stored[0]["item"]["items"]) == 1 and stored[0]["externalId"] == "WC-SO-1001"
    internal = sb.ns.request("PUT", f"{R}/salesOrder/{so}", json=body)
    assert internal.status_code == 400


def test_get_errors_and_delete(sb):
    missing = sb.ns.get(f"{R}/customer/987654")
    assert missing.status_code == 404
    assert missing.json()["o:errorDetails"][0]["o:errorCode"] == "NONEXISTENT_ID"
    assert sb.ns.get(f"{R}/customer/eid:NOPE").status_code == 404
    bad_param = sb.ns.get(f"{R}/customer/1", query={"limit": "1"})
    detail = bad_param.json()["o:errorDetails"][0]
    assert bad_param.status_code == 400 and detail["o:errorCode"] == "INVALID_PARAMETER"
    cid = new_id(sb.ns.post(f"{R}/customer", json=customer_body()))
    gone = sb.ns.request("DELETE", f"{R}/customer/{cid}")
    assert gone.status_code == 204 and "Location" not in gone.headers
    assert sb.ns.get(f"{R}/customer/{cid}").status_code == 404


def test_list_paging_and_q_filter(sb):
    total = len(sb.records("customer"))
    page = sb.ns.get(f"{R}/customer", query={"limit": 5, "offset": 5}).json()
    assert (page["count"], page["offset"], page["totalResults"], page["hasMore"]) == (5, 5, total, total > 10)
    assert set(page["items"][0]) == {"links", "id"}
    rels = {link["rel"] for link in page["links"]}
    assert {"self", "first", "prev"} <= rels and ("next" in rels) == (total > 10)
    for bad in ({"limit": 5, "offset": 3}, {"limit": 1001}, {"limit": 0}):
        answer = sb.ns.get(f"{R}/customer", query=bad)
        assert answer.status_code == 400
        assert answer.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_PARAMETER"
    email = sb.records("customer")[3]["email"]
    found = sb.ns.get(f"{R}/customer", query={"q": f'email IS "{email}"'}).json()
    assert [i["id"] for i in found["items"]] == [sb.records("customer")[3]["id"]]
    combo = sb.ns.get(f"{R}/customer", query={"q": f'email START_WITH "{email[:3]}" AND isPerson IS true'}).json()
    assert sb.records("customer")[3]["id"] in [i["id"] for i in combo["items"]]
    wrong = sb.ns.get(f"{R}/customer", query={"q": "email IS"})
    detail = wrong.json()["o:errorDetails"][0]
    assert wrong.status_code == 400 and detail["o:errorQueryParam"] == "q"
    dated = sb.ns.get(f"{R}/customer", query={"q": 'lastModifiedDate AFTER "1/1/2019"'}).json()
    assert dated["totalResults"] == total


def test_item_price_sublist_merges_by_currency_level_and_quantity(sb):
    item = sb.records("inventoryItem")[0]
    before = len(item["price"]["items"])
    patch = {"price": {"items": [{"currencyPage": {"id": "1"}, "priceLevel": {"id": "1"}, "quantity": {"value": 0},
                                  "price": 25.5}]}}
    new_id(sb.ns.request("PATCH", f"{R}/inventoryItem/{item['id']}", json=patch))
    after = next(r for r in sb.records("inventoryItem") if r["id"] == item["id"])
    assert len(after["price"]["items"]) == before
    base = [p["price"] for p in after["price"]["items"]
            if p["currencyPage"]["id"] == "1" and p["priceLevel"]["id"] == "1"]
    assert base == [25.5]
    row = sb.ns.suiteql("SELECT unitprice FROM pricing WHERE item = ? AND pricelevel = 1 AND currency = 1",
                        [int(item["id"])]).json()["items"]
    assert row == [{"links": [], "unitprice": "25.5"}]
    assert after["locations"] == item["locations"]  # stock is not written through the item record


def test_unknown_record_type_and_control_plane_lookup(sb):
    assert sb.ns.get(f"{R}/spaceship/1").status_code == 404
    cid = sb.records("customer")[0]["id"]
    one = sb.control("GET", f"/records/customer/{cid}")
    assert one.status_code == 200 and one.json()["id"] == cid
    assert sb.control("GET", "/records/customer/99999").status_code == 404


def test_concurrent_creates_with_one_external_id_make_one_record(sandbox_factory):
    sb = sandbox_factory({"seed": 3, "concurrency_limit": 20})
    barrier, answers = threading.Barrier(8), []

    def create() -> None:
        barrier.wait()
        answers.append(sb.ns.post(f"{R}/customer", json=customer_body(externalId="RACE-1")).status_code)
    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(answers) == [204] + [400] * 7
    assert len(sb.records("customer", externalId="RACE-1")) == 1
