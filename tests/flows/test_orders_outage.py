"""NetSuite down for hours while orders arrive, through the real pipeline and orders flow, both sandboxes on real
sockets: nothing is lost, nothing is exported twice, nothing ends failed until ``retry.outage_hours``.

Time is simulated at SCALE × real time, the same way for everything that measures it: the pipeline's backoff
(SIDECAR_RETRY_BASE_S = 30 s / SCALE, SIDECAR_RETRY_MAX_S = 1 h / SCALE) and the outage clock
(``sidecar.pipeline.outage.now`` = T0 + real elapsed × SCALE). One simulated hour is one real second; the default
8 attempts of capped backoff are spent in about 2.1 simulated hours, which is what the outages below outlast.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest

from sidecar.pipeline import outage
from sidecar.store.models import Event
from tests.pipeline_handlers import drain

SCALE = 3600.0
T0 = dt.datetime(2026, 12, 5, 1, 0, 0)
EIGHT_ATTEMPTS_H = sum(min(3600, 30 * 2 ** n) for n in range(7)) / 3600  # 7 waits between 8 attempts: 1.06 h max


@pytest.fixture
def scaled(stack, monkeypatch):
    """The stack with simulated time, and NetSuite clients that leave retrying to the pipeline (no in-process
    sleeps: every failed call is one failed attempt)."""
    from sidecar.clients.netsuite import NetSuiteClient
    from sidecar.pipeline.context import clear_client_cache

    monkeypatch.setenv("SIDECAR_RETRY_BASE_S", str(30 / SCALE))
    monkeypatch.setenv("SIDECAR_RETRY_MAX_S", str(3600 / SCALE))
    started = time.monotonic()
    monkeypatch.setattr(outage, "now", lambda: T0 + dt.timedelta(seconds=(time.monotonic() - started) * SCALE))
    build = NetSuiteClient.from_credentials.__func__
    monkeypatch.setattr(NetSuiteClient, "from_credentials",
                        classmethod(lambda cls, *a, **kw: build(cls, *a, **{**kw, "max_retries": 0})))
    clear_client_cache()
    yield stack
    clear_client_cache()


def run_for(stack, hours: float, until=lambda: True, cap_s: float = 20.0) -> None:
    """Deliver webhooks and run due jobs for ``hours`` of simulated time, and on until ``until()`` holds (a busy
    machine runs fewer attempts per simulated hour), for at most ``cap_s`` real seconds."""
    started = time.monotonic()
    end, cap = started + hours * 3600 / SCALE, started + cap_s
    while time.monotonic() < cap and (time.monotonic() < end or not until()):
        stack.woo_control("POST", "webhooks/flush")
        drain(settle_s=0.02)
        time.sleep(0.01)


def order_jobs() -> list[Event]:
    return list(Event.select().where(Event.topic == "order.created"))


def place_orders(stack, n: int) -> list[dict]:
    skus = sorted(s for s, i in stack.items.items() if not i.get("matrixType"))
    person = {"first_name": "Ann", "last_name": "Lee", "address_1": "1 Main St", "city": "Austin", "state": "TX",
              "postcode": "78701", "country": "US"}
    return [stack.place({"line_items": [{"sku": skus[k % len(skus)], "quantity": 1}], "set_paid": True,
                         "billing": dict(person, email=f"buyer{k % 3}@example.com"), "shipping": person,
                         "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}]})
            for k in range(n)]


def exported_once(stack, orders: list[dict]) -> None:
    sales_orders = stack.records("salesOrder")
    by_ext = Counter(so.get("externalId") for so in sales_orders)
    for order in orders:
        assert by_ext[f"woo-e2e-order-{order['id']}"] == 1, (order["id"], by_ext)


def test_an_outage_longer_than_eight_attempts_exports_everything_after_once_and_fails_nothing(scaled):
    stack = scaled
    stack.ns_control("POST", "config", {"outage_status": 503})
    orders = place_orders(stack, 6)
    # at least 4 simulated hours down (4 × what 8 attempts of backoff last), and until every order's job failed
    # 8 times (the whole old budget)
    run_for(stack, 4.0, until=lambda: len(order_jobs()) == 6 and min(e.outage_retries for e in order_jobs()) >= 8)
    assert 4.0 > 3.5 * EIGHT_ATTEMPTS_H
    waiting = list(Event.select().where(Event.topic.startswith("order.")))
    assert waiting and all(e.status == "pending" and e.attempts == 0 for e in waiting), \
        [(e.id, e.status, e.attempts, e.last_error) for e in waiting]
    assert len(order_jobs()) == 6 and min(e.outage_retries for e in order_jobs()) >= 8
    assert stack.records("salesOrder") == []
    status = stack.api.get("/v1/status").get_json()["netsuite_outage"]
    since = dt.datetime.fromisoformat(status["since"]).replace(tzinfo=None)
    assert status["waiting"] == len(waiting) and T0 <= since < T0 + dt.timedelta(hours=1)  # the first failure

    stack.ns_control("POST", "config", {"outage_status": 0})  # NetSuite back
    stack.settle(timeout_s=60)
    exported_once(stack, orders)
    assert Event.select().where(Event.status == "failed").count() == 0
    assert Event.select().where(Event.status.in_(["pending", "running"])).count() == 0


def test_past_outage_hours_the_orders_fail_with_the_reason_and_retry_exports_them_once(scaled):
    stack = scaled
    assert stack.api.put("/v1/settings", {"retry": {"outage_hours": 2}}).status_code == 200
    stack.ns_control("POST", "config", {"outage_status": 503})
    orders = place_orders(stack, 3)
    # the waits are at most 1 h apart: a failure falls after the 2 h (on a busy machine, keep going until it did)
    run_for(stack, 3.0, until=lambda: all(e.status == "failed" for e in order_jobs()))
    created = order_jobs()
    assert len(created) == 3 and all(e.status == "failed" and e.attempts == 1 for e in created), \
        [(e.id, e.status, e.attempts) for e in created]
    assert all(e.last_error.startswith("NetSuite unreachable for 2 h: netsuite 503") for e in created), \
        created[0].last_error

    stack.ns_control("POST", "config", {"outage_status": 0})
    for event in created:
        assert stack.api.post(f"/v1/jobs/{event.id}/retry").status_code == 202
    stack.settle(timeout_s=60)
    exported_once(stack, orders)


def test_a_validation_error_still_fails_and_does_not_wait(scaled):
    stack = scaled
    assert stack.api.put("/v1/settings", {"orders": {"subsidiary_id": "987654"}}).status_code == 200
    place_orders(stack, 1)
    stack.settle(timeout_s=30)
    created = Event.get(Event.topic == "order.created")
    assert (created.status, created.attempts, created.outage_since) == ("failed", 1, None), created.last_error
    assert "subsidiary" in created.last_error.lower()
    assert stack.records("salesOrder") == []
