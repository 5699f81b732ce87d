"""Token-based authentication (OAuth 1.0a, HMAC-SHA256) verified the way NetSuite verifies it (spec §2.3–2.6,
§10.1): the base string is rebuilt from the request exactly as received, and every failure carries the Login
Audit Trail reason NetSuite would record, while the client only ever sees INVALID_LOGIN."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote

OAUTH_FIELDS = ("oauth_consumer_key", "oauth_token", "oauth_nonce", "oauth_timestamp",
                "oauth_signature_method", "oauth_version", "oauth_signature")
TIMESTAMP_WINDOW_S = 300


class TbaRejected(Exception):
    """Verification failed; ``reason`` is the Login Audit Trail code, ``detail`` says which check (no secrets)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def enc(value: str) -> str:
    """RFC 3986 percent-encoding: only A-Z a-z 0-9 - . _ ~ stay as they are."""
    return quote(value, safe="~-._")


def base_string(method: str, base_uri: str, params: list[tuple[str, str]]) -> str:
    """The RFC 5849 §3.4.1 signature base string: encode every pair, then sort, then join."""
    pairs = sorted((enc(k), enc(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join((method.upper(), enc(base_uri), enc(normalized)))


def hmac_sha256(base: str, consumer_secret: str, token_secret: str) -> str:
    """base64(HMAC-SHA256(enc(cs)&enc(ts), base)) — the value that goes (encoded) into oauth_signature."""
    key = f"{enc(consumer_secret)}&{enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha256).digest()).decode()


def base_uri(scheme: str, host: str, raw_path: str) -> str:
    """Scheme and host in lower case, default port dropped, path exactly as it came over the wire."""
    scheme, host = scheme.lower(), host.lower()
    default = {"http": ":80", "https": ":443"}.get(scheme)
    if default and host.endswith(default):
        host = host[: -len(default)]
    return f"{scheme}://{host}{raw_path}"


def parse_authorization(header: str) -> dict[str, str]:
    """Parse ``OAuth k="v", ...`` into decoded values; a parameter given twice is rejected as NetSuite does."""
    if not header or not header[:6].lower() == "oauth ":
        raise TbaRejected("MissingTokenPassportRequiredFields", "no OAuth authorization header")
    params: dict[str, str] = {}
    for part in header[6:].split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or len(value) < 2 or value[0] != '"' or value[-1] != '"':
            raise TbaRejected("MissingTokenPassportRequiredFields", f"malformed header parameter {name!r}")
        name = name.strip()
        if name in params:
            raise TbaRejected("parameter_rejected", f"parameter {name} sent twice")
        params[name] = unquote(value[1:-1])
    return params


@dataclass
class TbaToken:
    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str
    revoked: bool = False


@dataclass
class TbaRegistry:
    """Integrations and access tokens known to the account, plus the nonces already used."""

    tokens: dict[str, TbaToken] = field(default_factory=dict)
    consumers: dict[str, str] = field(default_factory=dict)
    nonces: dict[tuple[str, str, str], float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, consumer_key: str, consumer_secret: str, token_id: str, token_secret: str) -> None:
        with self.lock:
            self.consumers[consumer_key] = consumer_secret
            self.tokens[token_id] = TbaToken(consumer_key, consumer_secret, token_id, token_secret)

    def revoke(self, token_id: str) -> bool:
        with self.lock:
            token = self.tokens.get(token_id)
            if token:
                token.revoked = True
            return token is not None

    def use_nonce(self, token_id: str, nonce: str, timestamp: str, now: float) -> bool:
        """Remember (token, nonce, timestamp); False if it was seen before. Old entries are dropped."""
        with self.lock:
            if len(self.nonces) > 50000:
                cutoff = now - 2 * TIMESTAMP_WINDOW_S
                self.nonces = {k: t for k, t in self.nonces.items() if t > cutoff}
            key = (token_id, nonce, timestamp)
            if key in self.nonces:
                return False
            self.nonces[key] = now
            return True


def _check_shape(params: dict[str, str], account_id: str) -> None:
    missing = [f for f in OAUTH_FIELDS if not params.get(f)]
    if missing:
        raise TbaRejected("MissingTokenPassportRequiredFields", f"missing {', '.join(missing)}")
    if params.get("realm") != account_id:
        raise TbaRejected("InvalidSignature", "realm does not match the account id")
    if params["oauth_version"] != "1.0":
        raise TbaRejected("VersionRejected", "oauth_version must be 1.0")
    if params["oauth_signature_method"] != "HMAC-SHA256":
        raise TbaRejected("UnknownAlgorithm", f"signature method {params['oauth_signature_method']} refused")


def _check_token(registry: TbaRegistry, params: dict[str, str]) -> TbaToken:
    if params["oauth_consumer_key"] not in registry.consumers:
        raise TbaRejected("consumer_key_unknown", "consumer key not registered")
    token = registry.tokens.get(params["oauth_token"])
    if token is None or token.revoked or token.consumer_key != params["oauth_consumer_key"]:
        raise TbaRejected("token_rejected", "token unknown, revoked or issued to another integration")
    return token


def _check_time(params: dict[str, str], now: float) -> None:
    try:
        ts = int(params["oauth_timestamp"])
    except ValueError:
        raise TbaRejected("InvalidTimestamp", "timestamp is not an integer") from None
    if abs(now - ts) > TIMESTAMP_WINDOW_S:
        raise TbaRejected("InvalidTimestamp", f"timestamp is {int(now - ts)} s away from server time")
    if len(params["oauth_nonce"]) < 6:
        raise TbaRejected("nonce_rejected", "nonce shorter than 6 characters")


def verify(registry: TbaRegistry, *, method: str, uri: str, raw_query: str, header: str,
           account_id: str, now: float) -> TbaToken:
    """Verify one request; returns the token or raises TbaRejected with NetSuite's audit reason."""
    params = parse_authorization(header)
    query = parse_qsl(raw_query, keep_blank_values=True)
    if any(k.startswith("oauth_") for k, _ in query):
        raise TbaRejected("parameter_rejected", "oauth parameters in the query string")
    _check_shape(params, account_id)
    token = _check_token(registry, params)
    _check_time(params, now)
    signed = [(k, v) for k, v in params.items() if k.startswith("oauth_") and k != "oauth_signature"]
    expected = hmac_sha256(base_string(method, uri, query + signed), token.consumer_secret, token.token_secret)
    if not hmac.compare_digest(expected.encode(), params["oauth_signature"].encode()):
        raise TbaRejected("InvalidSignature", "signature does not match the request")
    if not registry.use_nonce(token.token_id, params["oauth_nonce"], params["oauth_timestamp"], now):
        raise TbaRejected("NonceUsed", "nonce already used with this token and timestamp")
    return token
