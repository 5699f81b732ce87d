"""Seed data: N products with SKUs (a share of them variable, with variations), customers and orders placed
as a checkout would, from a seeded random generator so a given seed always builds the same store."""

from __future__ import annotations

import random

from .wc_errors import WooError
from .wc_people import create_customer
from .wc_products import create_product, create_variation

WORDS = ["Alpine", "Harbor", "Cedar", "Nova", "Summit", "Delta", "Aurora", "Granite", "Willow", "Orbit"]
THINGS = ["Mug", "Backpack", "Lamp", "Notebook", "Bottle", "Jacket", "Scarf", "Speaker", "Chair", "Kettle"]
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jon"]
LAST = ["Ruiz", "Okafor", "Smith", "Tanaka", "Novak", "Haddad", "Moreau", "Berg", "Costa", "Singh"]
COLORS, SIZES = ["Red", "Blue", "Green"], ["S", "M", "L"]


def _address(rng: random.Random, first: str, last: str, email: str | None) -> dict:
    address = {"first_name": first, "last_name": last, "company": "", "address_1": f"{rng.randint(1, 999)} Main St",
               "address_2": "", "city": "Springfield", "state": "CA", "postcode": f"9{rng.randint(1000, 9999)}",
               "country": "US", "phone": f"555-{rng.randint(1000, 9999)}"}
    if email:
        address["email"] = email
    return address


def seed_products(store, rng: random.Random, count: int, variable_share: float) -> int:
    start = len(store.products)
    for n in range(1, count + 1):
        sku = f"SBX-{start + n:04d}"
        name = f"{rng.choice(WORDS)} {rng.choice(THINGS)} {start + n}"
        if rng.random() < variable_share:
            parent = create_product(store, {"name": name, "type": "variable", "sku": sku, "attributes": [
                {"name": "Color", "variation": True, "visible": True, "options": COLORS[:2]},
                {"name": "Size", "variation": True, "visible": True, "options": SIZES[:2]}]})
            for color in COLORS[:2]:
                for size in SIZES[:2]:
                    create_variation(store, parent, {
                        "sku": f"{sku}-{color.upper()}-{size}", "regular_price": f"{rng.randint(10, 60)}.00",
                        "manage_stock": True, "stock_quantity": rng.randint(0, 50),
                        "attributes": [{"name": "Color", "option": color}, {"name": "Size", "option": size}]})
        else:
            create_product(store, {"name": name, "type": "simple", "sku": sku,
                                   "regular_price": f"{rng.randint(3, 120)}.{rng.choice(['00', '50', '99'])}",
                                   "manage_stock": True, "stock_quantity": rng.randint(0, 100)})
    return count


def seed_customers(store, rng: random.Random, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower()}.{last.lower()}.{store.seq['user']}@example.test"
        customer = create_customer(store, {"email": email, "first_name": first, "last_name": last,
                                           "billing": _address(rng, first, last, email),
                                           "shipping": _address(rng, first, last, None)})
        ids.append(customer["id"])
    return ids


def seed_orders(store, rng: random.Random, count: int, place_order) -> int:
    """Orders through ``place_order`` (the checkout control), so stock moves as in a real shop."""
    buyable = [p for p in store.products.values() if p["type"] in ("simple", "variation") and p["sku"]]
    made = 0
    for _ in range(count):
        if not buyable:
            break
        lines = [{"sku": p["sku"], "quantity": rng.randint(1, 2)} for p in rng.sample(buyable, min(2, len(buyable)))]
        body = {"line_items": lines, "status": rng.choice(["processing", "processing", "completed", "on-hold"]),
                "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}]}
        if store.customers and rng.random() < 0.7:
            body["customer_id"] = rng.choice(list(store.customers))
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            body["billing"] = _address(rng, first, last, f"{first.lower()}@guest.example.test")
        try:
            place_order(store, body, allow_backorder=True)
            made += 1
        except WooError:  # a seed order that cannot be placed is skipped, the rest go on
            continue
    return made


def seed(store, products: int = 0, variable_share: float = 0.2, customers: int = 0, orders: int = 0,
         seed_value: int | None = None) -> dict:
    from .wc_control import place_order

    rng = random.Random(seed_value)
    made_products = seed_products(store, rng, products, variable_share)
    made_customers = len(seed_customers(store, rng, customers))
    made_orders = seed_orders(store, rng, orders, place_order)
    return {"products": made_products, "customers": made_customers, "orders": made_orders}
