"""Governance and fault injection around the NetSuite API (spec §9.1, §10.4): a concurrency limit that rejects
the excess with 429 CONCURRENCY_LIMIT_EXCEEDED, added latency, random 500s, "timeouts" that do the work and
then answer too late, and an outage window (``outage_status``: every API call answered with that status). It wraps the WSGI app, so it sees requests exactly as the socket delivers them; the
``/_sandbox`` controls are left alone."""

from __future__ import annotations

import secrets
import time

from .ns_errors import concurrency_exceeded, error_response, invalid_login, unexpected_error
from .ns_state import SandboxState

API_PREFIX = "/services/rest/"


def _over_limit(status: int):
    """The answer past the limit: the documented 429 body, the 400 some clients see, or a bare INVALID_LOGIN
    (spec §7: saturation that masquerades as an auth failure)."""
    if status == 401:
        return error_response(invalid_login())
    return error_response(concurrency_exceeded(status))


def _outage(status: int):
    """The whole account unavailable: 429 as when the concurrency pool is taken by other integrations, else the
    unexpected error NetSuite answers during an outage or maintenance (503 and the like)."""
    if status == 429:
        return error_response(concurrency_exceeded(429))
    err = unexpected_error(secrets.token_hex(10))
    err.status = status
    return error_response(err)


class Governor:
    def __init__(self, wsgi_app, st: SandboxState):
        self.app, self.state = wsgi_app, st

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(API_PREFIX):
            return self.app(environ, start_response)
        st, opts = self.state, self.state.options
        with st.lock:
            st.stats.requests += 1
            st.stats.by_method_path[f"{environ.get('REQUEST_METHOD')} {path}"] += 1
            if int(opts.get("outage_status") or 0):  # an outage window set through /_sandbox/config
                st.stats.outage_refused += 1
                return _outage(int(opts["outage_status"]))(environ, start_response)
            if st.stats.in_flight >= int(opts["concurrency_limit"]):
                st.stats.rejected_429 += 1
                return _over_limit(int(opts["concurrency_status"]))(environ, start_response)
            st.stats.set_in_flight(st.stats.in_flight + 1)
            st.stats.max_concurrent = max(st.stats.max_concurrent, st.stats.in_flight)
            fault = st.rng.random() < float(opts["fault_rate"])
            slow = not fault and st.rng.random() < float(opts["timeout_rate"])
        entered = time.monotonic()
        try:
            return self._serve(environ, start_response, fault, slow)
        finally:
            with st.lock:
                st.stats.set_in_flight(st.stats.in_flight - 1)
                st.stats.served += 1
                st.stats.busy_s += time.monotonic() - entered

    def _serve(self, environ, start_response, fault: bool, slow: bool):
        opts = self.state.options
        if float(opts["latency_ms"]) > 0:
            time.sleep(float(opts["latency_ms"]) / 1000)
        if fault:
            with self.state.lock:
                self.state.stats.faults += 1
            return error_response(unexpected_error(secrets.token_hex(10)))(environ, start_response)
        body = b"".join(self.app(environ, start_response))  # the work is done (and committed) here
        if slow:
            with self.state.lock:
                self.state.stats.timeouts += 1
            time.sleep(float(opts["timeout_delay_s"]))
        return [body]
