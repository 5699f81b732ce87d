"""WooCommerce's error bodies (real captures) become typed errors; 5xx and timeouts are retried with backoff."""

from __future__ import annotations

import pytest
import requests
import responses

from sidecar.clients.errors import AuthError, NotFoundError, TransientError, ValidationFailed
from sidecar.clients.woocommerce import (
    WooAuthError,
    WooBatchTooLarge,
    WooClient,
    WooNotFoundError,
    WooPermissionError,
    WooTransientError,
    WooValidationError,
)
from tests.clients.test_woocommerce_support import CK, CS, add_fixture

BASE = "http://127.0.0.1:8080/wp-json/wc/v3/"


class Sleeps(list):
    """Records backoff delays instead of sleeping (no timed unit tests)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(**kw) -> WooClient:
    kw.setdefault("sleep", Sleeps())
    return WooClient("http://127.0.0.1:8080", CK, CS, **kw)


@pytest.mark.parametrize("fixture,method,path,cls,base,code", [
    ("auth-readonly-key-write.json", "POST", "products", WooPermissionError, AuthError,
     "woocommerce_rest_authentication_error"),
    ("auth-none.json", "GET", "products", WooAuthError, AuthError, "woocommerce_rest_cannot_view"),
    ("auth-oauth-bad-secret.json", "GET", "products", WooAuthError, AuthError,
     "woocommerce_rest_authentication_error"),
    ("auth-oauth-old-timestamp.json", "GET", "products", WooAuthError, AuthError,
     "woocommerce_rest_authentication_error"),
    ("error-product-bad-id.json", "GET", "products/999999", WooNotFoundError, NotFoundError,
     "woocommerce_rest_product_invalid_id"),
    ("error-order-update-bad-id.json", "PUT", "orders/999999", WooNotFoundError, NotFoundError,
     "woocommerce_rest_shop_order_invalid_id"),
    ("error-product-duplicate-sku.json", "POST", "products", WooValidationError, ValidationFailed,
     "product_invalid_sku"),
    ("error-orders-list-bad-date.json", "GET", "orders", WooValidationError, ValidationFailed,
     "rest_invalid_param"),
    ("03-batch/error-products-batch-101-updates.json", "POST", "products/batch", WooBatchTooLarge,
     ValidationFailed, "woocommerce_rest_request_entity_too_large"),
])
@responses.activate
def test_captured_errors_become_typed_errors(fixture, method, path, cls, base, code):
    add_fixture(responses, method, BASE + path, fixture)
    woo = client()
    call = {"GET": lambda: woo.get(path), "PUT": lambda: woo.put(path, {"status": "x"}),
            "POST": lambda: woo.post(path, {"update": []})}[method]
    with pytest.raises(cls) as err:
        call()
    assert isinstance(err.value, base) and err.value.code == code
    assert err.value.retryable is False and len(responses.calls) == 1
    assert CK not in str(err.value) and CS not in str(err.value)


@responses.activate
def test_read_only_key_write_is_a_permission_error_with_woocommerces_words():
    add_fixture(responses, "POST", BASE + "orders/12/notes", "auth-readonly-key-write.json")
    with pytest.raises(WooPermissionError) as err:
        client().add_order_note(12, "hello")
    assert err.value.status == 401 and "does not have write permissions" in str(err.value)


@responses.activate
def test_anonymous_answer_explains_the_ignored_credentials():
    add_fixture(responses, "GET", BASE + "products", "auth-basic-over-http.json")
    with pytest.raises(WooAuthError) as err:
        client(auth="basic").get("products")
    assert not isinstance(err.value, WooPermissionError)
    assert "anonymous" in str(err.value) and "OAuth" in str(err.value)


@responses.activate
def test_duplicate_sku_keeps_woocommerces_data():
    add_fixture(responses, "POST", BASE + "products", "error-product-duplicate-sku.json")
    with pytest.raises(WooValidationError) as err:
        client().post("products", {"sku": "HW-001"})
    assert err.value.data == {"status": 400, "resource_id": 10, "unique_sku": "HW-001-1"}


@responses.activate
def test_refund_quirk_500_with_bare_integer_data_is_not_retried():
    add_fixture(responses, "POST", BASE + "orders/12/refunds", "error-refund-api-refund-default.json")
    woo = client()
    with pytest.raises(WooValidationError) as err:
        woo.create_refund(12, amount="5.00", api_refund=True)
    assert err.value.status == 500 and err.value.data == 500 and not err.value.retryable
    assert "does not support automatic refunds" in str(err.value)
    assert len(responses.calls) == 1 and woo.http.sleep == []


@responses.activate
def test_5xx_is_retried_with_backoff_then_succeeds():
    responses.add("GET", BASE + "orders/12", status=502, body="<html>Bad gateway</html>")
    responses.add("GET", BASE + "orders/12", status=500,
                  json={"code": "internal_server_error", "message": "boom", "data": {"status": 500}})
    responses.add("GET", BASE + "orders/12", json={"id": 12, "status": "processing"})
    woo = client()
    assert woo.get_order(12)["id"] == 12
    assert len(responses.calls) == 3 and len(woo.http.sleep) == 2
    assert all(0 <= s <= 30 for s in woo.http.sleep)


@responses.activate
def test_retry_after_is_honoured_and_retries_are_bounded():
    for _ in range(3):
        responses.add("GET", BASE + "products", status=503, headers={"Retry-After": "7"}, body="busy")
    woo = client(max_retries=2)
    with pytest.raises(WooTransientError) as err:
        woo.get("products")
    assert isinstance(err.value, TransientError) and err.value.retryable and err.value.retry_after == 7
    assert woo.http.sleep == [7, 7] and len(responses.calls) == 3


@responses.activate
def test_timeouts_are_retried_and_the_error_holds_no_secret():
    for _ in range(2):
        responses.add("GET", BASE + "orders", body=requests.exceptions.ReadTimeout(
            f"Read timed out: {BASE}orders?consumer_key={CK}&consumer_secret={CS}&oauth_signature=abc%2Bdef"))
    woo = client(max_retries=1)
    with pytest.raises(WooTransientError) as err:
        woo.get("orders")
    text = str(err.value)
    assert "timed out" in text and CK not in text and CS not in text and "abc%2Bdef" not in text
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert len(responses.calls) == 2


@responses.activate
def test_a_create_is_not_repeated_after_a_5xx():
    responses.add("POST", BASE + "orders/12/notes", status=502, body="bad gateway")
    woo = client()
    with pytest.raises(WooTransientError):
        woo.add_order_note(12, "Synced")
    assert len(responses.calls) == 1 and woo.http.sleep == []


@responses.activate
def test_a_non_json_200_is_a_configuration_error():
    responses.add("GET", BASE + "products", body="<html>It works!</html>", status=200)
    with pytest.raises(Exception) as err:
        client().get("products")
    assert getattr(err.value, "code", None) == "not_json" and not err.value.retryable


@responses.activate
def test_a_message_written_with_html_entities_reads_as_text():
    """WordPress's translated strings carry entities (they are printed in HTML); ours end in JSON and wp-admin
    notices that escape them again, where "&lt;id&gt;" would show as is."""
    responses.add(responses.POST, BASE + "products/5", status=400, json={
        "code": "woocommerce_rest_invalid_product_id",
        "message": "To manipulate product variations you should use the /products/&lt;product_id&gt;/variations/"
                   "&lt;id&gt; endpoint. It&#8217;s &amp; that.", "data": {"status": 400}})
    with pytest.raises(WooValidationError) as err:
        client().post("products/5", {"regular_price": "1"})
    assert str(err.value).endswith("To manipulate product variations you should use the /products/<product_id>/"
                                   "variations/<id> endpoint. It\u2019s & that.")
