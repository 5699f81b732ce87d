"""Authentication as class-wc-rest-authentication.php does it (spec A1): Basic/query keys over HTTPS,
OAuth 1.0a one-legged otherwise, then the key's read/write permission on rest_pre_dispatch.

The result is the key record (the request then runs as the admin who owns it) or None (anonymous).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote, unquote

from .wc_errors import WooError

OAUTH_REQUIRED = ["oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature",
                  "oauth_signature_method"]
WINDOW = 15 * 60
BASIC_REALM = ('Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret '
               'in the password field."')


def auth_error(message: str, headers: dict | None = None) -> WooError:
    return WooError("woocommerce_rest_authentication_error", message, 401, headers=headers)


def rawurlencode(text: str) -> str:
    """PHP rawurlencode: RFC 3986, only unreserved characters left alone."""
    return quote(str(text), safe="-._~")


def signature_base(method: str, base_url: str, params: dict[str, str]) -> str:
    """The OAuth base string exactly as WooCommerce builds it (spec A1.2 steps 1–4)."""
    pairs = sorted((k, v) for k, v in params.items() if k != "oauth_signature")
    joined = "%26".join(rawurlencode(f"{rawurlencode(k)}={rawurlencode(v)}") for k, v in pairs)
    return f"{method.upper()}&{rawurlencode(base_url)}&{joined}"


def oauth_signature(method_name: str, secret: str, base: str) -> str:
    digest = hashlib.sha1 if method_name == "HMAC-SHA1" else hashlib.sha256
    return base64.b64encode(hmac.new(f"{secret}&".encode(), base.encode(), digest).digest()).decode()


def parse_oauth_header(value: str) -> dict[str, str]:
    """``Authorization: OAuth k="v", …`` → params (values percent-decoded)."""
    params: dict[str, str] = {}
    text = value.strip()[len("OAuth"):].strip()
    for part in text.split(","):
        if "=" not in part:
            continue
        key, _, raw = part.strip().partition("=")
        params[unquote(key.strip())] = unquote(raw.strip().strip('"'))
    return params


class Authenticator:
    """Decides which key, if any, a request carries. ``now`` is injectable for timestamp tests."""

    def __init__(self, store):
        self.store = store

    def authenticate(self, req) -> dict | None:
        """Run the HTTPS and OAuth attempts in WooCommerce's order; raise WooError on a hard failure."""
        if req.is_ssl:
            key = self._basic(req)
            if key:
                return key
        return self._oauth(req)

    def _basic(self, req) -> dict | None:
        if req.query.get("consumer_key") and req.query.get("consumer_secret"):
            ck, cs = req.query["consumer_key"], req.query["consumer_secret"]
        elif req.basic:
            ck, cs = req.basic
        else:
            return None
        key = self.store.keys.get(ck)
        if key is None:
            return None
        if not hmac.compare_digest(key["consumer_secret"].encode(), cs.encode()):
            raise auth_error("Consumer secret is invalid.", {"WWW-Authenticate": BASIC_REALM})
        return key

    def _oauth(self, req) -> dict | None:
        params = dict(req.sign_params)
        header = req.headers.get("Authorization", "")
        if header.lower().startswith("oauth "):
            params.update(parse_oauth_header(header))
        present = [p for p in OAUTH_REQUIRED if params.get(p)]
        if not present:
            return None
        missing = [p for p in OAUTH_REQUIRED if not params.get(p)]
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameter(s)"
            raise WooError("woocommerce_rest_authentication_missing_parameter",
                           f"Missing OAuth {noun} {', '.join(missing)}", 401)
        key = self.store.keys.get(params["oauth_consumer_key"])
        if key is None:
            raise auth_error("Consumer key is invalid.")
        self._check_signature(req, params, key)
        self._check_timestamp_and_nonce(params, key)
        return key

    def _check_signature(self, req, params: dict, key: dict) -> None:
        method_name = params["oauth_signature_method"]
        if method_name not in ("HMAC-SHA1", "HMAC-SHA256"):
            raise auth_error("Invalid signature - signature method is invalid.")
        base = signature_base(req.method, req.home_url.rstrip("/") + req.local_path, params)
        expected = oauth_signature(method_name, key["consumer_secret"], base)
        received = unquote(params["oauth_signature"].replace(" ", "+"))
        if not hmac.compare_digest(expected.encode(), received.encode()):
            raise auth_error("Invalid signature - provided signature does not match.")

    def _check_timestamp_and_nonce(self, params: dict, key: dict) -> None:
        now = int(time.time())
        try:
            stamp = int(params["oauth_timestamp"])
        except ValueError:
            raise auth_error("Invalid timestamp.") from None
        if abs(now - stamp) > WINDOW:
            raise auth_error("Invalid timestamp.")
        with self.store.lock:
            nonces = self.store.nonces
            for seen_key in [k for k, t in nonces.items() if t < now - WINDOW]:
                del nonces[seen_key]
            slot = (key["consumer_key"], params["oauth_nonce"])
            if slot in nonces:
                raise auth_error("Invalid nonce - nonce has already been used.")
            nonces[slot] = now


def check_key_permission(method: str, key: dict | None) -> None:
    """rest_pre_dispatch: a read key cannot write, a write key cannot read (spec A1.3)."""
    if key is None or method == "OPTIONS":
        return
    perms = key["permissions"]
    if method in ("GET", "HEAD") and perms not in ("read", "read_write"):
        raise auth_error("The API key provided does not have read permissions.")
    if method in ("POST", "PUT", "PATCH", "DELETE") and perms not in ("write", "read_write"):
        raise auth_error("The API key provided does not have write permissions.")
    if method not in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        raise auth_error("Unknown request method.")
