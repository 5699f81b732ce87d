"""Record service, error parsing, retry rules and redaction of the NetSuite client, with ``responses``."""

from __future__ import annotations

import random

import pytest
import requests
import responses
from responses import matchers

from sidecar.clients.netsuite import AdoptedId, NetSuiteClient, sublists_are_keyed
from sidecar.clients.netsuite_auth import TbaAuth
from sidecar.clients.netsuite_errors import (
    NetSuiteAuthError,
    NetSuiteNotFound,
    NetSuiteRateLimited,
    NetSuiteServerError,
    NetSuiteUncertainWrite,
    NetSuiteValidationError,
    error_from_response,
)
from sidecar.retry import RetryPolicy, parse_retry_after

ORIGIN = "https://1234567-sb1.suitetalk.api.netsuite.com"
R = ORIGIN + "/services/rest/record/v1"
SECRETS = {"consumer_key": "ck-secret-value-1", "consumer_secret": "cs-secret-value-2",
           "token_id": "tid-secret-value-3", "token_secret": "ts-secret-value-4"}


class Recorder:
    """Collects what the client would write to the API log, and the backoff sleeps."""

    def __init__(self):
        self.rows, self.sleeps = [], []

    def log(self, *row):
        self.rows.append(row)


@pytest.fixture
def rec():
    return Recorder()


@pytest.fixture
def client(rec):
    auth = TbaAuth("1234567_SB1", **SECRETS)
    return NetSuiteClient("1234567_SB1", auth, max_retries=3, sleep=rec.sleeps.append,
                          rng=random.Random(7), api_log=rec.log)


def ns_error(status: int, code: str, detail: str, path: str | None = None) -> dict:
    entry = {"detail": detail, "o:errorCode": code}
    if path:
        entry["o:errorPath"] = path
    return {"type": "https://www.rfc-editor.org/rfc/rfc9110.html", "title": "x", "status": status,
            "o:errorDetails": [entry]}


def created(record_id: str, location: str | None = None) -> dict:
    return {"status": 204, "headers": {"Location": location or f"{R}/customer/{record_id}"}}


# --- record service -------------------------------------------------------------------------------------

@responses.activate
def test_create_returns_the_id_from_location_and_signs_json(client, rec):
    responses.add(responses.POST, R + "/customer", **created("647"),
                  match=[matchers.json_params_matcher({"companyName": "Acme", "externalId": "WC-CUST-1"})])
    assert client.create("customer", {"companyName": "Acme", "externalId": "WC-CUST-1"}) == "647"
    sent = responses.calls[0].request
    auth = sent.headers["Authorization"]
    assert auth.startswith('OAuth realm="1234567_SB1"') and "HMAC-SHA256" in auth
    assert sent.headers["X-NetSuite-PropertyNameValidation"] == "Error"
    assert rec.rows[0][:4] == ("netsuite", "POST", "/services/rest/record/v1/customer", 204)


@responses.activate
def test_relative_location_is_understood(client):
    responses.add(responses.POST, R + "/customer", status=204,
                  headers={"Location": "/services/rest/record/v1/customer/12"})
    assert client.create("customer", {"companyName": "A"}) == "12"


@responses.activate
def test_get_passes_fields_and_expand(client):
    responses.add(responses.GET, R + "/salesOrder/18", json={"id": "18"},
                  match=[matchers.query_param_matcher({"expandSubResources": "true", "fields": "tranId,total"})])
    assert client.get("salesOrder", 18, expand_sub_resources=True, fields=["tranId", "total"]) == {"id": "18"}
    assert "fields=tranId%2Ctotal" in responses.calls[0].request.url


@responses.activate
def test_update_patches_with_replace(client):
    responses.add(responses.PATCH, R + "/salesOrder/18", status=204,
                  match=[matchers.query_param_matcher({"replace": "item"})])
    assert client.update("salesOrder", 18, {"item": {"items": []}}, replace="item") is None


@responses.activate
def test_upsert_puts_to_the_external_id_path(client):
    responses.add(responses.PUT, R + "/salesOrder/eid:WC-SO-1001", status=204,
                  headers={"Location": R + "/salesOrder/8891"})
    assert client.upsert("salesOrder", "WC-SO-1001", {"memo": "x"}) == "8891"
    assert responses.calls[0].request.url.endswith("/salesOrder/eid:WC-SO-1001")


@responses.activate
def test_transform_returns_the_target_id(client):
    responses.add(responses.POST, R + "/salesOrder/3/!transform/itemFulfillment", status=204,
                  headers={"Location": R + "/itemFulfillment/5001"})
    assert client.transform("salesOrder", "3", "itemFulfillment", {"shipStatus": {"id": "C"}}) == "5001"
    assert "/salesOrder/3/!transform/itemFulfillment" in responses.calls[0].request.url


@responses.activate
def test_transform_without_location_finds_the_new_record_by_external_id(client):
    """§3.1 / §11.3: whether a transform's 204 always carries Location is unconfirmed; the record was saved,
    so its id is read back by the external id the body gave (§9.2), not reported as a failure."""
    responses.add(responses.POST, R + "/invoice/60/!transform/creditMemo", status=204)
    responses.add(responses.GET, R + "/creditMemo/eid:woo-s-refund-9", json={"id": "812"})
    assert client.transform("invoice", "60", "creditMemo", {"externalId": "woo-s-refund-9"}) == "812"
    assert [c.request.method for c in responses.calls] == ["POST", "GET"]


@responses.activate
def test_find_by_external_id_returns_none_on_404(client):
    responses.add(responses.GET, R + "/customer/eid:WC-CUST-9",
                  json=ns_error(404, "NONEXISTENT_ID", "Record does not exist."), status=404)
    responses.add(responses.GET, R + "/customer/eid:WC-CUST-8", json={"id": "41", "externalId": "WC-CUST-8"})
    assert client.find_by_external_id("customer", "WC-CUST-9") is None
    assert client.find_by_external_id("customer", "WC-CUST-8")["id"] == "41"


def test_paths_refuse_injection(client):
    with pytest.raises(ValueError):
        client.get("customer", "1/../../system")
    with pytest.raises(ValueError):
        client.get("customer?x=1", 1)
    with pytest.raises(ValueError):
        client.upsert("salesOrder", "RED|PO|1", {})


# --- errors -----------------------------------------------------------------------------------------------

def test_error_body_is_parsed_into_typed_errors():
    err = error_from_response(400, ns_error(400, "INVALID_CONTENT", "Invalid Field Value 9999 for item",
                                            "item.items[0].item"))
    assert isinstance(err, NetSuiteValidationError) and not err.retryable
    assert (err.code, err.error_path, err.status) == ("INVALID_CONTENT", "item.items[0].item", 400)
    assert err.detail == "Invalid Field Value 9999 for item"
    assert "item.items[0].item" in str(err) and "INVALID_CONTENT" in str(err)
    top_level = {"status": 429, "o:errorCode": "USER_ERROR",
                 "o:errorDetails": [{"detail": "Concurrent request limit exceeded. Request blocked.",
                                     "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}]}
    assert isinstance(error_from_response(429, top_level), NetSuiteRateLimited)
    as_400 = error_from_response(400, top_level)
    assert isinstance(as_400, NetSuiteRateLimited) and as_400.retryable  # some accounts answer it with 400
    assert isinstance(error_from_response(404, {}), NetSuiteNotFound)
    assert isinstance(error_from_response(500, ns_error(500, "UNEXPECTED_ERROR", "x")), NetSuiteServerError)
    assert error_from_response(503, None, text="<html>down</html>").detail == "<html>down</html>"
    login = error_from_response(401, ns_error(401, "INVALID_LOGIN", "Invalid login attempt."))
    assert isinstance(login, NetSuiteAuthError) and "Login Audit Trail" in str(login)


def test_retry_after_parsing():
    assert parse_retry_after("7", 0) == 7.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:30 GMT", 10.0) == 20.0
    assert parse_retry_after("soon", 0) is None and parse_retry_after(None, 0) is None


def test_backoff_is_exponential_capped_and_jittered():
    policy = RetryPolicy(base_s=0.5, cap_s=4.0)
    rng = random.Random(1)
    delays = [[policy.delay(n + 1, None, rng) for _ in range(200)] for n in range(6)]  # retry n+1 (1-based)
    for n, samples in enumerate(delays):
        bound = min(4.0, 0.5 * 2 ** n)
        assert all(0 <= d <= bound for d in samples)
        assert max(samples) > bound * 0.8 and min(samples) < bound * 0.2  # spread: threads don't retry in step
    assert all(10 <= policy.delay(1, 10, rng) <= 10.5 for _ in range(50))  # Retry-After is honoured


# --- governance: retries ------------------------------------------------------------------------------------

@responses.activate
def test_429_is_retried_honouring_retry_after(client, rec):
    limited = ns_error(429, "CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked.")
    responses.add(responses.POST, R + "/customer", json=limited, status=429, headers={"Retry-After": "3"})
    responses.add(responses.POST, R + "/customer", json=limited, status=429)
    responses.add(responses.POST, R + "/customer", **created("5"))
    assert client.create("customer", {"companyName": "A"}) == "5"  # no externalId needed: 429 did nothing
    assert len(responses.calls) == 3
    assert 3 <= rec.sleeps[0] <= 3.5 and 0 <= rec.sleeps[1] <= 1.0
    assert [r[3] for r in rec.rows] == [429, 429, 204]
    assert "CONCURRENCY_LIMIT_EXCEEDED" in rec.rows[0][5]


@responses.activate
def test_validation_error_is_not_retried(client, rec):
    responses.add(responses.POST, R + "/customer", status=400,
                  json=ns_error(400, "USER_ERROR", "You must enter a value for Company Name.", "companyName"))
    with pytest.raises(NetSuiteValidationError) as info:
        client.create("customer", {"externalId": "WC-CUST-2"})
    assert info.value.error_path == "companyName" and len(responses.calls) == 1 and rec.sleeps == []


@responses.activate
def test_get_retries_5xx_and_timeouts_then_gives_up(client, rec):
    url = R + "/customer/7"
    responses.add(responses.GET, url, json=ns_error(500, "UNEXPECTED_ERROR", "Error ID: abc"), status=500)
    responses.add(responses.GET, url, body=requests.ReadTimeout("read timed out"))
    responses.add(responses.GET, url, body=requests.ConnectionError("reset"))
    responses.add(responses.GET, url, status=502, body="bad gateway")
    with pytest.raises(NetSuiteServerError) as info:
        client.get("customer", 7)
    assert info.value.retryable and info.value.status == 502
    assert len(responses.calls) == 4 and len(rec.sleeps) == 3  # max_retries=3
    assert [r[3] for r in rec.rows] == [500, None, None, 502]
    assert rec.rows[1][5] == "ReadTimeout"


@responses.activate
def test_too_long_retry_after_goes_to_the_queue_instead_of_sleeping(client, rec):
    responses.add(responses.GET, R + "/customer/7", status=429, headers={"Retry-After": "900"},
                  json=ns_error(429, "CONCURRENCY_LIMIT_EXCEEDED", "blocked"))
    with pytest.raises(NetSuiteRateLimited) as info:
        client.get("customer", 7)
    assert info.value.retry_after == 900 and rec.sleeps == [] and len(responses.calls) == 1


# --- a create retried after a lost answer never makes a second record ------------------------------------

@responses.activate
def test_create_after_timeout_finds_the_record_instead_of_posting_again(client):
    responses.add(responses.POST, R + "/salesOrder", body=requests.ReadTimeout("timed out"))
    responses.add(responses.GET, R + "/salesOrder/eid:WC-SO-1001", json={"id": "8891", "externalId": "WC-SO-1001"})
    assert client.create("salesOrder", {"externalId": "WC-SO-1001", "memo": "x"}) == "8891"
    assert [c.request.method for c in responses.calls] == ["POST", "GET"]


@responses.activate
def test_create_after_5xx_posts_again_only_when_the_record_is_absent(client):
    responses.add(responses.POST, R + "/salesOrder", status=500, json=ns_error(500, "UNEXPECTED_ERROR", "x"))
    responses.add(responses.GET, R + "/salesOrder/eid:WC-SO-7", status=404,
                  json=ns_error(404, "NONEXISTENT_ID", "Record does not exist."))
    responses.add(responses.POST, R + "/salesOrder", status=204, headers={"Location": R + "/salesOrder/77"})
    assert client.create("salesOrder", {"externalId": "WC-SO-7"}) == "77"
    assert [c.request.method for c in responses.calls] == ["POST", "GET", "POST"]


@responses.activate
def test_duplicate_external_id_answers_with_the_existing_record(client):
    responses.add(responses.POST, R + "/customer", status=400, json=ns_error(
        400, "USER_ERROR", "Error while accessing a resource. This record already exists."))
    responses.add(responses.GET, R + "/customer/eid:WC-CUST-3", json={"id": "90"})
    found = client.create("customer", {"externalId": "WC-CUST-3"})
    assert found == "90" and isinstance(found, AdoptedId)  # our body did not make it: the caller may update it


@responses.activate
def test_a_created_record_and_one_found_after_a_lost_answer_are_not_adopted(client):
    """Only a record that was already there is an AdoptedId; one our own POST made (its answer lost or not)
    holds the body we sent."""
    responses.add(responses.POST, R + "/customer", status=204, headers={"Location": R + "/customer/91"})
    responses.add(responses.POST, R + "/customer", body=requests.ReadTimeout("timed out"))
    responses.add(responses.GET, R + "/customer/eid:WC-CUST-5", json={"id": "92"})
    made, found = client.create("customer", {"externalId": "WC-CUST-4"}), client.create("customer",
                                                                                      {"externalId": "WC-CUST-5"})
    assert (made, found) == ("91", "92") and not isinstance(made, AdoptedId) and not isinstance(found, AdoptedId)


@responses.activate
def test_duplicate_entity_name_is_not_mistaken_for_our_record(client):
    responses.add(responses.POST, R + "/customer", status=400, json=ns_error(
        400, "USER_ERROR", "Error while accessing a resource. This entity already exists."))
    responses.add(responses.GET, R + "/customer/eid:WC-CUST-4", status=404, json=ns_error(404, "NONEXISTENT_ID", "x"))
    with pytest.raises(NetSuiteValidationError, match="entity already exists"):
        client.create("customer", {"externalId": "WC-CUST-4"})


@responses.activate
def test_create_without_external_id_is_never_sent_twice_after_a_timeout(client):
    responses.add(responses.POST, R + "/customer", body=requests.ReadTimeout("timed out"))
    with pytest.raises(NetSuiteUncertainWrite) as info:
        client.create("customer", {"companyName": "A"})
    assert not info.value.retryable and "externalId" in str(info.value)
    assert len(responses.calls) == 1


@responses.activate
def test_connect_timeout_is_safe_to_resend_even_for_a_create(client):
    responses.add(responses.POST, R + "/customer", body=requests.ConnectTimeout("no route"))
    responses.add(responses.POST, R + "/customer", **created("3"))
    assert client.create("customer", {"companyName": "A"}) == "3"
    assert [c.request.method for c in responses.calls] == ["POST", "POST"]


def test_sublist_keying_decides_whether_a_write_may_be_retried():
    assert sublists_are_keyed({"memo": "x"}, None)
    assert sublists_are_keyed({"item": {"items": [{"line": 1, "isClosed": True}]}}, None)
    assert not sublists_are_keyed({"item": {"items": [{"item": {"id": "98"}}]}}, None)
    assert sublists_are_keyed({"item": {"items": [{"item": {"id": "98"}}]}}, "item")


@responses.activate
def test_upsert_with_appending_lines_is_not_retried_after_a_lost_answer(client):
    responses.add(responses.PUT, R + "/salesOrder/eid:WC-SO-5", body=requests.ReadTimeout("timed out"))
    with pytest.raises(NetSuiteUncertainWrite, match="replace="):
        client.upsert("salesOrder", "WC-SO-5", {"item": {"items": [{"item": {"id": "98"}, "quantity": 1}]}})
    assert len(responses.calls) == 1


@responses.activate
def test_upsert_with_replace_is_retried(client):
    url = R + "/salesOrder/eid:WC-SO-6"
    responses.add(responses.PUT, url, body=requests.ReadTimeout("timed out"))
    responses.add(responses.PUT, url, status=204, headers={"Location": R + "/salesOrder/66"})
    assert client.upsert("salesOrder", "WC-SO-6", {"item": {"items": [{"item": {"id": "98"}}]}},
                         replace="item") == "66"
    assert "replace=item" in responses.calls[1].request.url


# --- secrets never leak ---------------------------------------------------------------------------------------

@responses.activate
def test_failed_calls_leave_no_secret_in_log_rows_or_exception(client, rec):
    echo = "Invalid login attempt. oauth_signature=abc123 " + " ".join(SECRETS.values())
    responses.add(responses.GET, R + "/customer/7", status=401, json=ns_error(401, "INVALID_LOGIN", echo))
    with pytest.raises(NetSuiteAuthError) as info:
        client.get("customer", 7)
    text = str(info.value) + repr(info.value.detail) + repr(info.value.details) + repr(rec.rows)
    for secret in SECRETS.values():
        assert secret not in text
    assert "abc123" not in text and "INVALID_LOGIN" in text
    sent = responses.calls[0].request.headers["Authorization"]
    sig = sent.split('oauth_signature="')[1].split('"')[0]
    assert sig not in text


@responses.activate
def test_cookies_from_netsuite_are_never_sent_back(client):
    responses.add(responses.GET, R + "/customer/1", json={"id": "1"}, headers={"Set-Cookie": "NS_ROUTING=abc; Path=/"})
    responses.add(responses.GET, R + "/customer/2", json={"id": "2"})
    client.get("customer", 1)
    client.get("customer", 2)
    assert "Cookie" not in responses.calls[1].request.headers
