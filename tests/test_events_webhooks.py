"""``POST /v1/webhooks/woocommerce`` with WooCommerce's real recorded deliveries (once over a real socket,
otherwise through the WSGI test client, which runs the same app).

Fixtures: shared/fixtures/woocommerce/08-webhooks/received (headers + exact bodies); secrets from INDEX-2.md.
"""

from __future__ import annotations

import json

import pytest
import requests

from sidecar.pipeline.queue import huey
from sidecar.security import woo_webhook_signature
from sidecar.store.models import Event
from tests.conftest import FIXTURES, make_config

RECEIVED = FIXTURES / "woocommerce" / "08-webhooks" / "received"
SECRETS = "whsec_harness_80\nwhsec_captures2_customer\nwhsec_captures2_orderdel\nwhsec_captures2_action"


def delivery(number: str) -> tuple[dict, bytes]:
    """The recorded request's headers (minus hop-by-hop ones) and exact body bytes."""
    lines = (RECEIVED / f"{number}-POST.headers").read_text().splitlines()[1:]
    headers = dict(line.split(": ", 1) for line in lines if ": " in line)
    for hop in ("Host", "Connection", "Content-Length", "Accept-Encoding"):
        headers.pop(hop, None)
    return headers, (RECEIVED / f"{number}-POST.body").read_bytes()


@pytest.fixture
def woo_app(tmp_path, any_db_url):
    """A sidecar whose stored webhook secrets are those of the recording."""
    from sidecar.api.app import create_app

    app = create_app(make_config(tmp_path, any_db_url))
    app.extensions["sidecar_runtime"].credentials.put({"woocommerce": {"webhook_secret": SECRETS}})
    yield app
    from sidecar.store.db import database

    database.close()


class Answer:
    def __init__(self, resp):
        self.status_code, self.text = resp.status_code, resp.get_data(as_text=True)

    def json(self):
        return json.loads(self.text)


@pytest.fixture
def hook(woo_app):
    client = woo_app.test_client()

    def post(headers: dict, body: bytes) -> Answer:
        return Answer(client.post("/v1/webhooks/woocommerce", data=body, headers=headers))

    return post


def test_every_recorded_delivery_over_a_real_socket(woo_app, live_server_factory):
    server = live_server_factory(woo_app)
    answers = {n: requests.post(f"{server.url}/v1/webhooks/woocommerce", data=delivery(n)[1],
                                headers=delivery(n)[0], timeout=10) for n in
               ("054", "058", "059", "060", "061", "062", "063", "064")}
    assert {n: a.status_code for n, a in answers.items()} == {
        "054": 200, "058": 202, "059": 202, "060": 202, "061": 200, "062": 202, "063": 200, "064": 200}
    assert sorted((e.topic, e.resource_id) for e in Event.select()) == [
        ("customer.created", "3"), ("order.cancelled", "37"), ("order.updated", "38"), ("order.updated", "38")]


def test_the_creation_ping_is_answered_200_and_not_stored(hook):
    for number in ("054", "055", "056", "057"):
        resp = hook(*delivery(number))
        assert resp.status_code == 200 and resp.json()["status"] == "ok"
    assert Event.select().count() == 0


def test_a_real_order_delivery_becomes_one_event_keyed_by_order_version(hook):
    resp = hook(*delivery("060"))
    assert resp.status_code == 202
    event = Event.get_by_id(resp.json()["event_id"])
    assert (event.source, event.topic, event.resource_id) == ("webhook", "order.updated", "38")
    assert event.key.startswith("wc:order:38:2026-11-28T01:48:37:completed:")
    assert event.payload["id"] == 38 and huey.pending_count() == 1
    again = hook(*delivery("060"))
    assert again.status_code == 200 and again.json() == {"event_id": event.id, "status": "pending",
                                                         "duplicate": True}
    assert Event.select().count() == 1 and huey.pending_count() == 1


def test_a_shared_delivery_id_does_not_merge_two_orders(hook):
    headers, body = delivery("060")  # the same webhook and Delivery-ID, another order in the same second
    other = json.loads(body)
    other.update(id=39, date_modified_gmt="2026-11-28T01:48:40")
    other_body = json.dumps(other).encode()
    headers2 = {**headers, "X-WC-Webhook-Signature": woo_webhook_signature("whsec_harness_80", other_body)}
    assert hook(headers, body).status_code == 202
    assert hook(headers2, other_body).status_code == 202
    assert sorted(e.resource_id for e in Event.select()) == ["38", "39"]


def test_created_and_updated_deliveries_of_the_same_order_version_make_one_event(hook):
    headers, body = delivery("060")
    created = {**headers, "X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-ID": "2"}
    first = hook(created, body)
    second = hook(headers, body)
    assert first.status_code == 202 and second.status_code == 200
    assert second.json()["event_id"] == first.json()["event_id"]


@pytest.mark.parametrize("number, topic, resource_id", [
    ("058", "customer.created", "3"),  # customer JSON, its own secret
    ("059", "order.cancelled", "37"),  # order.deleted = trashed, body {"id": 37}
    ("062", "order.updated", "38"),  # action.woocommerce_order_status_completed, body {"action", "arg"}
])
def test_other_recorded_topics_map_to_our_topics(hook, number, topic, resource_id):
    resp = hook(*delivery(number))
    assert resp.status_code == 202
    event = Event.get_by_id(resp.json()["event_id"])
    assert (event.topic, event.resource_id) == (topic, resource_id)


@pytest.mark.parametrize("number, reason", [
    ("061", "product webhooks are not used"),
    ("063", "it was deleted before delivery"),  # WooCommerce's REST error as the payload
    ("064", "it was deleted before delivery"),
])
def test_deliveries_with_nothing_to_sync_are_answered_200_and_not_stored(hook, number, reason):
    resp = hook(*delivery(number))
    assert resp.status_code == 200 and resp.json()["status"] == "ignored"
    assert reason in resp.json()["message"]
    assert Event.select().count() == 0


def test_a_checkout_draft_is_not_an_order_yet(hook):
    headers, body = delivery("060")
    draft = json.loads(body)
    draft["status"] = "checkout-draft"
    raw = json.dumps(draft).encode()
    headers["X-WC-Webhook-Signature"] = woo_webhook_signature("whsec_harness_80", raw)
    assert hook(headers, raw).json()["status"] == "ignored"
    assert Event.select().count() == 0


@pytest.mark.parametrize("change, status, code", [
    (lambda h, b: ({**h, "X-WC-Webhook-Signature": "bm90IGl0"}, b), 401, "invalid_signature"),
    (lambda h, b: ({k: v for k, v in h.items() if k != "X-WC-Webhook-Signature"}, b), 401, "missing_signature"),
    (lambda h, b: (h, b.replace(b'"completed"', b'"cancelled"')), 401, "invalid_signature"),  # tampered body
    (lambda h, b: ({**h, "X-WC-Webhook-Signature": woo_webhook_signature("whsec_harness_80", b"[1]")}, b"[1]"),
     422, "invalid_body"),
    (lambda h, b: ({**h, "X-WC-Webhook-Signature": woo_webhook_signature("whsec_harness_80", b"{no")}, b"{no"),
     400, "invalid_json"),
    (lambda h, b: ({k: v for k, v in h.items() if k != "X-WC-Webhook-Topic"}, b), 422, "invalid_header"),
    (lambda h, b: ({**h, "X-WC-Webhook-Signature": woo_webhook_signature("whsec_harness_80", b"[" * 100_000)},
                   b"[" * 100_000), 400, "invalid_json"),
])
def test_bad_deliveries_are_refused_and_not_stored(hook, change, status, code):
    resp = hook(*change(*delivery("060")))
    assert resp.status_code == status and resp.json()["error"]["code"] == code
    assert Event.select().count() == 0 and huey.pending_count() == 0


def test_an_unsigned_body_that_is_not_a_ping_is_refused(hook):
    resp = hook({"Content-Type": "application/x-www-form-urlencoded"}, b"webhook_id=6&x=1")
    assert resp.status_code == 401
    assert Event.select().count() == 0


def test_without_a_stored_webhook_secret_every_delivery_is_refused(tmp_path):
    from sidecar.api.app import create_app

    client = create_app(make_config(tmp_path)).test_client()
    resp = client.post("/v1/webhooks/woocommerce", data=delivery("060")[1], headers=delivery("060")[0])
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "webhook_secret_missing"
    assert b"whsec" not in resp.data
    assert Event.select().count() == 0


def test_a_body_over_the_limit_is_413_and_not_stored(hook):
    headers, _ = delivery("060")
    resp = hook(headers, b"{" + b" " * (2 * 1024 * 1024 + 10) + b"}")
    assert resp.status_code == 413
    assert Event.select().count() == 0


@pytest.mark.parametrize("topic, payload, expected", [
    ("order.updated", {"id": 5, "status": "cancelled", "date_modified_gmt": "2026-11-28T01:00:00"},
     ("order.cancelled", "5", "wc:order:5:2026-11-28T01:00:00:cancelled")),
    ("order.updated", {"id": 5, "status": "refunded", "date_modified_gmt": "2026-11-28T01:00:01"},
     ("order.refunded", "5", "wc:order:5:2026-11-28T01:00:01:refunded")),
    ("order.restored", {"id": 5, "status": "processing", "date_modified_gmt": "2026-11-28T01:00:02"},
     ("order.updated", "5", "wc:order:5:2026-11-28T01:00:02:processing")),
    ("customer.updated", {"id": 9, "date_modified_gmt": "2026-11-28T01:00:03"},
     ("customer.updated", "9", "wc:customer:9:2026-11-28T01:00:03:-")),
    ("action.woocommerce_order_refunded", {"action": "woocommerce_order_refunded", "arg": "12"},
     ("order.refunded", "12", "wc:action:4:woocommerce_order_refunded:12:d1")),
])
def test_topic_and_key_rules(topic, payload, expected):
    from sidecar.mapping.webhooks import content_digest, map_delivery

    mapped = map_delivery(topic, "4", "d1", payload)
    if "date_modified_gmt" in payload:  # a version key carries the digest of the representation
        expected = (*expected[:2], f"{expected[2]}:{content_digest(payload)}")
    assert (mapped.topic, mapped.resource_id, mapped.key) == expected


@pytest.mark.parametrize("topic, payload", [
    ("order.updated", {"id": True}), ("order.updated", {"id": 2**70}), ("order.updated", {"id": "5"}),
    ("customer.deleted", {"id": 3}), ("coupon.created", {"id": 3}),
    ("action.woocommerce_checkout_order_processed", {"arg": 3}), ("action.woocommerce_order_refunded", {"arg": -1}),
])
def test_deliveries_without_a_usable_resource_are_ignored(topic, payload):
    from sidecar.mapping.webhooks import Ignored, map_delivery

    with pytest.raises(Ignored):
        map_delivery(topic, "4", "d1", payload)


def test_two_saves_in_one_second_are_two_versions_and_links_do_not_matter():
    from sidecar.mapping.webhooks import map_delivery

    first = {"id": 5, "status": "processing", "date_modified_gmt": "2026-11-28T01:00:00",
             "shipping": {"address_1": "1 Main St"}, "_links": {"self": [{"href": "http://a/x"}]}}
    edited = dict(first, shipping={"address_1": "77 New Street"})
    same_elsewhere = dict(first, _links={"self": [{"href": "http://b/y"}]})
    assert map_delivery("order.updated", "4", "d1", first).key != map_delivery("order.updated", "4", "d1", edited).key
    assert map_delivery("order.created", "4", "d1", first).key == \
        map_delivery("order.updated", "9", "d2", same_elsewhere).key
