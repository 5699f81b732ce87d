"""The NetSuite client against the NetSuite sandbox over real sockets on 127.0.0.1: both auth modes, the
record service, SuiteQL, a 429 storm, creates that lose their answer, and the credentials test."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sidecar.clients import no_api_log
from sidecar.clients.netsuite import NetSuiteClient
from sidecar.clients.netsuite import test_connection as run_connection_test
from sidecar.clients.netsuite_auth import TOKEN_CACHE, OAuth2Auth, TbaAuth
from sidecar.clients.netsuite_errors import NetSuiteAuthError, NetSuiteValidationError
from sidecar.sandbox.netsuite import DEMO_TBA, create_app

ACCOUNT = "1234567_SB1"


class Sandbox:
    """One sandbox app on a live socket, plus its /_sandbox controls."""

    def __init__(self, server):
        self.server, self.url = server, server.url

    def control(self, method: str, path: str, body: dict | None = None):
        response = requests.request(method, self.url + "/_sandbox/" + path, json=body, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def records(self, record_type: str, external_id: str | None = None) -> list[dict]:
        query = f"?externalId={external_id}" if external_id else ""
        return self.control("GET", f"records/{record_type}{query}")


class Log:
    """Collects API log rows (thread-safe); ``on_row`` lets a test act when a row appears."""

    def __init__(self, on_row=None):
        self.rows, self.lock, self.on_row = [], threading.Lock(), on_row

    def __call__(self, *row):
        with self.lock:
            self.rows.append(row)
        if self.on_row:
            self.on_row(row)


@pytest.fixture
def sandbox(live_server_factory):
    def start(**options) -> Sandbox:
        return Sandbox(live_server_factory(create_app({"account_id": ACCOUNT, **options})))
    return start


def tba_client(box: Sandbox, log: Log | None = None, **kw) -> NetSuiteClient:
    creds = {k: v for k, v in DEMO_TBA.items() if k != "account_id"}
    kw.setdefault("backoff_base_s", 0.02)
    kw.setdefault("backoff_cap_s", 0.5)
    return NetSuiteClient(ACCOUNT, TbaAuth(ACCOUNT, **creds), base_url=box.url, api_log=log or Log(), **kw)


# --- record service and SuiteQL, TBA -------------------------------------------------------------------

def test_tba_record_service_round_trip(sandbox):
    box = sandbox(seed=3)
    client = tba_client(box)
    cid = client.create("customer", {"externalId": "WC-CUST-1", "isPerson": True, "firstName": "Jane",
                                     "lastName": "Roe", "email": "jane@example.com", "subsidiary": {"id": "1"}})
    got = client.get("customer", cid, fields=["email", "firstName"])
    assert got["email"] == "jane@example.com" and "lastName" not in got
    client.update("customer", cid, {"phone": "555-0100"})
    assert client.get("customer", cid)["phone"] == "555-0100"
    assert client.find_by_external_id("customer", "wc-cust-1")["id"] == cid  # external ids ignore case
    assert client.find_by_external_id("customer", "WC-CUST-404") is None
    assert client.upsert("customer", "WC-CUST-1", {"phone": "555-0199"}) == cid
    new_id = client.upsert("customer", "WC-CUST-2", {"isPerson": True, "firstName": "Li", "lastName": "Wei",
                                                      "subsidiary": {"id": "1"}})
    assert new_id and new_id != cid
    stored = box.records("customer", "WC-CUST-1")
    assert [str(r["id"]) for r in stored] == [cid] and stored[0]["phone"] == "555-0199"


def test_validation_error_keeps_code_path_and_detail(sandbox):
    box = sandbox(seed=1)
    client = tba_client(box)
    with pytest.raises(NetSuiteValidationError) as info:
        client.create("customer", {"externalId": "WC-CUST-9", "isPerson": True, "firstName": "A",
                                   "lastName": "B", "subsidiary": {"id": "1"}, "noSuchField": 1})
    assert info.value.code and info.value.detail and info.value.status == 400
    assert "nosuchfield" in f"{info.value.error_path} {info.value.detail}".lower()


def test_transform_sales_order_to_fulfillment(sandbox):
    box = sandbox(seed=3)
    client = tba_client(box)
    item = next(client.suiteql("SELECT id FROM item WHERE itemtype = 'InvtPart' ORDER BY id"))["id"]
    customer = next(client.suiteql("SELECT id FROM customer ORDER BY id"))["id"]
    location = next(client.suiteql("SELECT id FROM location ORDER BY id"))["id"]
    so = client.create("salesOrder", {"externalId": "WC-SO-1", "entity": {"id": customer},
                                      "subsidiary": {"id": "1"}, "location": {"id": location},
                                      "item": {"items": [{"item": {"id": item}, "quantity": 1, "rate": 5}]}})
    fulfillment = client.transform("salesOrder", so, "itemFulfillment",
                                   {"externalId": "WC-IF-1", "shipStatus": {"id": "C"}})
    assert fulfillment != so
    assert str(client.get("itemFulfillment", fulfillment)["createdFrom"]["id"]) == so


def test_suiteql_offset_and_keyset_paging_agree(sandbox):
    box = sandbox(seed=40)
    client = tba_client(box)
    query = "SELECT id, itemid FROM item ORDER BY id"
    rows = list(client.suiteql(query, limit=7))
    assert len(rows) >= 40 and all("links" not in r for r in rows)
    keyset = list(client.suiteql_keyset("SELECT id, itemid FROM item WHERE id > {after} ORDER BY id",
                                        limit=5, window=10))
    assert [r["id"] for r in keyset] == [r["id"] for r in rows]
    page = client.suiteql_page(query, limit=5, offset=5)
    assert page["hasMore"] and [r["id"] for r in page["items"]] == [r["id"] for r in rows[5:10]]


# --- OAuth 2.0 -----------------------------------------------------------------------------------------

def test_oauth2_demo_client_es256(sandbox):
    box = sandbox(seed=2)
    TOKEN_CACHE._tokens.clear()
    demo = box.control("GET", "demo-credentials")["oauth2"]
    auth = OAuth2Auth(ACCOUNT, demo["client_id"], demo["certificate_id"], demo["private_key_pem"])
    client = NetSuiteClient(ACCOUNT, auth, base_url=box.url, api_log=Log())
    assert auth.algorithm == "ES256"
    assert client.server_time()["serverTime"]
    cid = client.create("customer", {"externalId": "WC-CUST-O2", "isPerson": True, "firstName": "O",
                                     "lastName": "Two", "subsidiary": {"id": "1"}})
    assert client.get("customer", cid)["firstName"] == "O"
    audit = box.control("GET", "login-audit")
    assert {a["auth"] for a in audit if a["status"] == "Success"} == {"oauth2"}


def test_oauth2_ps256_with_a_registered_rsa_key(sandbox):
    box = sandbox()
    TOKEN_CACHE._tokens.clear()
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    box.control("POST", "oauth2-clients", {"client_id": "rsa-client", "certificate_id": "rsa-cert",
                                           "public_key_pem": public, "algorithm": "PS256"})
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    log = Log()
    client = NetSuiteClient(ACCOUNT, OAuth2Auth(ACCOUNT, "rsa-client", "rsa-cert", pem), base_url=box.url,
                            api_log=log)
    client.server_time()
    client.server_time()
    token_calls = [r for r in log.rows if r[2].endswith("/auth/oauth2/v1/token")]
    assert len(token_calls) == 1 and token_calls[0][3] == 200  # the token is cached


def test_oauth2_wrong_certificate_is_refused(sandbox):
    box = sandbox()
    TOKEN_CACHE._tokens.clear()
    demo = box.control("GET", "demo-credentials")["oauth2"]
    auth = OAuth2Auth(ACCOUNT, demo["client_id"], "not-the-cert", demo["private_key_pem"])
    with pytest.raises(NetSuiteAuthError) as info:
        NetSuiteClient(ACCOUNT, auth, base_url=box.url, api_log=Log()).server_time()
    assert info.value.status in (400, 401, 500) and "BEGIN" not in str(info.value)


# --- governance --------------------------------------------------------------------------------------

def _storm(client: NetSuiteClient, prefix: str, threads: int = 20) -> tuple[dict, list]:
    results, errors = {}, []

    def work(n: int):
        try:
            results[n] = client.create("customer", {"externalId": f"{prefix}-{n}", "isPerson": True,
                                                    "firstName": "S", "lastName": str(n), "subsidiary": {"id": "1"}})
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(repr(exc))

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    return results, errors


def test_429_storm_completes_every_call_exactly_once(sandbox):
    box = sandbox(seed=1, concurrency_limit=2, latency_ms=30)
    log = Log()
    client = tba_client(box, log, concurrency_limit=8, max_retries=12)  # more than the account allows
    results, errors = _storm(client, "STORM")
    assert errors == [] and len(results) == 20 and len(set(results.values())) == 20
    for n in range(20):
        assert len(box.records("customer", f"STORM-{n}")) == 1
    stats = box.control("GET", "stats")
    assert stats["rejected_429"] > 0 and stats["max_concurrent"] <= 2
    assert sum(1 for r in log.rows if r[3] == 429) == stats["rejected_429"]


def test_a_gate_at_the_account_limit_avoids_429(sandbox):
    box = sandbox(seed=1, concurrency_limit=2, latency_ms=30)
    client = tba_client(box, concurrency_limit=2)
    results, errors = _storm(client, "CALM")
    stats = box.control("GET", "stats")
    assert errors == [] and len(results) == 20
    assert stats["rejected_429"] == 0 and stats["max_concurrent"] == 2 and client.gate.max_in_flight <= 2


def test_create_that_timed_out_is_found_not_created_twice(sandbox):
    box = sandbox(seed=1, timeout_rate=1.0, timeout_delay_s=1.5)

    def heal(row):  # after the first lost answer the sandbox behaves again
        if row[3] is None:
            box.control("POST", "config", {"timeout_rate": 0.0})
    log = Log(on_row=heal)
    client = tba_client(box, log, timeout_s=0.4)
    cid = client.create("customer", {"externalId": "WC-CUST-T1", "isPerson": True, "firstName": "T",
                                     "lastName": "O", "subsidiary": {"id": "1"}})
    stored = box.records("customer", "WC-CUST-T1")
    assert len(stored) == 1 and str(stored[0]["id"]) == cid
    assert [(r[1], r[3]) for r in log.rows] == [("POST", None), ("GET", 200)]
    assert log.rows[0][5] == "ReadTimeout"


def test_create_after_a_500_is_sent_again_once(sandbox):
    box = sandbox(seed=1, fault_rate=1.0)

    def heal(row):
        if row[3] == 500:
            box.control("POST", "config", {"fault_rate": 0.0})
    log = Log(on_row=heal)
    cid = tba_client(box, log).create("customer", {"externalId": "WC-CUST-F1", "isPerson": True,
                                                   "firstName": "F", "lastName": "A", "subsidiary": {"id": "1"}})
    assert [str(r["id"]) for r in box.records("customer", "WC-CUST-F1")] == [cid]
    assert [(r[1], r[3]) for r in log.rows] == [("POST", 500), ("GET", 404), ("POST", 204)]


# --- the credentials test ---------------------------------------------------------------------------------

def test_wrong_token_secret_gets_a_useful_diagnosis(sandbox):
    box = sandbox()
    values = {**DEMO_TBA, "auth": "tba", "token_secret": "definitely-the-wrong-secret"}
    result = run_connection_test(values, SimpleNamespace(netsuite_base_url=box.url), {},
                                no_api_log)
    assert result["ok"] is False and "INVALID_LOGIN" in result["error"]
    diag = result["diagnosis"]
    assert diag["realm"] == ACCOUNT and diag["host"] == box.url.split("//")[1]
    assert diag["clock_skew_s"] is not None and abs(diag["clock_skew_s"]) < 5
    audit = box.control("GET", "login-audit")
    assert audit[-1]["reason"] == "InvalidSignature"
    assert diag["likely_causes"][0]["audit_code"] == audit[-1]["reason"]
    assert "Login Audit Trail" in diag["where_to_look"]
    text = json.dumps(result)
    assert "definitely-the-wrong-secret" not in text and DEMO_TBA["consumer_secret"] not in text


def test_right_credentials_pass_the_test(sandbox):
    box = sandbox()
    result = run_connection_test({**DEMO_TBA, "auth": "tba"}, SimpleNamespace(netsuite_base_url=box.url), {},
                                no_api_log)
    assert result["ok"] is True and abs(result["diagnosis"]["clock_skew_s"]) < 5


def test_credentials_endpoint_end_to_end_leaves_no_secret_in_the_api_log(sandbox, tmp_path):
    from sidecar.api.app import create_app as create_sidecar
    from sidecar.store.db import database
    from sidecar.store.models import ApiCall
    from tests.conftest import SignedClient, make_config

    box = sandbox()
    app = create_sidecar(make_config(tmp_path, SIDECAR_NETSUITE_BASE_URL=box.url))
    app.testing = True
    signed = SignedClient(app.test_client())
    wrong = {**DEMO_TBA, "token_secret": "wrong-token-secret-123"}
    assert signed.put("/v1/credentials", json_body={"netsuite": wrong}).status_code == 200
    answer = signed.post("/v1/credentials/test")
    assert answer.status_code == 200
    body = answer.get_json()["netsuite"]
    assert body["ok"] is False and body["diagnosis"]["likely_causes"][0]["audit_code"] == "InvalidSignature"
    with database.connection_context():
        rows = list(ApiCall.select().where(ApiCall.system == "netsuite"))
    assert rows and all(r.status == 401 and r.error.startswith("INVALID_LOGIN") for r in rows)
    stored = json.dumps(body) + " ".join(f"{r.path} {r.error}" for r in rows)
    for key in ("consumer_key", "consumer_secret", "token_id", "token_secret"):
        assert wrong[key] not in stored, key
    database.close()


def test_a_client_clock_ten_minutes_off_is_named_as_the_likely_cause(sandbox):
    box = sandbox(clock_skew_s=600)  # NetSuite's clock (and its Date header) ten minutes ahead of ours
    result = run_connection_test({**DEMO_TBA, "auth": "tba"}, SimpleNamespace(netsuite_base_url=box.url), {},
                                no_api_log)
    assert result["ok"] is False
    diag = result["diagnosis"]
    assert 590 <= diag["clock_skew_s"] <= 610
    assert box.control("GET", "login-audit")[-1]["reason"] == "InvalidTimestamp"
    assert diag["likely_causes"][0]["audit_code"] == "InvalidTimestamp"
