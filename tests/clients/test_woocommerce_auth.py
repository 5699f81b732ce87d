"""Auth as WooCommerce accepts it (spec A1, fixtures auth-*): OAuth 1.0a over HTTP, Basic or query over HTTPS."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from oauthlib.oauth1.rfc5849 import signature as oauthlib_sig

from sidecar.clients import no_api_log
from sidecar.clients.woocommerce import WooClient, WooConfigError
from sidecar.clients.woocommerce_auth import WooOAuth1, base_string, choose_mode, strip_credentials
from tests.clients.test_woocommerce_support import CK, CS, add_fixture

VECTOR = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "woocommerce-oauth-vector.json").read_text())
VECTOR_URL = VECTOR["url"] + "?" + "&".join(f"{k}={v}" for k, v in VECTOR["query"])
VECTOR_KEY = VECTOR["consumer_key"]
VECTOR_SECRET = VECTOR["consumer_secret"]
VECTOR_BASE = VECTOR["base_string_sha256"]


def vector_signer(method="HMAC-SHA256") -> WooOAuth1:
    return WooOAuth1(VECTOR_KEY, VECTOR_SECRET, method=method, clock=lambda: 1700000000,
                     nonce=lambda: "a1b2c3d4e5f60718293a4b5c6d7e8f90")


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


@pytest.mark.parametrize("method,expected", [("HMAC-SHA256", "o9KP7hwFZyK3fPPR8oDP/swI2x6rfX9S4Ksb36imXcc="),
                                             ("HMAC-SHA1", "sBS1HY6OSb4Ff/xuganfjoB+VC0=")])
def test_signer_reproduces_the_spec_test_vector(method, expected):
    signed = vector_signer(method).signed_url("GET", VECTOR_URL)
    params = query_of(signed)
    assert params["oauth_signature"] == expected
    assert params["per_page"] == "2" and params["status"] == "processing"
    if method == "HMAC-SHA256":
        unsigned = {k: v for k, v in params.items() if k != "oauth_signature"}
        assert base_string("GET", VECTOR_URL.split("?")[0], unsigned) == VECTOR_BASE


def test_signer_agrees_with_oauthlib_on_spaces_commas_and_unicode():
    url = "http://127.0.0.1:8080/wp-json/wc/v3/products?search=red+t-shirt&sku=A%2CB&name=caf%C3%A9"
    signed = vector_signer().signed_url("GET", url)
    params = query_of(signed)
    sent_sig = params.pop("oauth_signature")
    norm = oauthlib_sig.normalize_parameters(list(params.items()))
    base = oauthlib_sig.signature_base_string("GET", oauthlib_sig.base_string_uri(url), norm)
    assert base_string("GET", url.split("?")[0], params) == base
    assert params["search"] == "red t-shirt"  # PHP decodes + to a space before signing
    assert len(base64.b64decode(sent_sig)) == 32


def test_signer_keeps_the_home_url_verbatim_where_oauthlib_would_normalise():
    """WooCommerce signs home_url + path byte for byte; oauthlib lower-cases the host and drops :80."""
    url = "http://Shop.Example.com:80/wp-json/wc/v3/orders"
    ours = base_string("GET", url, {})
    assert "Shop.Example.com%3A80" in ours
    assert oauthlib_sig.base_string_uri(url) == "http://shop.example.com/wp-json/wc/v3/orders"


def test_auto_mode_follows_the_scheme():
    assert choose_mode("http://shop.test") == "oauth"
    assert choose_mode("https://shop.test") == "basic"
    assert choose_mode("https://shop.test", query_string_auth=True) == "query"
    assert choose_mode("http://shop.test", "basic") == "basic"
    with pytest.raises(ValueError):
        choose_mode("http://shop.test", "bearer")


@responses.activate
def test_oauth_over_http_signs_the_exact_path_in_the_query_string():
    add_fixture(responses, "GET", "http://127.0.0.1:8080/wp-json/wc/v3/products", "auth-https-query-ok.json")
    client = WooClient("http://127.0.0.1:8080/", CK, CS)
    products = client.get("/products/", {"sku": "HW-001,HG-002"})
    assert [p["sku"] for p in products] == ["HW-001", "HG-002"]
    sent = responses.calls[0].request
    assert "Authorization" not in sent.headers
    assert urlsplit(sent.url).path == "/wp-json/wc/v3/products"  # no trailing slash, no double slash
    params = query_of(sent.url)
    signature = params.pop("oauth_signature")
    expected = base64.b64encode(__import__("hmac").new(
        (CS + "&").encode(), base_string("GET", "http://127.0.0.1:8080/wp-json/wc/v3/products", params).encode(),
        "sha256").digest()).decode()
    assert signature == expected
    assert params["oauth_consumer_key"] == CK and params["oauth_signature_method"] == "HMAC-SHA256"


@responses.activate
def test_basic_over_https_sends_the_authorization_header_only():
    add_fixture(responses, "GET", "https://shop.test/wp-json/wc/v3/products", "auth-https-basic-ok.json")
    client = WooClient("https://shop.test", CK, CS)
    assert client.auth_mode == "basic"
    client.get("products")
    sent = responses.calls[0].request
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(f"{CK}:{CS}".encode()).decode()
    assert "consumer_key" not in sent.url and "oauth_" not in sent.url


@responses.activate
def test_query_string_auth_over_https_for_hosts_that_strip_authorization():
    add_fixture(responses, "GET", "https://shop.test/wp-json/wc/v3/products", "auth-https-query-ok.json")
    client = WooClient.from_credentials({"url": "https://shop.test", "consumer_key": CK, "consumer_secret": CS},
                                        {"woocommerce": {"query_string_auth": True, "timeout_s": 5}},
                                        api_log=no_api_log)
    client.get("products", {"per_page": 2})
    sent = responses.calls[0].request
    assert "Authorization" not in sent.headers
    assert query_of(sent.url) == {"per_page": "2", "consumer_key": CK, "consumer_secret": CS}
    assert client.http.timeout_s == 5


@responses.activate
def test_a_redirect_is_not_followed_and_names_the_fix():
    responses.add("GET", "http://shop.test/wp-json/wc/v3/orders/12", status=301,
                  headers={"Location": "https://www.shop.test/wp-json/wc/v3/orders/12?oauth_signature=abc"})
    client = WooClient("http://shop.test", CK, CS)
    with pytest.raises(WooConfigError) as err:
        client.get_order(12)
    assert len(responses.calls) == 1
    assert "home URL" in str(err.value) and "https://www.shop.test" in str(err.value)
    assert "oauth_signature" not in str(err.value) and err.value.retryable is False


def test_strip_credentials_removes_keys_and_signatures():
    url = f"https://s.test/x?page=2&consumer_key={CK}&consumer_secret={CS}&oauth_signature=a%2Bb&oauth_nonce=n"
    assert strip_credentials(url) == "https://s.test/x?page=2"
