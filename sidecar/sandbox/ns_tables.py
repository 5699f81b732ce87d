"""The SuiteQL tables the sandbox exposes (spec §8.4), with NetSuite's table and column names, and the
projection that turns a stored record into their rows. Every write to a record re-projects it, so SuiteQL
always sees what the record service sees."""

from __future__ import annotations

from .ns_schema import TYPES

# The custom item fields this account uses as matrix options (Setup > Customization > Item Fields, "Matrix
# Option" list fields). A child holds one value of each; SuiteQL sees the value, BUILTIN.DF its text.
MATRIX_OPTION_FIELDS = ["custitem_color", "custitem_size"]
WEIGHT_UNITS = {"1": "lb", "2": "oz", "3": "kg", "4": "g"}

# table -> {column: sqlite type}. Only these tables and columns can be queried.
CATALOG: dict[str, dict[str, str]] = {
    "item": dict.fromkeys(["itemid", "displayname", "upccode", "externalid", "isinactive", "itemtype", "matrixtype", "description", "salesdescription", "custitem_woo_sku", "isonline", "fullname", "createddate", "lastmodifieddate", "upccode"], "TEXT") | {"id": "INTEGER", "parent": "INTEGER", "weight": "REAL",
                                                         "location": "INTEGER", "cost": "REAL"}
    # products (issue 14): web store texts, the weight's unit and the account's matrix option fields
    | dict.fromkeys(["storedisplayname", "storedescription", "storedetaileddescription", "weightunit",
                     *MATRIX_OPTION_FIELDS], "TEXT"),
    "inventoryitemlocations": {"item": "INTEGER", "location": "INTEGER", "quantityavailable": "REAL",
                               "quantityonhand": "REAL", "quantitycommitted": "REAL",
                               "quantitybackordered": "REAL", "quantityonorder": "REAL",
                               "quantityintransit": "REAL", "lastquantityavailablechange": "TEXT"},
    "aggregateitemlocation": {"item": "INTEGER", "location": "INTEGER", "quantityavailable": "REAL",
                              "quantityonhand": "REAL", "quantitycommitted": "REAL", "quantityonorder": "REAL",
                              "quantitybackordered": "REAL"},
    "pricing": {"internalid": "INTEGER", "item": "INTEGER", "pricelevel": "INTEGER", "unitprice": "REAL",
                "quantity": "REAL", "priceqty": "REAL", "saleunit": "INTEGER", "currency": "INTEGER"},
    "pricelevel": {"id": "INTEGER", "name": "TEXT", "isinactive": "TEXT", "discountpct": "REAL",
                   "externalid": "TEXT"},
    "currency": {"id": "INTEGER", "name": "TEXT", "symbol": "TEXT", "isbasecurrency": "TEXT",
                 "exchangerate": "REAL", "isinactive": "TEXT", "externalid": "TEXT"},
    "department": {"id": "INTEGER", "name": "TEXT", "isinactive": "TEXT", "subsidiary": "INTEGER",
                   "parent": "INTEGER", "externalid": "TEXT"},
    "classification": {"id": "INTEGER", "name": "TEXT", "isinactive": "TEXT", "subsidiary": "INTEGER",
                       "parent": "INTEGER", "externalid": "TEXT"},
    "paymentmethod": {"id": "INTEGER", "name": "TEXT", "isinactive": "TEXT", "externalid": "TEXT"},
    "location": {"id": "INTEGER", "name": "TEXT", "isinactive": "TEXT", "subsidiary": "INTEGER",
                 "parent": "INTEGER", "externalid": "TEXT", "lastmodifieddate": "TEXT"},
    "subsidiary": {"id": "INTEGER", "name": "TEXT", "currency": "INTEGER", "isinactive": "TEXT",
                   "country": "TEXT", "externalid": "TEXT"},
    "customer": dict.fromkeys(["entityid", "email", "externalid", "isperson", "firstname", "lastname", "companyname", "isinactive", "phone", "altemail", "datecreated", "lastmodifieddate"], "TEXT")
    | {"id": "INTEGER", "subsidiary": "INTEGER", "currency": "INTEGER", "pricelevel": "INTEGER"},
    "transaction": dict.fromkeys(["tranid", "type", "recordtype", "status", "externalid", "trandate", "createddate", "lastmodifieddate", "memo", "otherrefnum", "email"], "TEXT")
    | {"id": "INTEGER", "entity": "INTEGER", "foreigntotal": "REAL", "taxtotal": "REAL", "currency": "INTEGER",
       "shipmethod": "INTEGER"},
    "transactionline": {"id": "INTEGER", "transaction": "INTEGER", "linesequencenumber": "INTEGER",
                        "uniquekey": "INTEGER", "mainline": "TEXT", "taxline": "TEXT", "iscogs": "TEXT",
                        "item": "INTEGER", "quantity": "REAL", "rate": "REAL", "netamount": "REAL",
                        "foreignamount": "REAL", "location": "INTEGER", "createdfrom": "INTEGER",
                        "itemtype": "TEXT", "isclosed": "TEXT", "quantityshiprecv": "REAL",
                        "quantitybilled": "REAL", "memo": "TEXT", "entity": "INTEGER", "subsidiary": "INTEGER"},
    "trackingnumber": {"id": "INTEGER", "trackingnumber": "TEXT"},
    "trackingnumbermap": {"transaction": "INTEGER", "trackingnumber": "INTEGER"},
    "previoustransactionlink": {"previousdoc": "INTEGER", "nextdoc": "INTEGER", "linktype": "TEXT"},
    "nexttransactionlink": {"previousdoc": "INTEGER", "nextdoc": "INTEGER", "linktype": "TEXT"},
}
STOCK_STAMP = "lastQuantityAvailableChange"  # kept on each locations line: when its quantityAvailable last moved


def keep_stock_stamps(rec: dict) -> None:
    """Before an item is saved with one location's quantity changed: the other lines' availability did not
    move, so a line without a stamp of its own (a seeded item) keeps the time it showed until now (the
    record's last modification), instead of following the record's new one."""
    for line in (rec.get("locations") or {}).get("items") or []:
        if not line.get(STOCK_STAMP) and rec.get("lastModifiedDate"):
            line[STOCK_STAMP] = rec["lastModifiedDate"]
DATE_COLUMNS = {"createddate", "lastmodifieddate", "trandate", "datecreated", "lastquantityavailablechange"}

# BUILTIN.DF(<table>.<column>): the SQL that yields the display text; {v} is the column, {q} its qualifier.
_REF = '(SELECT "sbx_df"."{col}" FROM "{tbl}" AS "sbx_df" WHERE "sbx_df"."id" = {{v}})'
DF_TARGETS = {"item": _REF.format(col="itemid", tbl="item"), "parent": _REF.format(col="itemid", tbl="item"),
              "location": _REF.format(col="name", tbl="location"),
              "subsidiary": _REF.format(col="name", tbl="subsidiary"),
              "currency": _REF.format(col="name", tbl="currency"),
              "pricelevel": _REF.format(col="name", tbl="pricelevel"),
              "entity": _REF.format(col="entityid", tbl="customer"),
              "shipmethod": _REF.format(col="itemid", tbl="item"),
              "createdfrom": _REF.format(col="tranid", tbl="transaction"),
              "transaction": _REF.format(col="tranid", tbl="transaction"),
              "previousdoc": _REF.format(col="tranid", tbl="transaction"),
              "nextdoc": _REF.format(col="tranid", tbl="transaction"),
              "itemtype": '(SELECT "sbx_df"."text" FROM "sbx_itemtype" AS "sbx_df" WHERE "sbx_df"."code" = {v})',
              "type": '(SELECT "sbx_df"."text" FROM "sbx_trantype" AS "sbx_df" WHERE "sbx_df"."code" = {v})'}
DF_STATUS = ('(SELECT "sbx_df"."text" FROM "sbx_status" AS "sbx_df" WHERE "sbx_df"."type" = {q}"type" '
             'AND "sbx_df"."code" = {v})')
SALES_SIGN = {"SalesOrd": -1, "ItemShip": -1, "CashSale": -1, "CustInvc": -1, "CustCred": 1, "CashRfnd": 1,
              "CustRfnd": 1}
OWNER = {"item": "id", "inventoryitemlocations": "item", "aggregateitemlocation": "item", "pricing": "item",
         "pricelevel": "id", "currency": "id", "department": "id", "classification": "id", "paymentmethod": "id", "location": "id", "subsidiary": "id", "customer": "id",
         "transaction": "id", "transactionline": "transaction", "trackingnumbermap": "transaction",
         "previoustransactionlink": "nextdoc", "nexttransactionlink": "nextdoc"}


def ddl() -> list[str]:
    """CREATE TABLE statements for the catalog tables, with an index on each owner column (re-projection deletes
    by it), on the keys the stock and price reads page by and on ``lastquantityavailablechange``, so a
    100,000-item account stays quick. Indexes change how fast an answer comes, never what it is."""
    statements = []
    for table, cols in CATALOG.items():
        columns = ", ".join(f'"{c}" {kind}' for c, kind in cols.items())
        statements.append(f'CREATE TABLE "{table}" ({columns})')
        statements.append(f'CREATE INDEX "sbx_{table}_owner" ON "{table}" ("{OWNER.get(table, "id")}")')
    statements.append('CREATE INDEX "sbx_item_parent" ON "item" ("parent")')
    # an incremental stock read filters on when availability last moved (NetSuite answers it from its own index)
    statements.append('CREATE INDEX "sbx_iil_changed" ON "inventoryitemlocations" ("lastquantityavailablechange")')
    return statements


def ref_id(value) -> int | None:
    if isinstance(value, dict):
        value = value.get("id")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def tf(value) -> str:
    return "T" if value else "F"


def sql_date(value: str | None) -> str | None:
    """'2024-05-02' or '2024-05-02T10:00:00Z' → '2024-05-02 10:00:00' (one sortable text form)."""
    if not value:
        return None
    value = value.replace("T", " ").rstrip("Z")
    return value if len(value) > 10 else value + " 00:00:00"


def option_text(value) -> str | None:
    """A list value as SuiteQL's sandbox keeps it: its text (``{"id": "1", "refName": "Red"}`` → ``Red``)."""
    if isinstance(value, dict):
        return value.get("refName") or value.get("id")
    return None if value in (None, "") else str(value)


def enum_id(value) -> str | None:
    return value.get("id") if isinstance(value, dict) else value


def _lines(rec: dict, sublist: str) -> list[dict]:
    return (rec.get(sublist) or {}).get("items") or []


def project_item(rid: int, rec: dict, rtype) -> dict[str, list[dict]]:
    """Rows of item, inventoryitemlocations, aggregateitemlocation and pricing for one item."""
    row = {"id": rid, "itemid": rec.get("itemId"), "displayname": rec.get("displayName"),
           "upccode": rec.get("upcCode"), "externalid": rec.get("externalId"),
           "isinactive": tf(rec.get("isInactive")), "itemtype": rtype.suiteql_type,
           "matrixtype": enum_id(rec.get("matrixType")), "description": rec.get("description"),
           "salesdescription": rec.get("salesDescription"), "custitem_woo_sku": rec.get("custitem_woo_sku"),
           "isonline": tf(rec.get("isOnline")), "fullname": rec.get("itemId"), "parent": ref_id(rec.get("parent")),
           "weight": rec.get("weight"), "location": ref_id(rec.get("location")), "cost": rec.get("cost"),
           "storedisplayname": rec.get("storeDisplayName"), "storedescription": rec.get("storeDescription"),
           "storedetaileddescription": rec.get("storeDetailedDescription"),
           "weightunit": WEIGHT_UNITS.get(enum_id(rec.get("weightUnit")) or ""),
           **{name: option_text(rec.get(name)) for name in MATRIX_OPTION_FIELDS},
           "createddate": sql_date(rec.get("createdDate")),
           "lastmodifieddate": sql_date(rec.get("lastModifiedDate"))}
    stock = [{"item": rid, "location": ref_id(line.get("location")),
              **{k.lower(): line.get(k, 0) for k in ("quantityAvailable", "quantityOnHand", "quantityCommitted",
                                                     "quantityBackOrdered", "quantityOnOrder")},
              "quantityintransit": line.get("quantityInTransit", 0),
              "lastquantityavailablechange": sql_date(line.get(STOCK_STAMP) or rec.get("lastModifiedDate"))}
             for line in _lines(rec, "locations")]
    aggregate = [{k: v for k, v in s.items() if k in CATALOG["aggregateitemlocation"]} for s in stock]
    prices = [{"internalid": rid * 1000 + n, "item": rid, "pricelevel": ref_id(p.get("priceLevel")),
               "unitprice": p.get("price"), "quantity": _price_qty(p), "priceqty": p.get("priceQty", 1),
               "saleunit": None, "currency": ref_id(p.get("currencyPage"))}
              for n, p in enumerate(_lines(rec, "price"))]
    return {"item": [row], "inventoryitemlocations": stock, "aggregateitemlocation": aggregate,
            "pricing": prices}


def _price_qty(line: dict) -> float:
    q = line.get("quantity")
    if isinstance(q, dict):
        q = q.get("value")
    return q or 0


def project_customer(rid: int, rec: dict) -> dict[str, list[dict]]:
    """The customer row."""
    row = {"id": rid, "entityid": rec.get("entityId"), "email": rec.get("email"),
           "externalid": rec.get("externalId"), "isperson": tf(rec.get("isPerson")),
           "firstname": rec.get("firstName"), "lastname": rec.get("lastName"),
           "companyname": rec.get("companyName"), "isinactive": tf(rec.get("isInactive")),
           "phone": rec.get("phone"), "altemail": rec.get("altEmail"),
           "datecreated": sql_date(rec.get("dateCreated")), "lastmodifieddate": sql_date(rec.get("lastModifiedDate")),
           "subsidiary": ref_id(rec.get("subsidiary")), "currency": ref_id(rec.get("currency")),
           "pricelevel": ref_id(rec.get("priceLevel"))}
    return {"customer": [row]}


def project_list(table: str, rid: int, rec: dict) -> dict[str, list[dict]]:
    row = {"id": rid, "name": rec.get("name"), "isinactive": tf(rec.get("isInactive")),
           "externalid": rec.get("externalId"), "subsidiary": ref_id(rec.get("subsidiary")),
           "parent": ref_id(rec.get("parent")), "lastmodifieddate": sql_date(rec.get("lastModifiedDate")),
           "currency": ref_id(rec.get("currency")), "country": enum_id(rec.get("country")),
           "symbol": rec.get("symbol"), "isbasecurrency": tf(rec.get("isBaseCurrency")),
           "exchangerate": rec.get("exchangeRate"), "discountpct": rec.get("discountPct")}
    return {table: [{k: v for k, v in row.items() if k in CATALOG[table]}]}


def project_transaction(rid: int, rec: dict, rtype, item_types: dict[int, str]) -> dict[str, list[dict]]:
    """Rows of transaction, transactionline (mainline, item lines, discount/shipping) and links."""
    code = rtype.suiteql_type
    sign = SALES_SIGN.get(code, 1)
    entity = ref_id(rec.get("entity") or rec.get("customer"))
    created_from = ref_id(rec.get("createdFrom"))
    head = {"id": rid, "tranid": rec.get("tranId"), "type": code, "recordtype": rtype.name.lower(),
            "status": enum_id(rec.get("status")), "externalid": rec.get("externalId"),
            "trandate": sql_date(rec.get("tranDate")), "createddate": sql_date(rec.get("createdDate")),
            "lastmodifieddate": sql_date(rec.get("lastModifiedDate")), "memo": rec.get("memo"),
            "otherrefnum": rec.get("otherRefNum"), "email": rec.get("email"), "entity": entity,
            "foreigntotal": rec.get("total"), "taxtotal": rec.get("taxTotal"), "currency": ref_id(rec.get("currency")),
            "shipmethod": ref_id(rec.get("shipMethod"))}
    base = {"transaction": rid, "taxline": "F", "iscogs": "F", "createdfrom": created_from, "entity": entity,
            "subsidiary": ref_id(rec.get("subsidiary"))}
    lines = [{**base, "id": 0, "linesequencenumber": 0, "uniquekey": rid * 1000, "mainline": "T",
              "foreignamount": rec.get("total"), "netamount": rec.get("total"),
              "location": ref_id(rec.get("location")), "memo": rec.get("memo"), "isclosed": "F"}]
    for line in _lines(rec, "item"):
        lines.append(_line_row(base, rid, line, sign, item_types))
    lines += _extra_lines(base, rid, rec, sign, len(lines), item_types)
    rows = {"transaction": [head], "transactionline": lines, "trackingnumbermap": [],
            "previoustransactionlink": [], "nexttransactionlink": []}
    if created_from:
        link = {"previousdoc": created_from, "nextdoc": rid, "linktype": code}
        rows["previoustransactionlink"].append(link)
        rows["nexttransactionlink"].append(dict(link))
    return rows


def _line_row(base: dict, rid: int, line: dict, sign: int, item_types: dict[int, str]) -> dict:
    item = ref_id(line.get("item"))
    qty = line.get("quantity") or 0
    amount = line.get("amount") or 0
    return {**base, "id": line.get("line"), "linesequencenumber": line.get("line"),
            "uniquekey": rid * 1000 + int(line.get("line") or 0), "mainline": "F", "item": item,
            "quantity": sign * qty, "rate": line.get("rate"), "netamount": sign * amount,
            "foreignamount": sign * amount, "location": ref_id(line.get("location")),
            "itemtype": item_types.get(item), "isclosed": tf(line.get("isClosed")),
            "quantityshiprecv": line.get("quantityFulfilled", 0), "quantitybilled": line.get("quantityBilled", 0),
            "memo": line.get("description")}


def _extra_lines(base: dict, rid: int, rec: dict, sign: int, start: int, item_types: dict) -> list[dict]:
    """NetSuite shows header discount and shipping as their own lines in transactionline."""
    extra = []
    for field_ref, amount in (("discountItem", rec.get("discountTotal")), ("shipMethod", rec.get("shippingCost"))):
        item = ref_id(rec.get(field_ref))
        if item and amount:
            n = start + len(extra) + 1000
            extra.append({**base, "id": n, "linesequencenumber": n, "uniquekey": rid * 1000 + n, "mainline": "F",
                          "item": item, "quantity": None, "rate": amount, "netamount": sign * amount,
                          "foreignamount": sign * amount, "itemtype": item_types.get(item), "isclosed": "F"})
    return extra


def tracking_numbers(rec: dict) -> list[str]:
    return [p["packageTrackingNumber"] for p in _lines(rec, "package") if p.get("packageTrackingNumber")]


LIST_TABLES = {"location": "location", "subsidiary": "subsidiary", "currency": "currency",
               "priceLevel": "pricelevel", "department": "department", "classification": "classification",
               "paymentMethod": "paymentmethod"}
assert all(name in TYPES for name in LIST_TABLES)
