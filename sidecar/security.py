"""Request signatures, secret encryption and redaction: everything that guards a secret, in one place."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

SIGNATURE_HEADER = "X-NSSync-Signature"
TIMESTAMP_HEADER = "X-NSSync-Timestamp"
REDACTED = "[redacted]"


class SignatureError(Exception):
    """A plugin request whose signature cannot be trusted; ``code`` goes into the 401 body."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    """The plugin ↔ sidecar signature: ``sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes = b"", timestamp: str | int | None = None) -> dict[str, str]:
    """The two headers a plugin-signed request carries, for ``body`` sent now (or at ``timestamp``)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: ts, SIGNATURE_HEADER: sign(secret, ts, body)}


def verify(secret: str, timestamp: str | None, signature: str | None, body: bytes,
           window_s: int = 300, now: float | None = None) -> None:
    """Raise SignatureError unless the request was signed with ``secret`` within ``window_s`` seconds."""
    if not timestamp or not signature:
        raise SignatureError("missing_signature",
                             f"{TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required")
    if not timestamp.isdigit():
        raise SignatureError("invalid_timestamp", f"{TIMESTAMP_HEADER} must be unix seconds")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > window_s:
        raise SignatureError("stale_timestamp",
                             f"{TIMESTAMP_HEADER} is more than {window_s} s from the sidecar's clock")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise SignatureError("invalid_signature", "the request signature does not match")


def woo_webhook_signature(secret: str, body: bytes) -> str:
    """WooCommerce's X-WC-Webhook-Signature: base64 of HMAC-SHA256(raw body, webhook secret)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify_woo_webhook(secret: str, signature: str | None, body: bytes) -> bool:
    if not signature or not secret:
        return False
    return hmac.compare_digest(woo_webhook_signature(secret, body).encode(), signature.strip().encode())


class SecretBox:
    """Fernet encryption of credentials at rest."""

    def __init__(self, key: bytes):
        self._fernet = Fernet(key)

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("a stored secret cannot be decrypted: SIDECAR_SECRET_KEY changed?") from exc


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
