"""``create_app(config)``: the Flask app factory — blueprints, signature check, JSON errors, size limit."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from sidecar.api import bench, dbconn
from sidecar.api.errors import ApiError
from sidecar.config import Config, load_config
from sidecar.security import SecretKeyError
from sidecar.store.runtime import init_runtime

log = logging.getLogger(__name__)


def create_app(config: Config | None = None) -> Flask:
    """Build the sidecar's WSGI app; connects the database and applies migrations."""
    config = config or load_config()
    runtime = init_runtime(config)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.config["SIDECAR"] = config
    app.extensions["sidecar_runtime"] = runtime
    app.json.sort_keys = False

    dbconn.init_app(app)  # one kept-open connection per server thread; database errors → 503
    _register_error_handlers(app)
    _register_blueprints(app)
    bench.init_app(app)  # the no-op signed route, only with SIDECAR_BENCH_NOOP=1
    return app


def _register_blueprints(app: Flask) -> None:
    """Every blueprint, listed (imported here, not at module level, so that building the WSGI app is what
    loads the pipeline and its huey instance)."""
    from sidecar.api import (
        credentials,
        events,
        health,
        jobs,
        log,
        lookups,
        orders,
        preview,
        reconcile,
        reports,
        settings,
        status,
        sync,
        webhooks,
    )

    for module in (health, settings, credentials, events, webhooks, jobs, sync, status, orders, log, preview,
                   reconcile, lookups, reports):
        app.register_blueprint(module.bp)


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.to_dict()), exc.status

    @app.errorhandler(SecretKeyError)
    def _secret_key_error(exc: SecretKeyError):
        # Checked at start; seen here only if another process stored secrets with a key this one lacks.
        log.error("stored credentials cannot be decrypted: %s", exc)
        return jsonify({"error": {"code": "secret_key_mismatch", "message": (
            "the sidecar cannot decrypt its stored credentials: the processes do not share SIDECAR_SECRET_KEY, or "
            "the key changed. Restart the sidecar with the right key(s); see `sidecar rotate-key`.")}}), 503

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
                400: "bad_request", 415: "unsupported_media_type"}.get(exc.code, "http_error")
        message = exc.description or exc.name
        if exc.code == 413:
            message = f"the request body is over the {app.config['MAX_CONTENT_LENGTH']} byte limit"
        return jsonify({"error": {"code": code, "message": message}}), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # Never a traceback or a secret in a response: the detail goes to the log only.
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify({"error": {"code": "internal_error",
                                  "message": "the sidecar hit an unexpected error; see its log"}}), 500
