"""Dry runs (issue 16): ``POST /v1/preview/orders/<woo_id>`` and ``POST /v1/preview/settings``.

Both answer what exporting would send — the sales-order body, the customer used or created, every problem —
and write nothing anywhere. The API calls no remote system itself: it builds a job context and hands it to
``sidecar.flows.preview``. Settings given to ``/preview/settings`` are validated like a ``PUT /v1/settings``
(422 naming each bad field) and merged over the saved ones, but never stored.
"""

from __future__ import annotations

from flask import jsonify, request
from marshmallow import Schema, ValidationError, fields, validate

from sidecar.api import json_body, require_credentials, signed_blueprint, validation_error
from sidecar.api.errors import ApiError
from sidecar.clients.errors import RemoteError
from sidecar.flows import preview
from sidecar.pipeline.context import build_context
from sidecar.store.settings import deep_merge, get_settings, validate_settings

bp = signed_blueprint("preview", __name__)
MAX_ORDERS = 50


class SettingsPreviewSchema(Schema):
    settings = fields.Dict(load_default=dict)
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=MAX_ORDERS))


@bp.post("/preview/orders/<woo_id>")
def preview_one(woo_id: str):
    if not (woo_id.isascii() and woo_id.isdigit()) or len(woo_id) > 18:
        raise ApiError(400, "invalid_id", "a WooCommerce order id is a whole number", "woo_id")
    ctx = build_context()
    return jsonify(_remote(lambda: preview.preview_order(ctx, int(woo_id))))


@bp.post("/preview/settings")
def preview_settings():
    try:
        args = SettingsPreviewSchema().load(json_body() if request.get_data(cache=True) else {})
        trial = validate_settings(deep_merge(get_settings(), args["settings"]))
    except ValidationError as exc:
        raise validation_error(exc) from None
    ctx = build_context()
    ctx.settings = trial
    orders = _remote(lambda: preview.preview_recent(ctx, args["limit"]))
    return jsonify({"saved": False, "orders": orders,
                    "problems": sum(len(o["problems"]) for o in orders)})


def _remote(call):
    """Run a read-only preview; a remote system that fails is a 502 naming it, not a 500."""
    require_credentials("woocommerce", "netsuite", why=": a preview reads both systems")
    try:
        return call()
    except RemoteError as exc:
        raise ApiError(502, "remote_error", f"{exc.system} could not be read for the preview: {exc.message}",
                       None) from None
