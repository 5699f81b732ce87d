"""Whoever builds a client hands it the settings it needs and the API-log recorder: the pipeline's context is
where the sidecar builds the clients its jobs use (a client never reads the database itself)."""

from __future__ import annotations

from sidecar.pipeline.context import build_context, clear_client_cache
from sidecar.store.apilog import record_api_call
from sidecar.store.runtime import get_runtime
from sidecar.store.settings import update_settings

NETSUITE = {"account_id": "1234567_SB1", "consumer_key": "ck-build-1", "consumer_secret": "cs-build-2",
            "token_id": "tid-build-3", "token_secret": "ts-build-4"}
WOO = {"url": "https://shop.test", "consumer_key": "ck_" + "1" * 40, "consumer_secret": "cs_" + "2" * 40}


def test_job_clients_get_the_stored_settings_and_the_api_log(app):
    clear_client_cache()
    get_runtime().credentials.put({"netsuite": NETSUITE, "woocommerce": WOO})
    update_settings({"netsuite": {"concurrency_limit": 3, "timeout_s": 12},
                     "woocommerce": {"timeout_s": 7, "query_string_auth": True}})
    ctx = build_context()
    assert ctx.netsuite.transport.api_log is record_api_call and ctx.woo.http.api_log is record_api_call
    assert ctx.netsuite.gate.limit == 3 and ctx.netsuite.transport.timeout_s == 12
    assert ctx.woo.http.timeout_s == 7 and ctx.woo.auth_mode == "query"
    clear_client_cache()


def test_changed_client_settings_build_a_new_client(app):
    clear_client_cache()
    get_runtime().credentials.put({"woocommerce": WOO})
    first = build_context().woo
    assert build_context().woo is first  # cached while nothing changed
    update_settings({"woocommerce": {"timeout_s": 9}})
    second = build_context().woo
    assert second is not first and second.http.timeout_s == 9
    clear_client_cache()
