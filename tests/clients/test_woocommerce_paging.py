"""Paging through X-WP-Total / X-WP-TotalPages, filters, and SKU look-ups, replayed from real captures."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import responses

from sidecar.clients.woocommerce import WooClient
from sidecar.clients.woocommerce_paging import Pager
from tests.clients.test_woocommerce_support import CK, CS, add_fixture, fixture_json, load

BASE = "http://127.0.0.1:8080/wp-json/wc/v3/"


def woo() -> WooClient:
    return WooClient("http://127.0.0.1:8080", CK, CS, sleep=lambda s: None)


def sent_params(i: int) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(responses.calls[i].request.url).query))


def test_pager_stops_on_last_page_empty_page_or_missing_headers():
    pager = Pager()
    assert pager.advance({"X-WP-Total": "7", "X-WP-TotalPages": "4"}, 2) and pager.page == 2
    pager.page = 4
    assert pager.advance({"X-WP-Total": "7", "X-WP-TotalPages": "4"}, 1) is False and pager.page == 4
    assert pager.total == 7 and pager.total_pages == 4
    assert not Pager(page=1).advance({"X-WP-TotalPages": "4"}, 0)
    assert not Pager().advance({}, 7)


def _page_two_body() -> bytes:
    """Page 2 of the per_page=2 walk was not captured: it holds products 32 and 27 (order from the captured
    per_page=100 list), rebuilt from their captured objects."""
    return json.dumps([fixture_json("02-list/product-create-pag-2.json"),
                       fixture_json("01-variable/product-variable-get.json")]).encode()


@responses.activate
def test_iter_pages_walks_the_captured_pages_by_counting_not_by_link():
    status, headers, _ = load("02-list/products-per_page-2-page-1.json")
    add_fixture(responses, "GET", BASE + "products", "02-list/products-per_page-2-page-1.json")
    responses.add("GET", BASE + "products", body=_page_two_body(), status=status, headers=headers)
    add_fixture(responses, "GET", BASE + "products", "02-list/products-per_page-2-page-3.json")
    add_fixture(responses, "GET", BASE + "products", "02-list/products-per_page-2-page-4-last.json")
    add_fixture(responses, "GET", BASE + "products", "02-list/products-per_page-2-page-99-beyond.json")
    skus = [p["sku"] for p in woo().iter_pages("products", {"orderby": "date"}, per_page=2)]
    assert skus == ["PAG-3", "PAG-1", "PAG-2", "TEE-PARENT", "SMOKE-20261128T013510", "HW-001", "HG-002"]
    assert len(responses.calls) == 4  # stopped at X-WP-TotalPages, never asked for page 5
    for i in range(4):
        params = sent_params(i)
        assert params["page"] == str(i + 1) and params["per_page"] == "2" and params["orderby"] == "date"
        assert len({sent_params(j)["oauth_nonce"] for j in range(4)}) == 4  # fresh nonce, not the Link's


@responses.activate
def test_iter_pages_caps_per_page_at_100_and_stops_on_an_empty_page():
    add_fixture(responses, "GET", BASE + "products", "02-list/products-per_page-2-page-99-beyond.json")
    assert list(woo().iter_pages("products", per_page=250)) == []
    assert sent_params(0)["per_page"] == "100" and len(responses.calls) == 1


@responses.activate
def test_order_notes_are_one_unpaged_list():
    add_fixture(responses, "GET", BASE + "orders/36/notes", "06-notes/order-notes-list.json")
    notes = woo().list_order_notes(36)
    assert len(notes) == 7 and sent_params(0)["type"] == "any" and len(responses.calls) == 1


@responses.activate
def test_iter_orders_from_a_cursor_overlaps_and_deduplicates():
    """modified_after is exclusive with 1 s granularity: start 2 s early, walk oldest change first, and drop
    repeats of the same (id, date_modified_gmt) (here: order 12 shows up on both pages)."""
    first = fixture_json("orders-list-modified-after-t0.json")
    responses.add("GET", BASE + "orders", json=first, headers={"X-WP-Total": "3", "X-WP-TotalPages": "2"})
    add_fixture(responses, "GET", BASE + "orders", "orders-list-modified-after-t1-gmt.json",
                headers={"X-WP-Total": "3", "X-WP-TotalPages": "2"})
    orders = list(woo().iter_orders(modified_after="2026-11-28T01:31:12Z", status=["processing", "completed"],
                                    include=[12, 16]))
    assert [o["id"] for o in orders] == [16, 12]
    params = sent_params(0)
    assert params["modified_after"] == "2026-11-28T01:31:10" and params["dates_are_gmt"] == "true"
    assert params["orderby"] == "modified" and params["order"] == "asc"
    assert params["status"] == "processing,completed" and params["include"] == "12,16"
    assert sent_params(1)["page"] == "2"


@responses.activate
def test_iter_orders_skips_what_the_previous_run_already_saw():
    add_fixture(responses, "GET", BASE + "orders", "orders-list-modified-after-t0.json")
    seen = {(12, "2026-11-28T01:31:15")}
    orders = list(woo().iter_orders(modified_after="2026-11-28T01:31:15", seen=seen))
    assert [o["id"] for o in orders] == [16]
    assert seen == {(12, "2026-11-28T01:31:15"), (16, "2026-11-28T01:31:12")}


@responses.activate
def test_iter_orders_without_cursor_pages_by_id():
    add_fixture(responses, "GET", BASE + "orders", "orders-list-modified-after-t0.json")
    assert len(list(woo().iter_orders())) == 2
    params = sent_params(0)
    assert params["orderby"] == "id" and "modified_after" not in params


@responses.activate
def test_find_products_by_sku_returns_variations_and_products():
    add_fixture(responses, "GET", BASE + "products", "01-variable/products-by-sku-two-comma.json")
    found = woo().find_products_by_sku(["TEE-RED-S", "HW-001"])
    assert [(p["sku"], p["type"], p["parent_id"]) for p in found] == [("TEE-RED-S", "variation", 27),
                                                                     ("HW-001", "simple", 0)]
    assert sent_params(0)["sku"] == "TEE-RED-S,HW-001"


@responses.activate
def test_find_products_by_sku_chunks_long_lists_and_asks_comma_skus_alone():
    responses.add("GET", BASE + "products", json=[], headers={"X-WP-Total": "0", "X-WP-TotalPages": "0"})
    skus = [f"SKU-{i:04d}" for i in range(250)] + ["A,B"]
    assert woo().find_products_by_sku(skus) == []
    asked = [sent_params(i)["sku"] for i in range(len(responses.calls))]
    assert [len(a.split(",")) for a in asked if a != "A,B"] == [100, 100, 50]
    assert "A,B" in asked and len(asked) == 4


@responses.activate
def test_find_products_by_sku_asks_only_the_fields_given():
    add_fixture(responses, "GET", BASE + "products", "01-variable/products-by-sku-two-comma.json")
    woo().find_products_by_sku(["HW-001"], "id,sku,stock_quantity")
    woo().find_products_by_sku(["HW-001"])
    assert sent_params(0)["_fields"] == "id,sku,stock_quantity" and "_fields" not in sent_params(1)


@responses.activate
def test_find_products_by_sku_ignores_a_non_exact_match():
    add_fixture(responses, "GET", BASE + "products", "01-variable/products-by-sku-two-comma.json")
    assert [p["sku"] for p in woo().find_products_by_sku(["HW-001"])] == ["HW-001"]
