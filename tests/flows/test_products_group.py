"""Grouping the items of a products run (issue 14): what is refused before anything is written, and why."""

from __future__ import annotations

from sidecar.flows.products import group
from sidecar.mapping.products import Item


def item(id_: str, sku: str, **kw) -> Item:
    return Item(id=id_, sku=sku, name=sku, item_type="InvtPart", **kw)


def test_items_are_grouped_and_bad_ones_refused_with_a_reason():
    items = [item("1", "A", lastmodified="2026-01-01 00:00:01"), item("2", "", lastmodified="2026-01-01 00:00:05"),
             item("3", "a"), item("4", "P", matrix_type="PARENT"),
             item("5", "P-1", matrix_type="CHILD", parent="4"), item("6", "Q-1", matrix_type="CHILD", parent="99")]
    catalog = group(items, "itemid")
    assert [i.id for i in catalog.simple] == ["1"] and [i.id for i in catalog.parents] == ["4"]
    assert [c.id for c in catalog.children["4"]] == ["5"]
    reasons = {i.id: reason for i, reason in catalog.refused}
    assert reasons["2"] == "has no itemid, which is its SKU in WooCommerce"
    assert reasons["3"] == "SKU a is also item 1's"  # SKUs are unique without regard to case in WooCommerce
    assert reasons["6"].startswith("its matrix parent 99 is not imported")
    assert catalog.count == 6 and catalog.newest == "2026-01-01 00:00:05"
