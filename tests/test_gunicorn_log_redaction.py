"""gunicorn's own logs go through the sidecar's redaction: its loggers do not propagate to the root logger, so the
root handlers' filter never saw them."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from gunicorn.config import Config as GunicornConfig

from sidecar.gunicorn_support import RedactingLogger
from sidecar.store.apilog import known_secrets, remember_secrets
from tests.conftest import SHARED_SECRET, SignedClient, make_config

SIDECAR = Path(sys.executable).with_name("sidecar")


@pytest.fixture
def restore_secrets():
    before = known_secrets()
    yield
    remember_secrets(before)


def test_a_secret_written_through_gunicorn_error_is_redacted(tmp_path, restore_secrets):
    secret = secrets.token_hex(16)
    remember_secrets([secret])
    cfg = GunicornConfig()
    cfg.set("errorlog", str(tmp_path / "error.log"))
    cfg.set("accesslog", str(tmp_path / "access.log"))
    glog = RedactingLogger(cfg)
    try:
        logging.getLogger("gunicorn.error").warning("Invalid request: header %s", secret)
        glog.error("worker said %s", secret)
        try:
            raise RuntimeError(f"upstream refused key {secret}")
        except RuntimeError:
            glog.exception("Error handling request")
        for handler in glog.error_log.handlers + glog.access_log.handlers:
            handler.flush()
        text = (tmp_path / "error.log").read_text()
    finally:
        for logger in (glog.error_log, glog.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
                handler.close()
    assert "Invalid request: header" in text and "worker said" in text and "upstream refused key" in text
    assert secret not in text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sidecar_serve_redacts_a_stored_secret_in_gunicorn_error_log(tmp_path, restore_secrets):
    """End to end: a credential stored through the API, then sent back by a client inside a malformed header —
    gunicorn logs the header name in its error log; the stored value must not appear there."""
    from sidecar.api.app import create_app
    from sidecar.store.db import database

    db_url = f"sqlite:///{tmp_path / 'sidecar.db'}"
    app = create_app(make_config(tmp_path, db_url))
    webhook_secret = secrets.token_hex(16)
    res = SignedClient(app.test_client()).put("/v1/credentials", json_body={"woocommerce": {
        "url": "http://127.0.0.1:9", "consumer_key": "ck_" + "a" * 40, "consumer_secret": "cs_" + "b" * 40,
        "webhook_secret": webhook_secret}})
    assert res.status_code == 200, res.get_json()
    database.close()

    port = free_port()
    env = {**os.environ, "SIDECAR_VAR_DIR": str(tmp_path / "var"), "SIDECAR_SHARED_SECRET": SHARED_SECRET,
           "SIDECAR_DATABASE_URL": db_url, "SIDECAR_BIND": f"127.0.0.1:{port}", "SIDECAR_LOG_LEVEL": "INFO"}
    env.pop("SIDECAR_REDIS_URL", None)
    cmd = [str(SIDECAR), "serve", "--workers", "1"] if SIDECAR.exists() else \
        [sys.executable, "-m", "sidecar", "serve", "--workers", "1"]
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                process_group=0)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(f"GET /healthz HTTP/1.1\r\nHost: x\r\n{webhook_secret}@bad: 1\r\n\r\n".encode())
            assert b" 400 " in conn.recv(4096)
        deadline = time.monotonic() + 10
        while "Invalid request from ip" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = log_path.read_text()
    assert "Invalid request from ip" in text, text
    assert webhook_secret not in text, text
