"""HTTP blueprints. Every ``/v1/`` blueprint is created with ``signed_blueprint`` so no route skips the check."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from ..errors import ApiError
from ..security import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify


def signed_blueprint(name: str, import_name: str, url_prefix: str = "/v1") -> Blueprint:
    """A blueprint whose every route requires the plugin's X-NSSync signature."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    bp.before_request(require_signature)
    return bp


def require_signature() -> None:
    config = current_app.config["SIDECAR"]
    try:
        verify(config.shared_secret, request.headers.get(TIMESTAMP_HEADER),
               request.headers.get(SIGNATURE_HEADER), request.get_data(cache=True),
               window_s=config.signature_window_s)
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
    from ..settings import first_error

    field, message = first_error(exc.messages)
    return ApiError(422, "invalid_field", f"{field}: {message}" if field else message, field or None)
