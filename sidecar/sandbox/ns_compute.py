"""What NetSuite fills in on save: line numbers, item types, rates and amounts, totals, tranId, status and
timestamps (spec §6), plus the required-field checks whose failures come back as USER_ERROR."""

from __future__ import annotations

from datetime import UTC, date, datetime

from .ns_errors import invalid_field_value, user_error
from .ns_schema import FULFILLABLE_ITEM_TYPES, TYPES, RecordType
from .ns_tables import ref_id

SALES_TYPES = {"salesOrder", "cashSale", "invoice", "creditMemo", "cashRefund"}


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def complete(rtype: RecordType, rec: dict, store, rid: int | None) -> dict:
    """Fill derived fields of a record about to be saved (rid None = a create) and check required fields."""
    stamp = now_iso()
    if rtype.group == "transaction":
        _transaction(rtype, rec, store, rid is None)
    elif rtype.name == "customer":
        _customer(rec, store, rid is None)
    elif rtype.group == "item":
        _item(rtype, rec)
    created = "dateCreated" if rtype.name == "customer" else "createdDate"
    if rid is None and rtype.fields.get(created, "").startswith("datetime"):
        rec[created] = stamp
    rec["lastModifiedDate"] = stamp
    return rec


def _transaction(rtype: RecordType, rec: dict, store, is_new: bool) -> None:
    entity_field = "customer" if rtype.name == "customerRefund" else "entity"
    if not rec.get(entity_field):
        raise user_error("Please enter value(s) for: Customer", path=entity_field)
    customer = store.load("customer", ref_id(rec[entity_field])) or {}
    for name in ("subsidiary", "currency"):
        if not rec.get(name) and customer.get(name):
            rec[name] = customer[name]
    rec.setdefault("currency", {"id": "1"})
    rec.setdefault("tranDate", date.today().isoformat())
    if not rec.get("tranId"):
        rec["tranId"] = f"{rtype.tran_prefix}{store.next_value('tranid:' + rtype.name)}"
    if is_new:
        rec["source"] = {"id": "restWebServices"}
    if rtype.name in SALES_TYPES:
        _lines_and_totals(rec, store)
    if rtype.name == "salesOrder":
        rec["status"] = {"id": so_status(rec)}
    elif rtype.name == "itemFulfillment":
        rec.setdefault("shipStatus", {"id": "C"})
        rec["status"] = dict(rec["shipStatus"])
    elif rtype.name == "customerRefund":
        rec.setdefault("status", {"id": "R"})


def customer_currencies(customer: dict) -> set[int]:
    """The currencies a customer can buy in: its primary currency and its currencyList lines (spec §6.2)."""
    lines = (customer.get("currencyList") or {}).get("items", [])
    return {c for c in [ref_id(customer.get("currency"))] + [ref_id(ln.get("currency")) for ln in lines] if c}


def check_currency(rtype: RecordType, rec: dict, store) -> None:
    """A new sales-side transaction in a currency its customer does not have is refused, in NetSuite's words.
    Checked on the record service's creates; the control plane inserts records as they already exist."""
    if rtype.name not in SALES_TYPES | {"customerRefund"}:
        return
    customer = store.load("customer", ref_id(rec.get("customer" if rtype.name == "customerRefund" else "entity")))
    currency = ref_id(rec.get("currency"))
    if customer and currency not in customer_currencies(customer):
        raise invalid_field_value(currency, "currency", "currency")


def _lines_and_totals(rec: dict, store) -> None:
    lines = (rec.get("item") or {}).get("items") or []
    if not lines:
        raise user_error("You must enter at least one line item for this transaction.", path="item")
    used = max([line.get("line") or 0 for line in lines] + [0])
    subtotal = 0.0
    for line in lines:
        if not line.get("line"):
            used += 1
            line["line"] = used
        _line(line, rec, store)
        subtotal += line["amount"]
    rec["subtotal"] = round(subtotal, 2)
    rec["discountTotal"] = _discount(rec.get("discountRate"), subtotal) if rec.get("discountItem") else 0
    total = subtotal + rec["discountTotal"] + float(rec.get("shippingCost") or 0) + float(rec.get("handlingCost") or 0)
    rec["total"] = round(total, 2)


def _line(line: dict, rec: dict, store) -> None:
    found = store.find("item", ref_id(line.get("item"))) if line.get("item") else None
    if found is None:
        raise user_error("Please enter value(s) for: Item", path="item.items")
    item_type = TYPES[found[0]].suiteql_type
    line["itemType"] = {"id": item_type}
    qty = line.get("quantity")
    if qty is None and item_type in FULFILLABLE_ITEM_TYPES | {"Service"}:
        qty = line["quantity"] = 1
    if line.get("rate") is None:
        line["rate"] = (round(line["amount"] / qty, 6) if line.get("amount") is not None and qty
                        else _base_price(found[1], rec))
    if line.get("amount") is None:
        line["amount"] = round(float(line["rate"] or 0) * float(qty if qty is not None else 1), 2)
    line.setdefault("isClosed", False)
    line.setdefault("quantityFulfilled", 0)
    line.setdefault("quantityBilled", 0)


def _base_price(item: dict, rec: dict) -> float:
    """Rate sourced from the item's Base Price (price level 1) in the order's currency."""
    currency = ref_id(rec.get("currency")) or 1
    for price in (item.get("price") or {}).get("items", []):
        if ref_id(price.get("priceLevel")) == 1 and ref_id(price.get("currencyPage")) == currency:
            return float(price.get("price") or 0)
    rate = str(item.get("rate") or "0").rstrip("%")
    try:
        return float(rate)
    except ValueError:
        return 0.0


def _discount(rate, subtotal: float) -> float:
    """A header discountRate: '-10%' is a percentage of the subtotal, a plain number an amount."""
    if rate in (None, ""):
        return 0
    text = str(rate).strip()
    try:
        if text.endswith("%"):
            return round(subtotal * float(text[:-1]) / 100, 2)
        return round(float(text), 2)
    except ValueError:
        raise invalid_field_value(rate, "discountRate", "discountRate") from None


def so_status(rec: dict) -> str:
    """Sales order status from its lines: approval, closed, fulfilled in part or in full (spec §6.1)."""
    current = (rec.get("status") or {}).get("id")
    if current in ("C", "G"):
        return current
    if (rec.get("orderStatus") or {}).get("id") == "A":
        return "A"
    lines = (rec.get("item") or {}).get("items") or []
    if lines and all(line.get("isClosed") for line in lines):
        return "H"
    open_lines = [ln for ln in lines if (ln.get("itemType") or {}).get("id") in FULFILLABLE_ITEM_TYPES
                  and not ln.get("isClosed")]
    done = [ln for ln in open_lines if (ln.get("quantityFulfilled") or 0) >= (ln.get("quantity") or 0)]
    some = any((ln.get("quantityFulfilled") or 0) > 0 for ln in open_lines)
    if len(done) == len(open_lines):  # nothing left to ship (service-only orders go straight to billing)
        return "F"
    return "D" if some else "B"


def _customer(rec: dict, store, is_new: bool) -> None:
    if not rec.get("subsidiary"):
        raise user_error("Please enter value(s) for: Primary Subsidiary", path="subsidiary")
    if not rec.get("currency"):  # NetSuite defaults the primary currency to the subsidiary's
        subsidiary = store.load("subsidiary", ref_id(rec["subsidiary"])) or {}
        rec["currency"] = dict(subsidiary.get("currency") or {"id": "1"})
    if rec.get("isPerson"):
        if not (rec.get("firstName") and rec.get("lastName")):
            raise user_error("Please enter value(s) for: Name", path="lastName")
    elif not rec.get("companyName"):
        raise user_error("Please enter value(s) for: Company Name", path="companyName")
    rec.setdefault("isPerson", False)
    if not rec.get("entityId"):
        name = f"{rec.get('firstName', '')} {rec.get('lastName', '')}".strip() if rec["isPerson"] else rec["companyName"]
        rec["entityId"] = f"CUST{store.next_value('entityid:customer')} {name}"
    for line in (rec.get("addressBook") or {}).get("items", []):
        if not line.get("id"):
            line["id"] = line["internalId"] = store.next_value("id:addressbook")


def _item(rtype: RecordType, rec: dict) -> None:
    rec["itemType"] = {"id": rtype.suiteql_type}
    if not rec.get("itemId"):
        raise user_error("Please enter value(s) for: Item Name/Number", path="itemId")
    if rtype.name != "inventoryItem":
        return
    locations = (rec.get("locations") or {}).get("items", [])
    for total in ("quantityAvailable", "quantityOnHand", "quantityCommitted", "quantityBackOrdered",
                  "quantityOnOrder"):
        rec[total] = sum(float(line.get(total) or 0) for line in locations)
