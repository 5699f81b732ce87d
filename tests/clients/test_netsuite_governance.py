"""Governance pieces that need no NetSuite: the process-wide gate, the real API log rows, building the client
from stored credentials and settings."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import responses

from sidecar.clients import no_api_log
from sidecar.clients.netsuite import NetSuiteClient
from sidecar.clients.netsuite_auth import OAuth2Auth, TbaAuth
from sidecar.clients.netsuite_transport import ConcurrencyGate, shared_gate

TBA = {"account_id": "7654321_SB2", "consumer_key": "ck-gov-000001", "consumer_secret": "cs-gov-000002",
       "token_id": "tid-gov-000003", "token_secret": "ts-gov-000004"}


def _wait_until(predicate, deadline_s: float = 5.0) -> bool:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


def test_gate_admits_at_most_its_limit():
    gate = ConcurrencyGate(2)
    release = threading.Event()
    entered = []

    def work():
        with gate.slot():
            entered.append(1)
            release.wait(5)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    assert _wait_until(lambda: len(entered) == 2)
    assert gate.in_flight == 2 and len(entered) == 2  # the other four wait
    release.set()
    for t in threads:
        t.join(5)
    assert len(entered) == 6 and gate.max_in_flight == 2 and gate.in_flight == 0


def test_clients_of_one_account_share_one_gate():
    a = NetSuiteClient.from_credentials(TBA, SimpleNamespace(netsuite_base_url=None),
                                        {"netsuite": {"concurrency_limit": 3, "timeout_s": 12}},
                                        api_log=no_api_log)
    b = NetSuiteClient("7654321-sb2", TbaAuth("7654321_SB2", "k", "s", "t", "u"), concurrency_limit=3)
    other = NetSuiteClient("1111111", TbaAuth("1111111", "k", "s", "t", "u"), concurrency_limit=3)
    assert a.gate is b.gate is shared_gate("7654321_SB2", 3)
    assert other.gate is not a.gate
    assert a.gate.limit == 3 and a.transport.timeout_s == 12
    assert a.host == "7654321-sb2.suitetalk.api.netsuite.com" and a.realm == "7654321_SB2"


def test_from_credentials_uses_the_base_url_override_and_the_auth_mode():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    values = {"account_id": "1234567_SB1", "auth": "oauth2", "client_id": "c", "certificate_id": "k",
              "private_key_pem": pem}
    client = NetSuiteClient.from_credentials(values, SimpleNamespace(netsuite_base_url="http://127.0.0.1:1/"),
                                             {"netsuite": {}}, api_log=no_api_log)
    assert isinstance(client.auth, OAuth2Auth) and client.origin == "http://127.0.0.1:1"
    assert client.auth.token_url == "http://127.0.0.1:1/services/rest/auth/oauth2/v1/token"
    assert client.gate.limit == 5 and client.transport.timeout_s == 60.0  # the settings' defaults


@responses.activate
def test_api_log_rows_are_written_and_hold_no_secret(app):
    from sidecar.store.apilog import record_api_call
    from sidecar.store.db import database
    from sidecar.store.models import ApiCall

    origin = "https://7654321-sb2.suitetalk.api.netsuite.com"
    responses.add(responses.GET, origin + "/services/rest/record/v1/customer/5", status=401, json={
        "status": 401, "o:errorDetails": [{"detail": "Invalid login attempt. token_secret=ts-gov-000004",
                                           "o:errorCode": "INVALID_LOGIN"}]})
    responses.add(responses.GET, origin + "/services/rest/record/v1/customer/6", json={"id": "6"})
    client = NetSuiteClient.from_credentials(TBA, SimpleNamespace(netsuite_base_url=None), {"netsuite": {}},
                                             api_log=record_api_call)
    client.get("customer", 6)
    try:
        client.get("customer", 5)
    except Exception as exc:  # noqa: BLE001 - checked below
        error_text = str(exc)
    with database.connection_context():
        rows = list(ApiCall.select().where(ApiCall.system == "netsuite").order_by(ApiCall.id))
    assert [(r.method, r.path, r.status) for r in rows] == [
        ("GET", "/services/rest/record/v1/customer/6", 200),
        ("GET", "/services/rest/record/v1/customer/5", 401),
        ("GET", "/services/rest/record/v1/customer/5", 401)]  # one re-signed retry on 401
    assert rows[1].error.startswith("INVALID_LOGIN") and rows[0].error is None
    stored = " ".join(f"{r.path} {r.error}" for r in rows) + error_text
    for key, value in TBA.items():
        if key != "account_id":
            assert value not in stored, key
