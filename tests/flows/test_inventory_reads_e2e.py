"""How the inventory run reads (issue 12, the benchmark's follow-up), over real sockets against both sandboxes:
a full run reads NetSuite while it scans the store and still counts drift, unmatched SKUs and changes right;
an incremental run makes exactly one SuiteQL request and no store call when nothing changed, and its filter
follows ``inventory.locations``."""

from __future__ import annotations

import time

from sidecar.flows import catalog, inventory
from tests.flows.stock_helpers import (
    locations,
    ns_available,
    plain_items,
    run_flow,
    set_ns_stock,
    woo_stock,
)

SUITEQL = "POST /services/rest/query/v1/suiteql"


def suiteql_requests(stack) -> int:
    return stack.ns_control("GET", "stats")["by_method_path"].get(SUITEQL, 0)


def woo_requests(stack) -> int:
    return stack.woo_control("GET", "stats")["requests"]


def test_a_full_run_reads_netsuite_during_the_scan_and_counts_drift_and_unmatched(stack, monkeypatch):
    rows = run_flow(stack, "inventory")["counts"]["seen"]
    items = plain_items(stack)
    loc = locations(stack)[0]
    edited, changed, gone = items[0], items[1], items[2]
    product = woo_stock(stack, edited["itemId"])
    stack.woo_client().put(f"products/{product['id']}", {"stock_quantity": product["stock_quantity"] + 50})
    set_ns_stock(stack, changed["id"], loc, ns_available(stack, changed["id"], [loc]) + 7)
    stack.woo_client().delete(f"products/{woo_stock(stack, gone['itemId'])['id']}", {"force": "true"})
    stack.woo_client().post("products", {"name": "Only in the store", "sku": "WOO-ONLY-9", "manage_stock": True,
                                         "stock_quantity": 2})
    monkeypatch.setattr(inventory, "PAGE", 5)  # several NetSuite pages
    pages = -(-rows // 5)
    before, seen_during_scan = suiteql_requests(stack), []
    real_scan = catalog.scan

    def scan_after_netsuite_is_read(ctx, *args, **kwargs):
        """The scan starts only once the reader has read every page: it must be reading on its own thread."""
        deadline = time.monotonic() + 20
        while suiteql_requests(stack) - before < min(pages, inventory.READ_AHEAD) and time.monotonic() < deadline:
            time.sleep(0.02)
        seen_during_scan.append(suiteql_requests(stack) - before)
        return real_scan(ctx, *args, **kwargs)

    monkeypatch.setattr(catalog, "scan", scan_after_netsuite_is_read)
    run = run_flow(stack, "inventory")
    assert seen_during_scan[0] >= 2  # pages were read before the scan had even begun
    counts = run["counts"]
    assert counts["failed"] == 0 and counts["drift"] == 1 and counts["changed"] == 2
    assert counts["unmatched"] == 2  # the deleted product's item, and the store-only SKU
    assert counts["changed"] + counts["unchanged"] + counts["unmatched"] - 1 == counts["seen"]
    assert woo_stock(stack, edited["itemId"])["stock_quantity"] == product["stock_quantity"]
    assert woo_stock(stack, changed["itemId"])["stock_quantity"] == int(ns_available(stack, changed["id"]))
    assert suiteql_requests(stack) - before == pages


def test_an_incremental_run_makes_one_suiteql_request_and_no_store_call_when_quiet(stack):
    stack.api.put("/v1/settings", {"inventory": {"overlap_minutes": 0}, "schedules": {"inventory_full": "off"}})
    run_flow(stack, "inventory")
    ns_before, woo_before = suiteql_requests(stack), woo_requests(stack)
    quiet = run_flow(stack, "inventory", trigger="schedule")
    assert quiet["counts"]["seen"] == 0 and quiet["counts"]["changed"] == 0
    assert suiteql_requests(stack) - ns_before == 1 and woo_requests(stack) == woo_before
    time.sleep(1.1)  # lastquantityavailablechange has one-second resolution
    item = plain_items(stack)[0]
    set_ns_stock(stack, item["id"], locations(stack)[0], 61)
    ns_before, woo_before = suiteql_requests(stack), woo_requests(stack)
    one = run_flow(stack, "inventory", trigger="schedule")
    assert one["counts"]["seen"] == 1 and one["counts"]["changed"] == 1
    assert suiteql_requests(stack) - ns_before == 1
    assert woo_requests(stack) - woo_before == 2  # the store's current stock of that product, then its write


def test_the_incremental_filter_follows_the_chosen_locations(stack):
    loc1, loc2, loc3 = locations(stack)[:3]
    stack.api.put("/v1/settings", {"inventory": {"overlap_minutes": 0, "locations": [loc1, loc2]},
                                   "schedules": {"inventory_full": "off"}})
    run_flow(stack, "inventory")
    first, second = plain_items(stack)[:2]
    time.sleep(1.1)
    set_ns_stock(stack, first["id"], loc3, 500)  # not a chosen location: nothing to read
    quiet = run_flow(stack, "inventory", trigger="schedule")
    assert quiet["counts"]["seen"] == 0
    set_ns_stock(stack, second["id"], loc1, 9)
    moved = run_flow(stack, "inventory", trigger="schedule")
    assert moved["counts"]["seen"] == 1 and moved["counts"]["changed"] == 1
    assert woo_stock(stack, second["itemId"])["stock_quantity"] == int(ns_available(stack, second["id"], [loc1, loc2]))


def test_store_reads_between_scans_cover_full_chunks_across_the_page(stack, monkeypatch):
    stack.api.put("/v1/settings", {"inventory": {"overlap_minutes": 0}, "schedules": {"inventory_full": "off"}})
    run_flow(stack, "inventory")
    monkeypatch.setattr(inventory, "SLICE", 3)  # rows matched 3 at a time, one store read per 3 products
    items = plain_items(stack)
    spread = items[::2][:4]  # four changed items, in different slices of the page
    time.sleep(1.1)
    for n, item in enumerate(spread):
        set_ns_stock(stack, item["id"], locations(stack)[0], 70 + n)
    before = stack.woo_control("GET", "stats")
    run = run_flow(stack, "inventory", trigger="schedule")
    after = stack.woo_control("GET", "stats")
    assert run["counts"]["seen"] == 4 and run["counts"]["changed"] == 4
    reads = (after["requests"] - after["write_calls"]) - (before["requests"] - before["write_calls"])
    assert reads == 2 and after["batch_calls"] - before["batch_calls"] == 1  # ⌈4 / 3⌉ reads, ⌈4 / 100⌉ writes
    for n, item in enumerate(spread):
        assert woo_stock(stack, item["itemId"])["stock_quantity"] == int(ns_available(stack, item["id"]))
