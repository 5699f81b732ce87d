"""TBA signing against the spec's published vectors (netsuite-rest.md §2.6) and the OAuth 2.0 client
credentials flow (assertion, token cache, renewal), without a network."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qs, unquote

import jwt
import pytest
import requests
import responses
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from sidecar.clients.netsuite import NetSuiteClient
from sidecar.clients.netsuite_auth import (
    TOKEN_CACHE,
    OAuth2Auth,
    TbaAuth,
    build_assertion,
    host_for,
    origin_for,
    pick_algorithm,
    realm_for,
)
from sidecar.clients.netsuite_errors import NetSuiteAuthError
from sidecar.clients.netsuite_transport import build_query

VECTOR = {"consumer_key": "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
          "consumer_secret": "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5",
          "token_id": "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
          "token_secret": "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295"}
NONCE, TIMESTAMP = "fjaLirsIcCGVZWzBX0pg", "1508242306"
REST = "https://123456.suitetalk.api.netsuite.com/services/rest"

# (method, URL exactly as sent on the wire, expected raw base64 signature) — spec §2.6
VECTORS = [
    ("GET", REST + "/record/v1/employee/40", "B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY="),
    ("POST", ("https://123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=6&deploy=1"
              "&customParam=someValue&testParam=someOtherValue"), "+KK4SKNgz4ZiILGLwOMtfYlgcXSy1eis8ldE9X90azQ="),
    ("POST", REST + "/query/v1/suiteql?limit=1000&offset=0", "K77GAJRnfr1XDIXWkDNFBb1G343XzZc397WHGpnHFF8="),
    ("GET", REST + "/record/v1/customer?q=email%20IS%20%22jane%40example.com%22&limit=10",
     "xf6KNVZi+pTT8jbdH0bLpfm5lWvMhwTSfaY1jJJnc60="),
    ("POST", REST + "/record/v1/salesOrder/3/!transform/itemFulfillment",
     "kyuUymCXa4HaHREEX3FzAc8WI3e+CCXM9QDngc3qP+s="),
    ("PUT", REST + "/record/v1/salesOrder/eid:WC-1001", "OxP0jJfnbL6aaSdN3eUa7oYsAdLVmRcXgD/F6Ye0IJI="),
]


def _header_params(header: str) -> dict[str, str]:
    assert header.startswith("OAuth ")
    return {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', header)}


def _signed(method: str, url: str, auth, body: dict | None = None) -> requests.PreparedRequest:
    kwargs = {"json": body} if body is not None else {}
    prepared = requests.Request(method, url, **kwargs).prepare()
    if body is not None:
        prepared.headers["Content-Type"] = "application/json"
    return auth(prepared)


@pytest.mark.parametrize("method,url,expected", VECTORS, ids=[v[1].rsplit("/", 1)[-1][:30] for v in VECTORS])
def test_tba_reproduces_the_published_vectors(method, url, expected):
    auth = TbaAuth("123456", **VECTOR, nonce=NONCE, timestamp=TIMESTAMP)
    body = {"any": "json"} if method != "GET" else None  # a JSON body is never signed
    prepared = _signed(method, url, auth, body)
    params = _header_params(prepared.headers["Authorization"])
    assert params["oauth_signature"] == expected
    assert prepared.url == url  # signed exactly what goes on the wire: ! and : raw, %20 kept
    assert params["realm"] == "123456"
    assert params["oauth_signature_method"] == "HMAC-SHA256" and params["oauth_version"] == "1.0"


def test_tba_header_holds_only_oauth_params_and_no_body_hash():
    auth = TbaAuth("1234567_SB1", **VECTOR)
    prepared = _signed("POST", REST + "/query/v1/suiteql?limit=1000&offset=0", auth, {"q": "SELECT 1"})
    params = _header_params(prepared.headers["Authorization"])
    assert set(params) == {"realm", "oauth_consumer_key", "oauth_token", "oauth_nonce", "oauth_timestamp",
                           "oauth_signature_method", "oauth_version", "oauth_signature"}
    assert prepared.headers["Content-Type"] == "application/json"  # not rewritten to form encoding
    assert json.loads(prepared.body) == {"q": "SELECT 1"}


def test_tba_signature_percent_encoded_in_header_and_fresh_nonce_per_request():
    auth = TbaAuth("1234567_SB1", **VECTOR)
    first = _signed("GET", REST + "/record/v1/employee/40", auth).headers["Authorization"]
    second = _signed("GET", REST + "/record/v1/employee/40", auth).headers["Authorization"]
    raw_sig = re.search(r'oauth_signature="([^"]*)"', first).group(1)
    assert not re.search(r"[+/=]", raw_sig)  # %2B %2F %3D inside the quotes
    assert _header_params(first)["oauth_nonce"] != _header_params(second)["oauth_nonce"]


def test_wrong_token_secret_changes_the_signature():
    good = TbaAuth("123456", **VECTOR, nonce=NONCE, timestamp=TIMESTAMP)
    bad = TbaAuth("123456", **{**VECTOR, "token_secret": "x" + VECTOR["token_secret"][1:]}, nonce=NONCE,
                  timestamp=TIMESTAMP)
    url = REST + "/record/v1/employee/40"
    assert _header_params(_signed("GET", url, good).headers["Authorization"])["oauth_signature"] != \
        _header_params(_signed("GET", url, bad).headers["Authorization"])["oauth_signature"]


def test_query_builder_produces_the_vector_wire_form():
    assert build_query({"q": 'email IS "jane@example.com"', "limit": 10}) == \
        "q=email%20IS%20%22jane%40example.com%22&limit=10"
    assert build_query({"expandSubResources": True, "fields": None}) == "expandSubResources=true"


@pytest.mark.parametrize("account,realm,host", [
    ("1234567_SB1", "1234567_SB1", "1234567-sb1.suitetalk.api.netsuite.com"),
    ("1234567-sb1", "1234567_SB1", "1234567-sb1.suitetalk.api.netsuite.com"),
    ("1234567", "1234567", "1234567.suitetalk.api.netsuite.com"),
    ("tstdrv2533109", "TSTDRV2533109", "tstdrv2533109.suitetalk.api.netsuite.com"),
])
def test_realm_and_host_forms(account, realm, host):
    assert realm_for(account) == realm
    assert host_for(account) == host
    assert origin_for(account) == "https://" + host


def test_base_url_overrides_the_derived_host():
    assert origin_for("1234567_SB1", "http://127.0.0.1:9999/") == "http://127.0.0.1:9999"
    assert origin_for("1234567_SB1", "https://x.example/services/rest") == "https://x.example"


# --- OAuth 2.0 client credentials ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


@pytest.fixture(scope="module")
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def _pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def test_ps256_assertion_verifies_with_pss_salt_equal_to_hash(rsa_key):
    token_url = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token"
    assertion = build_assertion("client-1", "cert-1", rsa_key, "PS256", token_url, now=1767225600)
    header = jwt.get_unverified_header(assertion)
    assert header == {"alg": "PS256", "kid": "cert-1", "typ": "JWT"}
    claims = jwt.decode(assertion, rsa_key.public_key(), algorithms=["PS256"], audience=token_url,
                        options={"verify_exp": False, "verify_iat": False})
    assert claims["iss"] == "client-1" and claims["scope"] == "rest_webservices"
    assert claims["exp"] - claims["iat"] == 300 and len(claims["jti"]) >= 16
    signing_input, _, sig = assertion.rpartition(".")
    rsa_key.public_key().verify(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)), signing_input.encode(),
                                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())


def test_algorithm_follows_the_key(rsa_key, ec_key):
    assert pick_algorithm(rsa_key) == "PS256"
    assert pick_algorithm(ec_key) == "ES256"
    assert pick_algorithm(ec.generate_private_key(ec.SECP384R1())) == "ES384"
    with pytest.raises(NetSuiteAuthError, match="does not fit"):
        pick_algorithm(rsa_key, "RS256")
    with pytest.raises(NetSuiteAuthError, match="does not fit"):
        pick_algorithm(ec_key, "ES384")
    with pytest.raises(NetSuiteAuthError, match="3072- or 4096-bit"):
        pick_algorithm(rsa.generate_private_key(public_exponent=65537, key_size=2048))


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


ORIGIN = "https://1234567-sb1.suitetalk.api.netsuite.com"
TOKEN_URL = ORIGIN + "/services/rest/auth/oauth2/v1/token"


def _oauth2_client(ec_key, clock, **kw) -> NetSuiteClient:
    TOKEN_CACHE._tokens.clear()
    auth = OAuth2Auth("1234567_SB1", "client-ec", "cert-ec", _pem(ec_key), clock=clock)
    return NetSuiteClient("1234567_SB1", auth, sleep=lambda s: None, api_log=lambda *a: None, **kw)


def _token_callback(ec_key, issued: list, expires_in=3600, token_type="Bearer"):
    def callback(request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert "Authorization" not in request.headers  # no Basic client auth
        assert set(form) == {"grant_type", "client_assertion_type", "client_assertion"}
        assert form["grant_type"] == "client_credentials"
        claims = jwt.decode(form["client_assertion"], ec_key.public_key(), algorithms=["ES256"],
                            audience=TOKEN_URL, options={"verify_exp": False, "verify_iat": False})
        assert jwt.get_unverified_header(form["client_assertion"])["kid"] == "cert-ec"
        issued.append(claims)
        body = {"access_token": f"access-{len(issued)}", "expires_in": expires_in, "token_type": token_type}
        return 200, {}, json.dumps(body)
    return callback


@responses.activate
def test_bearer_token_is_cached_then_renewed_before_expiry(ec_key):
    clock, issued = FakeClock(), []
    responses.add_callback(responses.POST, TOKEN_URL, callback=_token_callback(ec_key, issued, "3600", "bearer"))
    seen = []
    responses.add_callback(responses.GET, ORIGIN + "/services/rest/record/v1/customer/7",
                           callback=lambda r: (seen.append(r.headers["Authorization"]) or (200, {}, "{}")))
    client = _oauth2_client(ec_key, clock)
    client.get("customer", 7)
    clock.now += 3000  # 10 minutes left: still good
    client.get("customer", 7)
    clock.now += 400   # under 5 minutes left: renew first
    client.get("customer", 7)
    assert seen == ["Bearer access-1", "Bearer access-1", "Bearer access-2"]
    assert len(issued) == 2 and issued[1]["iat"] == int(clock.now)


@responses.activate
def test_401_mints_a_new_token_once_and_replays(ec_key):
    issued = []
    responses.add_callback(responses.POST, TOKEN_URL, callback=_token_callback(ec_key, issued))
    url = ORIGIN + "/services/rest/record/v1/customer/7"
    body401 = {"status": 401, "o:errorDetails": [{"detail": "Invalid login attempt.", "o:errorCode": "INVALID_LOGIN"}]}
    responses.add(responses.GET, url, json=body401, status=401)
    responses.add(responses.GET, url, json={"id": "7"}, status=200)
    assert _oauth2_client(ec_key, FakeClock()).get("customer", 7) == {"id": "7"}
    assert len(issued) == 2
    assert [c.request.headers.get("Authorization") for c in responses.calls if c.request.url == url] == \
        ["Bearer access-1", "Bearer access-2"]


@responses.activate
def test_401_twice_fails_without_looping(ec_key):
    issued = []
    responses.add_callback(responses.POST, TOKEN_URL, callback=_token_callback(ec_key, issued))
    url = ORIGIN + "/services/rest/record/v1/customer/7"
    body401 = {"status": 401, "o:errorDetails": [{"detail": "Invalid login attempt.", "o:errorCode": "INVALID_LOGIN"}]}
    responses.add(responses.GET, url, json=body401, status=401)
    with pytest.raises(NetSuiteAuthError) as info:
        _oauth2_client(ec_key, FakeClock()).get("customer", 7)
    assert info.value.code == "INVALID_LOGIN" and "Login Audit Trail" in str(info.value)
    assert len(issued) == 2 and len([c for c in responses.calls if c.request.url == url]) == 2


@responses.activate
def test_token_refusal_is_an_auth_error_without_the_assertion(ec_key):
    captured = []

    def refuse(request):
        captured.append(parse_qs(request.body)["client_assertion"][0])
        return 401, {"WWW-Authenticate": 'Basic realm="1234567_SB1"'}, json.dumps(
            {"error": "invalid_client", "error_description": "MissingKey"})
    responses.add_callback(responses.POST, TOKEN_URL, callback=refuse)
    rows = []
    client = _oauth2_client(ec_key, FakeClock())
    client.transport.api_log = lambda *a: rows.append(a)
    with pytest.raises(NetSuiteAuthError) as info:
        client.get("customer", 7)
    assert info.value.code == "invalid_client" and "MissingKey" in str(info.value)
    assert len(captured) == 1  # a refused token is not re-tried
    text = str(info.value) + repr(rows)
    assert captured[0] not in text and "PRIVATE KEY" not in text
    assert rows and rows[0][:4] == ("netsuite", "POST", "/services/rest/auth/oauth2/v1/token", 401)


@responses.activate
def test_token_endpoint_5xx_is_retried_once(ec_key):
    issued = []
    responses.add(responses.POST, TOKEN_URL, body="<html>bad gateway</html>", status=502)
    responses.add_callback(responses.POST, TOKEN_URL, callback=_token_callback(ec_key, issued))
    responses.add(responses.GET, ORIGIN + "/services/rest/record/v1/customer/7", json={"id": "7"})
    assert _oauth2_client(ec_key, FakeClock()).get("customer", 7) == {"id": "7"}
    assert len(issued) == 1


def test_a_bad_pem_is_a_configuration_error_that_does_not_echo_it():
    pem = "-----BEGIN " + "PRIVATE KEY-----\nnot-a-key-secretvalue\n-----END PRIVATE KEY-----\n"
    with pytest.raises(NetSuiteAuthError) as info:
        OAuth2Auth("1234567_SB1", "c", "k", pem)
    assert "secretvalue" not in str(info.value) and not info.value.retryable
