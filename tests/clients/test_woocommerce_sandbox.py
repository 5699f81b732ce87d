"""The client against the WooCommerce sandbox over real sockets on 127.0.0.1 (integration)."""

from __future__ import annotations

import time

import pytest
import requests

from sidecar.clients import no_api_log
from sidecar.clients.woocommerce import (
    WooAuthError,
    WooBatchTooLarge,
    WooClient,
    WooNotFoundError,
    WooPermissionError,
    WooValidationError,
    failed_items,
)
from sidecar.clients.woocommerce import test_connection as woo_test_connection
from sidecar.sandbox.woocommerce import DEMO_KEYS, create_app
from sidecar.store.apilog import record_api_call
from sidecar.store.db import connect_database
from sidecar.store.migrations import migrate
from sidecar.store.models import ApiCall

CK, CS = DEMO_KEYS["consumer_key"], DEMO_KEYS["consumer_secret"]


@pytest.fixture
def store(live_server_factory):
    """A plain-HTTP sandbox (Basic and query keys ignored, OAuth required), as a real store on http://."""
    return live_server_factory(create_app({}))


@pytest.fixture
def https_store(live_server_factory):
    """A sandbox that treats every request as HTTPS (what a TLS proxy in front of WordPress gives)."""
    return live_server_factory(create_app({"https": True}))


def control(server, method: str, path: str, body: dict | None = None) -> dict:
    resp = requests.request(method, server.url + path, json=body, timeout=30)
    assert resp.status_code < 300, resp.text
    return resp.json()


def seed(server, products: int, variable_share: float = 0.0, **more) -> dict:
    return control(server, "POST", "/_sandbox/seed", {"products": products, "variable_share": variable_share,
                                                      "seed": 7, **more})


def client(server, **kw) -> WooClient:
    return WooClient(server.url, CK, CS, sleep=lambda s: None, **kw)


def test_oauth_over_http_reads_and_writes_stock(store):
    seed(store, 5)
    woo = client(store)
    assert woo.auth_mode == "oauth"
    products = list(woo.iter_pages("products"))
    assert len(products) >= 5
    target = products[0]
    result = woo.batch_update([{"id": target["id"], "manage_stock": True, "stock_quantity": 41}])
    assert failed_items(result) == [] and result["update"][0]["stock_quantity"] == 41
    assert woo.find_products_by_sku([target["sku"]])[0]["stock_quantity"] == 41


def test_trailing_slash_in_the_configured_url_still_signs_the_exact_path(store):
    seed(store, 1)
    woo = WooClient(store.url + "/", CK, CS)
    assert woo.get("products/", {"per_page": 1})


def test_basic_over_plain_http_is_ignored_as_woocommerce_does(store):
    woo = client(store, auth="basic")
    with pytest.raises(WooAuthError) as err:
        woo.get("products")
    assert err.value.code == "woocommerce_rest_cannot_view" and "anonymous" in str(err.value)
    with pytest.raises(WooAuthError) as err:
        woo.post("products", {"name": "x", "sku": "X-1"})
    assert err.value.code == "woocommerce_rest_cannot_create" and err.value.status == 401
    assert not isinstance(err.value, WooPermissionError)


@pytest.mark.parametrize("query_string_auth", [False, True])
def test_basic_and_query_keys_over_https(https_store, query_string_auth):
    seed(https_store, 2)
    mode = "query" if query_string_auth else "basic"
    woo = client(https_store, auth=mode)
    assert len(list(woo.iter_pages("products"))) >= 2


def test_wrong_secret_over_https_is_an_auth_error(https_store):
    woo = WooClient(https_store.url, CK, "cs_" + "0" * 40, auth="basic")
    with pytest.raises(WooAuthError) as err:
        woo.get("products")
    assert "Consumer secret is invalid" in str(err.value) and "cs_" + "0" * 40 not in str(err.value)


def test_read_only_key_is_refused_on_write_with_woocommerces_error(store):
    seed(store, 1)
    keys = control(store, "POST", "/_sandbox/keys", {"permissions": "read"})
    woo = WooClient(store.url, keys["consumer_key"], keys["consumer_secret"])
    product = next(woo.iter_pages("products"))
    with pytest.raises(WooPermissionError) as err:
        woo.batch_products(update=[{"id": product["id"], "stock_quantity": 1}])
    assert err.value.code == "woocommerce_rest_authentication_error" and err.value.status == 401
    assert "does not have write permissions" in str(err.value) and not err.value.retryable
    result = woo_test_connection({"url": store.url, **keys}, None, {}, no_api_log)
    assert (result["ok"], result["read"], result["write"]) == (False, True, False)


def test_connection_with_a_read_write_key_changes_nothing(store):
    seed(store, 3)
    before = [(p["id"], p["stock_quantity"], p["date_modified_gmt"]) for p in client(store).iter_pages("products")]
    result = woo_test_connection({"url": store.url, "consumer_key": CK, "consumer_secret": CS}, None, {}, no_api_log)
    assert result == {"ok": True, "read": True, "write": True, "auth": "oauth"}
    after = [(p["id"], p["stock_quantity"], p["date_modified_gmt"]) for p in client(store).iter_pages("products")]
    assert after == before


def test_stock_push_of_2000_skus_takes_exactly_20_batch_calls(store):
    seed(store, 2000, variable_share=0.0)
    woo = client(store)
    skus = [p["sku"] for p in woo.iter_pages("products", {"_fields": "id,sku"})]
    assert len(skus) == 2000
    looked_up = time.monotonic()
    gets_before = control(store, "GET", "/_sandbox/stats")["by_method_path"].get("GET /wc/v3/products", 0)
    found = woo.find_products_by_sku(skus)
    lookup_s = time.monotonic() - looked_up
    gets = control(store, "GET", "/_sandbox/stats")["by_method_path"].get("GET /wc/v3/products", 0) - gets_before
    assert len(found) == 2000 and gets == 20
    updates = [{"id": p["id"], "parent_id": p["parent_id"], "manage_stock": True, "stock_quantity": 100 + i % 7}
               for i, p in enumerate(found)]
    before = control(store, "GET", "/_sandbox/stats")["batch_calls"]
    started = time.monotonic()
    result = woo.batch_update(updates)
    elapsed = time.monotonic() - started
    after = control(store, "GET", "/_sandbox/stats")
    assert after["batch_calls"] - before == 20 and woo.batch_calls == 20
    assert len(result["update"]) == 2000 and failed_items(result) == []
    sample = found[1234]
    assert control(store, "GET", f"/_sandbox/stock?sku={sample['sku']}")["stock_quantity"] == 100 + 1234 % 7
    print(f"2000-SKU stock push: look-up {gets} GETs in {lookup_s:.2f} s, 20 batch calls in {elapsed:.2f} s")


def test_mixed_products_and_variations_push_routes_variations_to_their_parent(store):
    seed(store, 40, variable_share=0.5)
    woo = client(store)
    parents = [p for p in woo.iter_pages("products") if p["type"] == "variable"]
    assert parents
    variations = [v for p in parents for v in woo.iter_pages(f"products/{p['id']}/variations")]
    found = woo.find_products_by_sku([v["sku"] for v in variations if v.get("sku")])
    assert found and all(p["type"] == "variation" and p["parent_id"] for p in found)
    before = control(store, "GET", "/_sandbox/stats")["batch_calls"]
    result = woo.batch_update([{"id": p["id"], "parent_id": p["parent_id"], "manage_stock": True,
                                "stock_quantity": 9} for p in found])
    assert failed_items(result) == [] and all(u["stock_quantity"] == 9 for u in result["update"])
    assert control(store, "GET", "/_sandbox/stats")["batch_calls"] - before == len({p["parent_id"] for p in found})


def test_batch_over_the_limit_is_413_and_per_item_errors_are_200(store):
    seed(store, 1)
    woo = client(store)
    product = next(woo.iter_pages("products"))
    with pytest.raises(WooBatchTooLarge):
        woo.post("products/batch", {"update": [{"id": product["id"], "stock_quantity": 1}] * 101})
    result = woo.batch_products(update=[{"id": product["id"], "stock_quantity": 2}, {"id": 999999,
                                                                                     "stock_quantity": 1}])
    assert [f["id"] for f in failed_items(result)] == [999999]


def test_order_round_trip(store):
    seed(store, 3)
    woo = client(store)
    product = next(woo.iter_pages("products"))
    placed = control(store, "POST", "/_sandbox/orders", {
        "billing": {"first_name": "Ana", "last_name": "Ruiz", "email": "ana@example.com", "country": "US"},
        "line_items": [{"product_id": product["id"], "quantity": 1}], "status": "processing", "set_paid": True,
        "payment_method": "cheque"})
    cursor = placed["date_modified_gmt"]  # modified_after is exclusive: the overlap is what finds it
    assert placed["id"] in [o["id"] for o in woo.iter_orders(modified_after=cursor, status=["processing"])]
    assert placed["id"] not in [o["id"] for o in woo.iter_orders(modified_after=cursor, overlap_s=0)]
    woo.set_order_meta(placed["id"], {"_netsuite_so_id": "SO-1"})
    order = woo.set_order_meta(placed["id"], {"_netsuite_so_id": "SO-2"})
    assert [m["value"] for m in order["meta_data"] if m["key"] == "_netsuite_so_id"] == ["SO-2"]
    woo.add_order_note(placed["id"], "Synced to NetSuite as SO-2")
    woo.add_order_note(placed["id"], "Your order has shipped", customer_note=True)
    notes = woo.list_order_notes(placed["id"])
    assert {(n["note"], n["customer_note"]) for n in notes} >= {("Synced to NetSuite as SO-2", False),
                                                                ("Your order has shipped", True)}
    refund = woo.create_refund(placed["id"], amount="1.00", reason="NetSuite CM-1")
    assert refund["amount"] == "1.00" and refund["refunded_payment"] is False
    with pytest.raises(WooValidationError):
        woo.create_refund(placed["id"], amount="1.00", api_refund=True)  # cheque: no automatic refunds
    assert woo.update_order(placed["id"], {"status": "completed"})["status"] == "completed"
    with pytest.raises(WooNotFoundError):
        woo.update_order(999999, {"status": "completed"})


def test_faults_are_retried_and_every_attempt_is_logged_without_secrets(live_server_factory, tmp_path):
    db = connect_database(f"sqlite:///{tmp_path / 'log.db'}")
    with db.connection_context():
        migrate(db)
    for https, mode in ((False, "oauth"), (True, "query")):
        server = live_server_factory(create_app({"https": https, "seed": 5}))
        control(server, "POST", "/_sandbox/config", {"fault_rate": 0.5})
        woo = client(server, auth=mode, max_retries=12, api_log=record_api_call)
        assert len(list(woo.iter_pages("products", per_page=2))) >= 5
    with db.connection_context():
        logged = list(ApiCall.select())
    assert any(r.status == 500 for r in logged) and any(r.status == 200 for r in logged)
    for row in logged:
        text = row.path + (row.error or "")
        assert CK not in text and CS not in text and "oauth_signature" not in text and "consumer_" not in text
    db.close()


def test_credentials_test_endpoint_reports_the_woocommerce_half(store, signed):
    seed(store, 1)
    keys = control(store, "POST", "/_sandbox/keys", {"permissions": "read"})
    resp = signed.put("/v1/credentials", json_body={"woocommerce": {"url": store.url, **keys}})
    assert resp.status_code == 200, resp.get_json()
    body = signed.post("/v1/credentials/test").get_json()
    assert (body["woocommerce"]["read"], body["woocommerce"]["write"]) == (True, False)
    assert keys["consumer_secret"] not in str(body) and keys["consumer_key"] not in str(body)
    signed.put("/v1/credentials", json_body={"woocommerce": {"consumer_key": CK, "consumer_secret": CS}})
    assert signed.post("/v1/credentials/test").get_json()["woocommerce"]["ok"] is True
    from sidecar.store.db import database

    with database.connection_context():
        logged = [(r.path, r.error) for r in ApiCall.select().where(ApiCall.system == "woocommerce")]
    assert len(logged) == 4  # read + write probe, twice
    assert all(s not in str(logged) for s in (CK, CS, keys["consumer_key"], keys["consumer_secret"]))


def test_a_slow_store_times_out_is_retried_and_reported_as_transient(live_server_factory):
    from sidecar.clients.woocommerce import WooTransientError

    server = live_server_factory(create_app({"latency_ms": 400, "seed": 1}))
    delays: list[float] = []
    woo = WooClient(server.url, CK, CS, timeout_s=0.1, max_retries=2, sleep=delays.append)
    with pytest.raises(WooTransientError) as err:
        woo.get("products")
    assert "timed out" in str(err.value) and err.value.retryable and len(delays) == 2
    assert CK not in str(err.value) and "oauth_signature" not in str(err.value)


def test_oauth_signature_survives_spaces_plus_slash_and_unicode_in_values(store):
    woo = client(store)
    sku = "Tee M+L/é 100%"
    created = woo.post("products", {"name": "Odd SKU", "type": "simple", "sku": sku, "regular_price": "1.00"})
    assert created["sku"] == sku
    assert [p["id"] for p in woo.find_products_by_sku([sku])] == [created["id"]]
