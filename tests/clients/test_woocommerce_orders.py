"""Orders, notes, refunds, meta, customers and webhooks: what the client sends, replayed against real answers."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from sidecar.clients.woocommerce import WooClient, WooNotFoundError, WooValidationError
from tests.clients.test_woocommerce_support import CK, CS, add_fixture, fixture_json

BASE = "https://shop.test/wp-json/wc/v3/"


def woo() -> WooClient:
    return WooClient("https://shop.test", CK, CS, sleep=lambda s: None)


def sent_json(i: int = 0):
    return json.loads(responses.calls[i].request.body)


@responses.activate
def test_update_order_status_is_a_put_of_only_the_fields_given():
    add_fixture(responses, "PUT", BASE + "orders/12", "order-update-completed.json")
    order = woo().update_order(12, {"status": "completed"})
    assert order["status"] == "completed" and sent_json() == {"status": "completed"}
    assert responses.calls[0].request.method == "PUT"


@responses.activate
def test_set_order_meta_upserts_by_key_without_meta_ids():
    add_fixture(responses, "PUT", BASE + "orders/36", "05-order-update/order-put-meta-2.json")
    order = woo().set_order_meta(36, {"_netsuite_id": "67890", "_netsuite_gone": None})
    assert sent_json() == {"meta_data": [{"key": "_netsuite_id", "value": "67890"},
                                         {"key": "_netsuite_gone", "value": None}]}
    assert {m["key"]: m["value"] for m in order["meta_data"]}["_netsuite_id"] == "67890"


@pytest.mark.parametrize("customer_note,fixture", [(False, "06-notes/order-note-create-customer-false.json"),
                                                   (True, "06-notes/order-note-create-customer-true.json")])
@responses.activate
def test_notes_private_or_customer_facing(customer_note, fixture):
    add_fixture(responses, "POST", BASE + "orders/36/notes", fixture)
    note = woo().add_order_note(36, "Synced to NetSuite as SO-1044", customer_note=customer_note)
    assert sent_json() == {"note": "Synced to NetSuite as SO-1044", "customer_note": customer_note}
    assert note["customer_note"] is customer_note


@pytest.mark.parametrize("text", ["", "   ", None])
@responses.activate
def test_a_note_without_text_is_refused_before_sending(text):
    """The real store answers 201 to an empty note and keeps it; the client never sends one."""
    with pytest.raises(ValueError, match="needs text"):
        woo().add_order_note(36, text)
    assert len(responses.calls) == 0


@responses.activate
def test_missing_note_answer_is_a_validation_error():
    add_fixture(responses, "POST", BASE + "orders/36/notes", "06-notes/error-order-note-create-empty.json")
    with pytest.raises(WooValidationError) as err:
        woo().post("orders/36/notes", {"customer_note": True})
    assert err.value.code == "rest_missing_callback_param"


@pytest.mark.parametrize("image_id", ["", "72", 0, 72])
@responses.activate
def test_line_item_image_id_of_any_type_is_read_as_is(image_id):
    """Real 8.2.2: "" (no image) or "72" (a simple product's image), 0 or 72 (a variation); nothing reads it."""
    body = fixture_json("04-tax-order/order-get-customer-tax-coupon-fee.json")
    for line in body["line_items"]:
        line["image"] = {"id": image_id, "src": ""}
    responses.add("GET", BASE + "orders/36", json=body)
    order = woo().get_order(36)
    assert [line["image"]["id"] for line in order["line_items"]] == [image_id] * len(body["line_items"])


@responses.activate
def test_refund_recorded_without_moving_money():
    add_fixture(responses, "POST", BASE + "orders/12/refunds", "order-refund-create.json")
    refund = woo().create_refund(12, amount=Decimal(5), reason="NetSuite CM-220",
                                 line_items=[{"id": 315, "quantity": 1, "refund_total": 3.0}],
                                 meta_data=[{"key": "_netsuite_cm_id", "value": "CM-220"}])
    body = sent_json()
    assert body["amount"] == "5" and body["api_refund"] is False and body["api_restock"] is False
    assert body["line_items"][0]["id"] == 315 and body["meta_data"][0]["value"] == "CM-220"
    assert refund["amount"] == "5.00"


@responses.activate
def test_refund_amount_as_float_is_sent_as_a_decimal_string():
    add_fixture(responses, "POST", BASE + "orders/12/refunds", "order-refund-create.json")
    woo().create_refund(12, amount=15.5)
    assert sent_json()["amount"] == "15.5" and "line_items" not in sent_json()


@responses.activate
def test_get_order_and_a_missing_one():
    add_fixture(responses, "GET", BASE + "orders/12", "order-get-final.json")
    add_fixture(responses, "GET", BASE + "orders/999999", "error-order-bad-id.json")
    client = woo()
    assert client.get_order(12)["id"] == 12
    with pytest.raises(WooNotFoundError):
        client.get_order(999999)


@responses.activate
def test_customers_by_id_and_by_email_any_role():
    add_fixture(responses, "GET", BASE + "customers/2", "04-tax-order/customer-get-after-orders.json")
    add_fixture(responses, "GET", BASE + "customers", "04-tax-order/customers-by-email.json")
    add_fixture(responses, "GET", BASE + "customers", "04-tax-order/customers-by-email-unknown.json")
    client = woo()
    assert client.get_customer(2)["id"] == 2
    assert client.find_customer_by_email("jane.doe@example.com")["email"] == "jane.doe@example.com"
    assert client.find_customer_by_email("nobody@example.com") is None
    params = dict(parse_qsl(urlsplit(responses.calls[1].request.url).query))
    assert params == {"email": "jane.doe@example.com", "role": "all"}


@responses.activate
def test_webhooks_list_and_reactivate():
    add_fixture(responses, "GET", BASE + "webhooks", "webhooks-list.json")
    add_fixture(responses, "PUT", BASE + "webhooks/5", "webhook-port9000-reactivate.json")
    client = woo()
    hooks = client.list_webhooks()
    assert hooks and all("topic" in h for h in hooks)
    assert client.update_webhook(5, {"status": "active"})["status"] == "active"
    assert sent_json(1) == {"status": "active"}


@responses.activate
def test_delete_passes_params():
    add_fixture(responses, "DELETE", BASE + "orders/36/notes/22", "06-notes/order-note-delete-force.json")
    woo().delete("orders/36/notes/22", {"force": "true"})
    assert "force=true" in responses.calls[0].request.url
