"""Pickers (issue 18 item 1): NetSuite records by name and internal id through the sidecar, cached a few minutes,
a typed id still found — against the NetSuite sandbox over a real socket."""

from __future__ import annotations

import pytest

from sidecar.flows import lookups
from tests.flows.stack import start_stack


@pytest.fixture
def stack(tmp_path):
    lookups.clear_cache()
    stack = start_stack(tmp_path)
    yield stack
    stack.stop()


def suiteql_calls(stack) -> int:
    stats = stack.http.get(f"{stack.ns.url}/_sandbox/stats", timeout=10).json()["by_method_path"]
    return sum(n for label, n in stats.items() if "suiteql" in label)


@pytest.mark.parametrize("kind,record_type,field", [
    ("location", "location", "name"), ("subsidiary", "subsidiary", "name"), ("currency", "currency", "name"),
    ("pricelevel", "priceLevel", "name"), ("department", "department", "name"),
    ("classification", "classification", "name"), ("paymentmethod", "paymentMethod", "name"),
    ("shipitem", "shipItem", "itemId"),
])
def test_every_kind_lists_the_records_of_netsuite_by_name(stack, kind, record_type, field):
    expected = {str(r["id"]): r[field] for r in stack.records(record_type) if not r.get("isInactive")}
    res = stack.api.get(f"/v1/netsuite/lookups/{kind}")
    assert res.status_code == 200, res.get_json()
    assert {i["id"]: i["name"] for i in res.get_json()["items"]} == expected
    assert expected


def test_search_by_name_or_typed_id_and_the_cache(stack):
    warehouse = next(r for r in stack.records("location") if r["name"] == "Main Warehouse")
    calls = suiteql_calls(stack)
    found = stack.api.get("/v1/netsuite/lookups/location?q=warehouse").get_json()
    assert [i["name"] for i in found["items"]] == ["Main Warehouse"] and found["cached"] is False
    again = stack.api.get("/v1/netsuite/lookups/location?q=Warehouse").get_json()
    assert again["cached"] is True and again["items"] == found["items"]
    assert suiteql_calls(stack) == calls + 1  # the second answer came from the cache
    by_id = stack.api.get(f"/v1/netsuite/lookups/location?q={warehouse['id']}").get_json()
    assert str(warehouse["id"]) in [i["id"] for i in by_id["items"]]
    customer = stack.records("customer")[0]
    hit = stack.api.get(f"/v1/netsuite/lookups/customer?q={customer['email'].split('@')[0]}").get_json()
    assert str(customer["id"]) in [i["id"] for i in hit["items"]]
    discount = stack.api.get("/v1/netsuite/lookups/item?type=Discount").get_json()["items"]
    assert [i["name"] for i in discount] == ["Woo Discount"]


def test_a_quote_in_the_search_is_a_literal_not_sql(stack):
    res = stack.api.get("/v1/netsuite/lookups/location?q=x'%20OR%20'1'='1")
    assert res.status_code == 200 and res.get_json()["items"] == []


def test_unknown_kinds_and_bad_parameters_are_4xx(stack):
    assert stack.api.get("/v1/netsuite/lookups/planet").status_code == 404
    assert stack.api.get("/v1/netsuite/lookups/item?type=Spaceship").status_code == 422
    assert stack.api.get("/v1/netsuite/lookups/location?q=" + "x" * 101).status_code == 422


def test_without_netsuite_credentials_the_answer_says_to_save_them(signed):
    res = signed.get("/v1/netsuite/lookups/location")
    assert res.status_code == 409 and "Connection tab" in res.get_json()["error"]["message"]
