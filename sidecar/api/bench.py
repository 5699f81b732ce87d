"""``POST /v1/bench/noop``: a signed route that does nothing — the web stack's ceiling for the intake benchmark.

Registered only when ``SIDECAR_BENCH_NOOP=1`` is in the server's environment (``tests/bench/bench_events.py`` sets
it on the server it starts); a production sidecar has no such route. It pays what every signed request pays
(gunicorn, Flask routing, the body read, the signature check, a JSON answer) and nothing of the intake's own work
(JSON parsing, validation, the inserts, the commit), so intake ÷ no-op is how much of the ceiling intake reaches.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify

from sidecar.api import signed_blueprint

ENV = "SIDECAR_BENCH_NOOP"
bp = signed_blueprint("bench", __name__)


@bp.post("/bench/noop")
def noop():
    return jsonify({"status": "ok"}), 202


def init_app(app: Flask) -> None:
    if os.environ.get(ENV) == "1":
        app.register_blueprint(bp)
