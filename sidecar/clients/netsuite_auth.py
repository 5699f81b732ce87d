"""The two ways into NetSuite behind one interface: TBA (OAuth 1.0a, HMAC-SHA256) and OAuth 2.0 client
credentials (a JWT client assertion exchanged for a bearer token).

Both are ``requests`` auth callables, so the transport does not care which one it holds. Each also says
which secret values it holds (``secrets()``) so that redaction can hide them wherever they might appear, and
how to react to a 401 (``on_unauthorized()``: TBA just signs again with a fresh nonce, OAuth 2.0 forgets its
cached token and mints a new one).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from requests_oauthlib import OAuth1

from sidecar.clients.netsuite_errors import LOGIN_AUDIT_HINT, NetSuiteAuthError, NetSuiteServerError
from sidecar.retry import RetryPolicy

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
_ALLOWED = {"PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
# The token request: one more try after a 5xx, at once (oauth2 spec §6.1); anything longer is the API call's own
# retry loop (netsuite_transport), which waits under the same policy.
TOKEN_RETRY = RetryPolicy(max_retries=1, base_s=0.0, cap_s=0.0)


def realm_for(account_id: str) -> str:
    """The account id as the OAuth realm spells it: upper case with ``_`` (``1234567_SB1``). A lower-case or
    hyphenated realm fails with INVALID_LOGIN (spec §1)."""
    return account_id.strip().upper().replace("-", "_")


def host_for(account_id: str) -> str:
    """The account's REST host: lower case, ``_`` → ``-`` (``1234567-sb1.suitetalk.api.netsuite.com``)."""
    return f"{account_id.strip().lower().replace('_', '-')}.suitetalk.api.netsuite.com"


def origin_for(account_id: str, base_url: str | None = None) -> str:
    """Scheme + host (+ port) every path is appended to. ``base_url`` (``SIDECAR_NETSUITE_BASE_URL``, the
    Company URLs value, or a sandbox) wins over the derived host; a trailing ``/services/rest`` is dropped."""
    if base_url:
        origin = base_url.strip().rstrip("/")
        return origin.removesuffix("/services/rest")
    return "https://" + host_for(account_id)


class TbaAuth(requests.auth.AuthBase):
    """Token-based authentication: OAuth 1.0a signed with HMAC-SHA256, realm = the account id.

    Uses requests-oauthlib, which handles the spec's pitfalls (§2.7) as long as the caller (1) sets
    ``Content-Type: application/json`` before signing, so the JSON body is neither signed nor hashed
    (oauthlib alone would add an ``oauth_body_hash``), and (2) sends a URL whose query is already
    percent-encoded with ``%20`` (the transport builds it so). Nonce and timestamp are fresh on every call,
    retries included. Checked against the spec's §2.6 vectors in tests/clients/test_netsuite_auth.py.
    """

    mode = "tba"

    def __init__(self, account_id: str, consumer_key: str, consumer_secret: str, token_id: str,
                 token_secret: str, *, nonce: str | None = None, timestamp: str | None = None):
        """``nonce``/``timestamp`` exist only to reproduce published test vectors; leave them None (a fixed
        nonce is refused by NetSuite as NonceUsed)."""
        self.realm = realm_for(account_id)
        self._values = (consumer_key, consumer_secret, token_id, token_secret)
        self._oauth = OAuth1(consumer_key, client_secret=consumer_secret, resource_owner_key=token_id,
                             resource_owner_secret=token_secret, signature_method=SIGNATURE_HMAC_SHA256,
                             signature_type="AUTH_HEADER", realm=self.realm, nonce=nonce, timestamp=timestamp)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        signed = self._oauth(request)
        for name, value in list(signed.headers.items()):  # oauthlib hands back bytes; keep headers str
            if isinstance(value, bytes):
                signed.headers[name] = value.decode("latin-1")
        return signed

    def secrets(self) -> list[str]:
        return [v for v in self._values if v]

    def on_unauthorized(self) -> None:
        """Nothing cached: the next attempt is signed again with a new nonce and timestamp."""

    def describe(self) -> dict:
        return {"auth": self.mode, "realm": self.realm}


def load_private_key(pem: str | bytes):
    """Parse a PEM private key; a wrong or encrypted key is a configuration error, said without the key."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise NetSuiteAuthError("private_key_pem is not an unencrypted PEM private key", code="INVALID_KEY",
                                retryable=False) from exc


def pick_algorithm(key, requested: str | None = None) -> str:
    """PS256 for RSA (3072/4096 bits), ES256/384/512 by curve. NetSuite refuses RS*, HS* and ``none`` and
    RSA keys of other sizes (oauth2 spec §3.1, §8.1), so refuse them here before any call."""
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size not in (3072, 4096):
            raise NetSuiteAuthError(f"NetSuite needs a 3072- or 4096-bit RSA key, this one has {key.key_size}",
                                    code="INVALID_KEY")
        alg = requested or "PS256"
        ok = alg in {"PS256", "PS384", "PS512"}
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        expected = _EC_ALGORITHMS.get(key.curve.name)
        if expected is None:
            raise NetSuiteAuthError("the EC key must be on P-256, P-384 or P-521", code="INVALID_KEY")
        alg = requested or expected
        ok = alg == expected
    else:
        raise NetSuiteAuthError("the private key must be RSA or EC", code="INVALID_KEY")
    if not ok or alg not in _ALLOWED:
        raise NetSuiteAuthError(f"algorithm {alg} does not fit this key (NetSuite accepts PS256/384/512 with "
                                "RSA, ES256/384/512 with the matching EC curve)", code="INVALID_KEY")
    return alg


def build_assertion(client_id: str, certificate_id: str, key, algorithm: str, token_url: str, *,
                    scope: str = "rest_webservices", lifetime_s: int = 300, now: float | None = None) -> str:
    """The signed client assertion: ``kid`` = certificate id, ``aud`` = the exact token URL we POST to,
    ``exp`` 5 minutes after ``iat`` (never more than 3600 s), a random ``jti``."""
    iat = int(time.time() if now is None else now)
    claims = {"iss": client_id, "scope": scope, "aud": token_url, "iat": iat,
              "exp": iat + min(lifetime_s, 3600), "jti": uuid.uuid4().hex}
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": certificate_id, "typ": "JWT"})


class _TokenCache:
    """Bearer tokens shared by every client of the process, per (token URL, client id, certificate id)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tokens: dict[tuple, tuple[str, float]] = {}

    def get(self, key: tuple, now: float, renew_before_s: float) -> str | None:
        with self._lock:
            entry = self._tokens.get(key)
        if entry and entry[1] - renew_before_s > now:
            return entry[0]
        return None

    def put(self, key: tuple, token: str, expires_at: float) -> None:
        with self._lock:
            self._tokens[key] = (token, expires_at)

    def peek(self, key: tuple) -> str | None:
        with self._lock:
            entry = self._tokens.get(key)
        return entry[0] if entry else None

    def drop(self, key: tuple) -> None:
        with self._lock:
            self._tokens.pop(key, None)


TOKEN_CACHE = _TokenCache()


class OAuth2Auth(requests.auth.AuthBase):
    """OAuth 2.0 client credentials (machine to machine).

    Signs a client assertion with the certificate's private key, POSTs it to
    ``/services/rest/auth/oauth2/v1/token`` and sends ``Authorization: Bearer <token>``. There is no refresh
    token in this flow, so the token is cached (process-wide) and a new assertion is minted when less than
    ``renew_before_s`` of its hour is left, or after a 401. Plain ``requests`` is used for the token call:
    requests-oauthlib's OAuth2Session would add Basic client auth and a ``scope`` field (oauth2 spec §9.2).
    """

    mode = "oauth2"

    def __init__(self, account_id: str, client_id: str, certificate_id: str, private_key_pem: str, *,
                 algorithm: str | None = None, scope: str = "rest_webservices", renew_before_s: float = 300.0,
                 clock: Callable[[], float] = time.time):
        self.realm = realm_for(account_id)
        self.client_id, self.certificate_id = client_id, certificate_id
        self._pem = private_key_pem
        self._key = load_private_key(private_key_pem)
        self.algorithm = pick_algorithm(self._key, algorithm)
        self.scope, self.renew_before_s, self.clock = scope, renew_before_s, clock
        self.token_url: str | None = None
        self._post_form: Callable[[str, dict], requests.Response] | None = None
        self._mint_lock = threading.Lock()
        self._last_token: str | None = None

    def bind(self, origin: str, post_form: Callable[[str, dict], requests.Response]) -> None:
        """Called by the transport: where the token endpoint is, and how to POST to it (logged, timed out)."""
        self.token_url = origin + TOKEN_PATH
        self._post_form = post_form

    @property
    def _cache_key(self) -> tuple:
        return (self.token_url, self.client_id, self.certificate_id)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = "Bearer " + self.access_token()
        return request

    def access_token(self) -> str:
        """A cached token with enough life left, or a freshly minted one (one thread mints, others wait)."""
        token = TOKEN_CACHE.get(self._cache_key, self.clock(), self.renew_before_s)
        if token:
            return token
        with self._mint_lock:
            token = TOKEN_CACHE.get(self._cache_key, self.clock(), self.renew_before_s)
            if token:
                return token
            token, expires_at = self._mint()
            TOKEN_CACHE.put(self._cache_key, token, expires_at)
            self._last_token = token
            return token

    def _mint(self) -> tuple[str, float]:
        if self._post_form is None or self.token_url is None:
            raise RuntimeError("OAuth2Auth.bind() was not called")

        def attempt() -> tuple[str, float]:
            now = self.clock()
            assertion = build_assertion(self.client_id, self.certificate_id, self._key, self.algorithm,
                                        self.token_url, scope=self.scope, now=now)
            response = self._post_form(self.token_url, {"grant_type": "client_credentials",
                                                        "client_assertion_type": ASSERTION_TYPE,
                                                        "client_assertion": assertion})
            if response.status_code == 200:
                return _read_token(response, now)
            raise _token_error(response)

        # a 5xx is retried once, at once (oauth2 spec §6.1), then reported
        return TOKEN_RETRY.call(attempt, may_retry=lambda exc: (getattr(exc, "status", None) or 0) >= 500)

    def secrets(self) -> list[str]:
        """The key and the bearer tokens in use (ours, or one another client of the process minted)."""
        current = TOKEN_CACHE.peek(self._cache_key)
        return [v for v in (self._pem, self._last_token, current) if v]

    def on_unauthorized(self) -> None:
        """A 401 on an API call: the token was revoked or expired early; mint a new one next time."""
        TOKEN_CACHE.drop(self._cache_key)

    def describe(self) -> dict:
        return {"auth": self.mode, "realm": self.realm, "client_id": self.client_id,
                "certificate_id": self.certificate_id, "algorithm": self.algorithm, "token_url": self.token_url}


def _read_token(response: requests.Response, now: float) -> tuple[str, float]:
    """``expires_in`` may be a number or a string, ``token_type`` any case (oauth2 spec §5)."""
    try:
        body = response.json()
        token = body["access_token"]
        expires_in = int(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as exc:
        raise NetSuiteAuthError("the token endpoint answered 200 without a usable access_token",
                                status=200, code="invalid_token_response") from exc
    if str(body.get("token_type", "bearer")).lower() != "bearer":
        raise NetSuiteAuthError(f"unexpected token_type {body.get('token_type')!r}", status=200,
                                code="invalid_token_response")
    return token, now + expires_in


def _token_error(response: requests.Response) -> Exception:
    """A failed token request: keep ``error``/``error_description`` only (never the body, which a proxy could
    fill with our assertion), and point at the Login Audit Trail."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    code = str(body.get("error") or f"http_{response.status_code}")[:80]
    description = str(body.get("error_description") or "")[:300]
    message = f"the OAuth2 token request was refused ({code}{': ' + description if description else ''}). "
    if response.status_code >= 500 and code != "server_error":
        error = NetSuiteServerError(message + "NetSuite's token endpoint failed.", status=response.status_code,
                                    code=code)
    else:  # NetSuite answers a bad assertion with 500 server_error too (oauth2 spec §6.1)
        error = NetSuiteAuthError(message + LOGIN_AUDIT_HINT, status=response.status_code, code=code)
    error.token_endpoint = True
    return error


def auth_from_values(values: dict) -> TbaAuth | OAuth2Auth:
    """The auth object for one stored NetSuite credentials half (``auth`` = ``tba`` (default) | ``oauth2``)."""
    account_id = values.get("account_id") or ""
    if values.get("auth") == "oauth2":
        return OAuth2Auth(account_id, values.get("client_id", ""), values.get("certificate_id", ""),
                          values.get("private_key_pem", ""), algorithm=values.get("algorithm") or None)
    return TbaAuth(account_id, values.get("consumer_key", ""), values.get("consumer_secret", ""),
                   values.get("token_id", ""), values.get("token_secret", ""))


__all__ = [
    "TOKEN_CACHE",
    "OAuth2Auth",
    "TbaAuth",
    "auth_from_values",
    "build_assertion",
    "host_for",
    "origin_for",
    "pick_algorithm",
    "realm_for",
]
