"""Stock at each location as sales orders move it: an open order commits what is available for its lines
(the rest is back-ordered), a fulfilment takes the shipped quantity off hand and releases the commitment, and
closing, cancelling or deleting an order gives its commitment back. ``quantityAvailable = quantityOnHand -
quantityCommitted`` holds at every location the sandbox touches."""

from __future__ import annotations

from .ns_compute import complete, now_iso
from .ns_schema import FULFILLABLE_ITEM_TYPES, TYPES
from .ns_tables import STOCK_STAMP, keep_stock_stamps, ref_id

NO_COMMIT_STATUSES = {"A", "C", "H"}


def _lines(rec: dict | None) -> list[dict]:
    return ((rec or {}).get("item") or {}).get("items") or []


def _location_line(item: dict, location: int | None) -> dict | None:
    for line in (item.get("locations") or {}).get("items", []):
        if ref_id(line.get("location")) == location:
            return line
    return None


def adjust(store, item_id: int | None, location: int | None, on_hand: float = 0, committed: float = 0) -> float:
    """Apply deltas at one item location and return what is available there afterwards (0 if untracked)."""
    found = store.find("inventoryItem", item_id) if item_id else None
    line = _location_line(found[1], location) if found else None
    if line is None:
        return 0.0
    before = line.get("quantityAvailable")
    keep_stock_stamps(found[1])
    line["quantityOnHand"] = float(line.get("quantityOnHand") or 0) + on_hand
    line["quantityCommitted"] = max(0.0, float(line.get("quantityCommitted") or 0) + committed)
    line["quantityAvailable"] = line["quantityOnHand"] - line["quantityCommitted"]
    if before is None or float(before) != line["quantityAvailable"]:
        line[STOCK_STAMP] = now_iso()
    if on_hand or committed:
        store.save(TYPES["inventoryItem"], item_id, complete(TYPES["inventoryItem"], found[1], store, item_id))
    return line["quantityAvailable"]


def _where(order: dict, line: dict) -> tuple[int | None, int | None]:
    return ref_id(line.get("item")), ref_id(line.get("location") or order.get("location"))


def release(store, order: dict | None) -> None:
    """Give back everything an order version had committed."""
    for line in _lines(order):
        held = float(line.get("quantityCommitted") or 0)
        if held:
            adjust(store, *_where(order, line), committed=-held)


def commit(store, order: dict) -> None:
    """Commit as much of each open line's remaining quantity as its location has available."""
    status = (order.get("status") or {}).get("id")
    for line in _lines(order):
        remaining = float(line.get("quantity") or 0) - float(line.get("quantityFulfilled") or 0)
        fulfillable = (line.get("itemType") or {}).get("id") in FULFILLABLE_ITEM_TYPES
        if status in NO_COMMIT_STATUSES or line.get("isClosed") or not fulfillable or remaining <= 0:
            line["quantityCommitted"], line["quantityBackOrdered"] = 0, 0
            continue
        available = max(0.0, adjust(store, *_where(order, line)))
        take = min(remaining, available)
        line["quantityCommitted"], line["quantityBackOrdered"] = take, remaining - take
        if take:
            adjust(store, *_where(order, line), committed=take)


def recommit(store, old: dict | None, new: dict | None) -> None:
    """A sales order was saved (or deleted, new=None): move its commitments from the old version to the new."""
    release(store, old)
    if new is not None:
        commit(store, new)
