"""Governance and fault injection of the NetSuite sandbox over real sockets: a 429 storm at limit 2 with 20
threads, the 400 variant, latency, random 500s that change nothing, timeouts that still create the record,
counters, the system endpoints, and the ``sidecar sandbox netsuite`` command itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from .test_netsuite_records import R, customer_body
from .test_netsuite_tba import NsHttp, sandbox_servers


@pytest.fixture
def sandbox_factory():
    yield from sandbox_servers()


REPO = Path(__file__).resolve().parents[2]


def storm(sb, n: int = 20) -> list:
    """n threads released at once, each one signed GET."""
    barrier, results = threading.Barrier(n), [None] * n
    customer = sb.records("customer")[0]["id"]

    def hit(i: int) -> None:
        barrier.wait()
        results[i] = sb.ns.get(f"{R}/customer/{customer}")
    threads = [threading.Thread(target=hit, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return results


def test_429_storm_with_limit_2_and_20_threads(sandbox_factory):
    sb = sandbox_factory({"seed": 3, "concurrency_limit": 2, "latency_ms": 300})
    results = storm(sb)
    ok = [r for r in results if r.status_code == 200]
    rejected = [r for r in results if r.status_code == 429]
    assert len(ok) + len(rejected) == 20 and 1 <= len(ok) <= 4 and len(rejected) >= 16
    for answer in rejected:
        body = answer.json()
        assert body["status"] == 429 and body["o:errorCode"] == "USER_ERROR"
        assert body["o:errorDetails"][0] == {"detail": "Concurrent request limit exceeded. Request blocked.",
                                             "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}
    stats = sb.control("GET", "/stats").json()
    assert stats["max_concurrent"] == 2 and stats["rejected_429"] == len(rejected)
    assert stats["requests"] == 20 and stats["in_flight"] == 0
    assert sum(stats["by_method_path"].values()) == 20
    # once the storm is over, the slots are free again
    assert sb.ns.get(f"{R}/customer/{sb.records('customer')[0]['id']}").status_code == 200


def test_stats_count_the_time_spent_at_each_number_of_requests_in_flight(sandbox_factory):
    """``level_s[k]``: seconds with exactly k requests inside the limit — how long slots stood idle (issue 17)."""
    sb = sandbox_factory({"seed": 3, "concurrency_limit": 2, "latency_ms": 300})
    before = sb.control("GET", "/stats").json()["level_s"]
    storm(sb, 2)  # two at once: ~0.3 s with both slots taken
    stats = sb.control("GET", "/stats").json()
    levels = stats["level_s"] + [0.0] * (3 - len(stats["level_s"]))
    assert len(levels) == 3 and stats["in_flight"] == 0
    assert levels[2] >= 0.2 and levels[1] < levels[2]  # one alone only between the two arrivals (and ends)
    assert levels[0] > before[0]  # the idle time before and after counts at level 0
    assert stats["busy_s"] >= 0.6 and stats["served"] == 2


def test_over_limit_status_can_be_400(sandbox_factory):
    sb = sandbox_factory({"seed": 3, "concurrency_limit": 1, "latency_ms": 300,
                                             "concurrency_status": 400})
    statuses = sorted(r.status_code for r in storm(sb, 6))
    assert statuses.count(200) >= 1 and statuses.count(400) >= 4 and set(statuses) <= {200, 400}


def test_over_limit_can_masquerade_as_invalid_login(sandbox_factory):
    sb = sandbox_factory({"seed": 3, "concurrency_limit": 1, "latency_ms": 300, "concurrency_status": 401})
    answers = storm(sb, 5)
    masked = [r for r in answers if r.status_code == 401]
    assert len(masked) >= 3 and all(r.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
                                     for r in masked)


def test_faults_change_nothing_and_timeouts_still_create(sandbox_factory):
    sb = sandbox_factory({"seed": 3, "fault_rate": 1.0, "fault_seed": 1})
    fault = sb.ns.post(f"{R}/customer", json=customer_body())
    assert fault.status_code == 500
    assert fault.json()["o:errorDetails"][0]["o:errorCode"] == "UNEXPECTED_ERROR"
    assert sb.records("customer", externalId="WC-CUST-77") == []
    sb.control("POST", "/config", {"fault_rate": 0, "timeout_rate": 1.0, "timeout_delay_s": 1.5})
    started = time.monotonic()
    try:
        sb.ns.post(f"{R}/customer", json=customer_body(), timeout=0.4)
        raise AssertionError("expected a client timeout")
    except requests.Timeout:
        pass
    assert time.monotonic() - started < 1.4
    assert len(sb.records("customer", externalId="WC-CUST-77")) == 1  # the lost-response case
    stats = sb.control("GET", "/stats").json()
    assert (stats["faults"], stats["timeouts"]) == (1, 1)


def test_latency_and_system_endpoints(sandbox_factory):
    sb = sandbox_factory({"latency_ms": 200, "concurrency_limit": 7})
    started = time.monotonic()
    server_time = sb.ns.get("/services/rest/system/v1/serverTime")
    assert time.monotonic() - started >= 0.2 and server_time.status_code == 200
    stamp = server_time.json()["serverTime"]
    assert stamp.endswith("Z") and len(stamp) == len("2025-03-26T16:21:00.000Z")
    limits = sb.ns.get("/services/rest/system/v1/governanceLimits").json()
    assert limits["accountConcurrencyLimit"] == 7
    assert requests.get(sb.url + "/services/rest/system/v1/serverTime", timeout=5).status_code == 401
    assert sb.control("POST", "/config", {"nonsense": 1}).status_code == 400


def test_reset_and_seed_controls(sandbox_factory):
    sb = sandbox_factory()
    assert sb.records("inventoryItem") == []
    made = sb.control("POST", "/seed", {"items": 12, "matrix_share": 0.34, "locations": 2, "customers": 3}).json()
    stored = sb.records("inventoryItem")
    assert len(stored) == 12 and len(made["matrixParents"]) == 1 and len(made["matrixChildren"]) == 3
    assert {r["itemId"] for r in stored} >= {"SKU-00001"} and all(r["upcCode"].isdigit() for r in stored)
    assert [r["name"] for r in sb.records("currency")][:3] == ["USD", "EUR", "GBP"]
    assert len(sb.records("customer")) == 3 and len(sb.records("location")) == 2
    item = made["items"][0]
    line = sb.control("POST", f"/items/{item}/quantity", {"location_id": 2, "quantityavailable": 7,
                                                          "quantityonhand": 9}).json()
    assert (line["quantityAvailable"], line["quantityOnHand"]) == (7, 9)
    q = sb.ns.suiteql("SELECT quantityavailable FROM inventoryitemlocations WHERE item = ? AND location = 2",
                      [int(item)]).json()
    assert q["items"][0]["quantityavailable"] == "7"
    assert sb.control("POST", "/reset").json() == {"ok": True}
    assert sb.records("inventoryItem") == [] and sb.audit() == []
    assert sb.control("GET", "/stats").json()["requests"] == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_serves_a_seeded_sandbox():
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "sidecar", "sandbox", "netsuite", "--port", str(port),
                             "--option", "concurrency_limit=3", "--seed", "6"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                creds = requests.get(f"{url}/_sandbox/demo-credentials", timeout=1).json()
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        client = NsHttp(url, creds["tba"])
        assert client.get("/services/rest/system/v1/governanceLimits").json()["accountConcurrencyLimit"] == 3
        assert client.get(f"{R}/inventoryItem").json()["totalResults"] == 6
    finally:
        proc.terminate()
        proc.wait(10)
