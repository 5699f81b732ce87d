"""Group commit on SQLite (``store/groupwrite.py``, ``store/writelock.py``): threads of one process share a write
transaction; each gets its own answer only after the commit; a row's error stays its own; a database failure
fails the whole group and stores nothing of it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import uuid

import peewee
import pytest

from sidecar.flows.base import NewEvent
from sidecar.pipeline.intake import accept
from sidecar.pipeline.queue import huey
from sidecar.store import groupwrite, writelock
from sidecar.store.db import database
from sidecar.store.fastinsert import insert_row
from sidecar.store.models import Event
from tests.conftest import SignedClient


def new_event(key: str | None = None) -> NewEvent:
    return NewEvent(key=key or f"plugin:{uuid.uuid4()}", source="plugin", topic="order.created", resource_id="7",
                    payload={"id": 7}, occurred_at=dt.datetime(2026, 12, 1, 10, 0))


def stored_keys() -> set[str]:
    return {key for (key,) in database.execute_sql("SELECT key FROM event").fetchall()}


class Leader:
    """A thread leading a group of one whose work waits for ``release()``: threads that call ``group_write``
    meanwhile queue up behind it and are then written together, as one group."""

    def __init__(self):
        self.inside, self.go = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()
        assert self.inside.wait(5)

    def _run(self):
        def work():
            self.inside.set()
            assert self.go.wait(5)
            return insert_row(Event, key=f"leader:{uuid.uuid4()}", topic="order.created")

        groupwrite.group_write(work)
        database.close()

    def release(self):
        self.go.set()
        self.thread.join(5)


def queued(n: int) -> None:
    """Wait until ``n`` threads wait behind the leader."""
    for _ in range(500):
        with groupwrite._cond:
            if len(groupwrite._queue) >= n + 1:
                return
        threading.Event().wait(0.01)
    raise AssertionError(f"{n} threads did not queue up")


def in_threads(calls: list) -> list:
    """Run each call in its own thread; their results (or exceptions), in order."""
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 — the test inspects it
            results[i] = exc
        finally:
            database.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    return threads, results


def grouped(calls: list) -> list:
    """Run ``calls`` in threads queued behind a blocked leader, so that they form one group."""
    leader = Leader()
    threads, results = in_threads(calls)
    for t in threads:
        t.start()
    queued(len(calls))
    leader.release()
    for t in threads:
        t.join(10)
    return results


def test_threads_that_queue_together_are_written_in_one_transaction(app):
    leaders: list[int] = []

    def work(n):
        def run():
            leaders.append(threading.get_ident())
            return insert_row(Event, key=f"k{n}", topic="order.created")
        return run

    results = grouped([lambda n=n: groupwrite.group_write(work(n)) for n in range(5)])
    assert len(set(leaders)) == 1  # one thread wrote them all
    assert sorted(results) == sorted(set(results)) and all(isinstance(r, int) for r in results)
    assert {f"k{n}" for n in range(5)} <= stored_keys()


def test_a_failing_row_fails_only_its_own_caller(app):
    def good(n):
        return lambda: groupwrite.group_write(lambda: insert_row(Event, key=f"good{n}", topic="order.created"))

    def bad():
        insert_row(Event, key="half-written", topic="order.created")
        raise ValueError("this row is wrong")

    results = grouped([good(1), lambda: groupwrite.group_write(bad), good(2)])
    assert isinstance(results[1], ValueError)
    assert isinstance(results[0], int) and isinstance(results[2], int)
    keys = stored_keys()
    assert {"good1", "good2"} <= keys and "half-written" not in keys


def test_a_database_failure_fails_the_whole_group_and_stores_none_of_it(app):
    def good(n):
        return lambda: groupwrite.group_write(lambda: insert_row(Event, key=f"lost{n}", topic="order.created"))

    def broken():
        raise peewee.OperationalError("disk I/O error")

    results = grouped([good(1), lambda: groupwrite.group_write(broken), good(2)])
    assert all(isinstance(r, peewee.OperationalError) for r in results)
    assert not {"lost1", "lost2"} & stored_keys()


def test_duplicates_inside_one_group_get_the_first_event_and_one_job(app):
    twice = new_event()
    results = grouped([lambda: accept(twice), lambda: accept(new_event()), lambda: accept(twice)])
    (first, created_1), (_, created_2), (again, created_3) = results
    assert created_1 and created_2 and not created_3
    assert again.id == first.id
    assert Event.select().where(Event.key == twice.key).count() == 1
    assert huey.pending_count() == 2  # one job per stored event


def test_many_threads_at_once_store_every_event_once_with_its_job(app):
    signed = SignedClient(app.test_client())
    bodies = [{"id": str(uuid.uuid4()), "topic": "order.created", "resource_id": n,
               "occurred_at": "2026-12-01T10:00:00Z", "payload": {"id": n}} for n in range(1, 161)]
    bodies += bodies[:20]  # the plugin's retries, racing with the first tries
    calls = [(lambda body=body: signed.post("/v1/events", body).status_code) for body in bodies]
    threads, statuses = in_threads(calls)
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses.count(202) == 160 and statuses.count(200) == 20
    assert Event.select().count() == 160 and huey.pending_count() == 160


def test_inside_a_callers_transaction_the_work_runs_there(app):
    with database.atomic() as txn:
        _, created = accept(new_event("plugin:inside"))
        assert created
        txn.rollback()
    assert "plugin:inside" not in stored_keys()


HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


def test_the_write_lock_waits_for_another_process_and_gives_up_after_the_busy_timeout(app):
    db = database.obj
    path = writelock.lock_path(db)
    assert path and path.endswith("sidecar.db.writelock")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        saved, db._timeout = db._timeout, 0.2
        try:
            with pytest.raises(peewee.OperationalError, match="locked"), writelock.held(db):
                pass
            with pytest.raises(peewee.OperationalError):  # intake: refused (503 in the API), nothing stored
                accept(new_event("plugin:refused"))
        finally:
            db._timeout = saved
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(5)
    assert accept(new_event("plugin:after"))[1]
    assert "plugin:refused" not in stored_keys()


def test_the_write_lock_is_released_when_the_transaction_fails(app):
    db = database.obj
    with pytest.raises(RuntimeError), writelock.held(db):
        raise RuntimeError("boom")
    probe_code = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); "
                  "fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)")
    probe = subprocess.run([sys.executable, "-c", probe_code, writelock.lock_path(db)], check=False)
    assert probe.returncode == 0  # another process can take it at once
