"""The error queue, runs, API log, status and metrics endpoints."""

from __future__ import annotations

import pytest

from sidecar.pipeline import counters
from sidecar.pipeline.intake import NewEvent, accept
from sidecar.pipeline.queue import huey
from sidecar.pipeline.registry import reset_registry
from sidecar.store.apilog import record_api_call
from sidecar.store.models import Event, SyncRun
from tests.conftest import SignedClient, make_config


@pytest.fixture
def api(tmp_path, any_db_url):
    from sidecar.api.app import create_app

    reset_registry()
    app = create_app(make_config(tmp_path, any_db_url))
    app.testing = True
    yield SignedClient(app.test_client())
    reset_registry()
    from sidecar.store.db import database

    database.close()


def make_events(statuses: list[str]) -> list[int]:
    ids = []
    for n, status in enumerate(statuses):
        event, _ = accept(NewEvent(key=f"k{n}", source="plugin", topic="order.created", resource_id=str(n)))
        Event.update(status=status, last_error="NetSuite: unknown item SKU HW-1" if status == "failed" else None
                     ).where(Event.id == event.id).execute()
        ids.append(event.id)
    huey.flush()
    return ids


def test_jobs_are_listed_newest_first_filtered_and_paged(api):
    ids = make_events(["done", "failed", "failed", "pending", "failed"])
    failed = api.get("/v1/jobs?status=failed&limit=2").get_json()
    assert [j["id"] for j in failed["jobs"]] == [ids[4], ids[2]]
    assert (failed["total"], failed["limit"], failed["offset"]) == (3, 2, 0)
    assert failed["jobs"][0]["last_error"] == "NetSuite: unknown item SKU HW-1"
    assert [j["id"] for j in api.get("/v1/jobs?status=failed&limit=2&offset=2").get_json()["jobs"]] == [ids[1]]
    assert api.get("/v1/jobs").get_json()["total"] == 5
    assert api.get(f"/v1/jobs/{ids[0]}").get_json()["status"] == "done"


@pytest.mark.parametrize("query, field", [("status=broken", "status"), ("limit=0", "limit"),
                                          ("limit=abc", "limit"), ("offset=-1", "offset")])
def test_bad_list_parameters_are_422_naming_them(api, query, field):
    resp = api.get(f"/v1/jobs?{query}")
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == field


def test_skip_closes_a_failed_job_and_retry_queues_it_again(api):
    failed, done, running = make_events(["failed", "done", "running"])
    skipped = api.post(f"/v1/jobs/{failed}/skip")
    assert skipped.status_code == 200 and skipped.get_json()["status"] == "skipped"
    assert skipped.get_json()["outcome"] == "Skipped by a person."
    retried = api.post(f"/v1/jobs/{failed}/retry")
    assert retried.status_code == 202 and retried.get_json()["attempts"] == 0
    assert huey.dequeue().args == (failed,)
    for job_id, action in ((done, "retry"), (done, "skip"), (running, "retry"), (running, "skip")):
        resp = api.post(f"/v1/jobs/{job_id}/{action}")
        assert resp.status_code == 409 and resp.get_json()["error"]["field"] == "status"
    assert huey.pending_count() == 0


@pytest.mark.parametrize("path", ["/v1/jobs/4242", "/v1/jobs/99999999999999999999999", "/v1/runs/4242",
                                  "/v1/runs/99999999999999999999999"])
def test_unknown_ids_are_404(api, path):
    assert api.get(path).status_code == 404
    if path.startswith("/v1/jobs"):
        assert api.post(path + "/retry").status_code == 404


def test_sync_now_answers_202_with_a_run_id_and_then_the_same_run(api):
    first = api.post("/v1/sync/orders")
    assert first.status_code == 202
    run = SyncRun.get_by_id(first.get_json()["run_id"])
    assert (run.flow, run.trigger, run.status) == ("orders", "manual", "pending")
    again = api.post("/v1/sync/orders")
    assert again.status_code == 200 and again.get_json()["run_id"] == run.id
    unknown = api.post("/v1/sync/teleport")
    assert unknown.status_code == 404 and "teleport" in unknown.get_json()["error"]["message"]
    assert SyncRun.select().count() == 1


def test_runs_are_listed_newest_first_with_counts(api):
    SyncRun.create(flow="orders", trigger="schedule", status="done", seen=10, changed=2)
    SyncRun.create(flow="inventory", trigger="manual", status="failed", errors=[f"e{i}" for i in range(5)])
    listed = api.get("/v1/runs").get_json()
    assert [(r["flow"], r["status"]) for r in listed["runs"]] == [("inventory", "failed"), ("orders", "done")]
    assert listed["runs"][0]["errors"] == ["e0", "e1", "e2"]  # the first few in the list
    one = listed["runs"][0]["id"]
    assert len(api.get(f"/v1/runs/{one}").get_json()["errors"]) == 5
    assert [r["flow"] for r in api.get("/v1/runs?flow=orders").get_json()["runs"]] == ["orders"]


def test_the_api_log_is_newest_first_filtered_by_system_and_status(api):
    record_api_call("netsuite", "get", "/record/v1/salesOrder/1", 200, 120)
    record_api_call("woocommerce", "get", "/wc/v3/orders?consumer_secret=cs_abcdef123456", 401, 80, "refused")
    record_api_call("netsuite", "post", "/record/v1/salesOrder", 429, 30, "too many requests")
    record_api_call("netsuite", "post", "/record/v1/salesOrder", None, 30000, "timed out")
    calls = api.get("/v1/log").get_json()
    assert [c["status"] for c in calls["calls"]] == [None, 429, 401, 200]
    assert "cs_abcdef123456" not in str(calls)
    assert [c["status"] for c in api.get("/v1/log?system=netsuite&status=error").get_json()["calls"]] == [None, 429]
    assert [c["status"] for c in api.get("/v1/log?status=ok").get_json()["calls"]] == [200]
    assert [c["method"] for c in api.get("/v1/log?status=429").get_json()["calls"]] == ["POST"]
    assert api.get("/v1/log?limit=1&offset=1").get_json()["calls"][0]["status"] == 429
    assert api.get("/v1/log?status=teapot").status_code == 422
    assert api.get("/v1/log?system=sap").status_code == 422


def test_status_shows_queue_failures_flows_and_connections(api):
    make_events(["pending", "pending", "running", "failed", "done"])
    SyncRun.create(flow="orders", trigger="schedule", status="done", seen=4)
    record_api_call("netsuite", "get", "/record/v1/customer/1", 200, 50)
    record_api_call("woocommerce", "get", "/wc/v3/orders", 503, 50, "Service Unavailable")
    api.put("/v1/credentials", {"woocommerce": {"url": "https://shop.example", "consumer_key": "ck_x",
                                                "consumer_secret": "cs_y"}})
    status = api.get("/v1/status").get_json()
    assert status["queue"] == {"depth": 3, "pending": 2, "running": 1}
    assert status["failed"] == 1
    assert status["flows"]["orders"]["seen"] == 4 and status["flows"]["webhooks"] is None
    assert status["connections"]["netsuite"]["state"] == "ok"
    assert status["connections"]["netsuite"]["configured"] is False
    woo = status["connections"]["woocommerce"]
    assert (woo["state"], woo["configured"], woo["last_call"]["status"]) == ("error", True, 503)
    assert "cs_y" not in str(status)


def test_metrics_count_accepted_duplicates_outcomes_and_queue_depth(api):
    accept(NewEvent(key="a", source="plugin", topic="order.created", resource_id="1"))
    accept(NewEvent(key="a", source="plugin", topic="order.created", resource_id="1"))
    accept(NewEvent(key="b", source="webhook", topic="order.updated", resource_id="2"))
    counters.incr("events.done", 5)
    counters.incr("events.failed")
    counters.incr("events.retried", 3)
    text = api.client.get("/metrics").get_data(as_text=True)
    for line in ('nssync_events_accepted_total{source="plugin"} 1.0',
                 'nssync_events_accepted_total{source="webhook"} 1.0',
                 "nssync_events_duplicate_total 1.0", "nssync_events_done_total 5.0",
                 "nssync_events_failed_total 1.0", "nssync_events_retried_total 3.0", "nssync_queue_depth 2.0",
                 'nssync_events{status="pending"} 2.0'):
        assert line in text.splitlines()


def test_the_jobs_and_sync_commands_act_through_the_running_sidecars_api(api, live_server_factory, monkeypatch,
                                                                          capsys):
    """The CLI talks to the sidecar it is pointed at, never to a database of its own: here its environment names
    another database that does not exist, and every change still lands in the running sidecar's."""
    from sidecar.cli import main
    from sidecar.store.runtime import get_runtime

    config = get_runtime().config
    server = live_server_factory(api.client.application)
    url = server.url.removeprefix("http://")
    monkeypatch.setenv("SIDECAR_DATABASE_URL", "sqlite:////nonexistent/elsewhere.db")
    monkeypatch.setenv("SIDECAR_SHARED_SECRET", config.shared_secret)
    failed, = make_events(["failed"])
    assert main(["jobs", "list", "--status", "failed", "--url", url]) == 0
    assert f'"id": {failed}' in capsys.readouterr().out
    assert main(["jobs", "retry", str(failed), "--url", url]) == 0
    assert Event.get_by_id(failed).status == "pending"
    assert main(["jobs", "retry", str(failed), "--url", url]) == 1  # pending: nothing to retry
    assert main(["sync", "teleport", "--url", url]) == 2
    assert main(["sync", "orders", "--url", url]) == 0
    assert "queued" in capsys.readouterr().out
    assert SyncRun.select().where(SyncRun.flow == "orders").count() == 1


def test_cli_commands_with_no_sidecar_running_say_so_in_one_line(monkeypatch, capsys, tmp_path):
    from sidecar.cli import main

    monkeypatch.setenv("SIDECAR_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SIDECAR_SHARED_SECRET", "x" * 32)
    for argv in (["status"], ["sync", "orders"], ["jobs", "list"]):
        assert main([*argv, "--url", "127.0.0.1:9"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "did not answer" in err and "Traceback" not in err


def test_an_order_exported_after_a_failure_shows_no_error(api):
    """Seen on a real store: the order was exported by "Send to NetSuite again" once its item existed, yet
    GET /v1/orders/<id> still carried the first attempt's "has no NetSuite item"."""
    from sidecar.store import binder

    def event(key: str, topic: str, status: str) -> None:
        made, _ = accept(NewEvent(key=key, source="plugin", topic=topic, resource_id="67"))
        Event.update(status=status, last_error="SKU CAP-3 has no NetSuite item" if status == "failed" else None
                     ).where(Event.id == made.id).execute()

    event("a", "order.created", "failed")
    huey.flush()
    failed = api.get("/v1/orders/67").get_json()
    assert (failed["status"], failed["last_error"]) == ("failed", "SKU CAP-3 has no NetSuite item")
    event("b", "order.updated", "done")
    binder.bind("order", 67, "48", ns_number="SO48")
    huey.flush()
    exported = api.get("/v1/orders/67").get_json()
    assert (exported["status"], exported["ns_number"], exported["last_error"]) == ("exported", "SO48", None)


def test_a_failed_refund_keeps_the_export_state_and_names_its_own_failure(api):
    """Seen on a real store: a refund that failed (refunds.item_id not set) made the box say "Failed SO3" though
    the sales order was fine. ``status`` keeps its meaning (the newest event failed) for older plugins; the export
    state is ``export_status`` and the later job's failure is ``failure``: its jobs, topics and time."""
    from sidecar.store import binder

    refund_error = "Refund 18: an amount-only refund needs a NetSuite item: set refunds.item_id"
    ids = {}
    for key, topic, status in (("a", "order.created", "done"), ("b", "order.refunded", "failed"),
                               ("c", "order.updated", "failed")):
        made, _ = accept(NewEvent(key=key, source="plugin", topic=topic, resource_id="3"))
        Event.update(status=status, last_error=refund_error if status == "failed" else None
                     ).where(Event.id == made.id).execute()
        ids[topic] = made.id
    binder.bind("order", 3, "3", ns_number="SO3")
    huey.flush()
    state = api.get("/v1/orders/3").get_json()
    assert (state["status"], state["export_status"], state["ns_number"]) == ("failed", "exported", "SO3")
    assert state["last_error"] == refund_error and state["hint"]
    failure = state["failure"]
    assert failure["job_ids"] == [ids["order.refunded"], ids["order.updated"]]
    assert failure["topics"] == ["order.refunded", "order.updated"]
    assert failure["at"] == state["history"][0]["at"]


def test_an_export_that_failed_is_its_own_failure_and_a_success_clears_it(api):
    made, _ = accept(NewEvent(key="x", source="plugin", topic="order.created", resource_id="9"))
    Event.update(status="failed", last_error="SKU CAP-3 has no NetSuite item").where(Event.id == made.id).execute()
    huey.flush()
    state = api.get("/v1/orders/9").get_json()
    assert (state["status"], state["export_status"]) == ("failed", "failed")
    assert state["failure"]["job_ids"] == [made.id] and state["failure"]["topics"] == ["order.created"]
    Event.update(status="done", last_error=None).where(Event.id == made.id).execute()
    state = api.get("/v1/orders/9").get_json()
    assert (state["export_status"], state["failure"]) == ("not_exported", None)
