"""NetSuite itemFulfillment → what WooCommerce shows (spec netsuite-rest.md §6.4, woocommerce.md A7).

| NetSuite itemFulfillment                      | WooCommerce                                                   |
|-----------------------------------------------|---------------------------------------------------------------|
| item lines (``itemReceive``) quantities        | "Shipped 2 of 3 items" in a customer-visible note             |
| package / packageUps / packageFedex / packageUsps tracking numbers | the note, and ``_wc_shipment_tracking_items`` |
| shipMethod (``fulfillments.carriers``) / shipCarrier | "via UPS"; ``tracking_provider`` or a custom provider   |
| shippedDate / tranDate                        | ``date_shipped`` (unix seconds, as the extension stores it)   |
| sales order lines all fulfilled or closed      | status ``completed`` (``fulfillments.complete_order``)        |

Pure: the flow reads both records and passes them in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from decimal import Decimal

from sidecar.mapping.common import money, ns_bool

TRACKING_META = "_wc_shipment_tracking_items"
FULFILLABLE = {"InvtPart", "NonInvtPart", "Kit", "Assembly"}
PACKAGE_SUBLISTS = {"package": "packageTrackingNumber", "packageUps": "packageTrackingNumberUps",
                    "packageFedex": "packageTrackingNumberFedEx", "packageUsps": "packageTrackingNumberUsps"}
# Providers the Shipment Tracking extension predefines, as the extension matches a stored ``tracking_provider``:
# ``sanitize_title`` of its own provider names ("NZ Post" -> "nz-post", "Fedex" -> "fedex"). A slug outside its
# list shows neither a carrier name nor a link, so any other carrier is stored as a custom provider (by name).
# Only long-standing providers are listed, so an older copy of the extension knows them too.
KNOWN_PROVIDERS = {"ups", "usps", "fedex", "fedex-sameday", "dhl-us", "dhl", "dhl-express", "dhl-parcel-uk",
                   "ontrac", "royal-mail", "parcelforce", "canada-post", "purolator", "australia-post", "nz-post",
                   "courier-post", "aramex", "postnl", "colissimo", "an-post", "correios", "bpost", "itella",
                   "dtdc", "inpost", "poczta-polska"}
CARRIER_CODES = {"ups": "UPS"}  # itemFulfillment.shipCarrier: "ups" or "nonups" (FedEx/USPS/more)


def _items(record: dict, sublist: str) -> list[dict]:
    return (record.get(sublist) or {}).get("items") or []


def tracking_numbers(fulfillment: dict) -> list[str]:
    """Every package's tracking number, generic and carrier-integrated sublists alike, in order, once each."""
    numbers: list[str] = []
    for sublist, field in PACKAGE_SUBLISTS.items():
        for package in _items(fulfillment, sublist):
            number = str(package.get(field) or "").strip()
            if number and number not in numbers:
                numbers.append(number)
    return numbers


def shipped_quantity(fulfillment: dict) -> Decimal:
    """Units this fulfilment ships (lines with ``itemReceive`` false ship nothing)."""
    return sum((money(line.get("quantity")) for line in _items(fulfillment, "item")
                if ns_bool(line.get("itemReceive"), default=True)), Decimal(0))


def _fulfillable(line: dict) -> bool:
    kind = line.get("itemType")
    kind = kind.get("id") if isinstance(kind, dict) else kind
    return kind in FULFILLABLE if kind else line.get("quantity") is not None


def ordered_quantity(sales_order: dict) -> Decimal:
    """Units the sales order ships in all (its fulfillable lines)."""
    return sum((money(line.get("quantity")) for line in _items(sales_order, "item") if _fulfillable(line)),
               Decimal(0))


def fully_fulfilled(sales_order: dict) -> bool:
    """Nothing left to ship: every fulfillable line is fulfilled in full or closed."""
    lines = [line for line in _items(sales_order, "item") if _fulfillable(line)]
    return bool(lines) and all(ns_bool(line.get("isClosed")) or money(line.get("quantityFulfilled")) >= money(
        line.get("quantity")) for line in lines)


def carrier_name(fulfillment: dict, carriers: dict[str, str]) -> str | None:
    """``fulfillments.carriers`` by ship item, else the ship item's name, else UPS from ``shipCarrier``."""
    method = fulfillment.get("shipMethod") or {}
    if method.get("id") and str(method["id"]) in carriers:
        return carriers[str(method["id"])]
    if method.get("refName"):
        return str(method["refName"])
    code = (fulfillment.get("shipCarrier") or {}).get("id")
    return CARRIER_CODES.get(str(code).lower()) if code else None


def _count(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


def shipment_note(fulfillment: dict, sales_order: dict, carrier: str | None, done: bool) -> str:
    """The customer-visible note: what shipped, how, tracking numbers, and the shipment's number (which the
    flow also uses to recognise a note it already wrote)."""
    shipped, ordered = shipped_quantity(fulfillment), ordered_quantity(sales_order)
    unit = "item" if ordered == 1 else "items"
    text = f"Shipped {_count(shipped)} of {_count(ordered)} {unit}"
    if carrier:
        text += f" via {carrier}"
    numbers = tracking_numbers(fulfillment)
    if numbers:
        text += f", tracking {', '.join(numbers)}"
    text += f" (shipment {marker(fulfillment)})."
    if done:
        text += " Everything has now shipped."
    return text


def marker(fulfillment: dict) -> str:
    return str(fulfillment.get("tranId") or fulfillment.get("id"))


def provider_slug(name: str) -> str:
    """WordPress ``sanitize_title`` for a carrier name: lower case, dashes for spaces and dots, nothing else."""
    slug = re.sub(r"[^a-z0-9\s-]", "", name.lower().replace(".", "-")).strip()
    return re.sub(r"[\s-]+", "-", slug).strip("-")


def shipped_timestamp(fulfillment: dict) -> str:
    """``date_shipped`` as the extension stores it: unix seconds of the ship date (midnight UTC), a string."""
    day = str(fulfillment.get("shippedDate") or fulfillment.get("tranDate") or "")[:10]
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        return ""
    return str(calendar.timegm(date.timetuple()))


def tracking_items(fulfillment: dict, carrier: str | None) -> list[dict]:
    """One ``_wc_shipment_tracking_items`` entry per tracking number, in the extension's exact format. The
    ``tracking_id`` is derived from the fulfilment and number, so writing it again changes nothing."""
    slug = provider_slug(carrier or "")
    known = slug in KNOWN_PROVIDERS
    items = []
    for number in tracking_numbers(fulfillment):
        items.append({"tracking_provider": slug if known else "",
                      "custom_tracking_provider": "" if known else (carrier or ""),
                      "custom_tracking_link": "", "tracking_number": number,
                      "date_shipped": shipped_timestamp(fulfillment),
                      "tracking_id": hashlib.md5(f"netsuite:{fulfillment.get('id')}:{number}".encode(),
                                                 usedforsecurity=False).hexdigest()})
    return items


def merge_tracking(existing: object, ours: list[dict]) -> list[dict]:
    """The order's tracking list with ours set by ``tracking_id``: entries added by hand stay, ours are not
    duplicated."""
    current = [dict(e) for e in existing if isinstance(e, dict)] if isinstance(existing, list) else []
    known = {e.get("tracking_id") for e in current}
    return current + [item for item in ours if item["tracking_id"] not in known]


def meta_value(order: dict, key: str) -> object:
    """The value of an order meta key as WooCommerce renders ``meta_data``."""
    return next((m.get("value") for m in order.get("meta_data") or [] if m.get("key") == key), None)
