"""Keyset paging of the stock and price reads without a network: pages follow the last key, ``hasMore`` ends
the walk without an empty page, and an item whose price rows straddle a page end is read again whole."""

from __future__ import annotations

from sidecar.flows import inventory, prices
from sidecar.flows.base import FlowContext


class FakeNetSuite:
    """Serves ``rows`` (sorted by id) the way the query asks: id > the bound key, page + 1 rows fetched."""

    def __init__(self, rows: list[dict], page: int):
        self.rows, self.page, self.calls = rows, page, []

    def suiteql_page(self, query, *, params, limit):
        self.calls.append(params[0])
        after = params[0]
        matching = [r for r in self.rows if int(r["id"]) > after][:self.page + 1]
        return {"items": matching[:self.page], "hasMore": len(matching) > self.page}


SETTINGS = {"items": {"match_by": "itemid"}, "inventory": {"locations": "all"},
            "prices": {"price_level_id": "1", "currency_id": "1", "sale_price_level_id": "2"}}


def test_stock_pages_follow_the_last_id_and_stop_without_an_empty_page(monkeypatch):
    monkeypatch.setattr(inventory, "PAGE", 3)
    ns = FakeNetSuite([{"id": str(n), "sku": f"S{n}", "available": "1"} for n in range(1, 7)], 3)
    pages = list(inventory.stock_pages(FlowContext(netsuite=ns, settings=SETTINGS), SETTINGS, None))
    assert [[r["id"] for r in p] for p in pages] == [["1", "2", "3"], ["4", "5", "6"]]
    assert ns.calls == [0, 3]  # two pages for six rows, none empty


def test_an_item_cut_by_the_page_end_is_read_whole_on_the_next_page(monkeypatch):
    monkeypatch.setattr(prices, "PAGE", 4)
    rows = [{"id": "1", "pricelevel": "1"}, {"id": "1", "pricelevel": "2"}, {"id": "2", "pricelevel": "1"},
            {"id": "3", "pricelevel": "1"}, {"id": "3", "pricelevel": "2"}, {"id": "4", "pricelevel": "1"}]
    ns = FakeNetSuite(rows, 4)
    groups = [g for page in prices.item_pages(FlowContext(netsuite=ns, settings=SETTINGS)) for g in page]
    assert [[(r["id"], r["pricelevel"]) for r in g] for g in groups] == [
        [("1", "1"), ("1", "2")], [("2", "1")], [("3", "1"), ("3", "2")], [("4", "1")]]
    assert ns.calls == [0, 2]
