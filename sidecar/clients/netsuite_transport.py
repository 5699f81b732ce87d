"""Governance and transport for NetSuite: one process-wide concurrency gate per account, retries under the
sidecar's one policy (``sidecar.retry``), typed errors, and one API log row per HTTP call.

This is the only module that sends bytes to NetSuite. It knows nothing about records; ``netsuite.py`` builds
paths and bodies on top of ``Transport.request``.
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlencode

import requests
import requests.adapters

from sidecar.clients import ApiLog, no_api_log
from sidecar.clients.netsuite_errors import (
    NetSuiteAuthError,
    NetSuiteError,
    NetSuiteServerError,
    NetSuiteTimeout,
    NetSuiteValidationError,
    error_from_response,
)
from sidecar.retry import RetryPolicy, parse_retry_after
from sidecar.security import redact_text

# A request signed more than this long before it got a slot is signed again: TBA's timestamp must stay within
# NetSuite's window (5 minutes) and an OAuth 2.0 access token may have expired meanwhile.
RESIGN_AFTER_S = 30.0
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class ConcurrencyGate:
    """At most ``limit`` requests in flight. NetSuite's pool is per account and shared by every thread (and
    every integration), so one gate per account is shared by all clients of the process (``shared_gate``)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._sem = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._sem:
            with self._lock:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                yield
            finally:
                with self._lock:
                    self.in_flight -= 1


_GATES: dict[str, ConcurrencyGate] = {}
_GATES_LOCK = threading.Lock()


def shared_gate(key: str, limit: int) -> ConcurrencyGate:
    """The process-wide gate for ``key`` (the account's realm). A changed limit (settings edited) starts a new
    gate; requests already in flight finish on the old one."""
    with _GATES_LOCK:
        gate = _GATES.get(key)
        if gate is None or gate.limit != limit:
            gate = _GATES[key] = ConcurrencyGate(limit)
        return gate


def build_query(params: dict[str, Any] | None) -> str:
    """Percent-encode a query with ``%20`` for spaces (never ``+``): the bytes on the wire are the bytes
    signed (spec §2.4). None values are left out."""
    if not params:
        return ""
    pairs = [(k, "true" if v is True else "false" if v is False else str(v))
             for k, v in params.items() if v is not None]
    return urlencode(pairs, quote_via=quote) if pairs else ""


def new_session(pool_size: int) -> requests.Session:
    """A session that keeps no cookies (a stale NetSuite cookie can break REST calls, oauth2 spec §4) and keeps
    as many pooled connections as the gate lets requests run at once."""
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    adapter = requests.adapters.HTTPAdapter(pool_connections=2, pool_maxsize=max(10, pool_size))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class Transport:
    """Sends one logical request, retrying what is safe to retry.

    ``idempotent=False`` (POST create, transform) changes one thing: a failure after which the write may have
    happened (5xx, read timeout, dropped connection) is raised at once with ``maybe_applied = True`` instead of
    being retried, so the caller can look for the record before sending it again. 429 is always retried:
    NetSuite blocked the request before doing anything.
    """

    def __init__(self, origin: str, auth, *, gate: ConcurrencyGate, timeout_s: float = 60.0,
                 policy: RetryPolicy | None = None, session: requests.Session | None = None,
                 api_log: ApiLog = no_api_log, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None, clock: Callable[[], float] = time.time):
        self.origin, self.auth, self.gate = origin, auth, gate
        self.timeout_s = timeout_s
        self.policy = policy or RetryPolicy()
        self.session = session or new_session(gate.limit)
        self.api_log, self.sleep, self.clock = api_log, sleep, clock
        self.rng = rng or random.Random()
        if hasattr(auth, "bind"):
            auth.bind(origin, self.post_form)

    # -- redaction ---------------------------------------------------------------------------------------
    def redact(self, text: str | None) -> str:
        """Scrub our own secret values, anything shaped like a credential, and bearer JWTs."""
        if not text:
            return text or ""
        return _JWT.sub("[redacted]", redact_text(text, self.auth.secrets()))

    # -- the retry loop ----------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: dict | None = None, json_body: Any = None,
                headers: dict | None = None, idempotent: bool = True) -> requests.Response:
        """Send, retrying 429/5xx/timeouts under the shared policy (``sidecar.retry``) and a 401 once after
        re-signing; raise typed errors."""
        reauthed: list[bool] = []

        def attempt() -> requests.Response:
            try:
                return self._attempt(method, path, params, json_body, headers)
            except NetSuiteAuthError as exc:
                if exc.status != 401 or reauthed or getattr(exc, "token_endpoint", False):
                    raise
                reauthed.append(True)  # concurrency and timeouts can masquerade as 401 (spec §9.2): once
                self.auth.on_unauthorized()
                return self._attempt(method, path, params, json_body, headers)

        def may_retry(exc: BaseException) -> bool:
            return (isinstance(exc, NetSuiteError) and exc.retryable
                    and (idempotent or not getattr(exc, "maybe_applied", False)))

        return self.policy.call(attempt, may_retry=may_retry, sleep=self.sleep, rng=self.rng)

    # -- one HTTP call -----------------------------------------------------------------------------------
    def _attempt(self, method: str, path: str, params: dict | None, json_body: Any,
                 headers: dict | None) -> requests.Response:
        query = build_query(params)
        target = path + ("?" + query if query else "")
        all_headers = {"Accept": "application/json", **(headers or {})}
        if json_body is not None:
            all_headers["Content-Type"] = "application/json"  # set before signing (spec §2.7 pitfall 1)
        started = time.monotonic()
        try:
            request = requests.Request(method, self.origin + target, json=json_body, headers=all_headers,
                                       auth=self.auth)
            prepared, signed_at = self._prepare(request), time.monotonic()
            send = self.session.merge_environment_settings(prepared.url, {}, None, None, None)
            send.update(timeout=(min(10.0, self.timeout_s), self.timeout_s), allow_redirects=False)
            with self.gate.slot():
                if time.monotonic() - signed_at > RESIGN_AFTER_S:  # waited long at the gate: a fresh signature
                    prepared = self._prepare(request)
                response = self.session.send(prepared, **send)
        except requests.RequestException as exc:
            self._log(method, target, None, started, type(exc).__name__)
            raise self._transport_error(exc) from None
        error = self._http_error(response) if response.status_code >= 400 else self._not_rest(response)
        if error is not None:
            self._log(method, target, response.status_code, started, f"{error.code or ''}: {error.detail}")
            raise error
        self._log(method, target, response.status_code, started, None)
        return response

    def _prepare(self, request: requests.Request) -> requests.PreparedRequest:
        """Build and sign the request *before* taking a slot of the account's concurrency limit, so the slot is
        held only while the request is on the wire and NetSuite works on it (issue 17: the Python of building,
        signing and proxy look-up, slow on a busy interpreter, sat inside the limit)."""
        return self.session.prepare_request(request)

    def _not_rest(self, response: requests.Response) -> NetSuiteError | None:
        """A redirect or an HTML page is never a REST answer: a wrong base URL or account id lands on a login,
        maintenance or proxy page. Raised as a configuration error (not retried), with where it pointed."""
        status = response.status_code
        if 300 <= status < 400:
            where = self.redact(response.headers.get("Location") or "nowhere")[:200]
            message = (f"NetSuite answered a redirect ({status} to {where}) instead of the REST API: check the "
                       "account id or SIDECAR_NETSUITE_BASE_URL")
            return NetSuiteValidationError(message, status=status, code="REDIRECT")
        if response.content and "html" in response.headers.get("Content-Type", "").lower():
            return NetSuiteValidationError(
                f"NetSuite answered {status} with an HTML page instead of JSON (a login, maintenance or proxy "
                "page): check the account id or SIDECAR_NETSUITE_BASE_URL", status=status, code="NOT_JSON")
        return None

    def _transport_error(self, exc: requests.RequestException) -> NetSuiteTimeout:
        sent = not isinstance(exc, requests.ConnectTimeout)
        kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
        error = NetSuiteTimeout(f"NetSuite {kind} ({type(exc).__name__})", code=type(exc).__name__)
        error.maybe_applied = sent
        return error

    def _http_error(self, response: requests.Response) -> NetSuiteError:
        try:
            body = response.json()
        except ValueError:
            body = None
        retry_after = parse_retry_after(response.headers.get("Retry-After"), self.clock())
        error = error_from_response(response.status_code, body, text=response.text if body is None else "",
                                    retry_after=retry_after, redact=self.redact)
        error.maybe_applied = isinstance(error, NetSuiteServerError)
        error.response_date = response.headers.get("Date")
        return error

    def _log(self, method: str, target: str, status: int | None, started: float, error: str | None) -> None:
        ms = (time.monotonic() - started) * 1000
        self.api_log("netsuite", method, self.redact(target), status, ms, self.redact(error) if error else None)

    # -- the OAuth 2.0 token call --------------------------------------------------------------------------
    def post_form(self, url: str, data: dict) -> requests.Response:
        """POST a form to the token endpoint (no auth, logged without its body). Transport failures become
        NetSuiteTimeout, which the retry loop handles like any other."""
        path = url.removeprefix(self.origin)
        started = time.monotonic()
        try:
            response = self.session.post(url, data=data, headers={"Accept": "application/json"},
                                         timeout=(min(10.0, self.timeout_s), self.timeout_s),
                                         allow_redirects=False)
        except requests.RequestException as exc:
            self._log("POST", path, None, started, type(exc).__name__)
            error = self._transport_error(exc)
            error.maybe_applied = False  # the API request itself was never sent
            raise error from None
        error = None
        if response.status_code >= 400:
            error = _token_error_code(response)
        self._log("POST", path, response.status_code, started, error)
        return response


def _token_error_code(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"http_{response.status_code}"
    return str(body.get("error", "")) if isinstance(body, dict) else f"http_{response.status_code}"


__all__ = ["ConcurrencyGate", "Transport", "build_query", "shared_gate"]
