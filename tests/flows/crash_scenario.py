"""Issue 19's scenario, shared by the suite (short timing) and the bench (default timing): the real orders flow
in a real ``sidecar worker`` process, both sandboxes on their sockets, NetSuite slow and with a concurrency limit
below the client's (so 429s happen), WooCommerce orders sent as signed events — some envelopes delivered twice,
some orders announced twice (``order.created`` and ``order.updated``, two jobs racing for one order's claim) —
and the worker SIGKILLed twice while it holds order claims, then restarted at once.

``run()`` returns what a test asserts and a benchmark prints: sales orders per external id in the NetSuite
sandbox, event statuses, 429s, the claims each kill left behind, and how long after each restart the orders
those claims guarded were exported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from sidecar.security import signed_headers
from tests.conftest import SHARED_SECRET
from tests.flows.stack import STORE_KEY, Stack, configure, start_stack, stock_the_store

ROOT = Path(__file__).resolve().parents[2]
CURRENCIES = ["USD", "EUR", "GBP"]
FLAT = [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "7.50"}]


@dataclass
class Scenario:
    orders: int = 30
    rounds: int = 5
    kills_after_rounds: tuple[int, ...] = (1, 3)
    timing: dict = field(default_factory=dict)  # SIDECAR_JOB_LEASE_S, …; empty = the production defaults
    ns_limit: int = 2  # the sandbox's concurrency limit; the client allows 5, so the excess answers 429
    ns_latency_ms: int = 60
    worker_threads: int = 4
    deadline_extra_s: float = 60.0  # every order exported within lease + this after the last restart


@dataclass
class Outcome:
    expected_ids: set[str]
    sales_orders: Counter  # external id → how many sales orders NetSuite holds
    event_status: Counter
    rejected_429: int
    deferred: int
    claims_at_kill: list[set[tuple[str, str]]]
    recovery_s: list[float]  # per restart: until every order claimed at the kill was exported
    all_exported_s: float  # from the last restart until the last order was exported
    lease_s: float
    leftover_claims: int
    customers: dict[str, dict] = field(default_factory=dict)  # NetSuite customer id → record


def run(tmp_path: Path, scenario: Scenario) -> Outcome:
    """Build everything, send the stream with the kills, wait until every order is exported; tear down."""
    stack = start_stack(tmp_path, webhooks=False)
    worker = None
    try:
        configure(stack)
        stack.items = stock_the_store(stack)
        envelopes = plan(stack, scenario, random.Random(19))
        stack.ns_control("POST", "config", {"latency_ms": scenario.ns_latency_ms,
                                            "concurrency_limit": scenario.ns_limit})
        env = worker_env(tmp_path, stack, scenario)
        worker = start_worker(env, tmp_path / "worker.log")
        worker, kills = send_with_kills(stack, scenario, envelopes, worker, env, tmp_path / "worker.log")
        lease_s = float(env.get("SIDECAR_JOB_LEASE_S") or 300)
        wait_all_exported(scenario, kills[-1][0], lease_s)
        return outcome(stack, scenario, envelopes, kills, lease_s)
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
        stack.stop()


def plan(stack: Stack, scenario: Scenario, rng: random.Random) -> list[list[dict]]:
    """Place the orders in WooCommerce; return the envelopes to send, in rounds. Registered customers and
    returning guests buy in several currencies (their NetSuite customer gets currencyList lines)."""
    woo = stack.woo_client()
    members = [woo.post("customers", {"email": f"crash{k}@example.com", "first_name": f"Crash{k}",
                                      "last_name": "Member", "billing": {"first_name": f"Crash{k}",
                                                                         "last_name": "Member",
                                                                         "email": f"crash{k}@example.com",
                                                                         "address_1": "1 Main St", "city": "Austin",
                                                                         "postcode": "78701", "country": "US"}})["id"]
               for k in range(3)]
    skus = sorted(s for s, i in stack.items.items() if not i.get("matrixType"))
    envelopes = []
    for n in range(scenario.orders):
        body = {"line_items": [{"sku": skus[n % len(skus)], "quantity": 1 + n % 2}], "shipping_lines": FLAT,
                "set_paid": True, "currency": CURRENCIES[(n // 9) % 3]}  # everyone changes currency twice
        if n % 3 == 0:
            body["customer_id"] = members[(n // 3) % 3]
        else:
            email = f"guest{n // 4}@example.com"  # most guests come back
            body["billing"] = {"first_name": "Guest", "last_name": str(n // 4), "email": email,
                               "address_1": "2 Side St", "city": "Austin", "postcode": "78702", "country": "US"}
        order = stack.place(body)
        envelopes.append(envelope("order.created", order))
        if n % 3 == 1:  # a second job about the same order: the two race for its claim
            envelopes.append(envelope("order.updated", order))
    repeats = [dict(e) for e in rng.sample(envelopes, len(envelopes) // 8)]  # delivered twice, same id
    stream = envelopes + repeats
    rng.shuffle(stream)
    size = -(-len(stream) // scenario.rounds)
    return [stream[i:i + size] for i in range(0, len(stream), size)]


def envelope(topic: str, order: dict) -> dict:
    return {"id": str(uuid.uuid4()), "topic": topic, "resource_id": order["id"],
            "occurred_at": "2026-12-04T10:00:00+00:00", "payload": order}


def worker_env(tmp_path: Path, stack: Stack, scenario: Scenario) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIDECAR_")}
    env.update({"SIDECAR_VAR_DIR": str(tmp_path / "var"), "SIDECAR_SHARED_SECRET": SHARED_SECRET,
                "SIDECAR_NETSUITE_BASE_URL": stack.ns.url, "SIDECAR_LOG_LEVEL": "INFO",
                "SIDECAR_WORKERS": str(scenario.worker_threads),
                "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")})
    env.update({k: str(v) for k, v in scenario.timing.items()})
    return env


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sidecar", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(log_path, "ab"))


def send_with_kills(stack: Stack, scenario: Scenario, rounds: list[list[dict]], worker, env: dict,
                    log_path: Path):
    """Post the rounds from 8 threads; after the chosen rounds, SIGKILL the worker while it holds an order's
    claim and restart it. Returns the live worker and, per kill, (restart time UTC, claims left behind)."""
    url = f"{stack.sidecar.url}/v1/events"
    sessions = [requests.Session() for _ in range(8)]
    kills: list[tuple[dt.datetime, set[tuple[str, str]]]] = []
    started = utcnow()
    with ThreadPoolExecutor(8) as pool:
        for r, batch in enumerate(rounds):
            statuses = list(pool.map(lambda ie: post(sessions[ie[0] % 8], url, ie[1]), enumerate(batch)))
            assert all(s in (200, 202) for s in statuses), statuses
            if r in scenario.kills_after_rounds:
                held = kill_holding_a_claim(worker, kills[-1][0] if kills else started)
                worker = start_worker(env, log_path)
                kills.append((utcnow(), held))
    return worker, kills


def post(session: requests.Session, url: str, body_json: dict) -> int:
    body = json.dumps(body_json).encode()
    headers = {**signed_headers(SHARED_SECRET, "POST", "/v1/events", body), "Content-Type": "application/json"}
    return session.post(url, data=body, headers=headers, timeout=30).status_code


def kill_holding_a_claim(proc: subprocess.Popen, since: dt.datetime) -> set[tuple[str, str]]:
    """SIGKILL the worker at a moment it holds an order's claim (one it took, not one a killed predecessor left);
    return the claims left behind."""
    from sidecar.store.models import Claim

    deadline = time.monotonic() + 60
    while not Claim.select().where((Claim.entity == "order") & (Claim.taken_at >= since)).exists():
        assert time.monotonic() < deadline, "the worker never held an order claim"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    return {(c.entity, c.woo_id) for c in Claim.select()}


def utcnow() -> dt.datetime:
    from sidecar.store.models import utcnow as now

    return now()


def exported_count() -> int:
    from sidecar.store.models import Link

    return Link.select().where((Link.entity == "order") & Link.ns_id.is_null(False)).count()


def wait_all_exported(scenario: Scenario, last_restart: dt.datetime, lease_s: float) -> None:
    """Every order linked and every event settled, or fail once lease + the allowance has passed."""
    from sidecar.store.models import Event

    limit = lease_s + scenario.deadline_extra_s
    while True:
        settled = not Event.select().where(Event.status.in_(["pending", "running"])).exists()
        if exported_count() >= scenario.orders and settled:
            return
        waited = (utcnow() - last_restart).total_seconds()
        assert waited < limit, (f"{exported_count()} of {scenario.orders} orders exported {waited:.0f} s after "
                                f"the last restart (allowed: lease {lease_s:.0f} s + {scenario.deadline_extra_s:.0f} s)")
        time.sleep(0.1)


def outcome(stack: Stack, scenario: Scenario, rounds: list[list[dict]], kills, lease_s: float) -> Outcome:
    from sidecar.store.models import Claim, Event, Link
    from sidecar.store.models import Counter as CounterRow

    order_ids = {e["resource_id"] for batch in rounds for e in batch}
    expected = {f"woo-{STORE_KEY}-order-{i}" for i in order_ids}
    sales_orders = Counter(so.get("externalId") for so in stack.records("salesOrder"))
    links = {lk.woo_id: lk.created_at for lk in Link.select().where(Link.entity == "order")}
    recovery = []
    for restart, held in kills:
        guarded = [links[woo_id] for entity, woo_id in held if entity == "order" and woo_id in links]
        recovery.append(max([(t - restart).total_seconds() for t in guarded] + [0.0]))
    deferred = CounterRow.get_or_none(CounterRow.name == "events.deferred")
    customer_ids = {so["entity"]["id"] for so in stack.records("salesOrder")}
    return Outcome(expected_ids=expected, sales_orders=sales_orders,
                   event_status=Counter(e.status for e in Event.select(Event.status)),
                   rejected_429=stack.ns_control("GET", "stats")["rejected_429"],
                   deferred=deferred.value if deferred else 0, claims_at_kill=[held for _, held in kills],
                   recovery_s=recovery, all_exported_s=(max(links.values()) - kills[-1][0]).total_seconds(),
                   lease_s=lease_s, leftover_claims=Claim.select().count(),
                   customers={cid: stack.ns_control("GET", f"records/customer/{cid}") for cid in customer_ids})
