"""``GET/PUT /v1/settings``: the full effective settings; a partial PUT merges, a bad value is a 422."""

from __future__ import annotations

from flask import jsonify
from marshmallow import ValidationError

from sidecar.api import json_body, signed_blueprint, validation_error
from sidecar.store.settings import get_settings, update_settings

bp = signed_blueprint("settings", __name__)


@bp.get("/settings")
def read_settings():
    return jsonify(get_settings())


@bp.put("/settings")
def write_settings():
    try:
        return jsonify(update_settings(json_body()))
    except ValidationError as exc:
        raise validation_error(exc) from None
