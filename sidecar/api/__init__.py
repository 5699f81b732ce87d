"""HTTP blueprints. Every ``/v1/`` blueprint is created with ``signed_blueprint`` so no route skips the check."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from sidecar.api.errors import ApiError
from sidecar.security import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify


def signed_blueprint(name: str, import_name: str, url_prefix: str = "/v1") -> Blueprint:
    """A blueprint whose every route requires the plugin's X-NSSync signature."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    bp.before_request(require_signature)
    return bp


def raw_target() -> tuple[str, str]:
    """The path and query string exactly as the client sent them (before percent-decoding), which is what the
    plugin signs; gunicorn and werkzeug both keep the raw request target in the environ."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        path, _, query = raw.partition("?")
        return path, query
    return request.path, request.query_string.decode("latin-1")


def require_signature() -> None:
    config = current_app.config["SIDECAR"]
    path, query = raw_target()
    try:
        verify(config.shared_secret, request.headers.get(TIMESTAMP_HEADER),
               request.headers.get(SIGNATURE_HEADER), method=request.method, path=path, query=query,
               body=request.get_data(cache=True), window_s=config.signature_window_s)
    except SignatureError as exc:
        raise ApiError(401, exc.code, exc.message) from None


def json_body() -> object:
    """The request's JSON body, or a 400 that says why it is not JSON."""
    try:
        data = request.get_json(silent=True, force=True)
    except RecursionError:
        raise ApiError(400, "invalid_json", "the body is nested too deeply") from None
    if data is None:
        raw = request.get_data(cache=True)
        raise ApiError(400, "invalid_json", "the body must be JSON" if raw else "the body is empty")
    return data


def validation_error(exc) -> ApiError:
    """A marshmallow ValidationError as a 422 naming the first bad field."""
    from sidecar.store.settings import first_error

    field, message = first_error(exc.messages)
    return ApiError(422, "invalid_field", f"{field}: {message}" if field else message, field or None)
