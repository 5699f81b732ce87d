"""Contract test: the WordPress plugin's own signer and HTTP class (NSSync_Sidecar_Client, run by php with the
test shim from wp-plugin/tests/) against the real sidecar app served on a 127.0.0.1 socket."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SHARED_SECRET

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "wp-plugin" / "tests" / "contract" / "sidecar-call.php"


@pytest.fixture
def sidecar(app, live_server_factory):
    return live_server_factory(app)


def php_call(url: str, secret: str, step: str) -> dict:
    assert shutil.which("php"), "php is needed for the plugin tests (apt-get install php-cli)"
    done = subprocess.run(["php", str(SCRIPT), url, secret, step], check=False, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # no PHP notice or warning
    return json.loads(done.stdout)


def test_php_client_reads_the_settings(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "get-settings")
    assert out["ok"] is True and out["status"] == 200
    assert out["body"]["orders"]["export_statuses"] == ["processing", "completed"]
    assert out["body"]["refunds"]["record"] == "creditMemo"


def test_php_client_writes_settings_with_unicode_and_slashes(sidecar, signed):
    out = php_call(sidecar.url, SHARED_SECRET, "put-settings")
    assert out["ok"] is True and out["status"] == 200
    stored = signed.get("/v1/settings").get_json()
    assert stored["inventory"]["safety_buffer"] == 3
    assert stored["orders"]["memo"] == "Bestellung {number} – Zoë/Köln"


def test_a_422_reaches_the_plugin_with_its_field(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "put-invalid")
    assert out == {**out, "ok": False, "status": 422, "code": "invalid_field", "field": "orders.subsidiary_id"}


def test_a_wrong_secret_is_refused_with_401(sidecar):
    out = php_call(sidecar.url, "not-the-shared-secret", "wrong-secret")
    assert out["ok"] is False
    assert out["status"] == 401
    assert out["code"] == "invalid_signature"


def test_the_settings_page_round_trip_against_the_real_sidecar(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "round-trip")
    body = out["body"]
    assert body["saved"] is True and body["errors"] == []
    assert body["after"]["inventory"]["locations"] == ["3", "4"]
    assert body["after"]["orders"]["export_statuses"] == ["processing", "completed"]
    # An invalid value comes back from the real schema and lands on its form field.
    assert body["bad_saved"] is False
    assert list(body["bad_errors"]) == ["nssync_orders__guest_customer"]
    assert "create" in body["bad_errors"]["nssync_orders__guest_customer"]


def test_the_plugin_unreachable_sidecar_is_a_status_0_error(tmp_path):
    out = php_call("http://127.0.0.1:9", SHARED_SECRET, "get-settings")
    assert out["ok"] is False and out["status"] == 0 and out["code"] == "http_request_failed"


def test_forwarded_event_is_accepted_once_and_a_resend_is_a_duplicate(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "event")
    assert out["ok"] is True, out
    body = out["body"]
    assert body["outbox_after"] == 0 and body["state"] == "sent"
    assert body["again"]["_status"] == 200 and body["again"]["duplicate"] is True
    assert body["order"]["woo_id"] == 1043
    assert [h["topic"] for h in body["order"]["history"]] == ["order.updated"]

