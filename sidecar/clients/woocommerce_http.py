"""The transport under the WooCommerce client: one session, auth, timeouts, retries under the sidecar's one
policy (``sidecar.retry``: Retry-After is a floor), the API log.

This is the only place that turns sockets, timeouts and HTTP statuses into our errors (STYLE.md, "Adapter").
Every attempt - retries included - is one row in the API log, with credentials stripped from the path.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from sidecar.clients import ApiLog, no_api_log
from sidecar.clients.woocommerce_auth import choose_mode, make_auth, strip_credentials
from sidecar.clients.woocommerce_errors import WooConfigError, WooError, WooTransientError, error_from_body
from sidecar.retry import RetryPolicy, parse_retry_after
from sidecar.security import redact_text

API_PREFIX = "/wp-json/wc/v3/"
IDEMPOTENT = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}
USER_AGENT = "netsuite-sync-sidecar/0.1 (+WooCommerce REST v3 client)"
_QUERY_IN_TEXT = re.compile(r"\?[^\s'\")]+")  # query strings inside exception texts may hold keys


@dataclass
class Response:
    """A decoded 2xx answer: the JSON body plus the headers paging needs."""

    status: int
    data: Any
    headers: Mapping[str, str]  # case-insensitive (requests' CaseInsensitiveDict)


class WooHttp:
    """Sends JSON to ``{url}/wp-json/wc/v3/{path}`` and returns decoded answers or raises a ``WooError``."""

    def __init__(self, url: str, consumer_key: str, consumer_secret: str, *, query_string_auth: bool = False,
                 timeout_s: float = 30.0, max_retries: int = 4, session: requests.Session | None = None,
                 auth: str = "auto", sleep: Callable[[float], None] = time.sleep, api_log: ApiLog = no_api_log):
        if not url or urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("the store URL must start with http:// or https://")
        self.url = url.rstrip("/")
        self.auth_mode = choose_mode(self.url, auth, query_string_auth)
        self.timeout_s = timeout_s
        self.policy = RetryPolicy(max_retries=max_retries)  # the sidecar's one policy (sidecar.retry)
        self.session = session or requests.Session()
        self.sleep = sleep
        self.api_log = api_log
        self._auth = make_auth(self.auth_mode, consumer_key, consumer_secret)
        self._secrets = [s for s in (consumer_key, consumer_secret) if s]

    def endpoint(self, path: str) -> str:
        """The exact URL to call: home URL + API prefix + path, never a trailing slash (it breaks OAuth)."""
        return self.url + API_PREFIX + path.strip("/")

    def request(self, method: str, path: str, *, params: dict | None = None, json_body: Any = None,
                retry: bool | None = None) -> Response:
        """One logical call, retried on transient failures when it is safe to repeat (``retry``, default: the
        method is idempotent)."""
        method = method.upper()
        retry = method in IDEMPOTENT if retry is None else retry

        def may_retry(exc: BaseException) -> bool:
            return retry and isinstance(exc, WooError) and exc.retryable

        return self.policy.call(lambda: self._attempt(method, path, params, json_body), may_retry=may_retry,
                                sleep=self.sleep)

    def _attempt(self, method: str, path: str, params: dict | None, json_body: Any) -> Response:
        started = time.monotonic()
        logged_path = self._log_path(requests.Request("GET", self.endpoint(path), params=params).prepare().url)
        try:
            resp = self._send(method, path, params, json_body)
        except requests.RequestException as exc:
            error = self._network_error(exc)
            self.api_log("woocommerce", method, logged_path, None, (time.monotonic() - started) * 1000, str(error))
            raise error from None
        ms = (time.monotonic() - started) * 1000
        try:
            result = self._decode(resp)
        except WooError as exc:
            self.api_log("woocommerce", method, logged_path, resp.status_code, ms, str(exc))
            raise
        self.api_log("woocommerce", method, logged_path, resp.status_code, ms, None)
        return result

    def _send(self, method: str, path: str, params: dict | None, json_body: Any) -> requests.Response:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        data = None
        if json_body is not None:
            headers["Content-Type"] = "application/json"  # else WordPress does not parse the body as JSON
            data = json.dumps(json_body).encode()
        return self.session.request(method, self.endpoint(path), params=params, data=data, headers=headers,
                                    auth=self._auth, timeout=self.timeout_s, allow_redirects=False)

    def _log_path(self, url: str) -> str:
        parts = urlsplit(strip_credentials(url))
        return parts.path + ("?" + parts.query if parts.query else "")

    def _network_error(self, exc: requests.RequestException) -> WooTransientError:
        """A socket failure or timeout, its text stripped of URLs that may carry keys or signatures."""
        kind = "timed out" if isinstance(exc, requests.Timeout) else "could not be reached"
        detail = redact_text(_QUERY_IN_TEXT.sub("?…", f"{type(exc).__name__}: {exc}"), self._secrets)
        return WooTransientError(f"the store at {self.url} {kind} ({detail[:300]})", code="network_error")

    def _decode(self, resp: requests.Response) -> Response:
        if 300 <= resp.status_code < 400:
            where = strip_credentials(resp.headers.get("Location", "?"))
            raise WooConfigError(f"the store redirected to {where}: set the store URL to WordPress's home URL "
                                 "exactly (scheme, www, no trailing slash); redirects break signed requests",
                                 status=resp.status_code, code="redirect")
        try:
            body = resp.json() if resp.content else None
        except ValueError:
            body = None
        if resp.status_code >= 400:
            text = redact_text(resp.text, self._secrets)
            raise error_from_body(resp.status_code, body, text=text,
                                  retry_after=parse_retry_after(resp.headers.get("Retry-After"), time.time()))
        if body is None and resp.content:
            raise WooConfigError("the store did not answer with JSON: is this the WordPress home URL with "
                                 "WooCommerce active and pretty permalinks on?", status=resp.status_code,
                                 code="not_json")
        return Response(resp.status_code, body, resp.headers)
