"""The HTTP surface of step 1: health, signatures on /v1/, JSON errors, size limit, settings, credentials."""

import json
import time

import pytest

from sidecar.pipeline.jobs import beat
from sidecar.store.models import Heartbeat, utcnow


def test_healthz_is_open_and_says_ok(client):
    res = client.get("/healthz")
    assert res.status_code == 200 and res.get_json() == {"status": "ok"}


def test_readyz_needs_a_fresh_worker_heartbeat(client):
    res = client.get("/readyz")
    assert res.status_code == 503
    assert "heartbeat" in res.get_json()["checks"]["worker"]
    beat()
    res = client.get("/readyz")
    assert res.status_code == 200 and res.get_json()["status"] == "ok"
    import datetime as dt
    Heartbeat.update(beat_at=utcnow() - dt.timedelta(seconds=600)).execute()
    res = client.get("/readyz")
    assert res.status_code == 503 and "600 s ago" in res.get_json()["checks"]["worker"]


def test_metrics_are_prometheus_text(client):
    res = client.get("/metrics")
    assert res.status_code == 200
    assert res.mimetype == "text/plain"
    assert 'nssync_events{status="pending"} 0.0' in res.get_data(as_text=True)


@pytest.mark.parametrize("headers,code", [
    ({}, "missing_signature"),
    ({"X-NSSync-Timestamp": "NOW"}, "missing_signature"),
    ({"X-NSSync-Timestamp": "NOW", "X-NSSync-Signature": "v2=deadbeef"}, "invalid_signature"),
    ({"X-NSSync-Timestamp": "NOW", "X-NSSync-Signature": "sha256=deadbeef"}, "unsupported_signature"),
])
def test_v1_routes_refuse_missing_or_wrong_signature(client, headers, code):
    headers = {k: (str(int(time.time())) if v == "NOW" else v) for k, v in headers.items()}
    res = client.get("/v1/settings", headers=headers)
    assert res.status_code == 401
    assert res.get_json()["error"]["code"] == code


def test_v1_routes_refuse_stale_signature(signed):
    res = signed.get("/v1/settings", timestamp=int(time.time()) - 301)
    assert res.status_code == 401
    assert res.get_json()["error"]["code"] == "stale_timestamp"


def test_signature_made_with_another_secret_is_refused(client):
    from tests.conftest import SignedClient

    res = SignedClient(client, secret="not-the-secret").get("/v1/settings")
    assert res.status_code == 401 and res.get_json()["error"]["code"] == "invalid_signature"


def test_unknown_route_and_wrong_method_are_json(client, signed):
    res = client.get("/nope")
    assert res.status_code == 404 and res.get_json()["error"]["code"] == "not_found"
    res = client.delete("/healthz")
    assert res.status_code == 405 and res.get_json()["error"]["code"] == "method_not_allowed"


def test_body_over_the_limit_is_413_json(app, signed):
    big = b'{"x":"' + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 10) + b'"}'
    res = signed.put("/v1/settings", raw=big)
    assert res.status_code == 413
    assert res.get_json()["error"]["code"] == "payload_too_large"


def test_settings_get_returns_defaults(signed):
    res = signed.get("/v1/settings")
    assert res.status_code == 200
    data = res.get_json()
    assert data["orders"]["export_statuses"] == ["processing", "completed"]
    assert data["orders"]["guest_customer"] == "create"
    assert data["items"]["match_by"] == "itemid"
    assert data["inventory"] == {"locations": "all", "safety_buffer": 0}
    assert data["refunds"]["record"] == "creditMemo"
    assert data["fulfillments"]["complete_order"] is True
    assert data["schedules"]["fulfillments"] == "*/5 * * * *"
    assert data["schedules"]["inventory"] == "0 * * * *"
    for key in ("subsidiary_id", "location_id", "shipping_item_id", "discount_item_id", "ship_methods",
                "field_map", "rules"):
        assert key in data["orders"]
    assert {"price_level_id", "currency_id"} <= set(data["prices"])


def test_settings_partial_put_merges(signed):
    res = signed.put("/v1/settings", {"orders": {"subsidiary_id": "3"}, "inventory": {"safety_buffer": 2}})
    assert res.status_code == 200, res.get_json()
    res = signed.put("/v1/settings", {"orders": {"location_id": "7"}})
    data = signed.get("/v1/settings").get_json()
    assert data["orders"]["subsidiary_id"] == "3"
    assert data["orders"]["location_id"] == "7"
    assert data["inventory"]["safety_buffer"] == 2
    assert data["orders"]["export_statuses"] == ["processing", "completed"]


def test_settings_mapping_tables_are_replaced_whole(signed):
    signed.put("/v1/settings", {"orders": {"ship_methods": {"flat_rate": "11", "free_shipping": "12"}}})
    signed.put("/v1/settings", {"orders": {"ship_methods": {"flat_rate": "13"}}})
    assert signed.get("/v1/settings").get_json()["orders"]["ship_methods"] == {"flat_rate": "13"}


@pytest.mark.parametrize("patch,field", [
    ({"orders": {"export_statuses": ["shipped"]}}, "orders.export_statuses.0"),
    ({"orders": {"subsidiary_id": "abc"}}, "orders.subsidiary_id"),
    ({"orders": {"guest_customer": "sometimes"}}, "orders.guest_customer"),
    ({"orders": {"ship_methods": {"flat_rate": "x"}}}, "orders.ship_methods.flat_rate"),
    ({"orders": {"rules": [{"field": "payment_method", "set": {"custbody_x": 1}}]}}, "orders.rules.0.equals"),
    ({"orders": {"rules": [{"field": "f", "matches": "(", "set": {"memo": "x"}}]}}, "orders.rules.0.matches"),
    ({"items": {"match_by": "colour"}}, "items.match_by"),
    ({"inventory": {"locations": ["a"]}}, "inventory.locations"),
    ({"inventory": {"safety_buffer": -1}}, "inventory.safety_buffer"),
    ({"refunds": {"record": "invoice"}}, "refunds.record"),
    ({"schedules": {"inventory": "every hour"}}, "schedules.inventory"),
    ({"orders": {"no_such_key": 1}}, "orders.no_such_key"),
    ({"nonsense": {}}, "nonsense"),
])
def test_settings_bad_value_is_422_naming_the_field(signed, patch, field):
    before = signed.get("/v1/settings").get_json()
    res = signed.put("/v1/settings", patch)
    assert res.status_code == 422
    err = res.get_json()["error"]
    assert err["field"] == field, err
    assert err["code"] == "invalid_field"
    assert signed.get("/v1/settings").get_json() == before  # nothing half-applied


def test_settings_accept_valid_rules_and_cron_off(signed):
    patch = {"orders": {"rules": [{"field": "payment_method", "equals": "cod", "set": {"custbody_pay": "7"}},
                                  {"field": "shipping.country", "in": ["DE", "AT"], "set": {"class": "4"}}]},
             "schedules": {"prices": "off"}, "inventory": {"locations": ["1", "2"]}}
    res = signed.put("/v1/settings", patch)
    assert res.status_code == 200, res.get_json()
    data = res.get_json()
    assert data["orders"]["rules"][1] == {"field": "shipping.country", "in": ["DE", "AT"],
                                          "set": {"class": "4"}}
    assert data["schedules"]["prices"] == "off"


def test_settings_non_json_is_400(signed):
    res = signed.put("/v1/settings", raw=b"not json")
    assert res.status_code == 400 and res.get_json()["error"]["code"] == "invalid_json"
    res = signed.put("/v1/settings", raw=b"[1,2]")
    assert res.status_code == 422


def test_credentials_put_then_get_shows_only_which_are_set(signed):
    body = {"netsuite": {"account_id": "1234567_SB1", "consumer_key": "ck-ns-VALUE", "consumer_secret": "cs-ns-VALUE",
                         "token_id": "tid-VALUE", "token_secret": "tsec-VALUE"},
            "woocommerce": {"url": "https://shop.example/", "consumer_key": "ck_" + "a" * 40,
                            "consumer_secret": "cs_" + "b" * 40}}
    put = signed.put("/v1/credentials", body)
    assert put.status_code == 200, put.get_json()
    for res in (put, signed.get("/v1/credentials")):
        text = res.get_data(as_text=True)
        for secret in ("ck-ns-VALUE", "cs-ns-VALUE", "tid-VALUE", "tsec-VALUE", "a" * 40, "b" * 40):
            assert secret not in text
        data = res.get_json()
        assert data["netsuite"]["account_id"] == "1234567_SB1"
        assert data["netsuite"]["set"]["token_secret"] is True
        assert data["netsuite"]["set"]["private_key_pem"] is False
        assert data["netsuite"]["configured"] is True
        assert data["woocommerce"]["url"] == "https://shop.example"
        assert data["woocommerce"]["set"]["webhook_secret"] is False


def test_credentials_half_can_be_sent_alone_and_bad_field_is_422(signed):
    res = signed.put("/v1/credentials", {"woocommerce": {"url": "not a url"}})
    assert res.status_code == 422 and res.get_json()["error"]["field"] == "woocommerce.url"
    res = signed.put("/v1/credentials", {"netsuite": {"account_id": "12 34"}})
    assert res.status_code == 422 and res.get_json()["error"]["field"] == "netsuite.account_id"
    res = signed.put("/v1/credentials", {"netsuite": {"auth": "oauth2", "private_key_pem": "nope"}})
    assert res.status_code == 422 and res.get_json()["error"]["field"] == "netsuite.private_key_pem"
    res = signed.put("/v1/credentials", {"woocommerce": {"webhook_secret": "whs"}})
    assert res.status_code == 200
    assert res.get_json()["woocommerce"]["set"]["webhook_secret"] is True
    assert res.get_json()["netsuite"]["configured"] is False


def test_unexpected_error_is_500_json_without_traceback(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret-in-exception-XYZ")

    res = client.get("/boom")
    assert res.status_code == 500
    body = res.get_data(as_text=True)
    assert "secret-in-exception-XYZ" not in body and "Traceback" not in body
    assert json.loads(body)["error"]["code"] == "internal_error"


def test_deeply_nested_json_is_400_not_500(signed):
    res = signed.put("/v1/settings", raw=b"[" * 100_000 + b"]" * 100_000)
    assert res.status_code == 400
    assert res.get_json()["error"]["code"] == "invalid_json"
