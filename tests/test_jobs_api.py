"""The error queue as a shop owner uses it (issue 18 item 2): paged, filtered by flow, topic and date, grouped by
order with the ids of every job in the group, bulk retry, and a plain-words hint beside each reason."""

from __future__ import annotations

import datetime as dt

import pytest

from sidecar.pipeline.intake import NewEvent, accept
from sidecar.pipeline.queue import huey
from sidecar.pipeline.registry import reset_registry
from sidecar.store.models import Event
from tests.conftest import SignedClient, make_config


@pytest.fixture
def api(tmp_path, any_db_url):
    from sidecar.api.app import create_app

    reset_registry()
    app = create_app(make_config(tmp_path, any_db_url))
    yield SignedClient(app.test_client())
    reset_registry()
    from sidecar.store.db import database

    database.close()


def event(n: int, topic: str, woo_id: int, status: str = "failed", error: str | None = None,
          created: dt.datetime | None = None) -> int:
    ev, _ = accept(NewEvent(key=f"k{n}", source="plugin", topic=topic, resource_id=str(woo_id)))
    Event.update(status=status, last_error=error or (f"SKU X-{n} has no NetSuite item (matched by itemid)"
                                                     if status == "failed" else None),
                 created_at=created or ev.created_at).where(Event.id == ev.id).execute()
    return ev.id


def test_two_jobs_of_one_order_show_as_one_row_with_both_ids(api):
    a = event(1, "order.created", 7)
    b = event(2, "order.updated", 7)
    c = event(3, "order.created", 8)
    d = event(4, "customer.created", 7)  # customer 7 is not order 7
    huey.flush()
    data = api.get("/v1/jobs?status=failed&group=order").get_json()
    assert data["total"] == 3
    rows = {(r["resource"]["kind"], r["resource_id"]): r for r in data["jobs"]}
    assert rows[("order", "7")]["job_ids"] == [a, b] and rows[("order", "7")]["jobs_in_group"] == 2
    assert rows[("order", "7")]["id"] == b  # the newest job represents the group
    assert rows[("order", "8")]["job_ids"] == [c]
    assert rows[("customer", "7")]["job_ids"] == [d]
    assert [r["id"] for r in data["jobs"]] == [d, c, b]  # newest group first


def test_filters_by_flow_topic_and_date_and_pages(api):
    old = dt.datetime(2026, 1, 1)
    ids = [event(n, "order.created" if n % 2 else "customer.updated", n, created=old if n < 3 else None)
           for n in range(6)]
    huey.flush()
    orders = api.get("/v1/jobs?flow=orders").get_json()
    assert {j["id"] for j in orders["jobs"]} == {ids[1], ids[3], ids[5]}
    assert {j["id"] for j in api.get("/v1/jobs?topic=customer.updated").get_json()["jobs"]} == \
        {ids[0], ids[2], ids[4]}
    recent = api.get("/v1/jobs?since=2026-06-01T00:00:00Z").get_json()
    assert {j["id"] for j in recent["jobs"]} == set(ids[3:])
    assert {j["id"] for j in api.get("/v1/jobs?until=2026-06-01").get_json()["jobs"]} == set(ids[:3])
    paged = api.get("/v1/jobs?limit=2&offset=2").get_json()
    assert paged["total"] == 6 and [j["id"] for j in paged["jobs"]] == [ids[3], ids[2]]
    for bad in ("flow=teleport", "topic=order.exploded", "since=yesterday", "group=week"):
        res = api.get(f"/v1/jobs?{bad}")
        assert res.status_code == 422 and res.get_json()["error"]["field"] == bad.split("=")[0]


def test_each_failed_job_says_the_fix_in_plain_words(api):
    event(1, "order.created", 1)
    event(2, "order.created", 2, error="coupon five needs a NetSuite discount item: set orders.discount_item_id")
    event(3, "order.created", 3, error="something nobody foresaw")
    huey.flush()
    hints = {j["resource_id"]: j["hint"] for j in api.get("/v1/jobs?status=failed").get_json()["jobs"]}
    assert "Create the item in NetSuite" in hints["1"]
    assert "setting named in the reason" in hints["2"]
    assert hints["3"] is None


def test_bulk_retry_of_selected_jobs_and_of_every_failed_one(api):
    ids = [event(n, "order.created", n) for n in range(5)]
    done = event(9, "order.created", 9, status="done")
    huey.flush()
    res = api.post("/v1/jobs/retry", {"ids": [ids[0], ids[1], done]})
    assert res.status_code == 202 and res.get_json()["retried"] == 2
    assert {Event.get_by_id(i).status for i in ids[:2]} == {"pending"}
    assert Event.get_by_id(done).status == "done"
    res = api.post("/v1/jobs/retry", {"all": True})
    assert res.get_json()["retried"] == 3
    assert Event.select().where(Event.status == "failed").count() == 0
    assert Event.get_by_id(ids[4]).attempts == 0
    for bad in ({}, {"ids": []}, {"ids": ["x"]}, {"all": True, "status": "done"}):
        assert api.post("/v1/jobs/retry", bad).status_code == 422
