"""The promise: every accepted event is handled exactly once, whatever crashes in between.

1,000 signed events (10% repeated ids, some repeats racing their original) go over a real socket to the API
while real ``sidecar worker`` processes handle them; the worker is killed with SIGKILL twice while it is
mid-work, and restarted. Afterwards every distinct event is ``done`` and its side effect (a row the counting
handler stages with ``ctx.on_done``) was committed exactly once, although handlers did run again.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from sidecar.security import signed_headers
from sidecar.store.models import Event
from tests import pipeline_handlers as handlers
from tests.conftest import SHARED_SECRET, make_config, wait_for

ROOT = Path(__file__).resolve().parents[1]
ROUNDS, NEW_PER_ROUND, REPEATS_PER_ROUND = 10, 90, 10


def worker_env(tmp_path: Path, db_url: str) -> dict:
    env = dict(os.environ)
    env.update({"SIDECAR_VAR_DIR": str(tmp_path / "var"), "SIDECAR_DATABASE_URL": db_url,
                "SIDECAR_SHARED_SECRET": SHARED_SECRET, "SIDECAR_EXTRA_FLOWS": "tests.pipeline_handlers", "SIDECAR_BUILTIN_FLOWS": "off",
                "SIDECAR_JOB_LEASE_S": "2", "SIDECAR_SWEEP_INTERVAL_S": "0.3", "SIDECAR_WORKERS": "4",
                "PIPELINE_TEST_DELAY_S": "0.02", "SIDECAR_LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")})
    return env


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sidecar", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(log_path, "ab"))


def post_event(session: requests.Session, url: str, envelope: dict) -> tuple[str, int, int]:
    body = json.dumps(envelope).encode()
    resp = session.post(url, data=body, timeout=30,
                        headers={**signed_headers(SHARED_SECRET, "POST", "/v1/events", body), "Content-Type": "application/json"})
    return envelope["id"], resp.status_code, resp.json().get("event_id")


def plan(rng: random.Random) -> list[list[dict]]:
    """Ten rounds of 90 new envelopes plus 10 repeats: half of an id from this round (racing), half older."""
    rounds, sent = [], []
    topics = ["order.created", "order.updated", "order.cancelled", "customer.created", "customer.updated"]
    for r in range(ROUNDS):
        fresh = [{"id": str(uuid.uuid4()), "topic": rng.choice(topics), "resource_id": r * 1000 + i + 1,
                  "occurred_at": "2026-11-28T03:00:00+00:00", "payload": {"round": r, "i": i}}
                 for i in range(NEW_PER_ROUND)]
        repeats = rng.sample(fresh, REPEATS_PER_ROUND // 2) + rng.sample(sent or fresh, REPEATS_PER_ROUND // 2)
        batch = fresh + [dict(e) for e in repeats]
        rng.shuffle(batch)
        rounds.append(batch)
        sent.extend(fresh)
    return rounds


def kill_mid_work(proc: subprocess.Popen) -> set[int]:
    """SIGKILL the worker while it holds events; return the events it left running (orphans)."""
    wait_for(lambda: Event.select().where(Event.status == "running").exists(), 30, "a running event")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    return {e.id for e in Event.select(Event.id).where(Event.status == "running")}


@pytest.fixture
def counting_registry():
    """The API in this process must know the ``testcount`` flow the CLI asks it to run."""
    from sidecar.pipeline.registry import discover, reset_registry

    reset_registry(discover(extra="tests.pipeline_handlers", builtins=False))
    yield
    reset_registry()


def test_every_event_is_handled_exactly_once_across_two_sigkills(tmp_path, live_server_factory, counting_registry):
    from sidecar.api.app import create_app

    db_url = f"sqlite:///{tmp_path / 'sidecar.db'}"
    app = create_app(make_config(tmp_path, db_url))
    server = live_server_factory(app)
    env = worker_env(tmp_path, db_url)
    log_path = tmp_path / "worker.log"
    handlers.ensure_table()
    url = f"{server.url}/v1/events"
    results: list[tuple[str, int, int]] = []
    orphans: set[int] = set()
    worker = start_worker(env, log_path)
    try:
        with ThreadPoolExecutor(8) as pool:
            sessions = [requests.Session() for _ in range(8)]
            for r, batch in enumerate(plan(random.Random(5))):
                results += pool.map(lambda ie: post_event(sessions[ie[0] % 8], url, ie[1]), enumerate(batch))
                if r in (2, 6):  # two kills, each while the worker is mid-work
                    orphans |= kill_mid_work(worker)
                    worker = start_worker(env, log_path)
        wait_for(lambda: not Event.select().where(Event.status != "done").exists(), 60, "every event done")
        _sync_testcount_with_cli(env, server.url)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(15)

    by_uuid: dict[str, set[int]] = {}
    for envelope_id, status, event_id in results:
        assert status in (200, 202)
        by_uuid.setdefault(envelope_id, set()).add(event_id)
    assert len(results) == ROUNDS * (NEW_PER_ROUND + REPEATS_PER_ROUND) == 1000
    assert sum(status == 202 for _, status, _ in results) == ROUNDS * NEW_PER_ROUND  # one 202 per distinct id
    assert all(len(ids) == 1 for ids in by_uuid.values())  # a repeat answers with the first event's id
    events = list(Event.select())
    assert len(events) == ROUNDS * NEW_PER_ROUND == len(by_uuid)
    assert {e.status for e in events} == {"done"}
    assert handlers.effects() == {e.id: 1 for e in events}  # exactly once
    invocations = (tmp_path / "var" / "invocations.log").read_text().split()
    assert len(invocations) >= len(events)
    assert orphans, "the kills should have left events running"
    assert all(Event.get_by_id(i).attempts >= 2 for i in orphans)  # each orphan was taken back and re-run


def _sync_testcount_with_cli(env: dict, api_url: str) -> None:
    """`sidecar sync <flow> --wait` starts a run through the running sidecar's API and reports how it ended."""
    out = subprocess.run([sys.executable, "-m", "sidecar", "sync", "testcount", "--wait", "--timeout", "30",
                          "--url", api_url.removeprefix("http://")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert "done: seen 900, changed 0, failed 0" in out.stdout
