"""NetSuite's error answers turned into typed errors that carry their retry policy.

NetSuite answers errors with ``{"type", "title", "status", "o:errorDetails": [{"detail", "o:errorCode",
"o:errorPath", "o:errorQueryParam", …}]}`` (spec netsuite-rest.md §7). The first detail names the problem; the
top-level ``o:errorCode`` is only a fallback. A flow needs three things from a failure: is it worth retrying
(``retryable``), what to show the administrator (``detail``) and which field to fix (``error_path``).
"""

from __future__ import annotations

from typing import Any

from sidecar.clients.errors import AuthError, NotFoundError, RemoteError, TransientError, ValidationFailed

CONCURRENCY_CODE = "CONCURRENCY_LIMIT_EXCEEDED"
LOGIN_AUDIT_HINT = ("NetSuite shows the real reason in the Login Audit Trail: Setup > Users/Roles > "
                    "User Management > View Login Audit Trail (column Detail).")


class NetSuiteError(RemoteError):
    """A NetSuite call failed. ``code`` is ``o:errorCode``, ``error_path`` is ``o:errorPath`` (the JSON path
    of the offending field in our request body), ``detail`` is NetSuite's text, ``details`` every entry."""

    system = "netsuite"
    # True for the failures that mean "NetSuite is not answering right now" (no connection, timeout, 5xx, 429):
    # the worker waits such an outage out without spending the event's attempts (``retry.outage_hours``).
    unavailable = False

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 error_path: str | None = None, detail: str | None = None, query_param: str | None = None,
                 details: list[dict] | None = None, retry_after: float | None = None,
                 retryable: bool | None = None):
        super().__init__(message, status=status, code=code, retry_after=retry_after, retryable=retryable)
        self.error_path = error_path
        self.detail = detail if detail is not None else message
        self.query_param = query_param
        self.details = details or []

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} (field {self.error_path})" if self.error_path else text


class NetSuiteAuthError(NetSuiteError, AuthError):
    """401/403: NetSuite refused the credentials or the role. Every login failure reads ``INVALID_LOGIN``;
    the reason is only in the Login Audit Trail."""


class NetSuiteNotFound(NetSuiteError, NotFoundError):
    """404 ``NONEXISTENT_ID``: no such record (or no such external id)."""


class NetSuiteValidationError(NetSuiteError, ValidationFailed):
    """4xx other than auth/404/429: the request or its data is wrong; sending it again cannot help."""


class NetSuiteRateLimited(NetSuiteError, TransientError):
    """429 or ``CONCURRENCY_LIMIT_EXCEEDED`` (whatever the status): the account's concurrency pool is full.
    NetSuite rejected the request before doing anything, so any request, even a create, may be sent again."""

    unavailable = True


class NetSuiteServerError(NetSuiteError, TransientError):
    """5xx (``UNEXPECTED_ERROR`` and gateway errors): may pass on its own. A write may have been applied."""

    unavailable = True


class NetSuiteTimeout(NetSuiteError, TransientError):
    """No answer (connection refused/reset, read timeout). A write may have been applied."""

    unavailable = True


class NetSuiteUncertainWrite(NetSuiteError):
    """A create or transform without an external id failed in a way that may have saved the record (timeout,
    5xx). The client cannot tell, so it does not retry: a person (or a flow that can look the record up some
    other way) must check before sending it again. Not retryable on purpose."""

    retryable = False


class SuiteQLCeilingReached(NetSuiteError):
    """Offset paging hit NetSuite's 100,000-row ceiling; ``suiteql_keyset`` reads past it."""

    retryable = False


def _first_detail(body: Any) -> dict:
    details = body.get("o:errorDetails") if isinstance(body, dict) else None
    if isinstance(details, list) and details and isinstance(details[0], dict):
        return details[0]
    return {}


def parse_error_body(body: Any) -> dict:
    """The fields of NetSuite's error envelope, tolerant of missing parts (the ``type`` URI is never used)."""
    first = _first_detail(body)
    top = body if isinstance(body, dict) else {}
    details = top.get("o:errorDetails") if isinstance(top.get("o:errorDetails"), list) else []
    return {
        "code": first.get("o:errorCode") or top.get("o:errorCode"),
        "detail": first.get("detail") or top.get("title"),
        "error_path": first.get("o:errorPath"),
        "query_param": first.get("o:errorQueryParam"),
        "details": [d for d in details if isinstance(d, dict)],
    }


def error_class(status: int | None, code: str | None) -> type[NetSuiteError]:
    """Which error a status/code pair is; concurrency wins over the status (some accounts answer it 400)."""
    if code == CONCURRENCY_CODE or status == 429:
        return NetSuiteRateLimited
    if status in (401, 403):
        return NetSuiteAuthError
    if status == 404:
        return NetSuiteNotFound
    if status is not None and status >= 500:
        return NetSuiteServerError
    return NetSuiteValidationError


def error_from_response(status: int, body: Any, *, text: str = "", retry_after: float | None = None,
                        redact=lambda s: s) -> NetSuiteError:
    """Build the typed error for one non-2xx answer; ``redact`` scrubs every piece of text we keep."""
    parsed = parse_error_body(body)
    detail = parsed["detail"] or (text.strip()[:300] if text else "") or f"HTTP {status}"
    detail = redact(detail)
    cls = error_class(status, parsed["code"])
    if cls is NetSuiteAuthError and parsed["code"] == "INVALID_LOGIN":
        message = f"{detail} {LOGIN_AUDIT_HINT}" if "Login Audit" not in detail else detail
    else:
        message = detail
    details = [{k: redact(v) if isinstance(v, str) else v for k, v in d.items()} for d in parsed["details"]]
    return cls(message, status=status, code=parsed["code"], error_path=parsed["error_path"], detail=detail,
               query_param=parsed["query_param"], details=details, retry_after=retry_after)
