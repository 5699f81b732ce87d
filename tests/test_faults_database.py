"""The database in trouble under the API (issue 17): locked, gone, full. Intake answers 503 (never 500), stores
nothing it did not acknowledge, and loses nothing it did; /readyz says 503 while it lasts."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import uuid

import pytest

from sidecar.store.db import database
from tests.conftest import PG_URL, SignedClient, make_config, needs


def envelope(n: int, size: int = 0) -> dict:
    return {"id": str(uuid.uuid4()), "topic": "order.created", "resource_id": n,
            "occurred_at": "2026-12-01T10:00:00Z", "payload": {"id": n, "note": "x" * size}}


def stored_keys() -> set[str]:
    rows = database.execute_sql("SELECT key FROM event").fetchall()
    return {key for (key,) in rows}


def post_all(signed: SignedClient, bodies: list[dict]) -> list[int]:
    return [signed.post("/v1/events", body).status_code for body in bodies]


@pytest.fixture
def signed_app(tmp_path):
    from sidecar.api.app import create_app

    app = create_app(make_config(tmp_path))
    yield app, SignedClient(app.test_client())
    if not database.is_closed():
        database.close()


def test_a_locked_sqlite_database_gives_503_from_intake_and_readyz_and_loses_nothing(signed_app, tmp_path):
    app, signed = signed_app
    short_busy_timeout()
    assert signed.post("/v1/events", envelope(1)).status_code == 202
    holder = sqlite3.connect(tmp_path / "var" / "sidecar.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        refused = [envelope(n) for n in range(2, 6)]
        answers = [signed.post("/v1/events", body) for body in refused]
        assert [a.status_code for a in answers] == [503] * 4
        assert answers[0].get_json()["error"]["code"] == "database_unavailable"
        assert answers[0].headers["Retry-After"]
        assert app.test_client().get("/readyz").status_code == 503
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert post_all(signed, refused) == [202] * 4  # the plugin's retries go through
    assert {f"plugin:{b['id']}" for b in refused} <= stored_keys()
    assert len(stored_keys()) == 5


def short_busy_timeout() -> None:
    """Connections wait 0.2 s for a lock instead of the 10 s of production, so that the test is quick."""
    db = database.obj
    db._pragmas = [(k, 200 if k == "busy_timeout" else v) for k, v in db._pragmas]
    db._timeout = 0.2
    if not db.is_closed():
        db.close()


@pytest.mark.skipif(not PG_URL, reason="needs SIDECAR_TEST_POSTGRES_URL")
def test_postgresql_connections_cut_under_the_api_give_503_then_a_fresh_connection(tmp_path):
    from sidecar.api.app import create_app
    from tests.conftest import reset_postgres

    reset_postgres(PG_URL)
    app = create_app(make_config(tmp_path, PG_URL))
    signed = SignedClient(app.test_client())
    try:
        assert signed.post("/v1/events", envelope(1)).status_code == 202
        killer = sqlite_free_pg_connection()
        killer.execute_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        killer.close()
        body = envelope(2)
        first = signed.post("/v1/events", body)
        assert first.status_code == 503  # the cut connection: refused, not a 500, not stored
        assert signed.post("/v1/events", body).status_code == 202  # the retry gets a fresh connection
        assert app.test_client().get("/readyz").status_code in (200, 503)  # no worker heartbeat here
        assert {f"plugin:{body['id']}"} <= stored_keys()
    finally:
        if not database.is_closed():
            database.close()


def sqlite_free_pg_connection():
    from sidecar.store.db import make_database

    db = make_database(PG_URL)
    db.connect()
    return db


@pytest.fixture
def tiny_filesystem(tmp_path):
    """A 2 MB tmpfs for the SQLite file (root only; skipped elsewhere)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                                                   capture_output=True, check=False).returncode == 0
    needs(mounted, "mounting a small tmpfs needs root")
    yield mount
    if not database.is_closed():
        database.close()
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_refuses_events_with_503_and_keeps_every_acknowledged_one_whole(tmp_path, tiny_filesystem):
    from sidecar.api.app import create_app

    app = create_app(make_config(tmp_path, f"sqlite:///{tiny_filesystem / 'sidecar.db'}"))
    signed = SignedClient(app.test_client())
    acknowledged, statuses = [], []
    for n in range(1, 400):
        body = envelope(n, size=20_000)
        status = signed.post("/v1/events", body).status_code
        statuses.append(status)
        if status == 202:
            acknowledged.append(f"plugin:{body['id']}")
        if statuses[-3:] == [503, 503, 503]:
            break
    assert 500 not in statuses
    assert statuses[-1] == 503 and acknowledged  # some went in, then the disk was full
    database.close()
    check = sqlite3.connect(tiny_filesystem / "sidecar.db")
    try:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        keys = {k for (k,) in check.execute("SELECT key FROM event")}
        tasks = check.execute("SELECT COUNT(*) FROM task").fetchone()[0]
    finally:
        check.close()
    assert keys == set(acknowledged)  # every 202 is there; nothing refused was half-written
    assert tasks == len(acknowledged)  # each with its job
