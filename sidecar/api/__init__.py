"""HTTP blueprints. Every ``/v1/`` blueprint is created with ``signed_blueprint`` so no route skips the check."""

from __future__ import annotations

import json
import math
import re

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


# Deeper than this, a document is refused before anything is stored: the store's JSON encoder (and any reader
# after it, PHP's json_decode stops at 512) must never be the first to find out. WooCommerce's own resources
# are under 10 levels deep, meta values included.
MAX_JSON_DEPTH = 64


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is out of range for a JSON number")
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _too_deep(what: str) -> ApiError:
    return ApiError(400, "invalid_json", f"{what} is nested more than {MAX_JSON_DEPTH} levels deep; the sidecar "
                                         f"accepts at most {MAX_JSON_DEPTH}")


def _check_depth(data: object, what: str) -> None:
    """Refuse nesting past MAX_JSON_DEPTH. Iterative (no depth can exhaust the stack here) and it visits only
    containers, so a large flat order costs little."""
    stack: list[tuple[object, int]] = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep(what)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _check_text(data: object, what: str) -> None:
    """Refuse strings that are not Unicode text: a lone surrogate (``"\\ud800"``) parses, but cannot be encrypted
    or sent on as UTF-8."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "invalid_json", f"{what} holds a string that is not Unicode text (a lone surrogate "
                                            "escape)") from None


# Only a \uD800-\uDFFF escape can produce a surrogate in UTF-8 JSON, so the text check runs only when a body
# has one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def parse_json(raw: bytes, what: str = "the body") -> object:
    """``raw`` as JSON, or a 400 saying why not: not JSON, NaN/Infinity, a number out of range, nested too
    deeply to be stored, or text that is not Unicode."""
    if not raw:
        raise ApiError(400, "invalid_json", f"{what} is empty")
    try:
        data = json.loads(raw, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep(what) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"{what} must be JSON ({str(exc)[:120]})") from None
    _check_depth(data, what)
    if b"\x00" in raw[:4] or _SURROGATE_ESCAPE.search(raw):  # UTF-16/32 bodies: always check
        _check_text(data, what)
    return data


def json_body() -> object:
    """The request's JSON body, or a 400 that says why it is not JSON (see ``parse_json``)."""
    return parse_json(request.get_data(cache=True))


def validation_error(exc) -> ApiError:
    """A marshmallow ValidationError as a 422: ``error`` names the first bad field, ``errors`` every one, so a
    form can mark them all at once."""
    from sidecar.store.settings import all_errors

    errors = all_errors(exc.messages) or [("", "is not valid")]
    field, message = errors[0]
    return ApiError(422, "invalid_field", f"{field}: {message}" if field else message, field or None,
                    errors=[{"field": f, "message": m} for f, m in errors])


def require_credentials(*systems: str, why: str = "") -> None:
    """409 naming what to do when a route that reads a remote system runs before its credentials are stored
    (a client built without them would fail in ways that are no client's fault)."""
    from sidecar.store.credentials import is_configured
    from sidecar.store.runtime import get_runtime

    for system in systems:
        if not is_configured(system, get_runtime().credentials.get(system)):
            raise ApiError(409, "not_configured", f"{system} credentials are not stored yet{why}: save them on the "
                                                  "Connection tab first", system)
