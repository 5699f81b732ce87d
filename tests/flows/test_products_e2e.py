"""The catalog import, NetSuite → WooCommerce (issue 14), through the pipeline against both sandboxes over real
sockets: simple and matrix items created, a second run writes nothing, one changed field updates one product, a
create-only field is left alone on update, a new matrix child adds one variation, a child gone is set private,
an incremental run reads only what changed, and an item that cannot be written fails alone."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest

from tests.flows.stack import STORE_KEY, start_stack
from tests.pipeline_handlers import drain

OPTIONS = {"custitem_color": "Color", "custitem_size": "Size"}


@pytest.fixture
def stack(tmp_path, monkeypatch):
    monkeypatch.setenv("SIDECAR_RETRY_BASE_S", "0.01")
    stack = start_stack(tmp_path, ns_options={"seed": 0})
    res = stack.api.put("/v1/settings", {"store": {"key": STORE_KEY}, "products": {"matrix_options": OPTIONS}})
    assert res.status_code == 200, res.get_json()
    stack.catalog = stack.ns_control("POST", "catalog", {"parents": 2, "children": 5, "simple": 6,
                                                         "non_inventory_every": 3})
    yield stack
    stack.stop()


def sync(stack, trigger: str = "manual") -> dict:
    if trigger == "manual":
        res = stack.api.post("/v1/sync/products")
        assert res.status_code == 202, res.get_json()
        run_id = res.get_json()["run_id"]
    else:
        from sidecar.pipeline.runs import start_run

        run_id = start_run("products", trigger)[0].id
    drain(settle_s=0.2)
    run = stack.api.get(f"/v1/runs/{run_id}").get_json()
    assert run["status"] == "done", run
    return run


def woo_writes(stack) -> int:
    return stack.woo_control("GET", "stats")["batch_calls"]


def products(stack) -> dict[str, dict]:
    woo = stack.woo_client()
    return {p["sku"]: p for p in woo.iter_pages("products", {"status": "any"})}


def ns_items(stack) -> dict[str, dict]:
    return {i["itemId"]: i for t in ("inventoryItem", "nonInventorySaleItem") for i in stack.records(t)}


def price_of(item: dict) -> str:
    line = next(p for p in item["price"]["items"] if (p["priceLevel"]["id"], p["currencyPage"]["id"]) == ("1", "1"))
    return f"{Decimal(str(line['price'])):.2f}"


def test_simple_and_matrix_items_are_created_as_draft_products_and_variations(stack):
    run = sync(stack)
    items, woo = ns_items(stack), products(stack)
    assert run["failed"] == 0 and run["seen"] == len(items) and run["changed"] == len(items)
    simple = [i for i in items.values() if i["itemId"].startswith("CAT-")]
    for item in simple:
        made = woo[item["itemId"]]
        assert (made["type"], made["status"], made["name"]) == ("simple", "draft", item["displayName"])
        assert made["description"] == item["storeDetailedDescription"]
        assert made["short_description"] == item["storeDescription"]
        assert made["regular_price"] == price_of(item)
        assert Decimal(made["weight"]) == (Decimal(str(item["weight"])) * Decimal("0.45359237")).quantize(
            Decimal("0.001"))  # lb in NetSuite, kg in the store
        if item.get("locations"):
            assert made["manage_stock"] and made["stock_quantity"] == sum(
                int(line["quantityAvailable"]) for line in item["locations"]["items"])
        else:  # a non-inventory item has no stock to manage
            assert made["manage_stock"] is False
    parent = woo["MTX-00007"]
    assert parent["type"] == "variable" and parent["status"] == "draft"
    assert [(a["name"], a["options"], a["variation"]) for a in parent["attributes"]] == [
        ("Color", ["Red", "Blue"], True), ("Size", ["S", "M", "L", "XL"], True)]
    variations = stack.woo_client().get(f"products/{parent['id']}/variations", {"per_page": 100})
    assert len(variations) == 5
    child = items[variations[0]["sku"]]
    assert variations[0]["regular_price"] == price_of(child)
    assert {a["name"]: a["option"] for a in variations[0]["attributes"]} == {
        "Color": child["custitem_color"]["refName"], "Size": child["custitem_size"]["refName"]}


def test_a_second_run_writes_nothing(stack):
    sync(stack)
    before = woo_writes(stack)
    again = sync(stack)
    assert (again["changed"], again["failed"]) == (0, 0) and again["seen"] > 0
    assert woo_writes(stack) == before


def test_one_changed_field_updates_one_product_and_create_only_fields_are_left_alone(stack):
    sync(stack)
    item_id = stack.catalog["simpleIds"][0]
    sku = next(i["itemId"] for i in ns_items(stack).values() if i["id"] == str(item_id))
    woo = stack.woo_client()
    mine = products(stack)[sku]
    woo.put(f"products/{mine['id']}", {"description": "<p>Written by the merchant</p>", "status": "publish"})
    before = woo_writes(stack)
    stack.ns_control("PATCH", f"items/{item_id}", {"displayName": "Renamed in NetSuite",
                                                    "storeDetailedDescription": "<p>NetSuite's new text</p>"})
    run = sync(stack)
    assert (run["changed"], run["failed"]) == (1, 0)
    assert woo_writes(stack) == before + 1
    after = products(stack)[sku]
    assert after["name"] == "Renamed in NetSuite"
    assert after["description"] == "<p>Written by the merchant</p>" and after["status"] == "publish"

    stack.ns_control("PATCH", f"items/{item_id}", {"storeDescription": "<p>only a create-only field</p>"})
    quiet = sync(stack)
    assert quiet["changed"] == 0 and woo_writes(stack) == before + 1
    stack.api.put("/v1/settings", {"products": {"fields": {"short_description": "create_and_update"}}})
    sync(stack)
    assert products(stack)[sku]["short_description"] == "<p>only a create-only field</p>"


def test_a_new_matrix_child_adds_one_variation_and_a_child_gone_is_set_private(stack):
    sync(stack)
    parent_id = stack.catalog["parentIds"][0]
    parent = next(i for i in ns_items(stack).values() if i["id"] == str(parent_id))
    woo = stack.woo_client()
    variable = products(stack)[parent["itemId"]]
    before = woo_writes(stack)
    stack.ns_control("POST", "records/inventoryItem", {
        "itemId": f"{parent['itemId']}-BLU-M", "displayName": "New child", "parent": {"id": str(parent_id)},
        "matrixType": {"id": "CHILD"}, "isOnline": True, "custitem_color": {"id": "2", "refName": "Blue"},
        "custitem_size": {"id": "2", "refName": "M"}})
    run = sync(stack)
    assert (run["changed"], run["failed"]) == (1, 0)  # the parent's attributes already list Blue and M
    assert woo_writes(stack) == before + 1
    variations = woo.get(f"products/{variable['id']}/variations", {"per_page": 100})
    assert len(variations) == 6
    new = next(v for v in variations if v["sku"] == f"{parent['itemId']}-BLU-M")
    assert {a["name"]: a["option"] for a in new["attributes"]} == {"Color": "Blue", "Size": "M"}

    gone_id = stack.catalog["childIds"][0]
    stack.ns_control("PATCH", f"items/{gone_id}", {"isInactive": True})
    run = sync(stack)
    assert run["changed"] == 1
    variations = {v["sku"]: v for v in woo.get(f"products/{variable['id']}/variations", {"per_page": 100})}
    assert len(variations) == 6
    gone_sku = next(i["itemId"] for i in ns_items(stack).values() if i["id"] == str(gone_id))
    assert variations[gone_sku]["status"] == "private"
    assert sync(stack)["changed"] == 0


def test_a_scheduled_run_reads_only_what_changed_since_the_cursor(stack, monkeypatch):
    """The cursor is the newest ``lastmodifieddate`` read, compared with ``>=`` (one-second resolution), so the
    newest second is read again; with no extra overlap a run reads that second and what changed after it."""
    from sidecar.flows import products as flow

    monkeypatch.setattr(flow, "OVERLAP", dt.timedelta(0))
    simple = stack.catalog["simpleIds"]
    time.sleep(1.05)
    stack.ns_control("PATCH", f"items/{simple[0]}", {"displayName": "Newest before the first run"})
    first = sync(stack, "schedule")  # no cursor yet: a full run
    assert first["cursor_before"] is None and first["seen"] == len(ns_items(stack))
    time.sleep(1.05)
    stack.ns_control("PATCH", f"items/{simple[1]}", {"displayName": "Changed for the schedule"})
    parent = stack.catalog["parentIds"][0]
    stack.ns_control("PATCH", f"items/{stack.catalog['childIds'][1]}", {"weight": 9.5})
    run = sync(stack, "schedule")
    assert run["cursor_before"] == first["cursor_after"]
    assert run["seen"] == 2 + 1 + 5 and run["changed"] == 2  # two simple items, the child's whole family
    assert run["failed"] == 0 and parent


def test_an_item_that_cannot_be_written_fails_alone_with_its_reason(stack):
    items = ns_items(stack)
    taken = next(s for s in items if s.startswith("CAT-"))
    woo = stack.woo_client()
    woo.post("products", {"name": "Merchant's own bundle", "type": "variable", "sku": taken})
    run = sync(stack)
    assert run["failed"] == 1 and run["changed"] == len(items) - 1
    assert taken in run["errors"][0] and "SKU" in run["errors"][0]
    assert products(stack)[taken]["type"] == "variable"  # left as the merchant has it


def test_a_simple_product_already_in_the_store_is_adopted_not_duplicated(stack):
    taken = next(s for s in ns_items(stack) if s.startswith("CAT-"))
    woo = stack.woo_client()
    mine = woo.post("products", {"name": "Hand-made", "sku": taken, "description": "<p>mine</p>"})
    run = sync(stack)
    assert run["failed"] == 0
    after = products(stack)[taken]
    assert after["id"] == mine["id"] and after["description"] == "<p>mine</p>"  # create-only field kept


def test_product_settings_are_validated_with_the_field_named(stack):
    for body, field in (({"fields": {"sku": "create_only"}}, "products.fields"),
                        ({"new_status": "live"}, "products.new_status"),
                        ({"item_types": ["Foo"]}, "products.item_types"),
                        ({"matrix_options": {"color": "Color"}}, "products.matrix_options")):
        res = stack.api.put("/v1/settings", {"products": body})
        assert res.status_code == 422 and res.get_json()["error"]["field"].startswith(field), res.get_json()
    got = stack.api.get("/v1/settings").get_json()["products"]
    assert got["new_status"] == "draft" and got["only_online"] is False
    assert got["fields"]["description"] == "create_only" and got["item_types"] == ["InvtPart", "NonInvtPart"]
    assert stack.api.get("/v1/settings").get_json()["schedules"]["products"] == "off"


def test_a_product_deleted_in_the_store_is_reported_then_created_again(stack):
    sync(stack)
    item_id = stack.catalog["simpleIds"][2]
    sku = next(i["itemId"] for i in ns_items(stack).values() if i["id"] == str(item_id))
    woo = stack.woo_client()
    woo.delete(f"products/{products(stack)[sku]['id']}", {"force": "true"})
    stack.ns_control("PATCH", f"items/{item_id}", {"displayName": "Changed after the delete"})
    run = sync(stack)
    assert run["failed"] == 1 and "no longer exists" in run["errors"][0]
    assert sku not in products(stack)
    again = sync(stack)
    assert (again["changed"], again["failed"]) == (1, 0)
    assert products(stack)[sku]["name"] == "Changed after the delete"


def test_item_types_and_only_online_choose_the_items(stack):
    offline = stack.catalog["simpleIds"][0]
    stack.ns_control("PATCH", f"items/{offline}", {"isOnline": False})
    stack.api.put("/v1/settings", {"products": {"item_types": ["InvtPart"], "only_online": True}})
    run = sync(stack)
    items = ns_items(stack)
    woo = products(stack)
    offline_sku = next(s for s, i in items.items() if i["id"] == str(offline))
    non_inventory = [s for s in items if s in {i["itemId"] for i in stack.records("nonInventorySaleItem")}]
    assert non_inventory and not any(s in woo for s in non_inventory)
    assert offline_sku not in woo
    assert run["seen"] == len(items) - len(non_inventory) - 1 and run["failed"] == 0
