"""``POST /v1/events``: the plugin's signed envelope → an Event row and its huey task, or a 4xx that stores
nothing."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
import requests

from sidecar.pipeline.queue import huey
from sidecar.security import signed_headers
from sidecar.store.models import Event
from tests.conftest import SHARED_SECRET, SignedClient, make_config


@pytest.fixture
def api(tmp_path, any_db_url):
    from sidecar.api.app import create_app

    app = create_app(make_config(tmp_path, any_db_url))
    app.testing = True
    yield SignedClient(app.test_client())
    from sidecar.store.db import database

    database.close()


def envelope(**changes) -> dict:
    base = {"id": str(uuid.uuid4()), "topic": "order.created", "resource_id": 1043,
            "occurred_at": "2026-11-28T10:15:00+01:00", "payload": {"id": 1043, "status": "processing"}}
    base.update(changes)
    return base


def stored() -> tuple[int, int]:
    return Event.select().count(), huey.pending_count()


def test_an_event_is_stored_with_its_job_and_answered_202(api):
    body = envelope()
    resp = api.post("/v1/events", body)
    assert resp.status_code == 202
    event = Event.get_by_id(resp.get_json()["event_id"])
    assert resp.get_json() == {"event_id": event.id, "status": "pending"}
    assert (event.key, event.source, event.topic, event.resource_id) == (
        f"plugin:{body['id']}", "plugin", "order.created", "1043")
    assert event.occurred_at.isoformat() == "2026-11-28T09:15:00"  # stored as UTC
    assert event.payload == {"id": 1043, "status": "processing"}
    task = huey.dequeue()
    assert task.name.endswith("process_event") and task.args == (event.id,)


def test_a_repeated_id_answers_200_with_the_first_event_and_queues_nothing(api):
    body = envelope()
    first = api.post("/v1/events", body).get_json()["event_id"]
    again = api.post("/v1/events", {**body, "topic": "order.updated"})
    assert again.status_code == 200
    assert again.get_json() == {"event_id": first, "status": "pending", "duplicate": True}
    assert stored() == (1, 1)


def test_the_same_id_in_another_spelling_is_the_same_event(api):
    body = envelope()
    first = api.post("/v1/events", body).get_json()["event_id"]
    again = api.post("/v1/events", {**body, "id": body["id"].upper()})
    assert again.status_code == 200 and again.get_json()["event_id"] == first


@pytest.mark.parametrize("changes, field", [
    ({"id": "not-a-uuid"}, "id"),
    ({"id": None}, "id"),
    ({"topic": "order.exploded"}, "topic"),
    ({"resource_id": "12"}, "resource_id"),
    ({"resource_id": 0}, "resource_id"),
    ({"resource_id": True}, "resource_id"),
    ({"resource_id": 10**30}, "resource_id"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"occurred_at": "9999-12-31T23:59:59-05:00"}, "occurred_at"),
    ({"payload": [1, 2]}, "payload"),
])
def test_a_bad_field_is_422_naming_it_and_nothing_is_stored(api, changes, field):
    resp = api.post("/v1/events", envelope(**changes))
    assert resp.status_code == 422
    assert resp.get_json()["error"]["field"] == field and field in resp.get_json()["error"]["message"]
    assert stored() == (0, 0)


def test_a_missing_field_is_422_naming_it(api):
    body = envelope()
    del body["topic"]
    resp = api.post("/v1/events", body)
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == "topic"
    assert stored() == (0, 0)


@pytest.mark.parametrize("raw, status", [(b"", 400), (b"{not json", 400), (b"[1, 2]", 422), (b'"x"', 422),
                                         (b"[" * 100_000 + b"]" * 100_000, 400), (b'{"id": "\xff"}', 400)])
def test_a_body_that_is_not_an_envelope_is_refused(api, raw, status):
    resp = api.post("/v1/events", raw=raw)
    assert resp.status_code == status and "error" in resp.get_json()
    assert stored() == (0, 0)


def test_unknown_envelope_keys_are_ignored_for_newer_plugins(api):
    assert api.post("/v1/events", envelope(schema_version=2)).status_code == 202


@pytest.mark.parametrize("headers", [
    {"X-NSSync-Signature": "v2=" + "0" * 64},
    {"X-NSSync-Timestamp": "1000000000"},
])
def test_a_bad_or_stale_signature_is_401_and_nothing_is_stored(api, headers):
    body = json.dumps(envelope()).encode()
    resp = api.request("POST", "/v1/events", raw=body, headers=headers)
    assert resp.status_code == 401
    assert stored() == (0, 0)


def test_a_body_over_the_limit_is_413_and_nothing_is_stored(api):
    resp = api.post("/v1/events", envelope(payload={"note": "x" * (2 * 1024 * 1024)}))
    assert resp.status_code == 413 and resp.get_json()["error"]["code"] == "payload_too_large"
    assert stored() == (0, 0)


def test_concurrent_repeats_over_real_sockets_make_one_event(tmp_path, any_db_url, live_server_factory):
    from sidecar.api.app import create_app

    server = live_server_factory(create_app(make_config(tmp_path, any_db_url)))
    body = json.dumps(envelope()).encode()
    answers: list[tuple[int, int]] = []

    def send() -> None:
        resp = requests.post(f"{server.url}/v1/events", data=body, timeout=20,
                             headers=signed_headers(SHARED_SECRET, "POST", "/v1/events", body))
        answers.append((resp.status_code, resp.json()["event_id"]))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in answers) == [200] * 7 + [202]
    assert len({event_id for _, event_id in answers}) == 1
    assert stored() == (1, 1)
