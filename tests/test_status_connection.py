"""``GET /v1/status`` judges each connection by transport and authentication, not by whether the last lookup
found its record (issue 18 item 5: a customer lookup's 404 read as "Last call failed")."""

from __future__ import annotations

import pytest

from sidecar.store.apilog import record_api_call


@pytest.mark.parametrize("status, error, state, problem", [
    (404, "NONEXISTENT_ID: no customer with that external id", "ok", None),
    (400, "USER_ERROR: Invalid field value", "ok", None),
    (429, "CONCURRENCY_LIMIT_EXCEEDED", "ok", None),
    (200, None, "ok", None),
    (401, "INVALID_LOGIN", "error", "credentials refused (401)"),
    (403, "INSUFFICIENT_PERMISSION", "error", "credentials refused (403)"),
    (None, "ConnectTimeout", "error", "no answer (network error or timeout)"),
    (302, "REDIRECT: NetSuite answered a redirect", "error", "redirected (302): the URL is not the API's"),
    (503, "Service Unavailable", "error", "unavailable (503)"),
])
def test_a_connection_is_judged_by_transport_and_authentication(signed, status, error, state, problem):
    record_api_call("netsuite", "get", "/record/v1/customer/eid:woo-store-customer-1", status, 40, error)
    conn = signed.get("/v1/status").get_json()["connections"]["netsuite"]
    assert (conn["state"], conn["problem"]) == (state, problem)
    assert conn["last_call"]["status"] == status  # what happened is still shown


def test_a_lookup_miss_after_a_refused_login_means_the_login_works_again(signed):
    record_api_call("woocommerce", "get", "/wc/v3/orders", 401, 40, "woocommerce_rest_cannot_view")
    assert signed.get("/v1/status").get_json()["connections"]["woocommerce"]["state"] == "error"
    record_api_call("woocommerce", "get", "/wc/v3/customers/99", 404, 40, "woocommerce_rest_invalid_id")
    assert signed.get("/v1/status").get_json()["connections"]["woocommerce"]["state"] == "ok"


def test_no_call_yet_is_unknown(signed):
    conn = signed.get("/v1/status").get_json()["connections"]["netsuite"]
    assert (conn["state"], conn["problem"], conn["last_call"]) == ("unknown", None, None)


def test_the_worker_is_judged_as_readyz_judges_it(signed):
    """``worker.ok``: a heartbeat within ``worker_heartbeat_max_age_s`` — wp-admin says "Not running" otherwise."""
    import datetime as dt

    from sidecar.store.models import Heartbeat, utcnow

    assert signed.get("/v1/status").get_json()["worker"] == {"last_heartbeat": None, "ok": False, "max_age_s": 60}
    Heartbeat.insert(name="worker", beat_at=utcnow() - dt.timedelta(seconds=5)).execute()
    assert signed.get("/v1/status").get_json()["worker"]["ok"] is True
    Heartbeat.update(beat_at=utcnow() - dt.timedelta(seconds=600)).execute()
    worker = signed.get("/v1/status").get_json()["worker"]
    assert worker["ok"] is False and worker["last_heartbeat"]
