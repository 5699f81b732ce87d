"""NetSuite unavailable: the worker waits an outage out without spending attempts, up to retry.outage_hours.

The outage clock (``sidecar.pipeline.outage.now``) is simulated: every failed attempt moves it on, so a day-long
outage takes a fraction of a second; the backoff itself is shortened with SIDECAR_RETRY_BASE_S/MAX_S.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sidecar.clients.netsuite_errors import NetSuiteTimeout, error_from_response
from sidecar.pipeline import counters, outage
from sidecar.pipeline.registry import reset_registry
from sidecar.store.models import Event, utcnow
from sidecar.store.settings import update_settings
from tests import pipeline_handlers as handlers
from tests.test_pipeline_worker import new_event, pipeline  # noqa: F401 - the fixture

T0 = dt.datetime(2026, 12, 5, 1, 0, 0)
BODY_503 = {"type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.4", "title": "Service Unavailable",
            "status": 503, "o:errorDetails": [{"detail": "NetSuite is down for scheduled maintenance.",
                                               "o:errorCode": "UNEXPECTED_ERROR"}]}


def netsuite_failure(kind: str) -> Exception:
    """What the NetSuite client raises: a 503, a 429, no connection, a 400 validation error, a 401."""
    if kind == "connection":
        return NetSuiteTimeout("NetSuite connection failed (ConnectionError)", code="ConnectionError")
    if kind == "429":
        return error_from_response(429, {"o:errorDetails": [{"detail": "Too many concurrent requests.",
                                                             "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}]})
    if kind == "400":
        return error_from_response(400, {"o:errorDetails": [{"detail": "Invalid value for subsidiary.",
                                                             "o:errorCode": "USER_ERROR",
                                                             "o:errorPath": "subsidiary"}]})
    if kind == "401":
        return error_from_response(401, {"o:errorDetails": [{"detail": "Invalid login attempt.",
                                                             "o:errorCode": "INVALID_LOGIN"}]})
    return error_from_response(503, BODY_503)


class Outage:
    """NetSuite down from T0: each failed call is ``step`` later on the outage clock; back after ``calls``."""

    def __init__(self, kind: str = "503", step: dt.timedelta = dt.timedelta(minutes=15), calls: int | None = None):
        self.kind, self.step, self.calls, self.failed = kind, step, calls, 0

    def clock(self) -> dt.datetime:
        return T0 + self.step * max(self.failed - 1, 0)  # the time of the latest failure

    def handler(self, event, ctx):
        if self.calls is None or self.failed < self.calls:
            self.failed += 1
            raise netsuite_failure(self.kind)
        return handlers.count(event, ctx)


@pytest.fixture
def down(pipeline, monkeypatch):  # noqa: F811 - the imported fixture
    """NetSuite down for the test's event topic (order.updated); fast backoff; a simulated outage clock."""
    monkeypatch.setenv("SIDECAR_RETRY_MAX_S", "0.004")

    def start(**kw) -> Outage:
        state = Outage(**kw)
        monkeypatch.setattr(outage, "now", state.clock)
        monkeypatch.setitem(handlers.TOPICS, "order.updated", state.handler)
        reset_registry()
        return state

    return start


@pytest.mark.parametrize("kind", ["503", "429", "connection"])
def test_an_outage_longer_than_every_attempt_spends_none_and_the_event_completes_once(down, kind):
    update_settings({"jobs": {"max_attempts": 3}})
    state = down(kind=kind, calls=20)  # 20 failures, 15 min apart: 5 h, far beyond 3 attempts' backoff
    event = new_event("order.updated")
    handlers.drain()
    event = Event.get_by_id(event.id)
    assert (event.status, event.attempts, state.failed) == ("done", 1, 20)
    assert handlers.effects() == {event.id: 1}
    assert (event.outage_retries, event.outage_since) == (20, T0)  # kept for the record; a done job is not waiting
    seen = counters.read_all()
    assert (seen["events.outage_waits"], seen["events.retried"], seen["events.failed"]) == (20, 0, 0)


def test_past_outage_hours_the_event_fails_with_a_readable_reason(down, pipeline):  # noqa: F811
    update_settings({"retry": {"outage_hours": 2}})
    state = down(step=dt.timedelta(minutes=50))  # never comes back
    event = new_event("order.updated")
    handlers.drain()
    event = Event.get_by_id(event.id)
    assert (event.status, event.attempts, state.failed) == ("failed", 1, 4)  # at 0, 50, 100 min wait; 150 fails
    assert event.last_error == ("NetSuite unreachable for 2 h: netsuite 503 UNEXPECTED_ERROR: NetSuite is down "
                                "for scheduled maintenance.")
    assert counters.read_all()["events.outage_failed"] == 1
    job = pipeline.get(f"/v1/jobs/{event.id}").get_json()
    assert job["hint"].startswith("NetSuite did not answer for longer than retry.outage_hours.")


@pytest.mark.parametrize("kind,error", [
    ("400", "netsuite 400 USER_ERROR: Invalid value for subsidiary. (field subsidiary)"),
    ("401", "netsuite 401 INVALID_LOGIN: Invalid login attempt."),
])
def test_a_validation_or_auth_error_is_no_outage_and_fails_as_before(down, kind, error):
    down(kind=kind)
    event = new_event("order.updated")
    handlers.drain()
    event = Event.get_by_id(event.id)
    assert (event.status, event.attempts, event.outage_since) == ("failed", 1, None)
    assert event.last_error.startswith(error)
    assert counters.read_all().get("events.outage_waits", 0) == 0


def test_another_passing_failure_spends_attempts_and_ends_the_outage_run(down, monkeypatch):
    """An outage, then NetSuite answers but something else fails: attempts count again (max 3), and the outage
    clock restarts at the next outage."""
    update_settings({"jobs": {"max_attempts": 3}})
    state = down(calls=2)

    def then_broken(event, ctx):
        if state.failed < 2:
            return state.handler(event, ctx)
        raise RuntimeError("WooCommerce answered 502 Bad Gateway")

    monkeypatch.setitem(handlers.TOPICS, "order.updated", then_broken)
    reset_registry()
    event = new_event("order.updated")
    handlers.drain()
    event = Event.get_by_id(event.id)
    assert (event.status, event.attempts) == ("failed", 3)
    assert event.last_error == "Gave up after 3 attempts. Last error: RuntimeError: WooCommerce answered 502 Bad Gateway"
    assert (event.outage_since, event.outage_retries) == (None, 0)
    assert counters.read_all()["events.outage_waits"] == 2


def test_a_waiting_event_shows_in_status_metrics_and_its_job(down, pipeline):  # noqa: F811
    from sidecar.pipeline import worker
    from sidecar.pipeline.enqueue import REQUEUE
    from sidecar.pipeline.queue import huey

    down()
    event = new_event("order.updated")
    huey.dequeue()
    worker.process_event(event.id, REQUEUE)
    event = Event.get_by_id(event.id)
    assert (event.status, event.attempts, event.outage_since, event.outage_retries) == ("pending", 0, T0, 1)
    assert event.next_attempt_at > utcnow() - dt.timedelta(seconds=1)
    status = pipeline.get("/v1/status").get_json()
    assert status["netsuite_outage"] == {"waiting": 1, "since": "2026-12-05T01:00:00+00:00"}
    job = pipeline.get(f"/v1/jobs/{event.id}").get_json()
    assert job["netsuite_outage_since"] == "2026-12-05T01:00:00+00:00" and job["attempts"] == 0
    metrics = pipeline.client.get("/metrics").get_data(as_text=True)
    assert "nssync_events_waiting_for_netsuite 1.0" in metrics and "nssync_events_outage_waits_total 1.0" in metrics
    answer = pipeline.post(f"/v1/jobs/{event.id}/skip")
    assert answer.status_code in (200, 202), answer.get_json()


def test_a_manual_retry_starts_a_fresh_outage_clock(down, pipeline):  # noqa: F811
    update_settings({"retry": {"outage_hours": 1}})
    down(step=dt.timedelta(minutes=40))
    event = new_event("order.updated")
    handlers.drain()
    assert Event.get_by_id(event.id).status == "failed"
    assert pipeline.post(f"/v1/jobs/{event.id}/retry").status_code == 202
    retried = Event.get_by_id(event.id)
    assert (retried.status, retried.outage_since, retried.outage_retries) == ("pending", None, 0)


def test_outage_hours_is_a_setting_with_its_default_and_validated(pipeline):  # noqa: F811
    assert pipeline.get("/v1/settings").get_json()["retry"] == {"outage_hours": 24.0}
    for bad in (0, -1, 721, "soon", None):
        res = pipeline.put("/v1/settings", {"retry": {"outage_hours": bad}})
        assert res.status_code == 422, (bad, res.get_json())
        assert "retry.outage_hours" in str(res.get_json()), res.get_json()
    ok = pipeline.put("/v1/settings", {"retry": {"outage_hours": 6}})
    assert ok.status_code == 200 and ok.get_json()["retry"]["outage_hours"] == 6.0


def test_migration_110_adds_the_outage_columns_to_an_existing_event_table(any_db_url):
    from playhouse.migrate import SchemaMigrator, migrate

    from sidecar.store import migrations
    from sidecar.store.db import connect_database

    db = connect_database(any_db_url)
    db.connect()
    migrations.migrate(db)
    migrate(*[SchemaMigrator.from_database(db).drop_column("event", name) for name in ("outage_since", "outage_retries")])
    migrations.SchemaVersion.delete().where(migrations.SchemaVersion.version == 110).execute()
    db.execute_sql("INSERT INTO event (key, source, topic, status, attempts, created_at, updated_at) "
                   "VALUES ('old', 'plugin', 'order.created', 'pending', 2, '2026-12-01 00:00:00', '2026-12-01 00:00:00')")
    assert migrations.migrate(db) == [110]
    old = Event.get(Event.key == "old")
    assert (old.outage_since, old.outage_retries, old.attempts) == (None, 0, 2)
    db.close()
