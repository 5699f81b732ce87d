"""``PUT /v1/credentials``, ``GET /v1/credentials`` (which are set, never a value) and the connection test."""

from __future__ import annotations

from flask import current_app, jsonify
from marshmallow import ValidationError

from sidecar.api import json_body, signed_blueprint, validation_error
from sidecar.clients.connections import SYSTEMS, test_connections
from sidecar.store.apilog import record_api_call, remember_secrets
from sidecar.store.credentials import is_configured
from sidecar.store.settings import get_settings

bp = signed_blueprint("credentials", __name__)


def _store():
    return current_app.extensions["sidecar_runtime"].credentials


@bp.get("/credentials")
def read_credentials():
    return jsonify(_store().public_view())


@bp.put("/credentials")
def write_credentials():
    try:
        view = _store().put(json_body())
    except ValidationError as exc:
        raise validation_error(exc) from None
    remember_secrets(_store().all_secret_values())
    return jsonify(view)


@bp.post("/credentials/test")
def test_credentials():
    """One real call per configured half; the clients get the stored values, the settings and the API log."""
    store = _store()
    remember_secrets(store.all_secret_values())
    halves = {system: store.get(system) for system in SYSTEMS}
    complete = {system: values if is_configured(system, values) else None for system, values in halves.items()}
    config = current_app.extensions["sidecar_runtime"].config
    return jsonify(test_connections(complete, config, get_settings(), record_api_call))
