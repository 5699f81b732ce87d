"""Batch endpoints: ≤100 objects a call summed over create+update+delete, per-item errors, 413, variations."""

from __future__ import annotations

import json

import pytest
import responses

from sidecar.clients.woocommerce import WooBatchTooLarge, WooClient, failed_items
from sidecar.clients.woocommerce_batch import merge_results, plan_batches
from tests.clients.test_woocommerce_support import CK, CS, add_fixture, fixture_json, load

BASE = "http://127.0.0.1:8080/wp-json/wc/v3/"


def woo() -> WooClient:
    return WooClient("http://127.0.0.1:8080", CK, CS, sleep=lambda s: None)


def echo(request):
    """A batch answer that echoes every object (what WooCommerce returns for successes)."""
    body = json.loads(request.body)
    answer = {op: [{"id": (item.get("id") if isinstance(item, dict) else item) or 1000 + n}
                   for n, item in enumerate(items)] for op, items in body.items()}
    return 200, {}, json.dumps(answer)


def test_plan_2000_updates_is_20_bodies_of_100():
    bodies = plan_batches(update=[{"id": i, "stock_quantity": 1} for i in range(1, 2001)])
    assert len(bodies) == 20 and all(list(b) == ["update"] and len(b["update"]) == 100 for b in bodies)


def test_plan_counts_all_operations_together_in_woocommerces_order():
    bodies = plan_batches(create=[{"name": f"n{i}"} for i in range(60)],
                          update=[{"id": 10, "stock_quantity": 24}] * 41, delete=[33])
    assert [{k: len(v) for k, v in b.items()} for b in bodies] == [{"create": 60, "update": 40},
                                                                   {"update": 1, "delete": 1}]


def test_update_without_id_is_refused_before_any_call():
    with pytest.raises(ValueError, match="id"):
        plan_batches(update=[{"sku": "HW-001", "stock_quantity": 3}])


def test_failed_items_of_the_captured_mixed_batch():
    failures = failed_items(fixture_json("03-batch/products-batch-mixed.json"))
    assert [(f["op"], f["id"], f["code"], f["status"]) for f in failures] == [
        ("create", 0, "product_invalid_sku", 400),
        ("update", 999998, "woocommerce_rest_product_invalid_id", 400),
        ("delete", 999997, "woocommerce_rest_product_invalid_id", 404)]


@responses.activate
def test_batch_products_chunks_and_merges():
    responses.add_callback("POST", BASE + "products/batch", callback=echo)
    client = woo()
    result = client.batch_products(update=[{"id": i, "stock_quantity": 5} for i in range(1, 251)], delete=[7])
    assert [len(json.loads(c.request.body)["update"]) for c in responses.calls] == [100, 100, 50]
    assert "delete" in json.loads(responses.calls[2].request.body)
    assert [u["id"] for u in result["update"]] == list(range(1, 251)) and result["delete"] == [{"id": 7}]
    assert "create" not in result and client.batch_calls == 3
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"


@responses.activate
def test_batch_answer_with_per_item_errors_is_200_and_reported():
    add_fixture(responses, "POST", BASE + "products/batch", "products-batch-update.json")
    result = woo().batch_products(update=[{"id": 10, "stock_quantity": 24}, {"id": 11, "stock_quantity": 8},
                                          {"id": 999999, "stock_quantity": 1}])
    assert [(f["id"], f["code"]) for f in failed_items(result)] == [(999999, "woocommerce_rest_product_invalid_id")]


@responses.activate
def test_a_413_halves_the_batch_and_nothing_is_lost():
    """A store can lower the limit (filter woocommerce_rest_batch_items_limit): 413 means nothing was done."""
    _, headers, body = load("03-batch/error-products-batch-101-updates.json")

    def limited(request):
        items = sum(len(v) for v in json.loads(request.body).values())
        return (413, headers, body.replace(b"100", b"50")) if items > 50 else echo(request)

    responses.add_callback("POST", BASE + "products/batch", callback=limited)
    client = woo()
    result = client.batch_products(update=[{"id": i, "regular_price": "1.00"} for i in range(1, 201)])
    assert [u["id"] for u in result["update"]] == list(range(1, 201))
    assert client.batch_size == 50
    sizes = [len(json.loads(c.request.body)["update"]) for c in responses.calls]
    assert sizes == [100, 50, 50, 50, 50]


@responses.activate
def test_413_on_a_single_object_is_raised():
    add_fixture(responses, "POST", BASE + "products/batch", "03-batch/error-products-batch-101-updates.json")
    with pytest.raises(WooBatchTooLarge):
        woo().batch_products(update=[{"id": 1, "stock_quantity": 1}])


@responses.activate
def test_variations_go_through_their_parents_batch():
    add_fixture(responses, "POST", BASE + "products/27/variations/batch", "01-variable/variations-batch-update.json")
    result = woo().batch_variations(27, update=[{"id": 28, "stock_quantity": 50}, {"id": 29, "stock_quantity": 40},
                                                {"id": 30, "stock_quantity": 0}, {"id": 999999, "stock_quantity": 1}])
    assert [u["stock_status"] for u in result["update"][:3]] == ["instock", "instock", "outofstock"]
    assert [f["code"] for f in failed_items(result)] == ["woocommerce_rest_product_variation_invalid_id"]


@responses.activate
def test_batch_update_routes_products_and_variations():
    responses.add_callback("POST", BASE + "products/batch", callback=echo)
    responses.add_callback("POST", BASE + "products/27/variations/batch", callback=echo)
    items = [{"id": 10, "parent_id": 0, "stock_quantity": 3}, {"id": 28, "parent_id": 27, "stock_quantity": 4},
             {"id": 11, "stock_quantity": 5}]
    result = woo().batch_update(items)
    urls = [c.request.url.split("?")[0] for c in responses.calls]
    assert urls == [BASE + "products/batch", BASE + "products/27/variations/batch"]
    assert json.loads(responses.calls[1].request.body) == {"update": [{"id": 28, "stock_quantity": 4}]}
    assert sorted(u["id"] for u in result["update"]) == [10, 11, 28]


def test_merge_keeps_only_requested_operations():
    merged = merge_results({"update": [1], "create": []}, [{"update": [{"id": 1}]}, {"update": [{"id": 2}]}])
    assert merged == {"update": [{"id": 1}, {"id": 2}]}


@responses.activate
def test_a_per_item_error_message_with_html_entities_reads_as_text():
    """The products batch refuses a variation per item with the store's HTML-escaped message (a 200 answer)."""
    responses.add(responses.POST, BASE + "products/batch", status=200, json={"update": [
        {"id": 0, "error": {"code": "woocommerce_rest_invalid_product_id", "data": {"status": 404},
                            "message": "use the /products/&lt;product_id&gt;/variations/&lt;id&gt; endpoint."}},
        {"id": 11, "name": "Tom &amp; Jerry"}]})
    result = woo().batch_products(update=[{"id": 12, "regular_price": "1"}, {"id": 11, "regular_price": "2"}])
    assert failed_items(result)[0]["message"] == "use the /products/<product_id>/variations/<id> endpoint."
    assert result["update"][1] == {"id": 11, "name": "Tom &amp; Jerry"}  # only error messages are decoded
