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
    assert body["saved"] is True and body["errors"] == [], body["errors"]
    assert body["after"]["inventory"]["locations"] == ["3", "4"]
    assert body["after"]["orders"]["export_statuses"] == ["processing", "completed"]
    # Fields whose type the sidecar fixed later come back as it holds them (a map of modes, a boolean).
    assert body["after"]["products"]["fields"]["description"] == "create_only"
    assert body["after"]["fulfillments"]["tracking_meta"] is True
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



# -- second release: the plugin's new calls against the real sidecar -------------------------------------------

def test_status_and_runs_as_the_status_section_reads_them(sidecar):
    status = php_call(sidecar.url, SHARED_SECRET, "status")
    assert status["ok"] is True and isinstance(status["body"]["flows"], dict)
    assert "orders" in status["body"]["flows"]
    runs = php_call(sidecar.url, SHARED_SECRET, "runs")
    assert runs["ok"] is True and runs["body"]["runs"] == []


def test_the_error_queue_with_every_filter_and_bulk_retry(sidecar):
    from sidecar.pipeline.intake import NewEvent, accept
    from sidecar.store.models import Event

    event, _ = accept(NewEvent(key="contract-1", source="plugin", topic="order.created", resource_id="5"))
    Event.update(status="failed", last_error="SKU A has no NetSuite item (matched by itemid)").where(
        Event.id == event.id).execute()
    jobs = php_call(sidecar.url, SHARED_SECRET, "jobs")
    assert jobs["ok"] is True, jobs
    assert [j["id"] for j in jobs["body"]["jobs"]] == [event.id] and jobs["body"]["total"] == 1
    assert jobs["body"]["jobs"][0]["hint"].startswith("Create the item in NetSuite")
    retried = php_call(sidecar.url, SHARED_SECRET, "jobs-retry-all")
    assert retried["ok"] is True and retried["body"]["retried"] == 1
    assert Event.get_by_id(event.id).status == "pending"


def test_a_secret_the_sidecar_refuses_is_not_stored(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "save-wrong-secret")
    assert out["body"]["saved"] is False and out["body"]["secret_stored"] is True
    assert any("does not match" in message for message in out["body"]["errors"].values())


def test_oauth2_credentials_saved_from_the_connection_page(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "credentials-oauth2")
    assert out["ok"] is True and out["body"]["saved"] is True, out
    view = out["body"]["view"]
    assert view["netsuite"]["auth"] == "oauth2"
    assert "BEGIN PRIVATE KEY" not in json.dumps(view)  # set, never shown


def test_the_cli_status_command_through_the_signed_client(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "cli-status")
    assert out["ok"] is True and any("orders" in line for line in out["body"]["lines"])


def test_the_order_box_after_a_forwarded_event(sidecar):
    php_call(sidecar.url, SHARED_SECRET, "event")
    out = php_call(sidecar.url, SHARED_SECRET, "order-box")
    assert out["ok"] is True and out["body"]["state"]["woo_id"] == 1043
    assert "nssync" in out["body"]["html"]
