"""The guards of the after-sale flows, without sockets: a refund or a cancel another job is writing makes this
one wait (FlowBusy, retryable) instead of writing twice, and the poll cursor never passes a failed record nor
moves backwards."""

from __future__ import annotations

import datetime as dt
import types

import pytest

from sidecar.flows import cancellations, ns_poll, refunds
from sidecar.flows.base import FlowBusy
from sidecar.store import binder
from sidecar.store.models import Cursor, Event, utcnow
from sidecar.store.settings import defaults


class Woo:
    def __init__(self, refunds_list=()):
        self.refunds_list = list(refunds_list)
        self.notes: list[str] = []

    def list_refunds(self, order_id):
        return self.refunds_list

    def add_order_note(self, order_id, note, customer_note=False):
        self.notes.append(note)

    def list_order_notes(self, order_id):  # every order's (the texts name their order)
        return [{"note": note} for note in self.notes]


def ctx(woo: Woo):
    return types.SimpleNamespace(woo=woo, netsuite=None, settings=defaults(), attempt=None, claims=set())


def live_holder() -> binder.Holder:
    """Another job's attempt that still holds its lease (a running event)."""
    event = Event.create(key=f"other-{dt.datetime.now().timestamp()}", source="plugin", topic="order.updated",
                         resource_id="5", status="running", attempts=1,
                         lease_until=utcnow() + dt.timedelta(seconds=60))
    return binder.Holder.event(event.id, 1)


def test_a_refund_claimed_by_another_job_waits(app):
    with app.app_context():
        link = binder.bind("order", 5, "77", ns_number="SO7")
        other = live_holder()
        assert binder.claim(refunds.ENTITY, refunds.child_key(5, 31), other)  # the other job
        order = {"id": 5, "refunds": [{"id": 31, "total": "-1.00"}]}
        with pytest.raises(FlowBusy):
            refunds.sync_refunds(ctx(Woo([{"id": 31, "amount": "1.00"}])), order, link)
        row = binder.bind(refunds.ENTITY, refunds.child_key(5, 31), "900", ns_number="CM9")  # the other job bound
        with pytest.raises(FlowBusy):  # ... but has not written its note yet: still its to finish
            refunds.sync_refunds(ctx(Woo([{"id": 31, "amount": "1.00"}])), order, link)
        binder.remember(row, noted=True)  # the other job finished
        assert refunds.sync_refunds(ctx(Woo([{"id": 31, "amount": "1.00"}])), order, link) == []


def test_a_cancel_claimed_by_another_job_waits_and_a_handled_one_is_left_alone(app):
    with app.app_context():
        link = binder.bind("order", 6, "78", ns_number="SO8")
        order = {"id": 6, "status": "cancelled"}
        other = live_holder()
        assert binder.claim(cancellations.CLAIM, 6, other)
        with pytest.raises(FlowBusy):
            cancellations.woo_cancelled(ctx(Woo()), order, link)
        binder.release(cancellations.CLAIM, 6, other)
        binder.remember(link, cancellation={"by": "netsuite", "state": "closed"})
        assert cancellations.woo_cancelled(ctx(Woo()), order, binder.find("order", 6)) is None
        assert cancellations.woo_cancelled(ctx(Woo()), {"id": 6, "status": "processing"}, link) is None


def test_the_cursor_stops_before_a_failed_record_and_never_goes_back(app):
    start = dt.datetime(2026, 12, 4, 12, 0, 0)
    rows = [{"lastmodified": "2026-12-04 10:00:00"}, {"lastmodified": "2026-12-04 11:00:00"},
            {"lastmodified": "2026-12-04 13:00:00"}]
    with app.app_context():
        assert ns_poll.advance("t", rows, [], start) == "2026-12-04 12:00:00"  # capped at the run's start
        assert ns_poll.advance("t", rows[:1], [], start) is None  # older than the cursor: stays
        assert Cursor.get_by_id("t").value == "2026-12-04 12:00:00"
        assert ns_poll.advance("u", rows, [rows[1]], start) == "2026-12-04 10:59:59"
        assert ns_poll.window_start("u", start) == dt.datetime(2026, 12, 4, 10, 49, 59)
        assert ns_poll.window_start("never", start) == start - ns_poll.FIRST_RUN_LOOKBACK - ns_poll.OVERLAP


def test_a_change_seen_while_another_job_exports_the_order_waits_for_it(app, monkeypatch):
    from sidecar.flows import after_sale, orders

    with app.app_context():
        other = live_holder()
        assert binder.claim("order", 8, other)  # the export job, still running
        monkeypatch.setattr(orders, "handle_order_event", lambda event, c: "Not exported yet: status cancelled")
        event = types.SimpleNamespace(resource_id="8", topic="order.cancelled")
        with pytest.raises(FlowBusy):
            after_sale.handle_order_change(event, ctx(Woo()))
        binder.release("order", 8, other)
        assert after_sale.handle_order_change(event, ctx(Woo())) == "Not exported yet: status cancelled"


def test_the_second_event_of_a_checkout_does_not_write_the_export_note_twice(app):
    """order.created and order.updated of one checkout run at once: the one that created the sales order writes
    the note; the other finds the fresh link while that write-back is under way and waits (seen on a real store:
    two "Exported to NetSuite as sales order SO2" notes on one order)."""
    from sidecar.flows import orders

    class Writer(Woo):
        def set_order_meta(self, order_id, meta):
            self.meta = meta

    with app.app_context():
        link = binder.bind("order", 9, "79", ns_number="SO9", data={"record": "salesOrder"})
        creator = live_holder()
        assert binder.claim("order", 9, creator)  # the creator still holds the order's claim, mid write-back
        woo = Writer()
        with pytest.raises(FlowBusy):
            orders.write_back(ctx(woo), {"id": 9}, binder.find("order", 9))
        assert woo.notes == []
        orders.write_back(ctx(woo), {"id": 9}, link, creator=True)  # the creator finishes
        binder.release("order", 9, creator)
        orders.write_back(ctx(woo), {"id": 9}, binder.find("order", 9))  # the other job: nothing left to do
        assert woo.notes == ["Exported to NetSuite as sales order SO9 (internal id 79)."]
        binder.bind("order", 10, "80", ns_number="SO10", data={"record": "salesOrder"})
        dead = live_holder()
        assert binder.claim("order", 10, dead)
        Event.update(lease_until=utcnow() - dt.timedelta(seconds=1)).where(Event.id == dead.id).execute()
        orders.write_back(ctx(woo), {"id": 10}, binder.find("order", 10))  # the creator died: a later job finishes
        assert woo.notes[-1] == "Exported to NetSuite as sales order SO10 (internal id 80)."
