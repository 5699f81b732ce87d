"""Issue 12 end to end, over real sockets against both sandboxes: stock summed over the chosen locations,
the safety buffer and its floor, matrix children → variations, drift overwritten, a run with no change writes
nothing, unmatched SKUs counted (not failed), an incremental run reads only changed rows."""

from __future__ import annotations

import time

from tests.flows.stock_helpers import (
    children,
    locations,
    ns_available,
    plain_items,
    run_flow,
    set_ns_stock,
    woo_stock,
    woo_writes,
)


def test_sums_chosen_locations_minus_buffer_never_below_zero(stack):
    loc1, loc2, loc3 = locations(stack)[:3]
    stack.api.put("/v1/settings", {"inventory": {"locations": [loc1, loc2], "safety_buffer": 3}})
    a, b = plain_items(stack)[:2]
    set_ns_stock(stack, a["id"], loc1, 10)
    set_ns_stock(stack, a["id"], loc2, 5)
    set_ns_stock(stack, a["id"], loc3, 100)  # not a chosen location
    set_ns_stock(stack, b["id"], loc1, 1)
    set_ns_stock(stack, b["id"], loc2, 1)
    run = run_flow(stack, "inventory")
    assert woo_stock(stack, a["itemId"])["stock_quantity"] == 12
    assert woo_stock(stack, b["itemId"])["stock_quantity"] == 0
    assert woo_stock(stack, b["itemId"])["stock_status"] == "outofstock"
    others = plain_items(stack)[2:]
    for item in others:
        expected = max(0, int(ns_available(stack, item["id"], [loc1, loc2])) - 3)
        assert woo_stock(stack, item["itemId"])["stock_quantity"] == expected
    counts = run["counts"]
    assert counts["failed"] == 0 and counts["seen"] == len(plain_items(stack)) + 3
    assert counts["changed"] + counts["unchanged"] == counts["seen"] and counts["changed"] >= 2
    assert run["seen"] == counts["seen"] and "errors" in run  # the old top-level keys stay


def test_matrix_children_are_variations(stack):
    stack.api.put("/v1/settings", {"inventory": {"safety_buffer": 2}})
    run_flow(stack, "inventory")
    for child in children(stack):
        assert woo_stock(stack, child["itemId"])["stock_quantity"] == max(0, int(ns_available(stack, child["id"])) - 2)
    set_ns_stock(stack, children(stack)[0]["id"], locations(stack)[0], 0)
    run_flow(stack, "inventory")
    first = children(stack)[0]
    assert woo_stock(stack, first["itemId"])["stock_quantity"] == max(0, int(ns_available(stack, first["id"])) - 2)


def test_no_change_writes_nothing_and_drift_is_overwritten(stack):
    run_flow(stack, "inventory")
    before = woo_writes(stack)
    again = run_flow(stack, "inventory")
    assert woo_writes(stack) == before and again["counts"]["changed"] == 0 and again["counts"]["drift"] == 0
    item = plain_items(stack)[0]
    product = woo_stock(stack, item["itemId"])
    stack.woo_client().put(f"products/{product['id']}", {"stock_quantity": 999})  # edited by hand
    fixed = run_flow(stack, "inventory")
    assert woo_stock(stack, item["itemId"])["stock_quantity"] == product["stock_quantity"]
    assert fixed["counts"]["drift"] == 1 and fixed["counts"]["changed"] == 1


def test_unmatched_skus_are_counted_not_failed(stack):
    stack.woo_client().post("products", {"name": "Only in the store", "sku": "WOO-ONLY-1", "manage_stock": True,
                                         "stock_quantity": 4})
    gone = plain_items(stack)[0]
    product = woo_stock(stack, gone["itemId"])
    stack.woo_client().delete(f"products/{product['id']}", {"force": "true"})  # now only in NetSuite
    run = run_flow(stack, "inventory")
    assert run["status"] == "done" and run["counts"]["failed"] == 0
    assert run["counts"]["unmatched"] == 2  # one each way
    assert woo_stock(stack, "WOO-ONLY-1")["stock_quantity"] == 4


def test_incremental_run_reads_only_changed_rows(stack):
    stack.api.put("/v1/settings", {"inventory": {"overlap_minutes": 0}, "schedules": {"inventory_full": "off"}})
    loc = locations(stack)[0]
    first, second = plain_items(stack)[:2]
    time.sleep(1.1)
    set_ns_stock(stack, first["id"], loc, 40)  # the newest change the full run sees
    full = run_flow(stack, "inventory")
    assert full["counts"]["seen"] > 5
    time.sleep(1.1)
    set_ns_stock(stack, second["id"], loc, 33)
    before = woo_writes(stack)
    incremental = run_flow(stack, "inventory", trigger="schedule")
    assert incremental["counts"]["seen"] == 1  # only the row changed after the cursor
    assert incremental["counts"]["changed"] == 1 and woo_writes(stack) == before + 1
    assert woo_stock(stack, second["itemId"])["stock_quantity"] == int(ns_available(stack, second["id"]))
    quiet = run_flow(stack, "inventory", trigger="schedule")
    assert quiet["counts"]["changed"] == 0 and woo_writes(stack) == before + 1


def test_woocommerce_503_during_a_stock_push_loses_nothing_and_writes_nothing_twice(stack):
    """Issue 17's fault: the store answers 503 in the middle of a push. The items of the refused batch are not
    recorded as pushed, so the next run sets them; the others are not written again."""
    from sidecar.pipeline.runs import start_run
    from tests.pipeline_handlers import drain

    run_flow(stack, "inventory")
    items = plain_items(stack)
    loc = locations(stack)[0]
    for n, item in enumerate(items):
        set_ns_stock(stack, item["id"], loc, 40 + n)
    stack.woo_control("POST", "config", {"outage_status": 503, "outage_methods": "POST,PUT"})  # the pushes fail
    run_id = start_run("inventory", "manual")[0].id
    drain(settle_s=0.1)
    failed = stack.api.get(f"/v1/runs/{run_id}").get_json()
    assert failed["status"] in ("done", "failed") and (failed["status"] == "failed" or failed["counts"]["failed"])
    assert failed["errors"] and any("503" in e for e in failed["errors"])
    stack.woo_control("POST", "config", {"outage_status": 0})
    before = woo_writes(stack)
    again = run_flow(stack, "inventory")
    for item in items:
        expected = max(0, int(ns_available(stack, item["id"])))
        assert woo_stock(stack, item["itemId"])["stock_quantity"] == expected, item["itemId"]
    assert again["counts"]["changed"] == len(items) and woo_writes(stack) > before
    settled = run_flow(stack, "inventory")
    assert settled["counts"]["changed"] == 0  # nothing is written twice once the store has it


def test_a_stock_write_the_store_refused_in_an_incremental_run_is_tried_again_by_the_next_one(stack):
    """An incremental run whose push the store refused (503) moved the cursor past the item all the same: the
    next incremental runs did not read it again, and the store kept the old quantity until a full run. The
    cursor now stops before the oldest change whose write failed."""
    stack.api.put("/v1/settings", {"inventory": {"overlap_minutes": 0}, "schedules": {"inventory_full": "off"}})
    loc = locations(stack)[0]
    item = plain_items(stack)[0]
    run_flow(stack, "inventory")
    time.sleep(1.1)
    set_ns_stock(stack, item["id"], loc, 21)
    stack.woo_control("POST", "config", {"outage_status": 503, "outage_methods": "POST,PUT"})  # the pushes fail
    try:
        refused = run_flow(stack, "inventory", trigger="schedule")
    finally:
        stack.woo_control("POST", "config", {"outage_status": 0})
    assert refused["counts"]["failed"] == 1 and refused["counts"]["changed"] == 0, refused
    assert woo_stock(stack, item["itemId"])["stock_quantity"] != int(ns_available(stack, item["id"]))
    again = run_flow(stack, "inventory", trigger="schedule")
    assert again["counts"]["changed"] == 1, again
    assert woo_stock(stack, item["itemId"])["stock_quantity"] == int(ns_available(stack, item["id"]))
    quiet = run_flow(stack, "inventory", trigger="schedule")
    assert quiet["counts"]["changed"] == 0 and quiet["counts"]["failed"] == 0


def test_a_stock_write_the_store_ignores_fails_with_the_reason_instead_of_counting_as_written(stack):
    """WooCommerce answers 200 for a stock write to an external (or grouped) product but keeps it without stock
    (spec A2.2): the writer reads the answer, so the item fails, named, on every run — never "changed"."""
    item = plain_items(stack)[0]
    product = woo_stock(stack, item["itemId"])
    stack.woo_client().put(f"products/{product['id']}", {"type": "external"})
    first = run_flow(stack, "inventory")
    assert woo_stock(stack, item["itemId"])["stock_quantity"] is None
    assert first["counts"]["failed"] == 1
    assert any(item["itemId"] in e and "did not apply" in e for e in first["errors"]), first["errors"]
    again = run_flow(stack, "inventory")
    assert again["counts"]["failed"] == 1 and again["counts"]["changed"] == 0


def test_with_stock_management_off_in_the_store_every_push_fails_saying_what_to_turn_on(stack):
    """Spec A2.2: with WooCommerce's "Enable stock management" off the store answers 200 and keeps no stock, so
    each item the run writes fails with the setting to change; nothing counts as written."""
    stack.woo_control("POST", "config", {"manage_stock": False})
    item = plain_items(stack)[0]
    set_ns_stock(stack, item["id"], locations(stack)[0], 7)  # differs from the store's 500
    run = run_flow(stack, "inventory")
    assert run["counts"]["changed"] == 0 and run["counts"]["failed"] >= 1
    assert any(item["itemId"] in e and "stock management is off" in e for e in run["errors"]), run["errors"]


def test_a_variation_whose_parent_holds_the_stock_gets_its_own(stack):
    """A variation reading manage_stock "parent" (spec A2.2) is not managed by itself: the push sends
    manage_stock true with the quantity, so the variation holds NetSuite's number and the parent is untouched."""
    child = children(stack)[0]
    variation = woo_stock(stack, child["itemId"])
    parent_id = stack.woo_client().get_product(variation["id"])["parent_id"]
    woo = stack.woo_client()
    woo.put(f"products/{parent_id}", {"manage_stock": True, "stock_quantity": 77})
    woo.batch_variations(parent_id, update=[{"id": variation["id"], "manage_stock": False}])
    assert woo.get_variation(parent_id, variation["id"])["manage_stock"] == "parent"
    run = run_flow(stack, "inventory")
    seen = woo.get_variation(parent_id, variation["id"])
    assert seen["manage_stock"] is True and seen["stock_quantity"] == max(0, int(ns_available(stack, child["id"])))
    assert woo.get_product(parent_id)["stock_quantity"] == 77 and run["counts"]["failed"] == 0
