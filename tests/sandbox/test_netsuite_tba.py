"""TBA (OAuth 1.0a HMAC-SHA256) against the NetSuite sandbox: the tests' own signer is checked against the
spec's §2.6 vectors first, then every rejection the spec lists is driven over a real socket and must come back
as the generic 401 INVALID_LOGIN with the specific reason in the login audit.

This module also holds the small signer and HTTP helper the other sandbox tests import (written here from the
spec's algorithm; nothing comes from sidecar.clients)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from urllib.parse import quote

import pytest
import requests
from werkzeug.serving import make_server

from sidecar.sandbox import ns_tba
from sidecar.sandbox.netsuite import DEMO_TBA, create_app

VECTOR = {"consumer_key": "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
          "consumer_secret": "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5",
          "token_id": "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
          "token_secret": "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295"}
HOST = "https://123456.suitetalk.api.netsuite.com"
VECTORS = [  # method, URL without query, query pairs (decoded), expected signature — spec §2.6
    ("GET", f"{HOST}/services/rest/record/v1/employee/40", [], "B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY="),
    ("POST", "https://123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl",
     [("script", "6"), ("deploy", "1"), ("customParam", "someValue"), ("testParam", "someOtherValue")],
     "+KK4SKNgz4ZiILGLwOMtfYlgcXSy1eis8ldE9X90azQ="),
    ("POST", f"{HOST}/services/rest/query/v1/suiteql", [("limit", "1000"), ("offset", "0")],
     "K77GAJRnfr1XDIXWkDNFBb1G343XzZc397WHGpnHFF8="),
    ("GET", f"{HOST}/services/rest/record/v1/customer", [("q", 'email IS "jane@example.com"'), ("limit", "10")],
     "xf6KNVZi+pTT8jbdH0bLpfm5lWvMhwTSfaY1jJJnc60="),
    ("POST", f"{HOST}/services/rest/record/v1/salesOrder/3/!transform/itemFulfillment", [],
     "kyuUymCXa4HaHREEX3FzAc8WI3e+CCXM9QDngc3qP+s="),
    ("PUT", f"{HOST}/services/rest/record/v1/salesOrder/eid:WC-1001", [],
     "OxP0jJfnbL6aaSdN3eUa7oYsAdLVmRcXgD/F6Ye0IJI="),
]
VECTOR_OAUTH = {"oauth_nonce": "fjaLirsIcCGVZWzBX0pg", "oauth_timestamp": "1508242306"}


# --- the tests' own signer (spec §2.4) ---------------------------------------------------------------------------

def enc(value) -> str:
    return quote(str(value), safe="~-._")


def signature(method: str, url: str, query: list[tuple[str, str]], oauth: dict, consumer_secret: str,
              token_secret: str) -> str:
    pairs = sorted((enc(k), enc(v)) for k, v in list(query) + list(oauth.items()))
    base = "&".join([method.upper(), enc(url), enc("&".join(f"{k}={v}" for k, v in pairs))])
    key = f"{enc(consumer_secret)}&{enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha256).digest()).decode()


def oauth_params(creds: dict, **overrides) -> dict:
    params = {"oauth_consumer_key": creds["consumer_key"], "oauth_token": creds["token_id"],
              "oauth_nonce": secrets.token_hex(12), "oauth_timestamp": str(int(time.time())),
              "oauth_signature_method": "HMAC-SHA256", "oauth_version": "1.0"}
    params.update(overrides)
    return params


def auth_header(realm: str, params: dict, sig: str) -> str:
    items = [f'realm="{realm}"'] + [f'{k}="{enc(v)}"' for k, v in params.items()] + [f'oauth_signature="{enc(sig)}"']
    return "OAuth " + ", ".join(items)


class NsHttp:
    """Signs and sends requests to a sandbox over its real socket, building the wire URL itself."""

    def __init__(self, base_url: str, creds: dict | None = None, realm: str = "1234567_SB1"):
        self.base, self.creds, self.realm = base_url, dict(creds or DEMO_TBA), realm

    def request(self, method: str, path: str, query: list | dict | None = None, json=None, headers=None,
                sign_url: str | None = None, sign_query: list | None = None, oauth: dict | None = None,
                secret: str | None = None, timeout: float = 10, raw_query: str | None = None):
        pairs = list(query.items()) if isinstance(query, dict) else list(query or [])
        pairs = [(k, str(v)) for k, v in pairs]
        wire = raw_query if raw_query is not None else "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs)
        url = self.base + path + (f"?{wire}" if wire else "")
        params = oauth_params(self.creds, **(oauth or {}))
        sig = signature(method, sign_url or self.base + path, pairs if sign_query is None else sign_query, params,
                        secret or self.creds["consumer_secret"], self.creds["token_secret"])
        all_headers = {"Authorization": auth_header(self.realm, params, sig), "Content-Type": "application/json"}
        all_headers.update(headers or {})
        return requests.request(method, url, json=json, headers=all_headers, timeout=timeout)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def suiteql(self, q: str, params=None, limit: int = 1000, offset: int = 0, **kw):
        body = {"q": q} if params is None else {"q": q, "params": params}
        return self.request("POST", "/services/rest/query/v1/suiteql", query=[("limit", limit), ("offset", offset)],
                            json=body, headers={"Prefer": "transient"}, **kw)


class Sandbox:
    """A live sandbox plus a signed client and its control plane."""

    def __init__(self, server, app):
        self.url, self.app = server.url, app
        self.ns = NsHttp(server.url)

    def control(self, method: str, path: str, json=None):
        return requests.request(method, f"{self.url}/_sandbox{path}", json=json, timeout=10)

    def audit(self) -> list[dict]:
        return self.control("GET", "/login-audit").json()

    def records(self, rtype: str, **params) -> list[dict]:
        return requests.get(f"{self.url}/_sandbox/records/{rtype}", params=params, timeout=10).json()


class FastServer:
    """Like conftest's LiveServer (a real 127.0.0.1 socket, threaded), but polling for shutdown every 50 ms so
    the ~80 sandbox tests don't spend half a second each tearing their server down."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sandbox_servers():
    """Generator behind each module's ``sandbox_factory`` fixture: start sandboxes, stop them afterwards."""
    servers: list[FastServer] = []

    def start(options: dict | None = None) -> Sandbox:
        app = create_app(options)
        servers.append(FastServer(app))
        return Sandbox(servers[-1], app)
    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def sandbox_factory():
    yield from sandbox_servers()


@pytest.fixture
def sandbox(sandbox_factory) -> Sandbox:
    return sandbox_factory({"seed": 10})


# --- vectors -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method,url,query,expected", VECTORS)
def test_own_signer_reproduces_spec_vectors(method, url, query, expected):
    oauth = {"oauth_consumer_key": VECTOR["consumer_key"], "oauth_token": VECTOR["token_id"],
             **VECTOR_OAUTH, "oauth_signature_method": "HMAC-SHA256", "oauth_version": "1.0"}
    assert signature(method, url, query, oauth, VECTOR["consumer_secret"], VECTOR["token_secret"]) == expected


@pytest.mark.parametrize("method,url,query,expected", VECTORS)
def test_sandbox_verifier_accepts_spec_vectors(method, url, query, expected):
    """The sandbox's own verification path accepts exactly Oracle's signatures (timestamp pinned to 2017)."""
    registry = ns_tba.TbaRegistry()
    registry.register(VECTOR["consumer_key"], VECTOR["consumer_secret"], VECTOR["token_id"], VECTOR["token_secret"])
    oauth = {"oauth_consumer_key": VECTOR["consumer_key"], "oauth_token": VECTOR["token_id"], **VECTOR_OAUTH,
             "oauth_signature_method": "HMAC-SHA256", "oauth_version": "1.0"}
    header = auth_header("123456", oauth, expected)
    raw_query = "&".join(f"{enc(k)}={enc(v)}" for k, v in query)
    token = ns_tba.verify(registry, method=method, uri=url, raw_query=raw_query, header=header,
                          account_id="123456", now=1508242306)
    assert token.token_id == VECTOR["token_id"]
    bad = auth_header("123456", oauth, expected.replace("=", "A", 1) if "=" in expected else expected[:-2] + "==")
    with pytest.raises(ns_tba.TbaRejected) as err:
        ns_tba.verify(registry, method=method, uri=url, raw_query=raw_query, header=bad, account_id="123456",
                      now=1508242306 + 1)
    assert err.value.reason == "InvalidSignature"


# --- over the socket ---------------------------------------------------------------------------------------------

def test_signed_requests_pass_including_query_and_special_path_characters(sandbox):
    customer = sandbox.records("customer")[0]["id"]
    assert sandbox.ns.get(f"/services/rest/record/v1/customer/{customer}").status_code == 200
    listed = sandbox.ns.get("/services/rest/record/v1/customer", query=[("q", 'email CONTAIN "@example.com"'),
                                                                        ("limit", "5")])
    assert listed.status_code == 200 and listed.json()["count"] == 5
    missing = sandbox.ns.request("PUT", "/services/rest/record/v1/salesOrder/eid:NOPE-1", json={})
    assert missing.status_code != 401  # the eid: path verified; the body then fails validation
    assert [a["status"] for a in sandbox.audit()] == ["Success"] * 3


def assert_rejected(sandbox, response, reason: str) -> None:
    assert response.status_code == 401
    body = response.json()
    assert body["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
    assert body["status"] == 401 and "Login Audit Trail" in body["o:errorDetails"][0]["detail"]
    last = sandbox.audit()[-1]
    assert (last["status"], last["reason"]) == ("Failure", reason)
    text = response.text + str(sandbox.audit())
    assert DEMO_TBA["consumer_secret"] not in text and DEMO_TBA["token_secret"] not in text


PATH = "/services/rest/record/v1/customer/1"


def test_wrong_consumer_secret_is_invalid_signature(sandbox):
    assert_rejected(sandbox, sandbox.ns.get(PATH, secret="not-the-secret"), "InvalidSignature")


@pytest.mark.parametrize("realm", ["1234567_sb1", "1234567-SB1", "7654321_SB1"])
def test_wrong_realm_is_rejected(sandbox, realm):
    sandbox.ns.realm = realm
    assert_rejected(sandbox, sandbox.ns.get(PATH), "InvalidSignature")


def test_stale_timestamp_is_invalid_timestamp(sandbox):
    stale = str(int(time.time()) - 301)
    assert_rejected(sandbox, sandbox.ns.get(PATH, oauth={"oauth_timestamp": stale}), "InvalidTimestamp")
    fresh = str(int(time.time()) - 200)
    assert sandbox.ns.get(PATH, oauth={"oauth_timestamp": fresh}).status_code == 200


def test_reused_nonce_is_rejected(sandbox):
    fixed = {"oauth_nonce": "same-nonce-123456", "oauth_timestamp": str(int(time.time()))}
    assert sandbox.ns.get(PATH, oauth=fixed).status_code == 200
    assert_rejected(sandbox, sandbox.ns.get(PATH, oauth=fixed), "NonceUsed")


def test_hmac_sha1_is_unknown_algorithm(sandbox):
    assert_rejected(sandbox, sandbox.ns.get(PATH, oauth={"oauth_signature_method": "HMAC-SHA1"}),
                    "UnknownAlgorithm")


def test_unsigned_query_parameter_is_invalid_signature(sandbox):
    response = sandbox.ns.get("/services/rest/record/v1/customer", query=[("limit", "5")], sign_query=[])
    assert_rejected(sandbox, response, "InvalidSignature")


def test_signature_for_another_port_or_host_fails(sandbox):
    other = sandbox.url.rsplit(":", 1)[0] + ":1" + PATH
    assert_rejected(sandbox, sandbox.ns.get(PATH, sign_url=other), "InvalidSignature")
    pre_encoded = sandbox.ns.request("POST", "/services/rest/record/v1/salesOrder/1/%21transform/itemFulfillment",
                                     sign_url=sandbox.url + "/services/rest/record/v1/salesOrder/1/!transform/"
                                     "itemFulfillment", json={})
    assert_rejected(sandbox, pre_encoded, "InvalidSignature")  # sent %21 but signed "!" → base strings differ


def test_unknown_consumer_revoked_token_and_oauth_params_in_query(sandbox):
    sandbox.ns.creds["consumer_key"] = "who-is-this"
    assert_rejected(sandbox, sandbox.ns.get(PATH), "consumer_key_unknown")
    sandbox.ns.creds = dict(DEMO_TBA)
    assert_rejected(sandbox, sandbox.ns.get(PATH, query=[("oauth_token", "x")]), "parameter_rejected")
    assert sandbox.control("DELETE", f"/tba-tokens/{DEMO_TBA['token_id']}").status_code == 204
    assert_rejected(sandbox, sandbox.ns.get(PATH), "token_rejected")


def test_registered_token_works_and_no_header_is_rejected(sandbox):
    creds = {"consumer_key": "ck-test", "consumer_secret": "cs-test", "token_id": "tk-test",
             "token_secret": "ts-test"}
    assert sandbox.control("POST", "/tba-tokens", creds).status_code == 201
    client = NsHttp(sandbox.url, creds)
    assert client.get(PATH).status_code == 200
    bare = requests.get(sandbox.url + PATH, timeout=5)
    assert_rejected(sandbox, bare, "MissingTokenPassportRequiredFields")


def test_clock_skew_knob_makes_good_clients_fail(sandbox):
    assert sandbox.control("POST", "/config", {"clock_skew_s": 600}).status_code == 200
    assert_rejected(sandbox, sandbox.ns.get(PATH), "InvalidTimestamp")


def test_short_nonce_wrong_version_and_duplicate_parameter(sandbox):
    assert_rejected(sandbox, sandbox.ns.get(PATH, oauth={"oauth_nonce": "abc"}), "nonce_rejected")
    assert_rejected(sandbox, sandbox.ns.get(PATH, oauth={"oauth_version": "2.0"}), "VersionRejected")
    params = oauth_params(DEMO_TBA)
    sig = signature("GET", sandbox.url + PATH, [], params, DEMO_TBA["consumer_secret"], DEMO_TBA["token_secret"])
    doubled = auth_header("1234567_SB1", params, sig) + f', oauth_nonce="{params["oauth_nonce"]}"'
    answer = requests.get(sandbox.url + PATH, headers={"Authorization": doubled}, timeout=5)
    assert_rejected(sandbox, answer, "parameter_rejected")
