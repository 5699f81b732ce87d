"""A web-store catalog in the NetSuite sandbox (issue 14): simple items of several types and matrix parents with
children that carry matrix option values, bulk-seeded through ``/_sandbox/catalog`` — big enough (10,000 items
and more) to benchmark a catalog import — plus ``/_sandbox/items/<id>`` edits that behave like a user saving the
item in the UI (``lastModifiedDate`` moves, SuiteQL sees the change).

Records are written with the same ``complete`` + ``Store.insert`` path as every other record, so what a client
reads back through the record service and SuiteQL is exactly what NetSuite would show."""

from __future__ import annotations

import random

from flask import Blueprint, abort, jsonify, request

from .ns_compute import complete
from .ns_schema import TYPES
from .ns_seed import _prices, _stock, base_lists, upc
from .ns_state import state

bp = Blueprint("ns_catalog", __name__, url_prefix="/_sandbox")

COLORS = ["Red", "Blue", "Green", "Black", "White"]
SIZES = ["S", "M", "L", "XL"]
NAMES = ["Trail Jacket", "Merino Tee", "Rain Shell", "Fleece", "Hiking Sock", "Wool Cap", "Base Layer", "Gilet"]
ITEM_FIELDS = set(TYPES["inventoryItem"].fields) | {"custitem_color", "custitem_size", "custitem_woo_sku"}


def option(value: str, n: int) -> dict:
    """A custom-list value as the record service returns it."""
    return {"id": str(n + 1), "refName": value}


def _texts(name: str) -> dict:
    return {"displayName": name, "salesDescription": f"{name} (sales description)",
            "storeDescription": f"<p>{name}: short web description.</p>",
            "storeDetailedDescription": f"<p>{name}: the long web description.</p>", "isOnline": True}


def _insert(store, type_name: str, rec: dict) -> int:
    rtype = TYPES[type_name]
    return store.insert(rtype, complete(rtype, rec, store, None))


def _simple(store, rng: random.Random, n: int, locations: list[int], non_inventory: bool) -> int:
    sku = f"CAT-{n:06d}"
    rec = {"itemId": sku, "upcCode": upc(n), "externalId": f"ITEM-{sku}", "subsidiary": {"items": [{"id": "1"}]},
           "price": _prices(round(rng.uniform(5, 120), 2)), "weight": round(rng.uniform(0.1, 4), 2),
           "weightUnit": {"id": "1"}, **_texts(f"{NAMES[n % len(NAMES)]} {n}")}
    if non_inventory:
        return _insert(store, "nonInventorySaleItem", rec)
    return _insert(store, "inventoryItem", dict(rec, locations=_stock(rng, locations)))


def _matrix(store, rng: random.Random, n: int, children: int, locations: list[int]) -> tuple[int, list[int]]:
    """A parent and its children: colours × sizes in order, one value of each option per child."""
    sku = f"MTX-{n:05d}"
    name = f"{NAMES[n % len(NAMES)]} {n}"
    parent = _insert(store, "inventoryItem", {"itemId": sku, "externalId": f"ITEM-{sku}",
                                              "matrixType": {"id": "PARENT"}, **_texts(name),
                                              "subsidiary": {"items": [{"id": "1"}]}})
    base = round(rng.uniform(10, 150), 2)
    kids = []
    for k in range(children):
        color, size = COLORS[k // len(SIZES) % len(COLORS)], SIZES[k % len(SIZES)]
        kids.append(_insert(store, "inventoryItem", {
            "itemId": f"{sku}-{color[:3].upper()}-{size}", "externalId": f"ITEM-{sku}-{k}",
            "parent": {"id": str(parent)}, "matrixType": {"id": "CHILD"}, **_texts(f"{name} {color} {size}"),
            "custitem_color": option(color, COLORS.index(color)), "custitem_size": option(size, SIZES.index(size)),
            "price": _prices(base), "weight": round(rng.uniform(0.1, 4), 2), "weightUnit": {"id": "1"},
            "locations": _stock(rng, locations), "subsidiary": {"items": [{"id": "1"}]}}))
    return parent, kids


def seed_catalog(store, parents: int = 10, children: int = 5, simple: int = 20, locations: int = 3,
                 non_inventory_every: int = 10, random_seed: int = 0) -> dict:
    """``simple`` plain items (every ``non_inventory_every``-th a non-inventory sale item) and ``parents``
    matrix parents with ``children`` children each; returns counts and the first ids."""
    rng = random.Random(random_seed)
    locs = base_lists(store, locations)["locations"]
    first = store.next_value("seed:catalog", start=1)
    for _ in range(parents + simple):
        store.next_value("seed:catalog")
    every = non_inventory_every
    plain = [_simple(store, rng, first + n, locs, bool(every) and n % every == every - 1) for n in range(simple)]
    matrix = [_matrix(store, rng, first + simple + n, children, locs) for n in range(parents)]
    return {"simple": len(plain), "parents": len(matrix), "children": sum(len(k) for _, k in matrix),
            "simpleIds": plain[:5], "parentIds": [p for p, _ in matrix][:5],
            "childIds": [k for _, kids in matrix[:1] for k in kids]}


@bp.post("/catalog")
def catalog():
    body = request.get_json(silent=True) or {}
    try:
        counts = {k: int(body.get(k, d)) for k, d in (("parents", 10), ("children", 5), ("simple", 20),
                                                       ("locations", 3), ("non_inventory_every", 10),
                                                       ("random_seed", 0))}
    except (TypeError, ValueError):
        abort(400, "parents, children, simple, locations, non_inventory_every and random_seed are integers")
    if not 0 <= counts["children"] <= len(COLORS) * len(SIZES) or min(counts.values()) < 0:
        abort(400, f"children must be 0..{len(COLORS) * len(SIZES)} and no count negative")
    with state().store.lock:
        return jsonify(seed_catalog(state().store, **counts)), 201


@bp.patch("/items/<int:item_id>")
def edit_item(item_id: int):
    """Change item fields as a user saving the item would: derived fields and ``lastModifiedDate`` follow."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not body or not set(body) <= ITEM_FIELDS:
        abort(400, f"a JSON object of item fields is required; unknown: {sorted(set(body or {}) - ITEM_FIELDS)}")
    store = state().store
    with store.lock:
        found = store.find("item", item_id)
        if found is None:
            abort(404, "no such item")
        rtype, rec = TYPES[found[0]], found[1]
        rec.update(body)
        rec = {k: v for k, v in rec.items() if v is not None}
        store.save(rtype, item_id, complete(rtype, rec, store, item_id))
    return jsonify(dict(rec, id=str(item_id)))


@bp.errorhandler(400)
@bp.errorhandler(404)
def _error(err):
    return jsonify({"error": err.description}), err.code
