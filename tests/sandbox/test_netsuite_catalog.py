"""The NetSuite sandbox's web-store catalog (issue 14) against the spec: item records with their web fields
(§6.3), matrix parents and children (``parent``, ``matrixType``) with matrix option values, SuiteQL over the
``item`` table with keyset paging and ``lastmodifieddate`` filters (§8.2–8.4), and UI-like edits that move
``lastModifiedDate``."""

from __future__ import annotations

import time

import pytest

from sidecar.sandbox.netsuite import create_app

from .test_netsuite_tba import FastServer, Sandbox

COLUMNS = ("SELECT id, itemid, displayname, salesdescription, storedescription, storedetaileddescription, weight, "
           "BUILTIN.DF(weightunit) AS weightunit, isonline, itemtype, matrixtype, parent, "
           "BUILTIN.DF(custitem_color) AS color, BUILTIN.DF(custitem_size) AS size, "
           "TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodified FROM item ")


@pytest.fixture(scope="module")
def sb():
    app = create_app({})
    server = FastServer(app)
    sandbox = Sandbox(server, app)
    answer = sandbox.control("POST", "/catalog", {"parents": 3, "children": 5, "simple": 12})
    assert answer.status_code == 201, answer.text
    sandbox.seeded = answer.json()
    yield sandbox
    server.stop()


def rows(sb: Sandbox, q: str, **kw) -> list[dict]:
    answer = sb.ns.suiteql(q, **kw)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_the_catalog_seed_counts_and_item_types(sb):
    assert (sb.seeded["simple"], sb.seeded["parents"], sb.seeded["children"]) == (12, 3, 15)
    types = {r["itemtype"] for r in rows(sb, "SELECT DISTINCT itemtype FROM item WHERE itemid LIKE 'CAT-%'")}
    assert types == {"InvtPart", "NonInvtPart"}
    non_inventory = sb.records("nonInventorySaleItem")
    assert non_inventory and all(not r.get("locations") for r in non_inventory)


def test_matrix_children_carry_their_parent_and_option_values(sb):
    parent = sb.seeded["parentIds"][0]
    kids = rows(sb, COLUMNS + f"WHERE parent = {parent} ORDER BY id")
    assert len(kids) == 5 and {k["matrixtype"] for k in kids} == {"CHILD"}
    assert [(k["color"], k["size"]) for k in kids] == [("Red", "S"), ("Red", "M"), ("Red", "L"), ("Red", "XL"),
                                                       ("Blue", "S")]
    record = sb.records("inventoryItem")
    child = next(r for r in record if r["id"] == str(sb.seeded["childIds"][0]))
    assert child["custitem_color"] == {"id": "1", "refName": "Red"} and child["parent"]["id"] == str(parent)
    head = rows(sb, COLUMNS + f"WHERE id = {parent}")[0]
    assert head["matrixtype"] == "PARENT" and "parent" not in head and "color" not in head  # nulls left out


def test_web_fields_come_back_as_suiteql_strings(sb):
    item = rows(sb, COLUMNS + f"WHERE id = {sb.seeded['simpleIds'][0]}")[0]
    assert item["isonline"] == "T" and item["weightunit"] == "lb"
    assert item["storedescription"].startswith("<p>") and item["storedetaileddescription"].startswith("<p>")
    assert isinstance(item["weight"], str) and float(item["weight"]) > 0
    assert len(item["lastmodified"]) == 19


def test_keyset_paging_over_the_item_table(sb):
    """§8.2: ``WHERE id > :last ORDER BY id`` with FETCH FIRST, repeated until a short page."""
    seen, after = [], 0
    while True:
        page = rows(sb, f"SELECT id FROM item WHERE id > {after} ORDER BY id FETCH FIRST 7 ROWS ONLY")
        seen += [int(r["id"]) for r in page]
        if len(page) < 7:
            break
        after = int(page[-1]["id"])
    everything = [int(r["id"]) for r in rows(sb, "SELECT id FROM item ORDER BY id")]
    assert seen == everything and len(seen) == len(set(seen))


def test_an_edit_moves_lastmodifieddate_and_is_found_by_a_date_filter(sb):
    item = sb.seeded["simpleIds"][1]
    before = rows(sb, COLUMNS + f"WHERE id = {item}")[0]["lastmodified"]
    time.sleep(1.05)
    answer = sb.control("PATCH", f"/items/{item}", {"displayName": "Renamed", "isOnline": False})
    assert answer.status_code == 200, answer.text
    after = rows(sb, COLUMNS + f"WHERE id = {item}")[0]
    assert after["displayname"] == "Renamed" and after["isonline"] == "F" and after["lastmodified"] > before
    changed = rows(sb, "SELECT id FROM item WHERE lastmodifieddate >= TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS') "
                       "ORDER BY id", params=[after["lastmodified"]])
    assert [int(r["id"]) for r in changed] == [item]


def test_item_edits_refuse_unknown_fields_and_unknown_items(sb):
    assert sb.control("PATCH", f"/items/{sb.seeded['simpleIds'][0]}", {"nonsense": 1}).status_code == 400
    assert sb.control("PATCH", "/items/999999", {"displayName": "x"}).status_code == 404
    assert sb.control("POST", "/catalog", {"children": 99}).status_code == 400
