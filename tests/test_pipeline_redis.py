"""Redis mode (SIDECAR_REDIS_URL set): huey's queue is in Redis, the ``Event`` row stays the durable record.

``sidecar.pipeline.queue`` builds its huey object from the environment at import time, so this module never switches the
pytest process to Redis: every sidecar here is a subprocess (``sidecar serve``, ``sidecar worker``, or a short
``python -c`` that calls ``intake.accept``) started with SIDECAR_REDIS_URL, and the test reads the outcome straight
from the SQLite file and from Redis. Runs only when SIDECAR_TEST_REDIS_URL names a throw-away Redis
(scripts/start-redis.sh); its database is flushed at the start of each test.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from sidecar.security import signed_headers
from tests.conftest import SHARED_SECRET, wait_for

REDIS_URL = os.environ.get("SIDECAR_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="SIDECAR_TEST_REDIS_URL is not set (scripts/start-redis.sh)")

ROOT = Path(__file__).resolve().parents[1]
QUEUE_KEY = "huey.redis.sidecar"  # RedisStorage's list for the huey named "sidecar" (sidecar/pipeline/queue.py)
SCHEDULE_KEY = "huey.schedule.sidecar"  # its sorted set of tasks with an eta (retries)
TOPICS = ["order.created", "order.updated", "order.cancelled", "customer.created", "customer.updated"]

# Accepts argv[2] events whose keys start with argv[1] (topics in turn from argv[3], comma-separated) through the
# real intake, in whatever queue mode the environment selects; prints the created event ids as JSON.
ACCEPT_SCRIPT = """
import json, sys
from sidecar.config import load_config
from sidecar.store.runtime import init_runtime
init_runtime(load_config())
from sidecar.pipeline.intake import NewEvent, accept
prefix, count, topics = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
ids = []
for i in range(count):
    event, created = accept(NewEvent(key=f"{prefix}-{i}", source="plugin", topic=topics[i % len(topics)],
                                     resource_id=str(i + 1), payload={"i": i}))
    assert created
    ids.append(event.id)
print(json.dumps(ids))
"""

# One sweeper pass, as the worker's sweeper thread runs it; prints what it did as JSON.
SWEEP_SCRIPT = """
import json
from sidecar.config import load_config
from sidecar.store.runtime import init_runtime
init_runtime(load_config())
from sidecar.pipeline.sweeper import sweep
print(json.dumps(sweep()))
"""


# -- fixtures and helpers ----------------------------------------------------------------------------------

@pytest.fixture
def redis_db():
    """The test Redis database, empty: a previous test's tasks must not leak into this one."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def procs():
    """Sidecar subprocesses started by a test; all stopped at teardown, whatever the test did."""
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def sidecar_env(tmp_path: Path, redis_url: str | None = REDIS_URL, **extra: str) -> dict:
    """Environment of a sidecar process in Redis mode on its own SQLite file, with the counting handlers."""
    env = dict(os.environ)
    env.update({"SIDECAR_VAR_DIR": str(tmp_path / "var"), "SIDECAR_DATABASE_URL": f"sqlite:///{db_path(tmp_path)}",
                "SIDECAR_REDIS_URL": redis_url, "SIDECAR_SHARED_SECRET": SHARED_SECRET,
                "SIDECAR_EXTRA_FLOWS": "tests.pipeline_handlers", "SIDECAR_BUILTIN_FLOWS": "off", "SIDECAR_JOB_LEASE_S": "2",
                "SIDECAR_SWEEP_INTERVAL_S": "0.3", "SIDECAR_WORKERS": "4", "SIDECAR_LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")})
    env.update(extra)
    return env


def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sidecar.db"


def run_script(env: dict, script: str, *args: str, timeout: float = 30):
    """Run a ``python -c`` sidecar script in a subprocess; returns the JSON on its last line of output."""
    out = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=timeout, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def accept_events(env: dict, prefix: str, count: int, timeout: float = 30,
                  topics: list[str] = TOPICS) -> list[int]:
    """Accept ``count`` events in a subprocess through ``intake.accept``; returns their ids."""
    return run_script(env, ACCEPT_SCRIPT, prefix, str(count), ",".join(topics), timeout=timeout)


def spawn(procs: list, args: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    """Start ``sidecar <args>`` with stderr appended to ``log_path`` (the child keeps its own copy of the file)."""
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "sidecar", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=log)
    procs.append(proc)
    return proc


def start_worker(procs: list, env: dict, log_path: Path) -> subprocess.Popen:
    return spawn(procs, ["worker"], env, log_path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(procs: list, env: dict, log_path: Path) -> str:
    """A real ``sidecar serve`` (gunicorn) on 127.0.0.1; returns its base URL once it answers /healthz."""
    bind = f"127.0.0.1:{free_port()}"
    proc = spawn(procs, ["serve", "--bind", bind, "--workers", "1"], env, log_path)
    url = f"http://{bind}"

    def answers() -> bool:
        try:
            return requests.get(f"{url}/healthz", timeout=1).ok
        except requests.ConnectionError:
            return proc.poll() is not None  # stop waiting if it died; the assert below says so

    wait_for(answers, 20, "sidecar serve to answer")
    assert proc.poll() is None, log_path.read_text()
    return url


def post_event(session: requests.Session, url: str, envelope: dict) -> tuple[str, int, int]:
    body = json.dumps(envelope).encode()
    resp = session.post(f"{url}/v1/events", data=body, timeout=30,
                        headers={**signed_headers(SHARED_SECRET, "POST", "/v1/events", body), "Content-Type": "application/json"})
    return envelope["id"], resp.status_code, resp.json().get("event_id")


def query(tmp_path: Path, sql: str) -> list[tuple]:
    """Read the sidecar's SQLite file directly (the pytest process never opens it through peewee)."""
    con = sqlite3.connect(db_path(tmp_path), timeout=10)
    try:
        return con.execute(sql).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # test_effect appears with the first handled event
            return []
        raise
    finally:
        con.close()


def statuses(tmp_path: Path) -> dict[int, str]:
    return dict(query(tmp_path, "SELECT id, status FROM event"))


def all_done(tmp_path: Path) -> bool:
    found = statuses(tmp_path)
    return bool(found) and set(found.values()) == {"done"}


def effects(tmp_path: Path) -> dict[int, int]:
    """event id → how many times its staged side effect committed (the thing that must be exactly one)."""
    return dict(query(tmp_path, "SELECT event_id, COUNT(*) FROM test_effect GROUP BY event_id"))


def attempts(tmp_path: Path) -> dict[int, int]:
    return dict(query(tmp_path, "SELECT id, attempts FROM event"))


def invocations(tmp_path: Path) -> list[int]:
    path = tmp_path / "var" / "invocations.log"
    return [int(x) for x in path.read_text().split()] if path.exists() else []


# -- tests ----------------------------------------------------------------------------------------------------

def test_signed_events_go_through_redis_to_a_real_worker_exactly_once(tmp_path, redis_db, procs):
    # A long lease keeps the sweeper from re-enqueueing anything: every event must travel through Redis.
    env = sidecar_env(tmp_path, SIDECAR_JOB_LEASE_S="60")
    url = start_serve(procs, env, tmp_path / "serve.log")
    fresh = [{"id": str(uuid.uuid4()), "topic": TOPICS[i % len(TOPICS)], "resource_id": i + 1,
              "occurred_at": "2026-11-28T03:00:00+00:00", "payload": {"i": i}} for i in range(40)]
    batch = fresh + [dict(e) for e in fresh[::4]]  # 10 repeats
    with ThreadPoolExecutor(4) as pool, requests.Session() as session:
        results = list(pool.map(lambda e: post_event(session, url, e), batch))

    assert sorted(status for _, status, _ in results) == [200] * 10 + [202] * 40
    first = {uid: eid for uid, status, eid in results if status == 202}
    assert all(first[uid] == eid for uid, _, eid in results)  # a repeat answers with the first event's id
    assert redis_db.llen(QUEUE_KEY) == 40  # one task per event, in Redis, none for the repeats
    assert set(statuses(tmp_path).values()) == {"pending"}

    start_worker(procs, env, tmp_path / "worker.log")
    wait_for(lambda: all_done(tmp_path), 20, "every event done")
    assert effects(tmp_path) == {eid: 1 for eid in first.values()}
    assert sorted(invocations(tmp_path)) == sorted(first.values())  # no handler ran twice
    assert set(attempts(tmp_path).values()) == {1}
    wait_for(lambda: redis_db.llen(QUEUE_KEY) == 0, 5, "the Redis queue to drain")
    assert "on RedisStorage" in (tmp_path / "worker.log").read_text()
    # A sync run goes through Redis too: `sidecar sync --wait` (through the API it started) needs the worker.
    out = subprocess.run([sys.executable, "-m", "sidecar", "sync", "testcount", "--wait", "--timeout", "20",
                          "--url", url.removeprefix("http://")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=40, check=False)
    assert out.returncode == 0, out.stderr
    assert "done: seen 40, changed 0, failed 0" in out.stdout


def test_event_whose_redis_task_was_lost_is_reenqueued_by_the_sweeper(tmp_path, redis_db, procs):
    env = sidecar_env(tmp_path, SIDECAR_JOB_LEASE_S="1")
    ids = accept_events(env, "lost", 20)
    assert redis_db.llen(QUEUE_KEY) == 20
    redis_db.flushdb()  # Redis restarted without persistence: the committed events have no task any more

    start_worker(procs, env, tmp_path / "worker.log")
    wait_for(lambda: all_done(tmp_path), 15, "the sweeper to re-enqueue and the worker to finish every event")
    assert effects(tmp_path) == {eid: 1 for eid in ids}
    assert attempts(tmp_path) == {eid: 1 for eid in ids}  # re-enqueued, not re-run


def test_worker_sigkilled_mid_run_in_redis_mode_leaves_every_event_done_once(tmp_path, redis_db, procs):
    env = sidecar_env(tmp_path, PIPELINE_TEST_DELAY_S="0.05")
    ids = accept_events(env, "kill", 150)
    log_path = tmp_path / "worker.log"
    worker = start_worker(procs, env, log_path)
    wait_for(lambda: "running" in statuses(tmp_path).values(), 15, "a running event")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    orphans = [eid for eid, status in statuses(tmp_path).items() if status == "running"]
    assert orphans, "the kill should have left events running"
    ids += accept_events(env, "while-down", 10)  # accepted while no worker runs: they wait in Redis

    start_worker(procs, env, log_path)
    wait_for(lambda: all_done(tmp_path), 25, "every event done after the restart")
    assert effects(tmp_path) == {eid: 1 for eid in ids}  # exactly once, although some handlers ran again
    assert len(invocations(tmp_path)) >= len(ids)
    tries = attempts(tmp_path)
    assert all(tries[eid] >= 2 for eid in orphans)  # each orphan was taken back and re-run


def test_a_stalled_redis_hangs_neither_intake_nor_the_sweeper_and_events_arrive_later(tmp_path, redis_db, procs):
    # A "Redis" that accepts TCP connections and never answers (hung server, half-open proxy).
    with socket.socket() as stalled:
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(16)
        stalled_env = sidecar_env(tmp_path, f"redis://127.0.0.1:{stalled.getsockname()[1]}/0",
                                  SIDECAR_JOB_LEASE_S="0.5")
        started = time.monotonic()
        ids = accept_events(stalled_env, "stalled", 1, timeout=20)
        assert time.monotonic() - started < 10, "accept must give up on Redis after its socket timeout"
        ids += accept_events(sidecar_env(tmp_path, f"redis://127.0.0.1:{free_port()}/0"), "down", 4)  # refused
        assert set(statuses(tmp_path).values()) == {"pending"} and len(ids) == 5  # acknowledged and durable
        time.sleep(0.6)  # all five are now stale (pending for longer than a lease)

        started = time.monotonic()
        swept = run_script(stalled_env, SWEEP_SCRIPT, timeout=40)
        elapsed = time.monotonic() - started
    assert swept["requeued"] == 0
    assert elapsed < 8, f"a sweep took {elapsed:.1f}s: it paid a Redis timeout per event"
    assert redis_db.llen(QUEUE_KEY) == 0

    start_worker(procs, sidecar_env(tmp_path, SIDECAR_JOB_LEASE_S="0.5"), tmp_path / "worker.log")
    wait_for(lambda: all_done(tmp_path), 15, "the sweeper to enqueue the events on the real Redis")
    assert effects(tmp_path) == {eid: 1 for eid in ids}


def test_retry_waits_in_the_redis_schedule_and_runs_when_due(tmp_path, redis_db, procs):
    # A long lease keeps the sweeper out of it: the retries must come back through huey's Redis schedule, on
    # time, also on a host whose local time is not UTC (TZ=EST5: UTC-5, a POSIX zone that needs no tzdata).
    env = sidecar_env(tmp_path, SIDECAR_JOB_LEASE_S="60", SIDECAR_RETRY_BASE_S="1", SIDECAR_RETRY_MAX_S="2",
                      TZ="EST5")
    (tmp_path / "var").mkdir(exist_ok=True)
    broken = tmp_path / "var" / "broken"
    broken.write_text("NetSuite is down for maintenance")  # the flaky handler (order.refunded) raises this
    ids = accept_events(env, "retry", 3, topics=["order.refunded"])
    start_worker(procs, env, tmp_path / "worker.log")

    def all_waiting() -> bool:
        rows = query(tmp_path, "SELECT status, attempts, last_error FROM event")
        return len(rows) == 3 and all(r[0] == "pending" and r[1] >= 1 and "maintenance" in r[2] for r in rows)

    wait_for(all_waiting, 10, "every event to fail once and wait for its retry")
    wait_for(lambda: redis_db.zcard(SCHEDULE_KEY) >= 1, 5, "a retry in the Redis schedule")  # not in the DB
    broken.unlink()
    wait_for(lambda: all_done(tmp_path), 15, "the scheduled retries to run")
    assert effects(tmp_path) == {eid: 1 for eid in ids}
    assert all(n >= 2 for n in attempts(tmp_path).values())
