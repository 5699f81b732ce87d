"""Every call lands in the API log, and no key, secret or signature reaches the log or an exception text."""

from __future__ import annotations

import pytest
import requests
import responses

from sidecar.clients.woocommerce import WooClient, WooError
from sidecar.store.apilog import record_api_call
from sidecar.store.db import connect_database
from sidecar.store.migrations import migrate
from sidecar.store.models import ApiCall
from tests.clients.test_woocommerce_support import CK, CS, add_fixture


@pytest.fixture
def api_log(tmp_path):
    db = connect_database(f"sqlite:///{tmp_path / 'log.db'}")
    with db.connection_context():
        migrate(db)
    yield db
    if not db.is_closed():
        db.close()


def rows(db) -> list[ApiCall]:
    with db.connection_context():
        return list(ApiCall.select().order_by(ApiCall.id))


def secret_free(text: str, signatures: list[str]) -> bool:
    return CK not in text and CS not in text and not any(s and s in text for s in signatures)


@responses.activate
def test_oauth_and_query_string_calls_leave_no_secret_in_log_or_errors(api_log):
    http_base, https_base = "http://store.test/wp-json/wc/v3/", "https://store.test/wp-json/wc/v3/"
    add_fixture(responses, "GET", http_base + "products", "auth-https-oauth.json")
    add_fixture(responses, "POST", http_base + "products/batch", "auth-readonly-key-write.json")
    add_fixture(responses, "GET", https_base + "orders/999999", "error-order-bad-id.json")
    responses.add("GET", https_base + "orders", body=requests.exceptions.ConnectionError(
        f"HTTPSConnectionPool: Max retries exceeded with url: /wp-json/wc/v3/orders?consumer_key={CK}"
        f"&consumer_secret={CS}"))
    oauth = WooClient("http://store.test", CK, CS, max_retries=0, api_log=record_api_call)
    query = WooClient("https://store.test", CK, CS, query_string_auth=True, max_retries=0,
                      api_log=record_api_call)
    errors = []
    oauth.get("products", {"sku": "HW-001"})
    for call in (lambda: oauth.batch_products(update=[{"id": 1, "stock_quantity": 2}]),
                 lambda: query.get_order(999999), lambda: query.get("orders")):
        with pytest.raises(WooError) as err:
            call()
        errors.append(str(err.value) + repr(err.value.args) + repr(err.value.data))
    signatures = [dict(p.split("=", 1) for p in c.request.url.split("?")[1].split("&")).get("oauth_signature", "")
                  for c in responses.calls]
    assert any(signatures) and any("consumer_secret=" in c.request.url for c in responses.calls)  # auth was sent
    logged = rows(api_log)
    assert [(r.method, r.path, r.status) for r in logged] == [
        ("GET", "/wp-json/wc/v3/products?sku=HW-001", 200), ("POST", "/wp-json/wc/v3/products/batch", 401),
        ("GET", "/wp-json/wc/v3/orders/999999", 404), ("GET", "/wp-json/wc/v3/orders", None)]
    assert all(r.system == "woocommerce" and r.ms >= 0 for r in logged)
    assert "write permissions" in logged[1].error and "could not be reached" in logged[3].error
    for text in [r.path + (r.error or "") for r in logged] + errors:
        assert secret_free(text, signatures), text
        assert "oauth_" not in text and "consumer_" not in text


@responses.activate
def test_every_retry_is_its_own_log_row(api_log):
    responses.add("GET", "http://store.test/wp-json/wc/v3/orders/5", status=503, body="busy")
    responses.add("GET", "http://store.test/wp-json/wc/v3/orders/5", json={"id": 5})
    WooClient("http://store.test", CK, CS, sleep=lambda s: None, api_log=record_api_call).get_order(5)
    assert [r.status for r in rows(api_log)] == [503, 200]
