"""The NetSuite sandbox's answers to the inventory flow's reads stay the same with its speed-ups (the query
translation cached by text, an index on lastquantityavailablechange): the incremental subquery form gives what
``HAVING MAX(…) > …`` gives, for every bind, the same text sent again with other binds answers for those binds,
and a refused query is refused every time."""

from __future__ import annotations

import time

import pytest

from .test_netsuite_tba import Sandbox, sandbox_servers

SELECT = """SELECT iil.item AS id, MAX(i.itemid) AS sku, SUM(iil.quantityavailable) AS available,
TO_CHAR(MAX(iil.lastquantityavailablechange), 'YYYY-MM-DD HH24:MI:SS') AS changed
FROM inventoryitemlocations iil JOIN item i ON i.id = iil.item WHERE iil.item > ? AND iil.location IN ({locs})"""
HAVING = SELECT + """ GROUP BY iil.item HAVING MAX(iil.lastquantityavailablechange) > TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS')
ORDER BY iil.item FETCH FIRST 1001 ROWS ONLY"""
SUBQUERY = SELECT + """ AND iil.item IN (SELECT c.item FROM inventoryitemlocations c WHERE
c.lastquantityavailablechange > TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS') AND c.location IN ({locs}))
GROUP BY iil.item ORDER BY iil.item FETCH FIRST 1001 ROWS ONLY"""


@pytest.fixture
def sandbox_factory():
    yield from sandbox_servers()


@pytest.fixture
def sb(sandbox_factory) -> Sandbox:
    return sandbox_factory({})


def rows(sb: Sandbox, q: str, params) -> list[dict]:
    answer = sb.ns.suiteql(q, params)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_the_subquery_filter_answers_as_having_does(sb):
    made = sb.control("POST", "/bulk-items", {"count": 30, "locations": 3, "quantity": 4}).json()
    loc_a, loc_b, loc_c = made["locations"]
    first = made["first_id"]
    start = rows(sb, "SELECT TO_CHAR(MAX(lastquantityavailablechange), 'YYYY-MM-DD HH24:MI:SS') AS t "
                     "FROM inventoryitemlocations", [])[0]["t"]
    time.sleep(1.1)
    answer = sb.control("POST", "/items/quantities", {"changes": [
        {"item_id": first + 2, "location_id": loc_a, "quantityavailable": 9},
        {"item_id": first + 5, "location_id": loc_c, "quantityavailable": 1},  # not a chosen location below
        {"item_id": first + 7, "location_id": loc_b, "quantityavailable": 0}]})
    assert answer.status_code == 200, answer.text
    locs = f"{loc_a}, {loc_b}"
    for since in (start, "2000-01-01 00:00:00", "2999-01-01 00:00:00"):
        for after in (0, first + 3):
            expected = rows(sb, HAVING.format(locs=locs), [after, since])
            assert rows(sb, SUBQUERY.format(locs=locs), [after, since]) == expected  # the same text, other binds
    changed = rows(sb, SUBQUERY.format(locs=locs), [0, start])
    assert [(r["id"], r["available"]) for r in changed] == [(str(first + 2), "13"), (str(first + 7), "4")]


def test_a_refused_query_is_refused_again(sb):
    for _ in range(2):
        answer = sb.ns.suiteql("SELECT nosuchfield FROM item WHERE id > ?", [0])
        assert answer.status_code == 400 and "nosuchfield" in answer.json()["o:errorDetails"][0]["detail"]
    for _ in range(2):
        assert "parameters" in sb.ns.suiteql(SUBQUERY.format(locs="1"), [0]).json()["o:errorDetails"][0]["detail"]
