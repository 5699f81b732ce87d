"""The NetSuite sandbox's stock and price reads (spec §8.2-§8.4): inventoryitemlocations per location with
lastquantityavailablechange moving only when quantityavailable does, pricing by level and currency, items by
every items.match_by field, matrix children, keyset pages, and the bulk load that builds a 100,000-item account."""

from __future__ import annotations

import time

import pytest

from sidecar.sandbox.netsuite import create_app

from .test_netsuite_tba import FastServer, Sandbox

STOCK = """SELECT iil.item AS id, MAX(i.itemid) AS sku, SUM(iil.quantityavailable) AS available,
TO_CHAR(MAX(iil.lastquantityavailablechange), 'YYYY-MM-DD HH24:MI:SS') AS changed
FROM inventoryitemlocations iil JOIN item i ON i.id = iil.item
WHERE iil.item > ? AND iil.location IN ({locs}) GROUP BY iil.item ORDER BY iil.item FETCH FIRST 1000 ROWS ONLY"""


@pytest.fixture
def sb():
    app = create_app({})
    server = FastServer(app)
    yield Sandbox(server, app)
    server.stop()


def rows(sb: Sandbox, q: str, params=None, **kw) -> list[dict]:
    answer = sb.ns.suiteql(q, params, **kw)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_bulk_items_at_two_locations_and_keyset_pages(sb):
    made = sb.control("POST", "/bulk-items", {"count": 2500, "locations": 2, "quantity": 7}).json()
    assert made["items"] == 2500 and len(made["locations"]) == 2
    locs = ", ".join(str(x) for x in made["locations"])
    after, pages, seen = 0, 0, []
    while True:
        page = rows(sb, STOCK.format(locs=locs), [after])
        pages += 1
        seen += page
        if len(page) < 1000:
            break
        after = int(page[-1]["id"])
    assert pages == 3 and len(seen) == 2500
    assert {r["available"] for r in seen} == {"14"}  # 7 at each of the two locations, as strings
    assert seen[0]["sku"] == "BULK-000001" and len({r["id"] for r in seen}) == 2500
    one = sb.control("GET", f"/records/inventoryItem/{made['first_id']}").json()
    assert one["itemId"] == "BULK-000001" and one["quantityAvailable"] == 14


def test_only_a_changed_location_moves_lastquantityavailablechange(sb):
    made = sb.control("POST", "/bulk-items", {"count": 3, "locations": 2, "quantity": 5}).json()
    loc_a, loc_b = made["locations"]
    first = made["first_id"]
    before = {r["item"] + "/" + r["location"]: r for r in rows(
        sb, "SELECT item, location, quantityavailable, TO_CHAR(lastquantityavailablechange, "
            "'YYYY-MM-DD HH24:MI:SS') AS changed FROM inventoryitemlocations ORDER BY item, location")}
    time.sleep(1.1)
    answer = sb.control("POST", "/items/quantities", {"changes": [
        {"item_id": first, "location_id": loc_b, "quantityavailable": 2},
        {"item_id": first + 1, "location_id": loc_a, "quantityavailable": 5}]})  # same value: no change
    assert answer.status_code == 200, answer.text
    after = {r["item"] + "/" + r["location"]: r for r in rows(
        sb, "SELECT item, location, quantityavailable, TO_CHAR(lastquantityavailablechange, "
            "'YYYY-MM-DD HH24:MI:SS') AS changed FROM inventoryitemlocations ORDER BY item, location")}
    moved = [k for k in after if after[k]["changed"] != before[k]["changed"]]
    assert moved == [f"{first}/{loc_b}"] and after[f"{first}/{loc_b}"]["quantityavailable"] == "2"
    since = after[f"{first}/{loc_b}"]["changed"]
    changed = rows(sb, STOCK.format(locs=f"{loc_a}, {loc_b}").replace(
        "GROUP BY", "GROUP BY").replace("ORDER BY iil.item", "HAVING MAX(iil.lastquantityavailablechange) >= "
                                        "TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS') ORDER BY iil.item"), [0, since])
    assert [(r["id"], r["available"]) for r in changed] == [(str(first), "7")]


def test_pricing_by_level_currency_and_quantity(sb):
    made = sb.control("POST", "/bulk-items", {"count": 2, "locations": 1}).json()
    got = rows(sb, "SELECT p.item, p.pricelevel, p.currency, p.unitprice, p.quantity FROM pricing p "
                   "WHERE p.currency = ? AND p.pricelevel IN (1, 2) AND p.priceqty = 1 ORDER BY p.item, p.pricelevel",
               [1])
    assert [(r["item"], r["pricelevel"]) for r in got] == [
        (str(made["first_id"]), "1"), (str(made["first_id"]), "2"), (str(made["first_id"] + 1), "1"),
        (str(made["first_id"] + 1), "2")]
    base, sale = float(got[0]["unitprice"]), float(got[1]["unitprice"])
    assert sale == round(base * 0.95, 2) and got[0]["quantity"] == "0" and got[0]["currency"] == "1"


def test_match_fields_and_matrix_children(sb):
    made = sb.control("POST", "/bulk-items", {"count": 4, "locations": 1, "matrix_every": 2}).json()
    items = rows(sb, "SELECT id, itemid, upccode, externalid, custitem_woo_sku, parent, matrixtype FROM item "
                     "WHERE id >= ? ORDER BY id", [made["first_id"]])
    parents = [r for r in items if r.get("matrixtype") == "PARENT"]
    children = [r for r in items if r.get("matrixtype") == "CHILD"]
    assert len(parents) == 2 and len(children) == 4
    assert {c["parent"] for c in children} == {p["id"] for p in parents}
    child = children[0]
    assert child["externalid"] == f"ITEM-{child['itemid']}" and child["custitem_woo_sku"] == f"WOO-{child['itemid']}"
    assert len(child["upccode"]) == 12


def test_bulk_controls_refuse_bad_input(sb):
    assert sb.control("POST", "/bulk-items", {"count": 0}).status_code == 400
    assert sb.control("POST", "/items/quantities", {"changes": [{"item_id": 999999, "location_id": 1}]}
                      ).status_code == 400
    assert sb.control("POST", "/items/quantities", {"changes": "x"}).status_code == 400
