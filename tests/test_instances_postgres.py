"""Two ``sidecar serve`` + two ``sidecar worker`` processes on one PostgreSQL (DESIGN.md §6, issue 17):
every order becomes one sales order, and NetSuite never sees more requests at once than the configured limit —
counted by the sandbox, which itself would allow four times more. Skipped without SIDECAR_TEST_POSTGRES_URL."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs SIDECAR_TEST_POSTGRES_URL")
ORDERS, LIMIT = 24, 2


def test_two_serves_and_two_workers_export_each_order_once_within_the_shared_limit():
    from tests.bench import harness

    pipe, skus = harness.start_pipeline(database_url=PG_URL, ns_options={"concurrency_limit": LIMIT * 4},
                                        settings={"netsuite": {"concurrency_limit": LIMIT}})
    try:
        pipe.start_serve(workers=1, threads=2)
        pipe.start_serve(workers=1, threads=2)
        pipe.stack.ns_control("POST", "config", {"latency_ms": 50})
        pipe.start_worker(threads=4)
        pipe.start_worker(threads=4)
        for n in range(ORDERS):
            woo_id = pipe.place(n, f"buyer{n // 2}@example.com", skus)
            if n % 4 == 1:  # the plugin retries the same envelope on the other serve: the same event
                assert pipe.announce({"id": woo_id}, pipe.event_ids[woo_id]) == 200
            if n % 4 == 2:  # a second event about the same order (order.created and .updated of one checkout)
                assert pipe.announce({"id": woo_id}) == 202
        pipe.wait_exported(ORDERS, timeout_s=180)
        stats = pipe.ns_stats()
        external_ids = Counter(so.get("externalId") for so in pipe.sales_orders())
    finally:
        pipe.stop()
    assert len(external_ids) == ORDERS
    assert max(external_ids.values()) == 1
    assert 1 <= stats["max_concurrent"] <= LIMIT
    assert stats["rejected_429"] == 0
