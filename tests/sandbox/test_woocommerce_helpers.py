"""Shared helpers for the WooCommerce sandbox tests: an OAuth 1.0a signer written from spec A1.2 (not the
sandbox's), a small HTTP client over real sockets, a webhook receiver, and the recursive shape comparison.

Also holds the tests of those helpers themselves (the signer against the spec's test vector).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import requests
from flask import Flask, request

from sidecar.sandbox.woocommerce import DEMO_KEYS


def enc(text) -> str:
    return quote(str(text), safe="-._~")


def oauth_params(method: str, url: str, params: list[tuple[str, str]], key: str, secret: str,
                 algo: str = "HMAC-SHA256", timestamp: int | None = None, nonce: str | None = None) -> dict:
    """The oauth_* params (with signature) for ``method url`` and its query ``params`` — spec A1.2."""
    oauth = {"oauth_consumer_key": key, "oauth_timestamp": str(int(time.time()) if timestamp is None else timestamp),
             "oauth_nonce": nonce or secrets.token_hex(16), "oauth_signature_method": algo}
    pairs = sorted([(k, v) for k, v in params] + list(oauth.items()))
    param_string = "%26".join(enc(f"{enc(k)}={enc(v)}") for k, v in pairs)
    base = f"{method.upper()}&{enc(url)}&{param_string}"
    digest = hashlib.sha1 if algo == "HMAC-SHA1" else hashlib.sha256
    oauth["oauth_signature"] = base64.b64encode(hmac.new(f"{secret}&".encode(), base.encode(), digest).digest()).decode()
    return oauth


def test_signer_matches_spec_vector():
    """Spec A1.2 test vector: both algorithms, byte for byte."""
    vector = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "woocommerce-oauth-vector.json")
                        .read_text())
    url = vector["url"]
    args = {"key": vector["consumer_key"], "secret": vector["consumer_secret"],
            "timestamp": vector["timestamp"], "nonce": vector["nonce"]}
    q = [tuple(pair) for pair in vector["query"]]
    assert oauth_params("GET", url, q, **args)["oauth_signature"] == "o9KP7hwFZyK3fPPR8oDP/swI2x6rfX9S4Ksb36imXcc="
    assert oauth_params("GET", url, q, algo="HMAC-SHA1", **args)["oauth_signature"] == "sBS1HY6OSb4Ff/xuganfjoB+VC0="


class Woo:
    """A tiny WooCommerce REST client for tests: OAuth in the query (as the captures), or Basic over 'HTTPS'."""

    def __init__(self, base: str, key: str = DEMO_KEYS["consumer_key"], secret: str = DEMO_KEYS["consumer_secret"]):
        self.base = base.rstrip("/")
        self.key, self.secret = key, secret

    def call(self, method: str, path: str, query=None, body=None, auth: str = "oauth", headers=None,
             raw_query: str | None = None) -> requests.Response:
        """``path`` below /wp-json (e.g. /wc/v3/products); ``auth`` = oauth | basic-xfp | query-xfp | none."""
        url = f"{self.base}/wp-json{path}"
        pairs = list(query.items()) if isinstance(query, dict) else list(query or [])
        headers = dict(headers or {})
        if auth in ("oauth", "oauth-xfp", "oauth-header"):
            sign_url = url.replace("http://", "https://", 1) if auth == "oauth-xfp" else url
            signed = oauth_params(method, sign_url, pairs, self.key, self.secret)
            if auth == "oauth-header":
                headers["Authorization"] = "OAuth " + ", ".join(f'{k}="{enc(v)}"' for k, v in signed.items())
            else:
                pairs += list(signed.items())
            if auth == "oauth-xfp":
                headers["X-Forwarded-Proto"] = "https"
        elif auth in ("basic-xfp", "query-xfp"):
            headers["X-Forwarded-Proto"] = "https"
            if auth == "basic-xfp":
                headers["Authorization"] = "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
            else:
                pairs += [("consumer_key", self.key), ("consumer_secret", self.secret)]
        qs = raw_query if raw_query is not None else urlencode(pairs)
        data = None if body is None else json.dumps(body)
        if data is not None:
            headers["Content-Type"] = "application/json"
        return requests.request(method, url + (f"?{qs}" if qs else ""), data=data, headers=headers, timeout=10)


def allowing(receiver_url: str, **options) -> dict:
    """Sandbox options letting deliveries reach ``receiver_url`` (a 127.0.0.1 port WordPress would refuse),
    as a site's http_request_host_is_external / http_allowed_safe_ports filters do for that host:port."""
    return {"webhook_allowed_hosts": [urlsplit(receiver_url).netloc], **options}


class Receiver:
    """A webhook receiver app: records every POST; answers the status set for its path (default 200)."""

    def __init__(self):
        self.received: list[dict] = []
        self.status: dict[str, int] = {}
        self.lock = threading.Lock()
        self.app = Flask("receiver")
        self.app.add_url_rule("/<path:path>", "hook", self._hook, methods=["POST"])

    def _hook(self, path: str):
        with self.lock:
            self.received.append({"path": "/" + path, "headers": dict(request.headers), "body": request.get_data()})
        return "ok", self.status.get("/" + path, 200)

    def wait_for(self, predicate, count: int = 1, timeout: float = 5.0, pings: bool = False) -> list[dict]:
        """Received requests matching ``predicate`` (creation pings left out unless asked), waiting for ``count``."""
        deadline = time.time() + timeout
        found: list[dict] = []
        while time.time() < deadline:
            with self.lock:
                found = [r for r in self.received if predicate(r)
                         and (pings or not r["body"].startswith(b"webhook_id="))]
            if len(found) >= count:
                return found
            time.sleep(0.02)
        return found


def kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def shape_diff(expected, actual, path: str = "$", free_length: frozenset = frozenset()) -> list[str]:
    """Differences in keys and value types, recursively; lists must have the same length (the sandbox
    replays the same state) except under keys in ``free_length``, whose elements are compared pairwise."""
    if kind(expected) != kind(actual):
        return [f"{path}: {kind(expected)} expected, got {kind(actual)} ({json.dumps(actual)[:80]})"]
    diffs: list[str] = []
    if isinstance(expected, dict):
        missing, extra = set(expected) - set(actual), set(actual) - set(expected)
        if missing:
            diffs.append(f"{path}: missing keys {sorted(missing)}")
        if extra:
            diffs.append(f"{path}: extra keys {sorted(extra)}")
        for key in expected:
            if key in actual:
                diffs += shape_diff(expected[key], actual[key], f"{path}.{key}", free_length)
    elif isinstance(expected, list):
        name = path.rsplit(".", 1)[-1].split("[")[0]
        if len(expected) != len(actual) and name not in free_length:
            diffs.append(f"{path}: {len(expected)} items expected, got {len(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            diffs += shape_diff(e, a, f"{path}[{i}]", free_length)
    return diffs


def test_shape_diff_catches_type_key_and_length_changes():
    base = {"id": 1, "price": "1.00", "items": [{"a": 1}], "x": None}
    assert shape_diff(base, {"id": 2, "price": "9.99", "items": [{"a": 5.5}], "x": None}) == []
    assert shape_diff(base, {"id": "1", "price": "1.00", "items": [{"a": 1}], "x": None})
    assert shape_diff(base, {"id": 1, "price": "1.00", "items": [{"a": 1}]})
    assert shape_diff(base, {"id": 1, "price": "1.00", "items": [], "x": None})
    assert shape_diff(base, {"id": 1, "price": "1.00", "items": [{"a": 1, "b": 2}], "x": None})
