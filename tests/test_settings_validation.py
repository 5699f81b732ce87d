"""``PUT /v1/settings`` refuses what a job would trip over later, and names every bad field at once."""

from __future__ import annotations

import pytest

from sidecar.mapping.common import MappingError
from sidecar.mapping.orders import ResolvedOrder, memo, sales_order
from sidecar.store.settings import MEMO_PLACEHOLDERS, defaults


@pytest.mark.parametrize("template", ["Order {nope}", "Order {}", "Order {0}", "{number.__class__}", "{id[0]}",
                                      "{number!r}", "{number:>99999999}", "Order {", "Order }", "{number"])
def test_a_memo_template_the_mapping_cannot_fill_is_422_naming_orders_memo(signed, template):
    before = signed.get("/v1/settings").get_json()
    res = signed.put("/v1/settings", {"orders": {"memo": template}})
    assert res.status_code == 422, res.get_json()
    assert res.get_json()["error"]["field"] == "orders.memo"
    assert signed.get("/v1/settings").get_json() == before


def test_the_unknown_placeholder_is_named_in_the_message(signed):
    message = signed.put("/v1/settings", {"orders": {"memo": "Order {nope}"}}).get_json()["error"]["message"]
    assert "{nope}" in message and "{number}" in message and "{id}" in message


@pytest.mark.parametrize("template", ["Order {number} ({id})", "{{braces}} {number}", "no placeholder", ""])
def test_every_memo_the_settings_accept_is_filled_by_the_mapping(signed, template):
    res = signed.put("/v1/settings", {"orders": {"memo": template}})
    assert res.status_code == 200, res.get_json()
    body = sales_order({"id": 41, "number": "1041", "line_items": []}, res.get_json(), ResolvedOrder("7"))
    assert body.get("memo", "") == template.format(number="1041", id=41)


def test_the_mapping_fills_exactly_the_placeholders_settings_accept():
    for name in MEMO_PLACEHOLDERS:
        assert memo("{" + name + "}", "1041", 41) in ("1041", "41")


def test_a_memo_stored_before_the_check_fails_the_order_once_with_a_mapping_error():
    settings = defaults()
    settings["orders"]["memo"] = "Order {nope}"
    with pytest.raises(MappingError) as caught:
        sales_order({"id": 41, "number": "1041", "line_items": []}, settings, ResolvedOrder("7"))
    assert caught.value.setting == "orders.memo" and "{number}" in caught.value.message


def test_settings_report_every_bad_field_at_once_naming_the_ship_method_line(signed):
    before = signed.get("/v1/settings").get_json()
    patch = {"orders": {"subsidiary_id": "abc", "memo": "Order {nope}",
                        "ship_methods": {"flat_rate:1": "x", "free_shipping": "12", "local_pickup:3": "abc"}},
             "items": {"match_by": "colour"}, "schedules": {"inventory": "every hour"}}
    res = signed.put("/v1/settings", patch)
    assert res.status_code == 422
    answer = res.get_json()
    fields = [e["field"] for e in answer["errors"]]
    assert set(fields) == {"orders.subsidiary_id", "orders.memo", "orders.ship_methods.flat_rate:1",
                           "orders.ship_methods.local_pickup:3", "items.match_by", "schedules.inventory"}, fields
    assert all(e["message"] for e in answer["errors"])
    assert answer["error"]["code"] == "invalid_field"
    assert answer["error"]["field"] == fields[0]  # the first, as before
    assert signed.get("/v1/settings").get_json() == before


def test_a_bad_ship_method_key_is_named_by_the_key(signed):
    res = signed.put("/v1/settings", {"orders": {"ship_methods": {"": "12"}}})
    assert res.status_code == 422
    assert res.get_json()["error"]["field"] == "orders.ship_methods."


def test_a_single_bad_field_still_answers_one_error_and_the_list(signed):
    res = signed.put("/v1/settings", {"refunds": {"record": "invoice"}})
    answer = res.get_json()
    assert answer["error"]["field"] == "refunds.record"
    assert answer["errors"] == [{"field": "refunds.record", "message": answer["errors"][0]["message"]}]


def test_the_store_key_field_is_not_taken_for_a_table_entry(signed):
    res = signed.put("/v1/settings", {"store": {"key": "Not Valid"}})
    assert res.get_json()["error"]["field"] == "store.key"


@pytest.mark.parametrize("path", ["line_items.²", "line_items.١", "line_items.99999999999999999999"])
def test_a_field_map_path_with_a_non_ascii_index_reads_nothing_instead_of_failing_the_job(path):
    from sidecar.mapping.rules import MISSING, apply_field_map, woo_value

    order = {"line_items": [{"sku": "A"}, {"sku": "B"}]}
    assert woo_value(order, path) is MISSING
    assert apply_field_map(order, {path: "memo"}) == {}


def test_a_memo_stored_before_the_check_does_not_break_reading_the_settings(signed):
    from sidecar.store.models import Setting

    Setting.create(key="orders", value={"memo": "Order {nope}", "subsidiary_id": "3"})
    res = signed.get("/v1/settings")
    assert res.status_code == 200, res.get_data(as_text=True)
    orders = res.get_json()["orders"]
    assert orders["memo"] == "WooCommerce order {number}" and orders["subsidiary_id"] == "3"
    assert signed.put("/v1/settings", {"orders": {"location_id": "7"}}).get_json()["error"]["field"] == "orders.memo"
    fixed = signed.put("/v1/settings", {"orders": {"memo": "Order {number}"}})
    assert fixed.status_code == 200 and fixed.get_json()["orders"]["subsidiary_id"] == "3"


def test_a_stored_section_that_is_not_an_object_falls_back_to_defaults(signed):
    from sidecar.store.models import Setting

    Setting.create(key="items", value="itemid")
    assert signed.get("/v1/settings").get_json()["items"] == {"match_by": "itemid"}
