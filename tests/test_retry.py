"""The one retry policy (``sidecar.retry``): NetSuite calls, WooCommerce calls and jobs back off from it, and a
``Retry-After`` is a floor everywhere - never shortened, never capped below what the server asked."""

from __future__ import annotations

import random

import pytest
import requests
import responses

from sidecar.clients.netsuite import NetSuiteClient
from sidecar.clients.netsuite_auth import TbaAuth
from sidecar.clients.netsuite_errors import NetSuiteRateLimited
from sidecar.clients.woocommerce import WooClient, WooTransientError
from sidecar.pipeline.timing import Timing, backoff_s
from sidecar.retry import RetryPolicy, job_policy, parse_retry_after
from tests.clients.test_woocommerce_support import CK, CS

WOO = "http://127.0.0.1:8080/wp-json/wc/v3/"
NS = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1"


@pytest.mark.parametrize("policy", [RetryPolicy(), RetryPolicy(base_s=2, cap_s=4), job_policy(30, 3600)])
@pytest.mark.parametrize("retry_after", [0.0, 1.0, 29.0, 31.0, 600.0, 7200.0])
def test_the_wait_is_never_shorter_than_retry_after(policy, retry_after):
    rng = random.Random(3)
    for retry in range(1, 15):
        assert policy.delay(retry, retry_after, rng) >= retry_after


def test_without_retry_after_the_wait_is_capped_and_jittered():
    policy, rng = RetryPolicy(base_s=0.5, cap_s=30), random.Random(5)
    waits = [policy.delay(12, None, rng) for _ in range(200)]
    assert all(0 <= w <= 30 for w in waits) and len({round(w, 6) for w in waits}) > 1


def test_a_retry_after_longer_than_a_thread_may_sleep_goes_to_the_queue():
    policy = RetryPolicy(max_wait_s=120)
    assert policy.sleeps_for(None) and policy.sleeps_for(120) and not policy.sleeps_for(121)


def test_jobs_wait_at_least_retry_after_even_beyond_their_own_ceiling():
    t = Timing(retry_base_s=30, retry_max_s=3600)
    assert all(backoff_s(n, 7200, t=t) >= 7200 for n in range(1, 12))
    assert all(backoff_s(n, 45, t=t) >= 45 for n in range(1, 12))


def test_retry_after_as_an_http_date_is_read_by_both_clients_alike():
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", 40.0) == 60.0
    assert parse_retry_after(" 12 ", 0) == 12.0


def woo(sleeps: list) -> WooClient:
    return WooClient("http://127.0.0.1:8080", CK, CS, max_retries=2, sleep=sleeps.append)


@responses.activate
def test_woocommerce_sleeps_the_whole_retry_after_it_was_given():
    responses.add("GET", WOO + "orders/5", status=429, headers={"Retry-After": "90"}, json={"code": "too_many"})
    responses.add("GET", WOO + "orders/5", status=503, headers={"Retry-After": "45"}, body="busy")
    responses.add("GET", WOO + "orders/5", json={"id": 5})
    sleeps: list[float] = []
    assert woo(sleeps).get_order(5) == {"id": 5}
    assert sleeps == [90, 45]  # the first release capped these at 30 s


@responses.activate
def test_woocommerce_hands_a_long_retry_after_to_the_job_queue_instead_of_sleeping():
    responses.add("GET", WOO + "orders/5", status=503, headers={"Retry-After": "900"}, body="maintenance")
    sleeps: list[float] = []
    with pytest.raises(WooTransientError) as err:
        woo(sleeps).get_order(5)
    assert err.value.retry_after == 900 and err.value.retryable
    assert sleeps == [] and len(responses.calls) == 1
    assert backoff_s(1, err.value.retry_after, t=Timing()) >= 900  # and the job waits at least that long


@responses.activate
def test_netsuite_sleeps_at_least_a_retry_after_above_its_backoff_cap():
    limited = {"status": 429, "o:errorDetails": [{"detail": "blocked", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}]}
    responses.add(responses.GET, NS + "/customer/7", status=429, headers={"Retry-After": "100"}, json=limited)
    responses.add(responses.GET, NS + "/customer/7", json={"id": "7"})
    sleeps: list[float] = []
    client = NetSuiteClient("1234567_SB1", TbaAuth("1234567_SB1", "ck", "cs", "tid", "ts"), backoff_cap_s=30,
                            sleep=sleeps.append)
    assert client.get("customer", 7) == {"id": "7"}
    assert len(sleeps) == 1 and sleeps[0] >= 100


@responses.activate
def test_netsuite_hands_a_long_retry_after_to_the_job_queue():
    limited = {"status": 429, "o:errorDetails": [{"detail": "blocked", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"}]}
    responses.add(responses.GET, NS + "/customer/7", status=429, headers={"Retry-After": "3600"}, json=limited)
    sleeps: list[float] = []
    client = NetSuiteClient("1234567_SB1", TbaAuth("1234567_SB1", "ck", "cs", "tid", "ts"), sleep=sleeps.append)
    with pytest.raises(NetSuiteRateLimited) as err:
        client.get("customer", 7)
    assert sleeps == [] and err.value.retry_after == 3600
    assert backoff_s(1, err.value.retry_after, t=Timing()) >= 3600


@responses.activate
def test_a_retried_attempt_is_a_new_request_every_time():
    """The loop re-sends through the client (new OAuth nonce, new log row), not a replay below it."""
    responses.add("GET", WOO + "orders/5", body=requests.ConnectionError("reset"))
    responses.add("GET", WOO + "orders/5", json={"id": 5})
    rows: list[tuple] = []
    client = WooClient("http://127.0.0.1:8080", CK, CS, sleep=lambda s: None, api_log=lambda *r: rows.append(r))
    client.get_order(5)
    nonces = [r.headers.get("Authorization", r.url) for r in (c.request for c in responses.calls)]
    assert len(rows) == 2 and [r[3] for r in rows] == [None, 200] and len(set(nonces)) == 2
