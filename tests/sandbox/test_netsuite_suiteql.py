"""SuiteQL in the NetSuite sandbox, run for real on its SQLite store: the spec's §8.4 queries against seeded
data (answers compared with the stored records, not with constants), the response shape of §8.1, paging, and
the refusals NetSuite gives (LIMIT, WITH, unknown tables/fields, missing Prefer, bad binds)."""

from __future__ import annotations

import pytest

from sidecar.sandbox.netsuite import create_app

from .test_netsuite_records import R, new_id, order_body
from .test_netsuite_tba import FastServer, Sandbox


@pytest.fixture(scope="module")
def sb():
    app = create_app({"seed": 40})
    server = FastServer(app)
    yield Sandbox(server, app)
    server.stop()


def rows(sb: Sandbox, q: str, params=None, **kw) -> list[dict]:
    answer = sb.ns.suiteql(q, params, **kw)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def error_of(answer) -> dict:
    assert answer.status_code == 400, answer.text
    return answer.json()["o:errorDetails"][0]


def test_item_by_sku_with_bind_and_response_shape(sb):
    item = [r for r in sb.records("inventoryItem") if r.get("matrixType", {}).get("id") != "PARENT"][3]
    answer = sb.ns.suiteql("SELECT id, itemid, upccode, externalid, displayname, isinactive, itemtype, parent "
                           "FROM item WHERE itemid = ?", [item["itemId"]])
    body = answer.json()
    assert (body["count"], body["hasMore"], body["offset"], body["totalResults"]) == (1, False, 0, 1)
    row = body["items"][0]
    assert row == {"links": [], "id": item["id"], "itemid": item["itemId"], "upccode": item["upcCode"],
                   "externalid": item["externalId"], "displayname": item["displayName"], "isinactive": "F",
                   "itemtype": "InvtPart"} | ({"parent": item["parent"]["id"]} if item.get("parent") else {})


def test_custom_field_and_matrix_children(sb):
    child = next(r for r in sb.records("inventoryItem") if r.get("matrixType", {}).get("id") == "CHILD")
    found = rows(sb, "SELECT i.id, BUILTIN.DF(i.parent) AS parent_name FROM item i WHERE i.custitem_woo_sku = ?",
                 [child["custitem_woo_sku"]])
    parent = next(r for r in sb.records("inventoryItem") if r["id"] == child["parent"]["id"])
    assert found == [{"links": [], "id": child["id"], "parent_name": parent["itemId"]}]


def test_stock_per_location_matches_the_item_records(sb):
    items = [r for r in sb.records("inventoryItem") if r.get("locations")][:2]
    ids = ", ".join(r["id"] for r in items)
    got = rows(sb, "SELECT iil.item, iil.location, BUILTIN.DF(iil.location) AS location_name, "
                   "iil.quantityavailable, iil.quantityonhand FROM inventoryitemlocations iil "
                   f"WHERE iil.item IN ({ids}) AND iil.location IN (1, 2) ORDER BY iil.item, iil.location")
    names = {r["id"]: r["name"] for r in sb.records("location")}
    expected = [{"links": [], "item": r["id"], "location": ln["location"]["id"],
                 "location_name": names[ln["location"]["id"]],
                 "quantityavailable": str(int(ln["quantityAvailable"])),
                 "quantityonhand": str(int(ln["quantityOnHand"]))}
                for r in items for ln in r["locations"]["items"] if ln["location"]["id"] in ("1", "2")]
    assert got == expected
    total = rows(sb, "SELECT item, SUM(quantityavailable) AS qty FROM inventoryitemlocations "
                     f"WHERE location IN (1, 2) AND item = {items[0]['id']} GROUP BY item")
    assert float(total[0]["qty"]) == sum(ln["quantityAvailable"] for ln in items[0]["locations"]["items"]
                                         if ln["location"]["id"] in ("1", "2"))


def test_prices_by_level_and_currency(sb):
    item = sb.records("inventoryItem")[0]
    got = rows(sb, "SELECT p.item, p.pricelevel, BUILTIN.DF(p.pricelevel) AS pricelevel_name, p.unitprice, "
                   "BUILTIN.DF(p.currency) AS currency_name FROM pricing p WHERE p.pricelevel = 1 AND "
                   f"p.priceqty = 1 AND p.item IN ({item['id']}) ORDER BY p.currency")
    base = [ln for ln in item["price"]["items"] if ln["priceLevel"]["id"] == "1"]
    assert [(r["pricelevel_name"], float(r["unitprice"])) for r in got] == [("Base Price", ln["price"])
                                                                            for ln in base]
    assert [r["currency_name"] for r in got] == ["USD", "EUR", "GBP"]


def test_records_and_suiteql_stay_in_step(sb):
    customer = sb.records("customer")[0]
    new_email = "Changed.Person@Example.com"
    new_id(sb.ns.request("PATCH", f"{R}/customer/{customer['id']}", json={"email": new_email}))
    got = rows(sb, "SELECT id, entityid, email, isperson FROM customer WHERE LOWER(email) = LOWER(?) "
                   "AND isinactive = 'F' ORDER BY id", ["changed.person@example.com"])
    assert got == [{"links": [], "id": customer["id"], "entityid": customer["entityId"], "email": new_email,
                    "isperson": "T"}]
    so = new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, [sb.records("inventoryItem")[1]["id"]],
                                                              externalId="WC-SO-77")))
    head = rows(sb, "SELECT id, tranid, status, BUILTIN.DF(status) AS status_text, externalid FROM transaction "
                    "WHERE type = 'SalesOrd' AND externalid = ?", ["WC-SO-77"])
    stored = next(r for r in sb.records("salesOrder") if r["id"] == so)
    assert head == [{"links": [], "id": so, "tranid": stored["tranId"], "status": "B",
                     "status_text": "Sales Order : Pending Fulfillment", "externalid": "WC-SO-77"}]
    lines = rows(sb, "SELECT tl.item, tl.quantity, tl.mainline FROM transactionline tl "
                     f"WHERE tl.transaction = {so} AND tl.mainline = 'F' AND tl.taxline = 'F' AND tl.item = ?",
                 [int(stored["item"]["items"][0]["item"]["id"])])
    assert lines == [{"links": [], "item": stored["item"]["items"][0]["item"]["id"], "quantity": "-2",
                      "mainline": "F"}]


def test_dates_raw_and_with_to_char_and_to_date(sb):
    item = sb.records("inventoryItem")[0]
    stamp = item["lastModifiedDate"]  # 2026-11-28T03:30:00Z
    got = rows(sb, "SELECT lastmodifieddate, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lm "
                   "FROM item WHERE id = ?", [int(item["id"])])[0]
    y, m, d = stamp[:10].split("-")
    assert got["lastmodifieddate"] == f"{int(m)}/{int(d)}/{y}"
    assert got["lm"] == stamp.replace("T", " ").rstrip("Z")
    since = rows(sb, "SELECT COUNT(*) AS n FROM item WHERE lastmodifieddate >= TO_DATE(?, 'YYYY-MM-DD')",
                 ["2000-01-01"])
    later = rows(sb, "SELECT COUNT(*) AS n FROM item WHERE lastmodifieddate >= TO_DATE(?, 'YYYY-MM-DD')",
                 ["2999-01-01"])
    assert int(since[0]["n"]) == len(sb.records("inventoryItem")) + sum(
        len(sb.records(t)) for t in ("shipItem", "discountItem", "otherChargeSaleItem", "salesTaxItem"))
    assert later[0]["n"] == "0"


def test_the_latest_of_a_date_column_is_a_date_too(sb):
    """Spec §8.1: date columns come back in the user's date format unless TO_CHAR formats them; MAX/MIN of a
    date column is still a date column (only TO_CHAR gives the time)."""
    stamps = [r["lastModifiedDate"] for r in sb.records("inventoryItem")]
    newest = max(stamps)
    got = rows(sb, "SELECT MAX(lastmodifieddate) AS newest, MIN(lastmodifieddate) AS oldest, "
                   "TO_CHAR(MAX(lastmodifieddate), 'YYYY-MM-DD HH24:MI:SS') AS exact FROM item "
                   "WHERE itemtype = 'InvtPart'")[0]
    y, m, d = newest[:10].split("-")
    assert got["newest"] == f"{int(m)}/{int(d)}/{y}"
    assert "/" in got["oldest"] and got["exact"] == newest.replace("T", " ").rstrip("Z")


def test_paging_totals_and_fetch_first(sb):
    total = len(sb.records("inventoryItem"))
    first = sb.ns.suiteql("SELECT id FROM item WHERE itemtype = 'InvtPart' ORDER BY id", limit=10, offset=10).json()
    assert (first["count"], first["offset"], first["totalResults"], first["hasMore"]) == (10, 10, total, True)
    assert [r["id"] for r in first["items"]] == [r["id"] for r in sb.records("inventoryItem")][10:20]
    assert {link["rel"] for link in first["links"]} >= {"self", "next", "prev"}
    fetched = rows(sb, "SELECT id FROM item ORDER BY id FETCH FIRST 3 ROWS ONLY")
    assert len(fetched) == 3
    assert error_of(sb.ns.suiteql("SELECT id FROM item", limit=10, offset=15))["o:errorCode"] == "INVALID_PARAMETER"
    assert error_of(sb.ns.suiteql("SELECT id FROM item", limit=1001))["o:errorCode"] == "INVALID_PARAMETER"
    # at most 1000 pages (spec §0, §4.6): page 1000 of 1-row pages is the last one
    assert sb.ns.suiteql("SELECT id FROM item", limit=1, offset=999).status_code == 200
    beyond = error_of(sb.ns.suiteql("SELECT id FROM item", limit=1, offset=1000))
    assert beyond["o:errorCode"] == "INVALID_PARAMETER" and beyond["o:errorQueryParam"] == "offset"


@pytest.mark.parametrize("q,fragment", [
    ("SELECT id FROM item LIMIT 5", "LIMIT"),
    ("WITH a AS (SELECT id FROM item) SELECT id FROM a", "WITH"),
    ("SELECT id FROM items", "Record 'items' was not found"),
    ("SELECT id, basecolour FROM item", "Field 'basecolour'"),
    ("SELECT i.quantityfulfilled FROM transactionline i", "Field 'quantityfulfilled' for record 'transactionline'"),
    ("SELECT id FROM sbx_record", "Record 'sbx_record' was not found"),
    ("SELECT id FROM item WHERE", "Invalid or unsupported search"),
    ("DELETE FROM item", "Only SELECT"),
    # spec §8.3: no date literals (TO_DATE instead), no square brackets, no Oracle (+) outer joins
    ("SELECT id FROM item WHERE lastmodifieddate >= DATE '2024-05-01'", "date literal"),
    ("SELECT id FROM item WHERE lastmodifieddate >= TIMESTAMP '2024-05-01 00:00:00'", "date literal"),
    ("SELECT [id] FROM item", "Square brackets"),
    ("SELECT i.id FROM item i, pricing p WHERE p.item(+) = i.id", "(+)"),
    # spec §8.3: concatenate with ||, not +
    ("SELECT itemid + '-x' AS label FROM item", "||"),
    ("SELECT i.itemid + i.displayname AS label FROM item i", "||"),
    # SQLite's own functions are not Oracle's: SuiteQL does not know them
    ("SELECT strftime('%Y', lastmodifieddate) AS y FROM item", "STRFTIME"),
    ("SELECT IFNULL(upccode, itemid) AS code FROM item", "IFNULL"),
    ("SELECT group_concat(itemid) AS ids FROM item", "GROUP_CONCAT"),
    ("SELECT IIF(isinactive = 'T', 1, 0) AS f FROM item", "IIF"),
    ("SELECT id FROM item WHERE datetime(lastmodifieddate) > '2024-01-01'", "DATETIME"),
])
def test_queries_netsuite_refuses(sb, q, fragment):
    detail = error_of(sb.ns.suiteql(q))
    assert detail["o:errorCode"] == "USER_ERROR" and fragment in detail["detail"]
    assert detail["detail"].startswith("Invalid search query.")


def test_plus_still_adds_numbers_and_days(sb):
    """Only text operands make + a concatenation; numbers and date arithmetic stay valid."""
    got = rows(sb, "SELECT id + 1 AS next_id, lastmodifieddate + 1 AS day_after, itemid || '-x' AS label FROM item WHERE itemtype = 'InvtPart' ORDER BY id FETCH FIRST 1 ROWS ONLY")
    assert got[0]["next_id"] == str(int(sb.records("inventoryItem")[0]["id"]) + 1) and got[0]["label"].endswith("-x")


def test_brackets_and_date_words_inside_strings_are_fine(sb):
    """The §8.3 refusals look at the query's syntax, not at the text of its string literals."""
    assert rows(sb, "SELECT id FROM item WHERE itemid = '[DATE ''2024-01-01'' (+)]'") == []


def test_in_lists_hold_at_most_1000_values(sb):
    """Spec §8.3 / §9.3: at most 1000 items in an IN (…); a subquery is not a list."""
    ids = [int(r["id"]) for r in sb.records("inventoryItem")]
    values = ids + list(range(10_000_000, 10_000_000 + 1000 - len(ids)))
    assert len(values) == 1000
    found = rows(sb, f"SELECT id FROM item WHERE id IN ({', '.join(map(str, values))}) ORDER BY id")
    assert [r["id"] for r in found] == [str(i) for i in sorted(ids)]
    detail = error_of(sb.ns.suiteql(f"SELECT id FROM item WHERE id IN ({', '.join(map(str, values + [1]))})"))
    assert detail["o:errorCode"] == "USER_ERROR" and "1000" in detail["detail"]
    assert rows(sb, "SELECT COUNT(*) AS n FROM item WHERE id IN (SELECT item FROM pricing)")[0]["n"] != "0"


def test_empty_text_is_null_as_in_oracle(sb):
    """Spec §8.1 (nulls left out of the row) on Oracle's ground, where '' is NULL: a field saved empty is absent
    from the row, IS NULL finds it and = '' finds nothing."""
    item = new_id(sb.ns.post(f"{R}/inventoryItem", json={"itemId": "EMPTY-UPC-1", "upcCode": "", "displayName": ""}))
    got = rows(sb, "SELECT id, itemid, upccode, displayname FROM item WHERE id = ?", [int(item)])
    assert got == [{"links": [], "id": item, "itemid": "EMPTY-UPC-1"}]
    assert [r["id"] for r in rows(sb, "SELECT id FROM item WHERE upccode IS NULL AND id = ?", [int(item)])] == [item]
    assert rows(sb, "SELECT id FROM item WHERE upccode = '' AND id = ?", [int(item)]) == []


def test_select_aliases_are_seen_only_by_order_by(sb):
    """Oracle scoping, which SuiteQL follows: a select-list alias is not a field of the table, so WHERE, GROUP BY
    and HAVING do not know it (an unknown field, §7.2/§8); ORDER BY does."""
    for q in ("SELECT itemid AS sku FROM item WHERE sku = 'X'",
              "SELECT itemtype AS kind, COUNT(*) AS n FROM item GROUP BY kind",
              "SELECT itemtype, COUNT(*) AS n FROM item GROUP BY itemtype HAVING n > 1"):
        detail = error_of(sb.ns.suiteql(q))
        assert detail["o:errorCode"] == "USER_ERROR" and "was not found" in detail["detail"], q
    ordered = rows(sb, "SELECT id, itemid AS sku FROM item WHERE itemtype = 'InvtPart' ORDER BY sku, id")
    assert [r["sku"] for r in ordered] == sorted(r["sku"] for r in ordered)


def test_grouped_queries_select_only_groups_and_aggregates(sb):
    """Oracle's GROUP BY rule, which SuiteQL follows (ORA-00979/00937): a column outside an aggregate must be
    grouped by. SQLite would answer with a value of an arbitrary row."""
    for q in (("SELECT iil.item, iil.location, SUM(iil.quantityavailable) AS qty FROM inventoryitemlocations iil "
               "GROUP BY iil.item"),
              "SELECT itemid, COUNT(*) AS n FROM item",
              ("SELECT iil.item, SUM(iil.quantityavailable) AS qty FROM inventoryitemlocations iil GROUP BY iil.item "
               "ORDER BY iil.location")):
        detail = error_of(sb.ns.suiteql(q))
        assert detail["o:errorCode"] == "USER_ERROR" and "GROUP BY" in detail["detail"], q
    grouped = rows(sb, "SELECT iil.item AS id, MAX(i.itemid) AS sku, TO_CHAR(MAX(iil.lastquantityavailablechange), "
                       "'YYYY-MM-DD') AS changed, SUM(iil.quantityavailable) AS qty FROM inventoryitemlocations iil "
                       "JOIN item i ON i.id = iil.item GROUP BY iil.item HAVING SUM(iil.quantityavailable) >= 0 "
                       "ORDER BY iil.item, qty")
    assert grouped and all(set(r) >= {"id", "sku", "qty"} for r in grouped)
    assert rows(sb, "SELECT item, SUM(quantityavailable) AS qty FROM inventoryitemlocations GROUP BY item "
                    "ORDER BY item")
    assert rows(sb, "SELECT COUNT(*) AS n FROM item")[0]["n"] != "0"
    assert rows(sb, "SELECT i.id, (SELECT COUNT(*) FROM pricing p WHERE p.item = i.id) AS n FROM item i")


def test_like_is_case_sensitive_as_in_oracle(sb):
    """NetSuite's Oracle compares text case-sensitively, LIKE included (SQLite's LIKE ignores ASCII case): a
    case-blind search needs LOWER() on both sides, as the §8.4 customer look-up does."""
    item = next(r for r in sb.records("inventoryItem") if r["itemId"] != r["itemId"].lower())
    lower = item["itemId"].lower()
    assert rows(sb, "SELECT id FROM item WHERE itemid LIKE ?", [lower]) == []
    assert rows(sb, "SELECT id FROM item WHERE itemid = ?", [lower]) == []
    assert [r["id"] for r in rows(sb, "SELECT id FROM item WHERE LOWER(itemid) LIKE ?", [lower])] == [item["id"]]
    assert [r["id"] for r in rows(sb, "SELECT id FROM item WHERE itemid LIKE ?", [item["itemId"]])] == [item["id"]]


def test_bind_and_header_rules(sb):
    assert "parameters" in error_of(sb.ns.suiteql("SELECT id FROM item WHERE itemid = ?", []))["detail"]
    assert "null" in error_of(sb.ns.suiteql("SELECT id FROM item WHERE itemid = ?", [None]))["detail"]
    no_prefer = sb.ns.request("POST", "/services/rest/query/v1/suiteql", json={"q": "SELECT id FROM item"})
    assert no_prefer.status_code == 400


def test_no_more_than_100000_rows_are_served(sb):
    q = "SELECT a.id FROM item a CROSS JOIN item b CROSS JOIN pricing c"
    total = len(rows(sb, "SELECT id FROM item")) ** 2 * len(rows(sb, "SELECT item FROM pricing"))
    assert total > 100_000
    last = sb.ns.suiteql(q, limit=1000, offset=99_000).json()
    assert (last["count"], last["hasMore"], last["totalResults"]) == (1000, False, total)
    beyond = sb.ns.suiteql(q, limit=1000, offset=100_000).json()
    assert beyond["count"] == 0 and beyond["items"] == []


def test_rownum_condition_limits_rows(sb):
    got = rows(sb, "SELECT id FROM item WHERE itemtype = 'InvtPart' AND ROWNUM <= 4")
    assert len(got) == 4 and {r["id"] for r in got} <= {r["id"] for r in sb.records("inventoryItem")}
    assert len(rows(sb, "SELECT id FROM item WHERE ROWNUM < 3")) == 2


def test_rownum_is_counted_before_order_by(sb):
    """Oracle numbers rows as it finds them, before ORDER BY sorts them: ``ROWNUM <= 4 … ORDER BY id`` is some 4
    rows, sorted — not the 4 lowest ids (a keyset page written that way skips rows). The sandbox takes them
    from the far end of the requested order, so such a query cannot pass by luck; FETCH FIRST sorts first."""
    ids = sorted(int(r["id"]) for r in sb.records("inventoryItem"))
    q = "SELECT id, itemid FROM item WHERE itemtype = 'InvtPart' AND ROWNUM <= 4 ORDER BY id"
    got = [int(r["id"]) for r in rows(sb, q)]
    assert got == sorted(got) and len(got) == 4 and got != ids[:4]
    assert set(rows(sb, q)[0]) == {"links", "id", "itemid"}
    fetched = rows(sb, "SELECT id FROM item WHERE itemtype = 'InvtPart' ORDER BY id FETCH FIRST 4 ROWS ONLY")
    assert [int(r["id"]) for r in fetched] == ids[:4]
    dated = rows(sb, "SELECT id, lastmodifieddate FROM item WHERE ROWNUM <= 2 ORDER BY id DESC")
    assert len(dated) == 2 and all("/" in r["lastmodifieddate"] for r in dated)
