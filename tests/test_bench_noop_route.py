"""The intake benchmark's no-op route exists only when SIDECAR_BENCH_NOOP=1 is in the server's environment."""

from __future__ import annotations

from sidecar.store.db import database
from tests.conftest import SignedClient, make_config


def signed_client(tmp_path):
    from sidecar.api.app import create_app

    return SignedClient(create_app(make_config(tmp_path)).test_client())


def test_a_production_sidecar_has_no_noop_route(tmp_path, monkeypatch):
    monkeypatch.delenv("SIDECAR_BENCH_NOOP", raising=False)
    assert signed_client(tmp_path).post("/v1/bench/noop", {"a": 1}).status_code == 404
    database.close()


def test_the_bench_route_is_signed_and_does_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SIDECAR_BENCH_NOOP", "1")
    client = signed_client(tmp_path)
    assert client.post("/v1/bench/noop", {"a": 1}).status_code == 202
    assert client.client.post("/v1/bench/noop", json={"a": 1}).status_code == 401  # unsigned
    assert database.execute_sql("SELECT COUNT(*) FROM event").fetchone()[0] == 0
    database.close()
