"""No input answers 500 (DESIGN.md §3): each case issue 11 found, at the HTTP level, and nothing stored on a 4xx."""

from __future__ import annotations

import json
import time

import pytest
from flask import Flask, Response

from sidecar.api import MAX_JSON_DEPTH
from sidecar.security import woo_webhook_signature
from sidecar.store.models import Event
from tests.conftest import make_config

EVENT = {"id": "2b2d1e1c-1b84-4b6b-8a36-1f0e6a1a7d11", "topic": "order.created", "resource_id": 5,
         "occurred_at": "2026-11-28T01:48:37Z"}


@pytest.mark.parametrize("timestamp", ["²", "9" * 5000, "١٧٠٠٠٠٠٠٠٠", " 1700000000", "1_700_000_000"])
def test_a_timestamp_that_is_not_ascii_digits_is_401(client, timestamp):
    res = client.get("/v1/status", headers={"X-NSSync-Timestamp": timestamp, "X-NSSync-Signature": "v2=00"})
    assert res.status_code == 401, res.get_data(as_text=True)
    assert res.get_json()["error"]["code"] == "invalid_timestamp"


@pytest.mark.parametrize("target, field", [
    ("/v1/jobs?limit=%C2%B2", "limit"), ("/v1/jobs?offset=%D9%A1", "offset"), ("/v1/jobs?limit=+5", "limit"),
    ("/v1/jobs?limit=9999999999999999999999999999999999999", "limit"), ("/v1/jobs?topic=a%00b", "topic"),
    ("/v1/log?status=%C2%B2", "status"), ("/v1/log?status=99999999999999999999999", "status"),
    ("/v1/runs?flow=x%00", "flow"), ("/v1/runs?limit=1_0", "limit"),
])
def test_a_query_value_that_is_not_what_the_route_takes_is_422_naming_it(signed, target, field):
    res = signed.get(target)
    assert res.status_code == 422, res.get_data(as_text=True)
    assert res.get_json()["error"] == {"code": "invalid_parameter", "field": field,
                                       "message": res.get_json()["error"]["message"]}


@pytest.mark.parametrize("target", ["/v1/orders/%C2%B2", "/v1/orders/%D9%A1", "/v1/orders/0",
                                    "/v1/orders/99999999999999999999", "/v1/jobs/%C2%B2", "/v1/jobs/%D9%A1",
                                    "/v1/runs/%C2%B2", "/v1/runs/-1"])
def test_a_path_id_that_is_not_a_whole_number_is_404(signed, target):
    res = signed.get(target)
    assert res.status_code == 404, res.get_data(as_text=True)
    assert res.get_json()["error"]["code"] == "not_found"


def test_a_flow_name_with_a_nul_is_404_and_starts_nothing(signed):
    res = signed.post("/v1/sync/or%00ders")
    assert res.status_code == 404 and res.get_json()["error"]["field"] == "flow"


@pytest.fixture
def hook_app(tmp_path):
    from sidecar.api.app import create_app

    app = create_app(make_config(tmp_path))
    app.extensions["sidecar_runtime"].credentials.put({"woocommerce": {"webhook_secret": "whs"}})
    return app


def deliver(app, topic: str, payload: object, **headers: str):
    body = json.dumps(payload).encode()
    return app.test_client().post("/v1/webhooks/woocommerce", data=body, headers={
        "X-WC-Webhook-Signature": woo_webhook_signature("whs", body), "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-ID": "3", "X-WC-Webhook-Delivery-ID": "d1", **headers})


@pytest.mark.parametrize("arg", ["²", "١٢", "-4", "1" * 40])
def test_an_action_webhook_whose_arg_is_not_an_order_id_is_ignored(hook_app, arg):
    res = deliver(hook_app, "action.woocommerce_order_status_processing", {"action": "x", "arg": arg})
    assert res.status_code == 200 and res.get_json()["status"] == "ignored"
    assert Event.select().count() == 0


def test_an_action_webhook_with_a_plain_id_still_makes_an_event(hook_app):
    res = deliver(hook_app, "action.woocommerce_order_status_processing", {"action": "x", "arg": "41"})
    assert res.status_code == 202 and Event.get().resource_id == "41"


@pytest.mark.parametrize("modified", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_webhook_date_that_cannot_move_to_utc_is_accepted_without_a_time(hook_app, modified):
    res = deliver(hook_app, "order.updated", {"id": 5, "status": "processing", "date_modified_gmt": modified})
    assert res.status_code == 202, res.get_data(as_text=True)
    assert Event.get().occurred_at is None


@pytest.mark.parametrize("headers", [{"X-WC-Webhook-ID": "²"}, {"X-WC-Webhook-ID": "0"},
                                     {"X-WC-Webhook-Topic": "order"}, {"X-WC-Webhook-Delivery-ID": "x" * 500}])
def test_bad_webhook_headers_are_422_naming_the_header(hook_app, headers):
    res = deliver(hook_app, "order.updated", {"id": 5, "status": "processing"}, **headers)
    assert res.status_code == 422 and res.get_json()["error"]["field"] == next(iter(headers))
    assert Event.select().count() == 0


def nested(depth: int) -> dict:
    root = node = {}
    for _ in range(depth - 1):
        node["a"] = {}
        node = node["a"]
    return root


def nested_raw(depth: int) -> bytes:
    """``{"a": {"a": … {}}}`` ``depth`` levels deep, written directly (json.dumps itself stops near 1000)."""
    return b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 970, 5000])
def test_an_event_nested_too_deeply_is_400_before_it_is_stored(signed, depth):
    raw = json.dumps({**EVENT, "payload": "HERE"}).encode().replace(b'"HERE"', nested_raw(depth))
    res = signed.post("/v1/events", raw=raw)
    assert res.status_code == 400, res.get_data(as_text=True)[:200]
    assert f"at most {MAX_JSON_DEPTH}" in res.get_json()["error"]["message"]
    assert Event.select().count() == 0


def test_an_event_just_under_the_depth_limit_is_stored_and_read_back(signed):
    res = signed.post("/v1/events", {**EVENT, "payload": nested(MAX_JSON_DEPTH - 1)})
    assert res.status_code == 202, res.get_data(as_text=True)[:200]
    assert Event.get().payload == nested(MAX_JSON_DEPTH - 1)


def test_a_deep_webhook_is_400_and_not_stored(hook_app):
    body = b'{"id": 5, "status": "processing", "meta_data": ' + nested_raw(970) + b"}"
    res = hook_app.test_client().post("/v1/webhooks/woocommerce", data=body, headers={
        "X-WC-Webhook-Signature": woo_webhook_signature("whs", body), "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-ID": "3"})
    assert res.status_code == 400 and Event.select().count() == 0


@pytest.mark.parametrize("raw", [b'{"a": NaN}', b'{"a": 1e999}', b'{"a": "\\ud800"}', b'{"a": ' + b"9" * 5000 + b"}"])
def test_json_that_parses_in_python_but_cannot_be_stored_or_sent_on_is_400(signed, raw):
    res = signed.put("/v1/settings", raw=raw)
    assert res.status_code == 400 and res.get_json()["error"]["code"] == "invalid_json"
    res = signed.put("/v1/credentials", raw=raw.replace(b'"a"', b'"netsuite"'))
    assert res.status_code == 400


def stand_in_answering(live_server_factory, status: int, body: bytes, content_type: str, **headers: str):
    """A stand-in that answers every request the same way (a proxy, a login page, a wrong host)."""
    app = Flask("not-netsuite")

    @app.route("/<path:_any>", methods=["GET", "POST"])
    def anything(_any):
        return Response(body, status=status, content_type=content_type, headers=headers)

    return live_server_factory(app)


@pytest.mark.parametrize("status, body, content_type, headers, expected", [
    (302, b"", "text/html", {"Location": "https://system.netsuite.com/pages/login.jsp"}, "redirect (302"),
    (301, b"<a>moved</a>", "text/html", {"Location": "https://elsewhere.example/"}, "redirect (301"),
    (200, b"<html><body>Log in</body></html>", "text/html; charset=utf-8", {}, "HTML page"),
    (200, b"<html>not json</html>", "application/json", {}, "not JSON"),
])
def test_credentials_test_when_netsuite_is_not_netsuite_is_ok_false(tmp_path, live_server_factory, status,
                                                                    body, content_type, headers, expected):
    from sidecar.api.app import create_app
    from tests.conftest import SignedClient

    server = stand_in_answering(live_server_factory, status, body, content_type, **headers)
    app = create_app(make_config(tmp_path, SIDECAR_NETSUITE_BASE_URL=server.url))
    api = SignedClient(app.test_client())
    api.put("/v1/credentials", {"netsuite": {"account_id": "1234567_SB1", "consumer_key": "ck", "consumer_secret": "cs",
                                             "token_id": "ti", "token_secret": "ts"}})
    started = time.monotonic()
    res = api.post("/v1/credentials/test")
    assert res.status_code == 200, res.get_data(as_text=True)
    half = res.get_json()["netsuite"]
    assert half["ok"] is False and expected in half["error"], half
    assert time.monotonic() - started < 10  # a configuration error, not retried


@pytest.mark.parametrize("payload", [{"id": 5, "status": "proc\x00essing", "date_modified_gmt": "2026\x00"},
                                     {"id": 5, "status": "x", "date_modified_gmt": {"a": "\x00"}}])
def test_a_webhook_key_never_carries_a_control_character(payload):
    """PostgreSQL refuses a NUL in a text column: what a payload says must not reach the key with one."""
    from sidecar.mapping.webhooks import map_delivery

    key = map_delivery("order.updated", "3", "d1", payload).key
    assert not any(ord(c) < 32 or ord(c) == 127 for c in key), key


@pytest.mark.parametrize("status, body, content_type, headers, expected", [
    (301, b"", "text/html", {"Location": "https://www.shop.example/wp-json/wc/v3/products"}, "redirected"),
    (200, b"<html><body>Coming soon</body></html>", "text/html", {}, "did not answer with JSON"),
])
def test_credentials_test_when_the_store_is_not_the_rest_api_is_ok_false(signed, live_server_factory, status,
                                                                         body, content_type, headers, expected):
    server = stand_in_answering(live_server_factory, status, body, content_type, **headers)
    signed.put("/v1/credentials", {"woocommerce": {"url": server.url, "consumer_key": "ck_" + "a" * 40,
                                                   "consumer_secret": "cs_" + "b" * 40}})
    res = signed.post("/v1/credentials/test")
    assert res.status_code == 200, res.get_data(as_text=True)
    half = res.get_json()["woocommerce"]
    assert half["ok"] is False and expected in half["error"], half


def test_a_lone_surrogate_in_a_utf16_body_is_400_too(signed):
    raw = '{"woocommerce": {"webhook_secret": "\\ud800x"}}'.encode("utf-16")
    res = signed.put("/v1/credentials", raw=raw)
    assert res.status_code == 400 and res.get_json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("raw", [b"null", b"1", b'"text"', b"true"])
def test_a_body_that_is_a_bare_json_scalar_is_refused_not_500(signed, raw):
    assert signed.put("/v1/settings", raw=raw).status_code == 422
    assert signed.post("/v1/events", raw=raw).status_code == 422


@pytest.mark.parametrize("raw", [b"null", b"1", b'"text"', b"true"])
def test_a_webhook_that_is_a_bare_json_scalar_is_refused_not_500(hook_app, raw):
    res = hook_app.test_client().post("/v1/webhooks/woocommerce", data=raw, headers={
        "X-WC-Webhook-Signature": woo_webhook_signature("whs", raw), "X-WC-Webhook-Topic": "order.created",
        "X-WC-Webhook-ID": "3"})
    assert res.status_code == 422
