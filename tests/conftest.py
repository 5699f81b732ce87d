"""Shared fixtures: a sidecar app on a throw-away database, signed requests, and a live server on 127.0.0.1.

Storage tests take ``any_db_url``, which runs them on SQLite and, when SIDECAR_TEST_POSTGRES_URL is set (CI sets
it after starting a real PostgreSQL), on PostgreSQL too.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import peewee
import pytest
from werkzeug.serving import make_server

from sidecar.config import load_config
from sidecar.security import signed_headers

PG_URL = os.environ.get("SIDECAR_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])
SHARED_SECRET = "test-shared-secret-0123456789"
FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
if not FIXTURES.exists():  # CI lays shared/ beside the clone
    FIXTURES = Path(os.environ.get("NSSYNC_SHARED_DIR", "../shared")).resolve() / "fixtures"


def reset_postgres(url: str) -> None:
    """Empty the test database: drop and re-create the public schema."""
    from sidecar.store.db import make_database

    db = make_database(url)
    db.connect()
    db.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    db.close()


def make_config(tmp_path: Path, database_url: str | None = None, **env: str):
    """A Config for tests: its own var dir, the test shared secret, a given database."""
    base = {"SIDECAR_VAR_DIR": str(tmp_path / "var"), "SIDECAR_SHARED_SECRET": SHARED_SECRET}
    if database_url:
        base["SIDECAR_DATABASE_URL"] = database_url
    base.update(env)
    return load_config(base)


@pytest.fixture(params=BACKENDS)
def any_db_url(request, tmp_path) -> str:
    if request.param == "postgres":
        reset_postgres(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'sidecar.db'}"


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path)


@pytest.fixture
def app(config):
    from sidecar.api.app import create_app

    app = create_app(config)
    app.testing = True
    yield app
    from sidecar.store.db import database

    if not database.is_closed():
        database.close()


class SignedClient:
    """Flask test client that signs every request as the plugin does."""

    def __init__(self, client, secret: str = SHARED_SECRET):
        self.client = client
        self.secret = secret

    def request(self, method: str, path: str, json_body=None, raw: bytes | None = None,
                timestamp: int | None = None, headers: dict | None = None):
        body = raw if raw is not None else (b"" if json_body is None else json.dumps(json_body).encode())
        all_headers = {**signed_headers(self.secret, method, path, body, timestamp), "Content-Type": "application/json"}
        all_headers.update(headers or {})
        return self.client.open(path, method=method, data=body, headers=all_headers)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def put(self, path, json_body=None, **kw):
        return self.request("PUT", path, json_body=json_body, **kw)

    def post(self, path, json_body=None, **kw):
        return self.request("POST", path, json_body=json_body, **kw)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def signed(client):
    return SignedClient(client)


class LiveServer:
    """A WSGI app served on a real socket on 127.0.0.1 in a background thread."""

    def __init__(self, wsgi_app, threaded: bool = True):
        self.server = make_server("127.0.0.1", 0, wsgi_app, threaded=threaded,
                                  request_handler=getattr(wsgi_app, "request_handler", None))
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def live_server_factory():
    servers: list[LiveServer] = []

    def start(wsgi_app, threaded: bool = True) -> LiveServer:
        server = LiveServer(wsgi_app, threaded)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def wait_for(predicate, timeout: float, what: str) -> None:
    """Poll ``predicate`` until it holds; an AssertionError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def database_file_bytes(db_path: Path) -> bytes:
    """Everything SQLite wrote for a database: main file plus WAL, so nothing hides in the log."""
    data = b""
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(db_path) + suffix)
        if p.exists():
            data += p.read_bytes()
    return data


def is_postgres(db) -> bool:
    return isinstance(db, peewee.PostgresqlDatabase)


def needs(available: bool, reason: str) -> None:
    """A test that needs a tool (php, docker-compose …): `make test` installs every one (scripts/test-deps.sh), so
    a missing tool fails the test, everywhere — a skip would let a broken check pass unseen (a developer without
    the tool deselects the test by hand, seeing that it did not run)."""
    if available:
        return
    pytest.fail(f"this test needs a tool `make test` installs: {reason}")
