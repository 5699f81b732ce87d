"""Seed data for a believable account: currencies, subsidiaries, price levels, locations, shipping/discount/
other-charge/tax items, inventory items (some of them matrix parents with children) with prices per level and
currency and stock per location, and customers. Deterministic for a given random seed."""

from __future__ import annotations

import random

from .ns_compute import complete
from .ns_schema import TYPES

CURRENCIES = [("USD", "$", 1.0), ("EUR", "€", 1.08), ("GBP", "£", 1.27), ("CAD", "C$", 0.73)]
SUBSIDIARIES = [("Honeycomb Mfg.", "1", "US"), ("Honeycomb Europe Ltd", "3", "GB")]
PRICE_LEVELS = [("Base Price", 0), ("Alternate Price 1", 5), ("Corporate Discount Price", 10), ("Online Price", 3)]
LOCATION_NAMES = ["Main Warehouse", "East Coast DC", "West Coast DC", "Retail Store 01", "Returns Center"]
SHIP_ITEMS = ["UPS Ground", "FedEx 2Day", "Free Shipping"]
DEPARTMENTS = ["Sales", "E-Commerce", "Wholesale"]
CLASSES = ["Retail", "Online", "Marketplace"]
PAYMENT_METHODS = ["Cash", "Check", "VISA", "Master Card", "American Express", "PayPal", "Wire Transfer"]
FIRST = ["Jane", "John", "Maria", "Ahmed", "Li", "Sofia", "Liam", "Emma", "Noah", "Olivia"]
LAST = ["Roe", "Doe", "Garcia", "Khan", "Wei", "Rossi", "Smith", "Brown", "Jones", "Miller"]
PRODUCTS = ["Hoodie", "T-Shirt", "Cap", "Mug", "Poster", "Beanie", "Tote Bag", "Sticker Pack", "Notebook", "Socks"]
MATRIX_OPTIONS = ["Red", "Blue", "Green"]


def upc(n: int) -> str:
    """A 12-digit UPC-A with a valid check digit."""
    body = f"0{7000000000 + n:010d}"[:11]
    odd = sum(int(d) for d in body[0::2])
    even = sum(int(d) for d in body[1::2])
    return body + str((10 - (odd * 3 + even) % 10) % 10)


def _add(store, type_name: str, rec: dict) -> int:
    rtype = TYPES[type_name]
    return store.insert(rtype, complete(rtype, rec, store, None))


def base_lists(store, locations: int) -> dict:
    """Currencies, subsidiaries, price levels, locations and the service items — once per account."""
    if store.ids("currency"):
        return {"locations": store.ids("location")[:locations]}
    for name, symbol, rate in CURRENCIES:
        _add(store, "currency", {"name": name, "symbol": symbol, "exchangeRate": rate,
                                 "isBaseCurrency": name == "USD"})
    for name, currency, country in SUBSIDIARIES:
        _add(store, "subsidiary", {"name": name, "currency": {"id": currency}, "country": {"id": country}})
    for name, pct in PRICE_LEVELS:
        _add(store, "priceLevel", {"name": name, "discountPct": pct})
    locs = [_add(store, "location", {"name": LOCATION_NAMES[n % 5] + ("" if n < 5 else f" {n}"),
                                     "subsidiary": {"id": "1"}, "makeInventoryAvailable": True})
            for n in range(max(1, locations))]
    for names, rtype in ((DEPARTMENTS, "department"), (CLASSES, "classification"),
                         (PAYMENT_METHODS, "paymentMethod")):
        for name in names:
            _add(store, rtype, {"name": name})
    ship = [_add(store, "shipItem", {"itemId": name, "displayName": name, "externalId": f"SHIP-{n + 1}"})
            for n, name in enumerate(SHIP_ITEMS)]
    return {"locations": locs, "shipItems": ship,
            "discountItem": _add(store, "discountItem", {"itemId": "Woo Discount", "rate": "-10%",
                                                         "externalId": "DISCOUNT-WOO"}),
            "otherChargeItem": _add(store, "otherChargeSaleItem", {"itemId": "Woo Fee", "rate": "0",
                                                                   "externalId": "FEE-WOO"}),
            "taxItem": _add(store, "salesTaxItem", {"itemId": "Woo Sales Tax", "rate": "8.25%",
                                                    "externalId": "TAX-WOO"})}


def _prices(base: float) -> dict:
    lines = []
    for currency, (_, _, rate) in enumerate(CURRENCIES[:3], start=1):
        for level, (_, pct) in enumerate(PRICE_LEVELS, start=1):
            lines.append({"currencyPage": {"id": str(currency)}, "priceLevel": {"id": str(level)},
                          "quantity": {"value": 0}, "price": round(base / rate * (1 - pct / 100), 2)})
    return {"items": lines}


def _stock(rng: random.Random, locations: list[int]) -> dict:
    lines = []
    for loc in locations:
        on_hand = rng.randint(0, 120)
        committed = rng.randint(0, min(on_hand, 5))
        lines.append({"location": {"id": str(loc)}, "quantityOnHand": on_hand, "quantityCommitted": committed,
                      "quantityAvailable": on_hand - committed, "quantityBackOrdered": 0, "quantityOnOrder": 0})
    return {"items": lines}


def _item(store, rng: random.Random, n: int, locations: list[int], **extra) -> int:
    sku = extra.pop("itemId", f"SKU-{n:05d}")
    name = f"{PRODUCTS[n % len(PRODUCTS)]} {n}"
    rec = {"itemId": sku, "displayName": extra.pop("displayName", name), "upcCode": upc(n),
           "externalId": f"ITEM-{sku}", "custitem_woo_sku": f"WOO-{sku}", "isOnline": True,
           "description": f"{name}, seeded by the sandbox", "subsidiary": {"items": [{"id": "1"}]},
           "price": _prices(round(rng.uniform(5, 80), 2)), "weight": round(rng.uniform(0.1, 3), 2),
           "locations": _stock(rng, locations), **extra}
    return _add(store, "inventoryItem", rec)


def seed(store, items: int = 20, matrix_share: float = 0.2, locations: int = 3, customers: int = 10,
         random_seed: int = 0) -> dict:
    """Generate a data set; returns the ids created so tests and `make run` can use them."""
    rng = random.Random(random_seed)
    out = base_lists(store, locations)
    locs = out["locations"]
    first = store.next_value("seed:item", start=1)
    matrix = int(items * matrix_share) // 4 * 4
    plain, parents, children = [], [], []
    for n in range(first, first + items - matrix):
        plain.append(_item(store, rng, n, locs))
    for n in range(first + items - matrix, first + items, 4):
        sku = f"SKU-{n:05d}"
        parent = _item(store, rng, n, [], matrixType={"id": "PARENT"})
        parents.append(parent)
        for k, option in enumerate(MATRIX_OPTIONS, start=1):
            children.append(_item(store, rng, n + k, locs, itemId=f"{sku}-{option.upper()}",
                                  parent={"id": str(parent)}, matrixType={"id": "CHILD"},
                                  displayName=f"{PRODUCTS[n % len(PRODUCTS)]} {n} - {option}"))
    for _ in range(first + 1, first + items):
        store.next_value("seed:item")
    out.update(items=plain + children, matrixParents=parents, matrixChildren=children,
               customers=[_customer(store, rng) for _ in range(customers)])
    return out


def _customer(store, rng: random.Random) -> int:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    n = store.next_value("seed:customer")
    address = {"addressee": f"{first} {last}", "addr1": f"{rng.randint(1, 999)} Main St", "city": "Austin",
               "state": "TX", "zip": "78701", "country": {"id": "US"}}
    return _add(store, "customer", {
        "isPerson": True, "firstName": first, "lastName": last, "email": f"{first}.{last}.{n}@example.com".lower(),
        "subsidiary": {"id": "1"}, "currency": {"id": "1"}, "phone": f"512-555-{n:04d}",
        "addressBook": {"items": [{"label": "Default", "defaultBilling": True, "defaultShipping": True,
                                   "addressBookAddress": address}]}})
