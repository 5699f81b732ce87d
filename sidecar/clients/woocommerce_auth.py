"""How a request to WooCommerce carries the REST key (spec A1): HTTP Basic, query-string keys, or OAuth 1.0a.

WooCommerce only honours Basic and ``?consumer_key=`` when PHP sees HTTPS; over plain HTTP it silently ignores
them and the call fails as anonymous, so plain HTTP must use OAuth 1.0a one-legged.

Why a small signer instead of ``requests_oauthlib.OAuth1``: oauthlib's primitives produce the same base string as
WooCommerce for ordinary parameters (the spec's test vector passes with both, see the tests), but the server's
algorithm (A1.2) differs at the edges and we must match the server, not RFC 5849:

* the base-string URL is ``home_url + path`` byte for byte; oauthlib normalises it (lower-cases the host, drops a
  default port), which breaks a store whose home URL is written differently;
* parameters come from PHP's ``$_GET``: ``+`` is a space, a repeated name keeps only its **last** value (oauthlib
  signs every copy), and they are sorted by raw name with ``strcmp``;
* the signature is appended to the query string (hosts strip ``Authorization``) with HMAC-SHA256, and tests need
  to inject the nonce and timestamp to check the spec's vector byte for byte.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth

AUTH_MODES = ("auto", "oauth", "basic", "query")
# Query parameters that are credentials: never logged, never followed from a Link header.
CREDENTIAL_PARAMS = ("consumer_key", "consumer_secret", "oauth_consumer_key", "oauth_timestamp", "oauth_nonce",
                     "oauth_signature_method", "oauth_signature", "oauth_version")


def rawurlencode(value: str) -> str:
    """PHP's rawurlencode: RFC 3986, only ``A-Za-z0-9-_.~`` left alone."""
    return quote(value, safe="~")


def base_string(method: str, url: str, params: dict[str, str]) -> str:
    """WooCommerce's OAuth base string: ``METHOD&enc(url)&enc(k1=v1&k2=v2…)`` with keys sorted by ``strcmp``."""
    pairs = [rawurlencode(k) + "=" + rawurlencode(v) for k, v in sorted(params.items(),
                                                                          key=lambda kv: kv[0].encode())]
    return "&".join([method.upper(), rawurlencode(url), rawurlencode("&".join(pairs))])


def sign(secret: str, text: str, method: str = "HMAC-SHA256") -> str:
    """Base64 HMAC of the base string with ``consumer_secret + "&"`` (no token secret in one-legged OAuth)."""
    digest = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA1": hashlib.sha1}[method]
    return base64.b64encode(hmac.new((secret + "&").encode(), text.encode(), digest).digest()).decode()


class WooOAuth1(AuthBase):
    """Signs a prepared request in the query string as WooCommerce verifies it (spec A1.2)."""

    def __init__(self, consumer_key: str, consumer_secret: str, *, method: str = "HMAC-SHA256",
                 clock: Callable[[], float] = time.time, nonce: Callable[[], str] = lambda: secrets.token_hex(16)):
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.method = method
        self.clock = clock
        self.nonce = nonce

    def oauth_params(self) -> dict[str, str]:
        return {"oauth_consumer_key": self.consumer_key, "oauth_nonce": self.nonce(),
                "oauth_signature_method": self.method, "oauth_timestamp": str(int(self.clock()))}

    def signed_url(self, method: str, url: str) -> str:
        """``url`` (as it will be sent) with the oauth_* parameters and the signature appended."""
        parts = urlsplit(url)
        sent = parse_qsl(parts.query, keep_blank_values=True)
        params = dict(sent)  # PHP's $_GET: the last value of a repeated name wins
        oauth = self.oauth_params()
        params.update(oauth)
        target = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        oauth["oauth_signature"] = sign(self.consumer_secret, base_string(method, target, params), self.method)
        query = "&".join(filter(None, [parts.query, urlencode(oauth, quote_via=quote)]))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.url = self.signed_url(r.method or "GET", r.url)
        return r


class QueryStringAuth(AuthBase):
    """``?consumer_key=…&consumer_secret=…`` for HTTPS hosts that strip the Authorization header."""

    def __init__(self, consumer_key: str, consumer_secret: str):
        self.params = {"consumer_key": consumer_key, "consumer_secret": consumer_secret}

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.prepare_url(r.url, self.params)
        return r


def choose_mode(url: str, mode: str = "auto", query_string_auth: bool = False) -> str:
    """``auto``: Basic (or query string, a setting) over HTTPS, OAuth 1.0a over plain HTTP."""
    if mode not in AUTH_MODES:
        raise ValueError(f"auth must be one of {', '.join(AUTH_MODES)}")
    if mode != "auto":
        return mode
    if urlsplit(url).scheme == "https":
        return "query" if query_string_auth else "basic"
    return "oauth"


def make_auth(mode: str, consumer_key: str, consumer_secret: str) -> AuthBase:
    """The requests auth object for a resolved mode (``oauth``, ``basic`` or ``query``)."""
    if mode == "oauth":
        return WooOAuth1(consumer_key, consumer_secret)
    if mode == "query":
        return QueryStringAuth(consumer_key, consumer_secret)
    return HTTPBasicAuth(consumer_key, consumer_secret)


def strip_credentials(url: str) -> str:
    """The URL without credential parameters: for the API log, error texts, and following Link headers."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in CREDENTIAL_PARAMS]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))
