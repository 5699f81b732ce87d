"""Local simulator of NetSuite SuiteTalk REST web services — the entry point.

``create_app(options)`` builds an independent sandbox (its own store, credentials, audit and counters);
``run(args)`` serves one for ``sidecar sandbox netsuite --port N``. The interface is documented in
docs/sandbox-netsuite.md. This package is test and demo tooling: no production module imports it, and it
imports nothing from ``sidecar.clients`` so that it checks the client instead of agreeing with it."""

from __future__ import annotations

import argparse
import logging
import secrets
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler, make_server

from . import ns_auth, ns_catalog, ns_control, ns_query, ns_records, ns_seed
from .ns_errors import NsError, error_response, unexpected_error
from .ns_governance import Governor
from .ns_state import DEFAULTS, SandboxState
from .ns_store import Store
from .ns_suiteql import SQLITE_FUNCTIONS

DEMO_TBA = {"account_id": "1234567_SB1", "consumer_key": "sandbox-demo-consumer-key",
            "consumer_secret": "sandbox-demo-consumer-secret", "token_id": "sandbox-demo-token-id",
            "token_secret": "sandbox-demo-token-secret"}
DEMO_OAUTH2 = {"client_id": "sandbox-demo-client-id", "certificate_id": "sandbox-demo-certificate-id"}


def _options(options: dict | None) -> dict:
    merged = dict(DEFAULTS)
    merged.update(options or {})
    return merged


def _demo_credentials(st: SandboxState) -> None:
    """Register DEMO_TBA and DEMO_OAUTH2 (with a fresh EC P-256 key pair for this app)."""
    st.tba.register(DEMO_TBA["consumer_key"], DEMO_TBA["consumer_secret"], DEMO_TBA["token_id"],
                    DEMO_TBA["token_secret"])
    key = ec.generate_private_key(ec.SECP256R1())
    st.demo_private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode()
    st.oauth2.register(DEMO_OAUTH2["client_id"], DEMO_OAUTH2["certificate_id"], key.public_key(), "ES256")


def _auth_gate():
    """Every record, query and system call needs TBA or a bearer token; the token endpoint and /_sandbox don't."""
    if request.blueprint in ("ns_records", "ns_query") or (
            request.path.startswith("/services/rest/") and request.blueprint is None):
        return ns_auth.require_auth()
    return None


def _unexpected(err: Exception):
    """A bug in the sandbox still answers like NetSuite (500 UNEXPECTED_ERROR with an error id); logged."""
    if isinstance(err, HTTPException):
        return err
    error_id = secrets.token_hex(10)
    logging.getLogger(__name__).exception("sandbox error %s", error_id)
    return error_response(unexpected_error(error_id))


def create_app(options: dict | None = None) -> Flask:
    """A fresh sandbox app; ``options`` keys are listed in docs/sandbox-netsuite.md."""
    opts = _options(options)
    st = SandboxState(options=opts, store=Store(SQLITE_FUNCTIONS))
    if opts.get("fault_seed") is not None:
        st.rng.seed(int(opts["fault_seed"]))
    _demo_credentials(st)
    app = Flask(__name__)
    app.extensions["ns_sandbox"] = st
    for bp in (ns_records.bp, ns_query.bp, ns_auth.bp, ns_control.bp, ns_catalog.bp):
        app.register_blueprint(bp)
    app.before_request(_auth_gate)
    app.after_request(_server_date)
    app.register_error_handler(NsError, error_response)
    app.register_error_handler(404, lambda e: error_response(NsError(404, "NONEXISTENT_ID", "Not found.")))
    app.register_error_handler(405, lambda e: error_response(NsError(405, "INVALID_REQUEST",
                                                                     "Method not allowed.")))
    app.register_error_handler(Exception, _unexpected)
    if opts.get("seed"):
        ns_seed.seed(st.store, items=int(opts["seed"]))
    app.wsgi_app = Governor(app.wsgi_app, st)
    app.request_handler = NetSuiteRequestHandler  # servers that host the app (tests' LiveServer) use it
    return app


class NetSuiteRequestHandler(WSGIRequestHandler):
    """The HTTP server's handler without its own ``Date`` header: the app sends NetSuite's (skewed) one, and
    two ``Date`` headers would leave a client guessing which clock to trust."""

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())


def _server_date(response):
    """NetSuite's ``Date`` header, from the sandbox's (possibly skewed) clock: clients measure skew with it."""
    from flask import current_app
    from werkzeug.http import http_date

    response.headers["Date"] = http_date(current_app.extensions["ns_sandbox"].now())
    return response


def _parse_options(pairs: list[str]) -> dict:
    options = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--option expects key=value, got {pair!r}")
        options[key.strip()] = value.strip()
    return options


def run(args: argparse.Namespace) -> int:
    """Serve a sandbox on args.host:args.port with a threaded server until interrupted."""
    options = _parse_options(getattr(args, "option", []))
    if getattr(args, "seed", None) is not None:
        options["seed"] = args.seed
    for key in ("latency_ms", "fault_rate", "timeout_rate", "timeout_delay_s", "clock_skew_s"):
        if key in options:
            options[key] = float(options[key])
    for key in ("concurrency_limit", "concurrency_status", "token_lifetime_s", "seed", "fault_seed"):
        if key in options:
            options[key] = int(options[key])
    if "oauth2_loose_token" in options:
        options["oauth2_loose_token"] = options["oauth2_loose_token"].lower() in ("1", "true", "yes")
    app = create_app(options)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=NetSuiteRequestHandler)
    print(f"NetSuite sandbox on http://{args.host}:{server.server_port} (account {app.extensions['ns_sandbox'].options['account_id']})",
          file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
