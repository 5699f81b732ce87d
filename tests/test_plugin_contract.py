"""Contract test: the WordPress plugin's own signer and HTTP class (NSSync_Sidecar_Client, run by php with the
test shim from wp-plugin/tests/) against the real sidecar app served on a 127.0.0.1 socket."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from tests.conftest import SHARED_SECRET

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "wp-plugin" / "tests" / "contract" / "sidecar-call.php"


@pytest.fixture
def sidecar(app, live_server_factory):
    return live_server_factory(app)


def php_call(url: str, secret: str, step: str, *args: str) -> dict:
    assert shutil.which("php"), "php is needed for the plugin tests (apt-get install php-cli)"
    done = subprocess.run(["php", str(SCRIPT), url, secret, step, *args], check=False, capture_output=True,
                          text=True, timeout=120)
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
    assert body["after"]["schedules"]["refunds"] == "0 * * * *"  # the one schedule the Sync section did not offer
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


def test_the_status_section_shows_the_sidecars_judgement_of_each_connection(sidecar):
    """A store URL that redirects (http → https, a moved site) answers 301: the sidecar says the connection is
    broken and why; the Status section says so too (it showed "Connected"). A lookup's 404 stays "Connected"."""
    from sidecar.store.models import ApiCall, SyncRun, utcnow

    ApiCall.create(system="netsuite", method="GET", path="/services/rest/record/v1/customer/eid:x", status=404,
                   ms=5, error="RCRD_DSNT_EXIST")
    ApiCall.create(system="woocommerce", method="GET", path="/wp-json/wc/v3/orders/7", status=301, ms=3)
    SyncRun.create(flow="inventory", trigger="manual", status="done", seen=4, changed=1, unchanged=3, drift=1,
                   started_at=utcnow(), finished_at=utcnow())
    out = php_call(sidecar.url, SHARED_SECRET, "status-view")
    assert out["ok"] is True, out
    conns = out["body"]["status"]["connections"]
    assert (conns["netsuite"]["state"], conns["woocommerce"]["state"]) == ("ok", "error")
    html = out["body"]["html"]
    rows = dict(re.findall(r"<tr><th>(NetSuite|WooCommerce)</th><td>(.*?)</td></tr>", html))
    assert "Connected" in rows["NetSuite"]
    assert "Last call failed" in rows["WooCommerce"] and "Connected" not in rows["WooCommerce"]
    assert unescape(conns["woocommerce"]["problem"]) in unescape(rows["WooCommerce"])
    assert "<th>Queue</th><td>0 jobs (0 waiting, 0 running)</td>" in html  # in words, not "depth: 0, pending: 0…"
    # No worker runs beside this sidecar: the API answers, but nothing would be synced.
    assert out["body"]["status"]["worker"] == {"last_heartbeat": None, "ok": False, "max_age_s": 60}
    assert '<th>Worker</th><td><mark class="nssync-state nssync-state-failed">Not running</mark>' in html
    # Each flow's last run comes with /v1/status, counts and status in words.
    assert ('<tr data-flow="inventory"><td><strong>Inventory</strong></td><td><span class="nssync-run-result">'
            "Done · seen 4, changed 1, unchanged 3, unmatched 0, failed 0, drift 1</span>") in html


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


def test_an_orders_row_in_the_error_queue_retries_and_skips_every_failed_job_of_it(sidecar):
    """``group=order`` answers one row per order with all its job ids (``job_ids``): the row's buttons act on all
    of them, so Skip clears the order from the queue (it acted on the newest only and the row came back)."""
    from sidecar.pipeline.intake import NewEvent, accept
    from sidecar.store.models import Event

    ids = []
    for n, topic in enumerate(("order.created", "order.updated")):
        event, _ = accept(NewEvent(key=f"queue-{n}", source="plugin", topic=topic, resource_id="77"))
        Event.update(status="failed", attempts=8, last_error="SKU A has no NetSuite item (matched by itemid)").where(
            Event.id == event.id).execute()
        ids.append(event.id)
    out = php_call(sidecar.url, SHARED_SECRET, "error-queue")
    assert out["ok"] is True, out
    (row,) = out["body"]["jobs"]["jobs"]
    assert row["job_ids"] == ids
    html = out["body"]["html"]
    assert html.count("Order #77") == 1
    buttons = re.findall(r'data-job-ids="([^"]*)" data-verb="skip"', html)
    assert buttons == [",".join(map(str, ids))]
    assert "2 failed jobs" in html
    assert 'data-confirm="Retry all 2 failed jobs?"' in html  # the jobs, not the rows (1 order)
    skipped = php_call(sidecar.url, SHARED_SECRET, "job-action", "skip", buttons[0])
    assert skipped["body"]["ajax"]["success"] is True, skipped
    assert skipped["body"]["ajax"]["data"]["message"] == "Skipped."  # not the job's raw status
    assert [Event.get_by_id(i).status for i in ids] == ["skipped", "skipped"]
    assert "No failed jobs." in php_call(sidecar.url, SHARED_SECRET, "error-queue")["body"]["html"]


def test_a_secret_the_sidecar_refuses_is_not_stored(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "save-wrong-secret")
    assert out["body"]["saved"] is False and out["body"]["secret_stored"] is True
    assert any("does not match" in message for message in out["body"]["errors"].values())


def test_oauth2_credentials_saved_from_the_connection_page(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "credentials-oauth2")
    assert out["ok"] is True and out["body"]["saved"] is True, out
    view = out["body"]["view"]
    assert view["netsuite"]["auth"] == "oauth2"
    assert "PRIVATE " + "KEY" not in json.dumps(view) and "MIIBVQIBADAN" not in json.dumps(view)  # set, never shown


def test_the_cli_status_command_through_the_signed_client(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "cli-status")
    assert out["ok"] is True and any("orders" in line for line in out["body"]["lines"])


def test_the_order_box_after_a_forwarded_event(sidecar):
    php_call(sidecar.url, SHARED_SECRET, "event")
    out = php_call(sidecar.url, SHARED_SECRET, "order-box")
    assert out["ok"] is True and out["body"]["state"]["woo_id"] == 1043
    assert "nssync" in out["body"]["html"]


# -- dry run and reconciliation (issue 16): the plugin's handlers against the real sidecar and both sandboxes --

@pytest.fixture
def stack(tmp_path, monkeypatch):
    from tests.flows.stack import stocked_stack

    yield from stocked_stack(tmp_path, monkeypatch)


def placed(stack, n: int = 1, *, settle: bool = False) -> list[dict]:
    from tests.flows.test_orders_e2e import FLAT, guest

    sku = min(s for s, i in stack.items.items() if not i.get("matrixType"))
    orders = [stack.place({"billing": guest(60 + k), "line_items": [{"sku": sku, "quantity": 1 + k}],
                           "shipping_lines": FLAT, "set_paid": True}) for k in range(n)]
    if settle:
        stack.settle()
    return orders


def test_the_catalog_report_page_shows_up_to_200_rows_of_a_list_and_names_lists_and_columns(stack):
    """The sidecar sends the first ``rows`` of each list (50 unless asked) and the full counts: the page asks for
    the 200 it shows (it showed 50 and said "The first 200 of …", or nothing when a list had 51-200 rows)."""
    stack.woo_client().batch_products(create=[{"name": f"Store only {n}", "sku": f"STORE-ONLY-{n:03d}"}
                                              for n in range(60)])
    out = php_call(stack.sidecar.url, SHARED_SECRET, "catalog-view")
    assert out["ok"] is True, out
    html = out["body"]["html"]
    section = html.split('<h3 id="nssync-list-woocommerce_sku_without_netsuite_item">', 1)[1].split("<h3", 1)[0]
    assert section.count("<td>STORE-ONLY-") == 60 and "The first" not in section
    assert section.startswith("Store SKUs with no NetSuite item</h3>")
    assert "<th>SKU</th><th>Product ID</th><th>NetSuite internal ID</th><th>Detail</th>" in section


def test_test_connection_shows_the_likely_causes_of_a_refused_netsuite_login(stack):
    """The sidecar diagnoses a refused login with ``likely_causes`` as ``{"audit_code", "cause"}`` objects; the
    plugin kept only strings, so the shop owner saw no cause at all."""
    assert stack.api.put("/v1/credentials", {"netsuite": {"token_secret": "not-the-token-secret"}}).status_code == 200
    out = php_call(stack.sidecar.url, SHARED_SECRET, "test-connection")
    ajax = out["body"]["ajax"]
    assert ajax["success"] is True, ajax
    sidecar_causes = ajax["data"]["netsuite"]["diagnosis"]["likely_causes"]
    (row, woo) = ajax["data"]["rows"]
    assert row["system"] == "netsuite" and row["ok"] is False and woo["ok"] is True
    assert len(row["causes"]) == len(sidecar_causes) > 0
    assert row["causes"][0] == f"{sidecar_causes[0]['cause']} (Login Audit Trail: {sidecar_causes[0]['audit_code']})"


def test_a_failed_export_in_the_order_box_carries_the_sidecars_own_hint(stack):
    """The box shows the same fix as the error queue: the sidecar's hint for the order's last error (the plugin
    matched the text against a table of its own, which said other things or nothing)."""
    woo = stack.woo_client()
    woo.post("products", {"name": "Store only", "sku": "STORE-ONLY", "regular_price": "5.00"})
    order = stack.place({"billing": {"first_name": "A", "last_name": "B", "email": "a@example.com", "country": "US"},
                         "line_items": [{"sku": "STORE-ONLY", "quantity": 1}], "set_paid": True})
    stack.settle()
    out = php_call(stack.sidecar.url, SHARED_SECRET, "order-box", str(order["id"]))
    assert out["ok"] is True, out
    state, html = out["body"]["state"], out["body"]["html"]
    assert state["status"] == "failed" and "has no NetSuite item" in state["last_error"], state
    assert state["hint"] and unescape(state["hint"]) in unescape(html)


def test_the_status_section_shows_the_webhooks_the_watchdog_found(stack):
    """``webhooks`` of /v1/status (the watchdog's last check) was not shown anywhere in wp-admin."""
    res = stack.api.post("/v1/sync/webhooks")
    assert res.status_code in (200, 202), res.get_json()
    stack.settle()
    out = php_call(stack.sidecar.url, SHARED_SECRET, "status-view")
    hooks = out["body"]["status"]["webhooks"]["webhooks"]
    assert hooks and all(h["status"] == "active" for h in hooks), hooks
    assert (f'<th>WooCommerce webhooks</th><td><mark class="nssync-state nssync-state-done">{len(hooks)} of '
            f"{len(hooks)} active</mark>") in out["body"]["html"]


def test_the_order_box_tells_a_netsuite_close_from_the_sidecars_own_record(stack):
    """The box reads the cancellation as the sidecar records it (``by``, ``state``, what it found in the store):
    a sales order closed in NetSuite reads as that, not as a cancellation sent to NetSuite."""
    (order,) = placed(stack, settle=True)
    so = stack.sales_order_for(order["id"])
    stack.ns_control("POST", "close", {"salesOrderId": so["id"]})
    res = stack.api.post("/v1/sync/cancellations")
    assert res.status_code in (200, 202), res.get_json()
    stack.settle()
    out = php_call(stack.sidecar.url, SHARED_SECRET, "order-box", str(order["id"]))
    assert out["ok"] is True, out
    assert out["body"]["state"]["cancellation"]["by"] == "netsuite"
    assert "Sales order closed in NetSuite; this order was cancelled" in out["body"]["html"]


def test_the_order_box_shows_a_refund_and_the_newest_history_as_the_sidecar_records_them(stack):
    """A refund row carries no status (a failed refund is a failed job): the box names the record, the amount, the
    WooCommerce refund and when — not "Unknown"; the history is newest first, with what the sidecar did."""
    stack.api.put("/v1/settings", {"refunds": {"item_id": stack.seed["fee"]}})
    (order,) = placed(stack, settle=True)
    refund = stack.woo_client().create_refund(order["id"], amount="4.99", reason="late delivery")
    stack.settle()
    out = php_call(stack.sidecar.url, SHARED_SECRET, "order-box", str(order["id"]))
    assert out["ok"] is True, out
    state, html = out["body"]["state"], out["body"]["html"]
    (row,) = state["refunds"]
    assert row["refund_id"] == refund["id"] and row["synced_at"]
    assert f"{row['ns_number']} · credit memo · 4.99 · refund #{refund['id']} · <time" in html
    assert "Unknown" not in html
    topics = [h["topic"] for h in state["history"]]
    assert len(topics) >= 2 and topics[-1] == "order.created", topics  # newest first
    items = html.split('<ul class="nssync-history">', 1)[1].split("</ul>", 1)[0].split("<li>")[1:]
    shown = [unescape(re.sub(r" · <time.*", "", li)) for li in items]
    in_words = {h["topic"]: h["topic"].replace(".", " ").capitalize() for h in state["history"]}  # Order updated
    assert shown == [f"{in_words[h['topic']]} · Done · {h['outcome']}" for h in state["history"]][:8]


def test_a_failed_refund_leaves_the_order_box_exported_with_the_refunds_own_failure_and_retry(stack):
    """Seen on a real store: a refund that failed (refunds.item_id not set) made the box say "Failed SO3" though the
    sales order was fine. The box keeps "Exported as SO…" and shows the refund's failure as its own line, with the
    sidecar's hint and a Retry for the failed jobs (the hint says "then press Retry"; the box had no such button)."""
    (order,) = placed(stack, settle=True)
    stack.woo_client().create_refund(order["id"], amount="4.99", reason="late delivery")
    stack.settle()
    out = php_call(stack.sidecar.url, SHARED_SECRET, "order-box", str(order["id"]))
    assert out["ok"] is True, out
    state, html = out["body"]["state"], out["body"]["html"]
    assert (state["status"], state["export_status"]) == ("failed", "exported"), state
    assert "refunds.item_id" in state["last_error"] and "Retry" in state["hint"]
    assert state["failure"]["topics"] and state["failure"]["job_ids"], state["failure"]  # the refund's job(s)
    export_line = html.split('<p class="nssync-export">', 1)[1].split("</p>", 1)[0]
    assert export_line.startswith(f'<mark class="nssync-state nssync-state-exported">Exported as {state["ns_number"]}</mark>')
    failure_line = html.split('<p class="nssync-failure">', 1)[1].split("</p>", 1)[0]
    assert failure_line.startswith('<mark class="nssync-state nssync-state-failed">Failed</mark> '
                                   + ", ".join(state["failure"]["topics"]) + " · <time")
    assert unescape(state["hint"]) in unescape(html)
    ids = ",".join(str(i) for i in state["failure"]["job_ids"])
    assert f'class="button nssync-job" data-job-ids="{ids}" data-verb="retry">Retry</button>' in html
    # The fix, then the box's Retry (admin-ajax nssync_job_action with the button's ids): the refund is recorded.
    assert stack.api.put("/v1/settings", {"refunds": {"item_id": stack.seed["fee"]}}).status_code == 200
    retried = php_call(stack.sidecar.url, SHARED_SECRET, "job-action", "retry", ids)
    assert retried["body"]["ajax"]["success"] is True, retried
    stack.settle()
    after = php_call(stack.sidecar.url, SHARED_SECRET, "order-box", str(order["id"]))["body"]
    assert after["state"]["failure"] is None and len(after["state"]["refunds"]) == 1, after["state"]
    assert "nssync-failure" not in after["html"] and "nssync-job" not in after["html"]


def test_looking_at_an_order_again_and_again_is_one_history_line(stack):
    """Seen on a real store (HPOS): every look at the order saves it, every save is an order.updated the sidecar
    finds "Already up to date.", and the History filled with such rows. The box folds consecutive ones into one
    line; the sidecar's answer keeps every job."""
    import uuid

    (order,) = placed(stack, settle=True)
    for _ in range(10):  # ten looks at the order: ten order.updated events, one after the other
        res = stack.api.post("/v1/events", {"id": str(uuid.uuid4()), "topic": "order.updated",
                                            "resource_id": order["id"], "occurred_at": "2026-12-05T09:00:00Z",
                                            "payload": {"id": order["id"]}})
        assert res.status_code == 202, res.get_json()
        stack.settle()
    out = php_call(stack.sidecar.url, SHARED_SECRET, "order-box", str(order["id"]))
    assert out["ok"] is True, out
    state, html = out["body"]["state"], out["body"]["html"]
    checks = [h for h in state["history"] if h["outcome"] == "Already up to date."]
    assert len(checks) >= 10 and len(state["history"]) == len(checks) + 1, state["history"]  # + the export
    items = html.split('<ul class="nssync-history">', 1)[1].split("</ul>", 1)[0].split("<li>")[1:]
    shown = [unescape(re.sub(r" · <time.*", "", li)) for li in items]
    export = state["history"][-1]
    topic_words = {"order.updated": "Order updated", "order.created": "Order created"}
    assert shown == [f"Order updated · {len(checks)} checks found nothing to change",
                     f"{topic_words[export['topic']]} · Done · {export['outcome']}"], shown


def test_the_order_box_preview_through_the_plugin_writes_nothing(stack):
    from tests.flows.test_preview_e2e import writes

    (order,) = placed(stack)
    before = writes(stack)
    out = php_call(stack.sidecar.url, SHARED_SECRET, "preview-order", str(order["id"]))
    assert out["ok"] is True, out
    ajax, raw = out["body"]["ajax"], out["body"]["raw"]
    assert ajax["success"] is True and ajax["data"]["ok"] is True and ajax["data"]["problems"] == 0
    assert raw["would"] == "create" and raw["sales_order"]["externalId"] == f"woo-e2e-order-{order['id']}"
    html = ajax["data"]["html"]
    assert "Would go through" in html and "Exporting would create this sales order in NetSuite." in html
    assert "A new NetSuite customer would be created" in html and "guest60@example.com" in html
    assert f"woo-e2e-order-{order['id']}" in html  # the body, pretty-printed
    assert writes(stack) == before and stack.sales_order_for(order["id"]) is None


def test_a_missing_order_preview_reaches_the_plugin_as_its_problem(stack):
    out = php_call(stack.sidecar.url, SHARED_SECRET, "preview-order", "999999")
    ajax = out["body"]["ajax"]
    assert ajax["success"] is True and ajax["data"]["ok"] is False
    assert "Order 999999 does not exist in WooCommerce." in ajax["data"]["html"]


def test_without_woocommerce_credentials_the_preview_error_is_a_readable_message(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "preview-order", "1043")
    ajax = out["body"]["ajax"]
    assert ajax["success"] is False
    message = ajax["data"]["message"]
    assert message.startswith("The sidecar could not make the preview: woocommerce credentials are not stored yet")
    assert "Connection" in message  # says where to fix it


def test_try_these_settings_through_the_plugin_saves_nothing_and_a_refusal_lands_on_its_field(stack):
    from tests.flows.test_preview_e2e import writes

    placed(stack, 3)
    before = writes(stack)
    out = php_call(stack.sidecar.url, SHARED_SECRET, "preview-settings")
    assert out["ok"] is True, out
    good, bad = out["body"]["good"], out["body"]["bad"]
    assert good["success"] is True, good
    assert good["data"]["orders"] == 2 and good["data"]["problems"] == 0
    assert "Tried on 2 orders: 2 would go through, 0 would fail." in good["data"]["html"]
    assert bad["success"] is False and list(bad["data"]["field_errors"]) == ["nssync_orders__shipping_item_id"]
    assert out["body"]["unchanged"] is True and writes(stack) == before


def test_a_reconciliation_started_and_followed_from_wp_admin_with_its_fix_and_csv(stack):
    import datetime as dt

    orders = placed(stack, 2, settle=True)
    assert stack.api.put("/v1/settings", {"reconcile": {"stock": False}}).status_code == 200  # orders only here
    so = stack.sales_order_for(orders[0]["id"])
    stack.ns_control("PATCH", f"records/salesOrder/{so['id']}", {"externalId": "made-by-hand-1",
                                                                   "otherRefNum": "PO-77"})
    from sidecar.store.models import Link

    Link.delete().where((Link.entity == "order") & (Link.woo_id == str(orders[0]["id"]))).execute()  # as if lost
    today = dt.date.today()
    start = php_call(stack.sidecar.url, SHARED_SECRET, "reconcile-start", (today - dt.timedelta(days=7)).isoformat(),
                     (today + dt.timedelta(days=1)).isoformat())
    ajax = start["body"]["ajax"]
    assert ajax["success"] is True, ajax
    report_id = ajax["data"]["report_id"]
    assert start["body"]["last_report"] == report_id and ajax["data"]["status"] == "pending"
    stack.settle()
    out = php_call(stack.sidecar.url, SHARED_SECRET, "reconcile-report", str(report_id))
    assert out["ok"] is True, out
    report = out["body"]["ajax"]["data"]
    assert report["finished"] is True and report["status"] == "done"
    raw = out["body"]["raw"]
    missing = [i for i, f in enumerate(raw["findings"]) if f["kind"] == "missing_in_netsuite"]
    assert [raw["findings"][i]["woo_id"] for i in missing] == [orders[0]["id"]]
    assert "Missing in NetSuite" in report["html"] and f'data-findings="{missing[0]}"' in report["html"]
    assert out["body"]["csv"].splitlines()[0].startswith("kind,number,woo_id")
    assert out["body"]["filename"].startswith(f"netsuite-reconciliation-{report_id}-")
    fix = out["body"]["fix"]["data"]
    assert fix["fixed"] == missing and fix["message"] == "Done: 1 fix applied."
    stack.settle()
    assert stack.sales_order_for(orders[0]["id"]) is not None  # re-queued and exported


def test_a_bad_window_from_wp_admin_is_refused_before_the_sidecar(sidecar):
    out = php_call(sidecar.url, SHARED_SECRET, "reconcile-start", "2026-12-04", "2026-12-01")
    assert out["body"]["ajax"]["success"] is False and out["body"]["ajax"]["status"] == 400
    assert out["body"]["last_report"] == 0

