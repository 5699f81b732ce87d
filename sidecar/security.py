"""Request signatures, secret encryption and redaction: everything that guards a secret, in one place."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

SIGNATURE_HEADER = "X-NSSync-Signature"
TIMESTAMP_HEADER = "X-NSSync-Timestamp"
REDACTED = "[redacted]"


class SignatureError(Exception):
    """A plugin request whose signature cannot be trusted; ``code`` goes into the 401 body."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


SIGNATURE_PREFIX = "v2="
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "²" is a digit to str.isdigit, not to int


def sign(secret: str, timestamp: str | int, method: str, path: str, query: str, body: bytes) -> str:
    """The plugin ↔ sidecar signature (DESIGN.md §3, v2): ``v2=<hex HMAC-SHA256(secret, timestamp \n METHOD \n
    path \n query \n body)>``. Method, path and query are inside the MAC, so a signature fits one request only."""
    head = f"{timestamp}\n{method.upper()}\n{path}\n{query}\n".encode()
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), head + body, hashlib.sha256).hexdigest()


def signed_headers(secret: str, method: str, target: str, body: bytes = b"",
                   timestamp: str | int | None = None) -> dict[str, str]:
    """The two headers of a plugin-signed request for ``METHOD target`` (``/v1/jobs?status=failed``) sent now."""
    path, _, query = target.partition("?")
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: ts, SIGNATURE_HEADER: sign(secret, ts, method, path, query, body)}


def verify(secret: str, timestamp: str | None, signature: str | None, *, method: str, path: str, query: str,
           body: bytes, window_s: int = 300, now: float | None = None) -> None:
    """Raise SignatureError unless this exact request was signed with ``secret`` within ``window_s`` seconds."""
    if not timestamp or not signature:
        raise SignatureError("missing_signature",
                             f"{TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise SignatureError("invalid_timestamp", f"{TIMESTAMP_HEADER} must be unix seconds (ASCII digits)")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > window_s:
        raise SignatureError("stale_timestamp",
                             f"{TIMESTAMP_HEADER} is more than {window_s} s from the sidecar's clock")
    if not signature.strip().startswith(SIGNATURE_PREFIX):
        raise SignatureError("unsupported_signature",
                             f"{SIGNATURE_HEADER} must be {SIGNATURE_PREFIX}<hex>; the sha256= form is retired — "
                             "update the plugin")
    expected = sign(secret, timestamp, method, path, query, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace")):
        raise SignatureError("invalid_signature", "the request signature does not match: the shared secret "
                             "differs from the sidecar's, or the request was altered")


def woo_webhook_signature(secret: str, body: bytes) -> str:
    """WooCommerce's X-WC-Webhook-Signature: base64 of HMAC-SHA256(raw body, webhook secret)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify_woo_webhook(secret: str, signature: str | None, body: bytes) -> bool:
    if not signature or not secret:
        return False
    return hmac.compare_digest(woo_webhook_signature(secret, body).encode(), signature.strip().encode())


class SecretKeyError(ValueError):
    """A stored secret cannot be decrypted with any of the configured keys: SIDECAR_SECRET_KEY changed or was lost."""


class SecretBox:
    """Fernet encryption of credentials at rest, with key rotation (cryptography's MultiFernet): ``keys`` newest
    first; the newest encrypts, every one decrypts, ``rotate`` re-encrypts a token with the newest."""

    def __init__(self, keys: bytes | list[bytes] | tuple[bytes, ...]):
        keys = [keys] if isinstance(keys, bytes) else list(keys)
        if not keys:
            raise ValueError("at least one secret key is needed")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretKeyError("a stored secret cannot be decrypted with SIDECAR_SECRET_KEY: the key changed or "
                                 "was lost") from None

    def rotate(self, token: str) -> str:
        """The same secret encrypted with the newest key (SecretKeyError when no key can read it)."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise SecretKeyError("a stored secret cannot be decrypted with SIDECAR_SECRET_KEY") from None


# Keys whose values are never shown, wherever they appear (JSON bodies, query strings, headers).
SECRET_KEYS = re.compile(
    r"(secret|token|password|passwd|signature|authorization|consumer_key|private_key|client_assertion"
    r"|oauth_|api_key|card|cvv|cvc)",
    re.IGNORECASE,
)
_QUERY_SECRET = re.compile(
    r"((?:consumer_key|consumer_secret|oauth_[a-z_]+|access_token|client_assertion|token|signature)=)[^&\s\"']+",
    re.IGNORECASE,
)
_AUTH_HEADER = re.compile(r"((?:Bearer|Basic|OAuth)\s+)[^\s\"',][^\"']*", re.IGNORECASE)
_WOO_KEY = re.compile(r"\b(ck|cs)_[0-9a-f]{8,}\b")


def redact_text(text: str, known_secrets: list[str] | tuple[str, ...] = ()) -> str:
    """Remove anything that looks like a credential from free text (URLs, headers, error messages)."""
    if not text:
        return text
    for value in known_secrets:
        if value and len(value) >= 4:
            text = text.replace(value, REDACTED)
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, text)
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + REDACTED, text)
    return _WOO_KEY.sub(lambda m: m.group(1) + "_" + REDACTED, text)


def redact(value: Any, known_secrets: list[str] | tuple[str, ...] = ()) -> Any:
    """A copy of ``value`` (dicts, lists, strings) with secret-named keys and known secret values hidden."""
    if isinstance(value, Mapping):
        return {k: (REDACTED if SECRET_KEYS.search(str(k)) and v not in (None, "") else
                    redact(v, known_secrets)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v, known_secrets) for v in value]
    if isinstance(value, str):
        return redact_text(value, known_secrets)
    return value
