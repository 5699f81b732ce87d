"""The NetSuite half of the credentials test: one cheap call, and an INVALID_LOGIN turned into advice."""

from __future__ import annotations

import json
import time
from email.utils import formatdate
from types import SimpleNamespace

import requests
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sidecar.clients import no_api_log
from sidecar.clients.netsuite import test_connection as run_connection_test
from sidecar.clients.netsuite_auth import TOKEN_CACHE
from sidecar.clients.netsuite_diagnosis import likely_causes, measure_skew

ORIGIN = "https://1234567-sb1.suitetalk.api.netsuite.com"
SERVER_TIME = ORIGIN + "/services/rest/system/v1/serverTime"
VALUES = {"account_id": "1234567_SB1", "auth": "tba", "consumer_key": "ck-value-0001",
          "consumer_secret": "cs-value-0002", "token_id": "tid-value-0003", "token_secret": "ts-value-0004"}
CONFIG = SimpleNamespace(netsuite_base_url=None)
INVALID_LOGIN = {"type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2", "title": "Unauthorized",
                 "status": 401, "o:errorDetails": [{"detail": "Invalid login attempt. For more details, see the Login "
                                                    "Audit Trail in the NetSuite UI.", "o:errorCode": "INVALID_LOGIN"}]}


def _assert_no_secret(result: dict, values: dict) -> None:
    text = json.dumps(result)
    for key, value in values.items():
        if key not in ("account_id", "auth"):
            assert value not in text, key


@responses.activate
def test_invalid_login_becomes_an_ordered_diagnosis():
    responses.add(responses.GET, SERVER_TIME, json=INVALID_LOGIN, status=401,
                  headers={"Date": formatdate(time.time(), usegmt=True)})
    result = run_connection_test(VALUES, CONFIG, {}, no_api_log)
    assert result["ok"] is False and "INVALID_LOGIN" in result["error"]
    diag = result["diagnosis"]
    assert diag["realm"] == "1234567_SB1" and diag["host"] == "1234567-sb1.suitetalk.api.netsuite.com"
    assert diag["status"] == 401 and abs(diag["clock_skew_s"]) < 5
    assert diag["likely_causes"][0]["audit_code"] == "InvalidSignature"
    assert "token secret" in diag["likely_causes"][0]["cause"]
    assert "Login Audit Trail" in diag["where_to_look"]
    _assert_no_secret(result, VALUES)


@responses.activate
def test_a_skewed_clock_is_named_first():
    responses.add(responses.GET, SERVER_TIME, json=INVALID_LOGIN, status=401,
                  headers={"Date": formatdate(time.time() + 600, usegmt=True)})
    diag = run_connection_test(VALUES, CONFIG, {}, no_api_log)["diagnosis"]
    assert 595 <= diag["clock_skew_s"] <= 605
    assert diag["likely_causes"][0]["audit_code"] == "InvalidTimestamp"
    assert "behind" in diag["likely_causes"][0]["cause"]


@responses.activate
def test_success_reports_the_measured_skew():
    now = time.time()
    server = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now - 42)) + ".000Z"
    responses.add(responses.GET, SERVER_TIME, json={"serverTime": server},
                  headers={"Date": formatdate(now - 42, usegmt=True)})
    result = run_connection_test(VALUES, CONFIG, {}, no_api_log)
    assert result["ok"] is True and -44 <= result["diagnosis"]["clock_skew_s"] <= -40
    assert result["diagnosis"]["signature_method"] == "HMAC-SHA256"


@responses.activate
def test_an_unreachable_host_says_so():
    responses.add(responses.GET, SERVER_TIME, body=requests.ConnectionError("Name or service not known"))
    result = run_connection_test(VALUES, CONFIG, {}, no_api_log)
    assert result["ok"] is False and "could not be reached" in result["error"]
    assert "1234567-sb1.suitetalk.api.netsuite.com" in result["error"]


@responses.activate
def test_oauth2_token_refusal_puts_the_named_reason_first():
    TOKEN_CACHE._tokens.clear()
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    values = {"account_id": "1234567_SB1", "auth": "oauth2", "client_id": "client-value-01",
              "certificate_id": "cert-value-02", "private_key_pem": pem}
    responses.add(responses.POST, ORIGIN + "/services/rest/auth/oauth2/v1/token", status=401,
                  json={"error": "invalid_client", "error_description": "MissingKey"})
    result = run_connection_test(values, CONFIG, {}, no_api_log)
    diag = result["diagnosis"]
    assert result["ok"] is False and diag["code"] == "invalid_client"
    assert diag["likely_causes"][0]["audit_code"] == "MissingKey" and diag["algorithm"] == "ES256"
    _assert_no_secret(result, values)


def test_skew_helpers():
    assert measure_skew(formatdate(1000, usegmt=True), 990, 1000) == 5.0
    assert measure_skew("garbage", 0, 1) is None
    causes = likely_causes("tba", 10.0, "1234567_SB1")
    assert causes[0]["audit_code"] == "InvalidSignature"
    assert any("1234567_SB1" in c["cause"] for c in causes)
