"""WooCommerce's error body (spec A5) turned into typed errors that carry their retry policy.

WooCommerce answers every failure as ``{"code", "message", "data"}``; ``data.status`` is the HTTP status, except
for the refund controller, which passes a bare integer (``"data": 500``) so WordPress answers HTTP 500 for what is
really a validation failure ("Invalid refund amount."). Branch on ``code`` and the effective status, never on the
message: messages vary with the WordPress version.
"""

from __future__ import annotations

import html
from typing import Any

from sidecar.clients.errors import AuthError, NotFoundError, RemoteError, TransientError, ValidationFailed

ANONYMOUS_HINT = (
    " WooCommerce treated the request as anonymous: the consumer key is unknown, or the credentials were ignored "
    "(over plain HTTP Basic and query-string keys are ignored; behind a TLS-terminating proxy WordPress may not see "
    "HTTPS) - check the key, or use OAuth 1.0a (auth='oauth').")


class WooError(RemoteError):
    """A WooCommerce REST call failed. ``code`` is WooCommerce's error code, ``data`` its ``data`` member."""

    system = "woocommerce"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 data: Any = None, retryable: bool | None = None, retry_after: float | None = None):
        super().__init__(message, status=status, code=code, retryable=retryable, retry_after=retry_after)
        self.data = data


class WooTransientError(WooError, TransientError):
    """5xx without a WooCommerce verdict, 429, timeout or connection failure: try again later."""


class WooAuthError(WooError, AuthError):
    """401/403: the key is unknown, its secret wrong, the signature refused, or the request went anonymous."""


class WooPermissionError(WooAuthError):
    """The key authenticated but may not do this: a read-only key writing (401 "does not have write permissions")
    or a key owner lacking a capability (403 ``woocommerce_rest_cannot_*``)."""


class WooNotFoundError(WooError, NotFoundError):
    """The resource does not exist (404, or ``*_invalid_id``, which WooCommerce answers with 400 on updates)."""


class WooValidationError(WooError, ValidationFailed):
    """WooCommerce refused the data (400 ``rest_invalid_param``, duplicate SKU, refund amount…)."""


class WooBatchTooLarge(WooValidationError):
    """413 ``woocommerce_rest_request_entity_too_large``: more items in one batch than the store's limit; nothing
    was processed."""


class WooConfigError(WooError):
    """The store URL is wrong for the API: a redirect (which breaks OAuth signatures) or an answer that is not the
    WooCommerce REST API. A person must fix the configured URL."""


def _effective_status(http_status: int, data: Any) -> int:
    """The refund quirk: a bare integer ``data`` is the status WooCommerce meant (400, 404, 500)."""
    if isinstance(data, dict) and isinstance(data.get("status"), int):
        return data["status"]
    if isinstance(data, int) and 400 <= data < 600:
        return data
    return http_status


def _auth_class(status: int, code: str, message: str) -> type[WooAuthError]:
    if "permissions" in message.lower() or (status == 403 and code.startswith("woocommerce_rest_cannot_")):
        return WooPermissionError
    return WooAuthError


def error_class(http_status: int, code: str | None, data: Any) -> type[WooError]:
    """Which error type a failed response becomes; this is the one place that decides retryability."""
    code = code or ""
    status = _effective_status(http_status, data)
    if http_status == 429 or (http_status >= 500 and status >= 500 and not code.startswith("woocommerce_rest_")):
        return WooTransientError
    if status in (401, 403):
        return WooAuthError
    if status == 404 or code.endswith("_invalid_id"):
        return WooNotFoundError
    if status == 413:
        return WooBatchTooLarge
    if 300 <= http_status < 400:
        return WooConfigError
    return WooValidationError


def readable(message: object) -> str:
    """A WooCommerce error message as text. Many are translated strings written with HTML entities
    (``/products/&lt;product_id&gt;/…``, ``&#8217;``) because WordPress prints them in HTML; our messages end in
    JSON, logs and wp-admin notices that escape them again, where ``&lt;`` would show as is."""
    return html.unescape(str(message or ""))


def error_from_body(http_status: int, body: Any, *, retry_after: float | None = None,
                    text: str = "") -> WooError:
    """Build the typed error for a non-2xx answer; ``body`` is the decoded JSON (or None), ``text`` the raw body."""
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        code, message, data = body["code"], readable(body.get("message")), body.get("data")
    else:
        code, message, data = None, (text or "").strip()[:300] or f"HTTP {http_status}", None
    cls = error_class(http_status, code, data)
    if cls is WooAuthError:
        cls = _auth_class(_effective_status(http_status, data), code or "", message)
        if (code or "").startswith("woocommerce_rest_cannot_") and _effective_status(http_status, data) == 401:
            message += ANONYMOUS_HINT
    return cls(message, status=http_status, code=code, data=data, retry_after=retry_after)
