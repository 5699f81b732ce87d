"""The concurrency limit shared through the database (``sidecar.store.slots``), and insert_row's rows.

Several ``DbGate`` objects on one database stand for several worker processes (each has its own local
semaphore, as a process would): together they never let more than ``limit`` holders in at once.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from sidecar.store import migrations
from sidecar.store.db import connect_database, database
from sidecar.store.fastinsert import insert_row
from sidecar.store.models import ConcurrencySlot, Event, utcnow
from sidecar.store.slots import DbGate, GateTimeout


@pytest.fixture
def db(any_db_url):
    db = connect_database(any_db_url)
    db.connect()
    migrations.migrate(db)
    yield db
    db.close()


def test_several_gates_on_one_database_hold_the_limit_together(db):
    limit, in_flight, peak, lock = 3, [0], [0], threading.Lock()
    gates = [DbGate("netsuite:TEST", limit, poll_s=0.005) for _ in range(3)]  # three "processes"
    errors: list[BaseException] = []

    def call(gate: DbGate) -> None:
        try:
            for _ in range(4):
                with gate.slot():
                    with lock:
                        in_flight[0] += 1
                        peak[0] = max(peak[0], in_flight[0])
                    time.sleep(0.01)
                    with lock:
                        in_flight[0] -= 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=call, args=(gates[i % 3],)) for i in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert 1 <= peak[0] <= limit  # never passed (how close it came depends on scheduling)
    assert gates[0].holders() == 0  # every slot given back


def test_a_slot_whose_holder_died_frees_itself_when_its_lease_runs_out(db):
    gate = DbGate("netsuite:DEAD", 1, lease_s=60, poll_s=0.005, wait_s=0.2)
    gate._seed()
    ConcurrencySlot.update(holder="dead-host:1:x", lease_until=utcnow() + dt.timedelta(seconds=60)).execute()
    with pytest.raises(GateTimeout), gate.slot():
        pass
    ConcurrencySlot.update(lease_until=utcnow() - dt.timedelta(seconds=1)).execute()
    with gate.slot():
        assert gate.holders() == 1
    assert gate.holders() == 0


def test_a_raised_limit_adds_slots_and_a_lowered_one_ignores_the_extra_rows(db):
    DbGate("netsuite:RESIZE", 4)._seed()
    small = DbGate("netsuite:RESIZE", 2, poll_s=0.005, wait_s=0.2)
    other = DbGate("netsuite:RESIZE", 2, poll_s=0.005, wait_s=0.2)  # another process: its own local semaphore
    with small.slot(), small.slot(), pytest.raises(GateTimeout):
        other._acquire()


def test_insert_row_writes_what_model_create_writes(db):
    occurred = dt.datetime(2026, 1, 2, 3, 4, 5, 123456)
    values = {"source": "plugin", "topic": "order.created", "resource_id": "7", "payload": {"a": [1, "é"]},
              "occurred_at": occurred, "status": "pending"}
    a = Event.create(key="a", **values).id
    b = insert_row(Event, key="b", **values)
    assert b != a
    ra, rb = Event.get_by_id(a), Event.get_by_id(b)
    for name in ("source", "topic", "resource_id", "payload", "occurred_at", "status", "attempts", "last_error"):
        assert getattr(ra, name) == getattr(rb, name), name
    assert abs(rb.created_at - ra.created_at) < dt.timedelta(seconds=5)
    with pytest.raises(TypeError):
        insert_row(Event, key="c", no_such_field=1)
