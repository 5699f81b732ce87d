"""Authentication and key permissions of the WooCommerce sandbox over real sockets (spec A1).

Requests are signed by the tests' own OAuth signer (test_woocommerce_helpers.oauth_params, from spec A1.2).
"""

from __future__ import annotations

import base64
import time

import pytest
import requests

from sidecar.sandbox.woocommerce import DEMO_KEYS, create_app
from tests.sandbox.test_woocommerce_helpers import Woo, enc, oauth_params


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(create_app())


def make_key(server, permissions: str) -> Woo:
    key = requests.post(f"{server.url}/_sandbox/keys", json={"permissions": permissions}, timeout=5).json()
    return Woo(server.url, key["consumer_key"], key["consumer_secret"])


def test_demo_keys_have_the_real_format():
    for prefix, value in (("ck_", DEMO_KEYS["consumer_key"]), ("cs_", DEMO_KEYS["consumer_secret"])):
        assert value.startswith(prefix) and len(value) == 43
        int(value[3:], 16)


@pytest.mark.parametrize("algo", ["HMAC-SHA1", "HMAC-SHA256"])
def test_oauth_query_signature_accepted(server, algo):
    url = f"{server.url}/wp-json/wc/v3/products"
    params = [("per_page", "5"), ("sku", "A B,C")]
    signed = oauth_params("GET", url, params, DEMO_KEYS["consumer_key"], DEMO_KEYS["consumer_secret"], algo=algo)
    response = requests.get(url, params=params + list(signed.items()), timeout=5)
    assert response.status_code == 200, response.text
    assert response.json() == []


def test_oauth_authorization_header_accepted(server):
    assert Woo(server.url).call("GET", "/wc/v3/orders", auth="oauth-header").status_code == 200


def test_oauth_signature_covers_the_path(server):
    """A signature made for another path (e.g. with a trailing slash) is refused."""
    url = f"{server.url}/wp-json/wc/v3/products"
    signed = oauth_params("GET", url + "/", [], DEMO_KEYS["consumer_key"], DEMO_KEYS["consumer_secret"])
    response = requests.get(url, params=signed, timeout=5)
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid signature - provided signature does not match."


def test_oauth_bad_method_nonce_replay_and_timestamp(server):
    url = f"{server.url}/wp-json/wc/v3/products"
    key, secret = DEMO_KEYS["consumer_key"], DEMO_KEYS["consumer_secret"]
    bad = oauth_params("GET", url, [], key, secret)
    bad["oauth_signature_method"] = "PLAINTEXT"
    assert requests.get(url, params=bad, timeout=5).json()["message"] == \
        "Invalid signature - signature method is invalid."
    once = oauth_params("GET", url, [], key, secret)
    assert requests.get(url, params=once, timeout=5).status_code == 200
    replay = requests.get(url, params=once, timeout=5)
    assert (replay.status_code, replay.json()["message"]) == (401, "Invalid nonce - nonce has already been used.")
    for skew in (-901, 901):
        old = oauth_params("GET", url, [], key, secret, timestamp=int(time.time()) + skew)
        assert requests.get(url, params=old, timeout=5).json()["message"] == "Invalid timestamp."
    near = oauth_params("GET", url, [], key, secret, timestamp=int(time.time()) - 600)
    assert requests.get(url, params=near, timeout=5).status_code == 200


def test_oauth_missing_parameters_are_named(server):
    url = f"{server.url}/wp-json/wc/v3/products"
    signed = oauth_params("GET", url, [], DEMO_KEYS["consumer_key"], DEMO_KEYS["consumer_secret"])
    partial = {k: v for k, v in signed.items() if k not in ("oauth_nonce", "oauth_timestamp")}
    body = requests.get(url, params=partial, timeout=5).json()
    assert body["code"] == "woocommerce_rest_authentication_missing_parameter"
    assert "oauth_timestamp" in body["message"] and "oauth_nonce" in body["message"]


def test_basic_and_query_keys_are_ignored_over_plain_http(server):
    basic = {"Authorization": "Basic " + base64.b64encode(
        f"{DEMO_KEYS['consumer_key']}:{DEMO_KEYS['consumer_secret']}".encode()).decode()}
    for kwargs in ({"headers": basic}, {"params": DEMO_KEYS}):
        response = requests.get(f"{server.url}/wp-json/wc/v3/products", timeout=5, **kwargs)
        assert response.status_code == 401
        assert response.json() == {"code": "woocommerce_rest_cannot_view",
                                   "message": "Sorry, you cannot list resources.", "data": {"status": 401}}


def test_basic_over_forwarded_https_and_secret_check(server):
    woo = Woo(server.url)
    assert woo.call("GET", "/wc/v3/products", auth="basic-xfp").status_code == 200
    assert woo.call("GET", "/wc/v3/products", auth="query-xfp").status_code == 200
    wrong = Woo(server.url, secret="cs_" + "1" * 40).call("GET", "/wc/v3/products", auth="basic-xfp")
    assert (wrong.status_code, wrong.json()["message"]) == (401, "Consumer secret is invalid.")
    assert wrong.headers["WWW-Authenticate"].startswith('Basic realm="WooCommerce API.')
    unknown = Woo(server.url, key="ck_" + "2" * 40).call("GET", "/wc/v3/products", auth="basic-xfp")
    assert unknown.json()["code"] == "woocommerce_rest_cannot_view"


def test_https_option_makes_basic_work_on_loopback(live_server_factory):
    server = live_server_factory(create_app({"https": True}))
    response = requests.get(f"{server.url}/wp-json/wc/v3/orders",
                            auth=(DEMO_KEYS["consumer_key"], DEMO_KEYS["consumer_secret"]), timeout=5)
    assert response.status_code == 200


def test_read_only_key_is_refused_on_write_with_woocommerces_error(server):
    reader = make_key(server, "read")
    assert reader.call("GET", "/wc/v3/products").status_code == 200
    for method, path in (("POST", "/wc/v3/products"), ("PUT", "/wc/v3/products/10"),
                         ("DELETE", "/wc/v3/orders/1"), ("POST", "/wc/v3/products/batch")):
        response = reader.call(method, path, body={"name": "x"})
        assert response.status_code == 401
        assert response.json() == {"code": "woocommerce_rest_authentication_error",
                                   "message": "The API key provided does not have write permissions.",
                                   "data": {"status": 401}}
    listing = Woo(server.url).call("GET", "/wc/v3/products").json()
    assert listing == []


def test_write_only_key_cannot_read(server):
    writer = make_key(server, "write")
    response = writer.call("GET", "/wc/v3/orders")
    assert response.json()["message"] == "The API key provided does not have read permissions."
    assert writer.call("POST", "/wc/v3/products", body={"name": "ok"}).status_code == 201


def test_anonymous_gets_the_endpoint_permission_error(server):
    anon = Woo(server.url)
    cases = [("GET", "/wc/v3/orders/5", "woocommerce_rest_cannot_view"),
             ("POST", "/wc/v3/orders", "woocommerce_rest_cannot_create"),
             ("PUT", "/wc/v3/orders/5", "woocommerce_rest_cannot_edit"),
             ("DELETE", "/wc/v3/orders/5", "woocommerce_rest_cannot_delete"),
             ("POST", "/wc/v3/products/batch", "woocommerce_rest_cannot_batch")]
    for method, path, code in cases:
        response = anon.call(method, path, body={}, auth="none")
        assert (response.status_code, response.json()["code"]) == (401, code)
    assert anon.call("GET", "/wc/v3/nothing-here", auth="none").json()["code"] == "rest_no_route"


def test_home_url_option_is_the_signed_base(live_server_factory):
    """Behind a proxy the store signs with its home URL, not the Host it sees (spec A1.2)."""
    server = live_server_factory(create_app({"home_url": "https://shop.example.com"}))
    url = "https://shop.example.com/wp-json/wc/v3/products"
    signed = oauth_params("GET", url, [], DEMO_KEYS["consumer_key"], DEMO_KEYS["consumer_secret"])
    query = "&".join(f"{k}={enc(v)}" for k, v in signed.items())
    assert requests.get(f"{server.url}/wp-json/wc/v3/products?{query}", timeout=5).status_code == 200
