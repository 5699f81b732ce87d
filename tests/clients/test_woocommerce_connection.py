"""POST /v1/credentials/test, WooCommerce half: read and write permission told apart without changing data."""

from __future__ import annotations

import json

import responses

from sidecar.clients import no_api_log
from sidecar.clients.woocommerce import test_connection as woo_test_connection
from tests.clients.test_woocommerce_support import CK, CS, add_fixture

BASE = "http://127.0.0.1:8080/wp-json/wc/v3/"
VALUES = {"url": "http://127.0.0.1:8080", "consumer_key": CK, "consumer_secret": CS}


@responses.activate
def test_read_write_key():
    add_fixture(responses, "GET", BASE + "products", "auth-https-oauth.json")
    responses.add("POST", BASE + "products/batch", json=[])
    result = woo_test_connection(VALUES, None, {}, no_api_log)
    assert result == {"ok": True, "read": True, "write": True, "auth": "oauth"}
    assert json.loads(responses.calls[1].request.body) == {}  # an empty batch: nothing to create/update/delete


@responses.activate
def test_read_only_key_is_told_apart():
    add_fixture(responses, "GET", BASE + "products", "auth-https-oauth.json")
    add_fixture(responses, "POST", BASE + "products/batch", "auth-readonly-key-write.json")
    result = woo_test_connection(VALUES, None, {}, no_api_log)
    assert (result["ok"], result["read"], result["write"]) == (False, True, False)
    assert "Read/Write" in result["error"] and "does not have write permissions" in result["error"]
    assert CK not in json.dumps(result) and CS not in json.dumps(result)


@responses.activate
def test_bad_secret_is_not_tried_for_writing():
    add_fixture(responses, "GET", BASE + "products", "auth-oauth-bad-secret.json")
    result = woo_test_connection(VALUES, None, {}, no_api_log)
    assert (result["ok"], result["read"], result["write"]) == (False, False, False)
    assert "signature" in result["error"] and len(responses.calls) == 1


@responses.activate
def test_unreachable_store_is_reported_not_raised():
    result = woo_test_connection({**VALUES, "url": "http://127.0.0.1:9"}, None, {}, no_api_log)
    assert result["ok"] is False and "could not be reached" in result["error"]


def test_incomplete_url_is_reported():
    result = woo_test_connection({**VALUES, "url": "shop.test"}, None, {}, no_api_log)
    assert result["ok"] is False and "http" in result["error"]


def test_from_credentials_with_the_default_settings():
    from sidecar.clients.woocommerce import WooClient
    from sidecar.store.settings import defaults

    woo = WooClient.from_credentials({"url": "https://shop.test/", "consumer_key": CK, "consumer_secret": CS},
                                     defaults(), api_log=no_api_log)
    assert woo.auth_mode == "basic" and woo.http.timeout_s == 30.0 and woo.http.url == "https://shop.test"
