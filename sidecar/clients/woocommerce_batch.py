"""Splitting bulk writes into WooCommerce batch calls and merging the answers (spec A2.3), without I/O.

A batch takes at most 100 objects summed over create + update + delete; more is refused whole with 413. Each item
succeeds or fails on its own and the call still answers 200, so failures are read per item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sidecar.clients.woocommerce_errors import readable

BATCH_LIMIT = 100
OPERATIONS = ("create", "update", "delete")


def flatten(create: Sequence = (), update: Sequence = (), delete: Sequence = ()) -> list[tuple[str, Any]]:
    """``(operation, object)`` pairs in WooCommerce's own order: creates, then updates, then deletes."""
    for item in update:
        if not isinstance(item, dict) or not item.get("id"):
            raise ValueError("every batch update needs the object's id (WooCommerce has no update by SKU)")
    return [(op, item) for op, items in zip(OPERATIONS, (create, update, delete)) for item in items]


def body_of(pairs: Sequence[tuple[str, Any]]) -> dict[str, list]:
    """A batch request body; it only has the keys it uses."""
    body: dict[str, list] = {}
    for op, item in pairs:
        body.setdefault(op, []).append(item)
    return body


def plan_batches(create: Sequence = (), update: Sequence = (), delete: Sequence = (),
                 size: int = BATCH_LIMIT) -> list[dict[str, list]]:
    """Bodies of ≤ ``size`` objects each."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    flat = flatten(create, update, delete)
    return [body_of(flat[start:start + size]) for start in range(0, len(flat), size)]


def merge_results(requested: dict[str, Sequence], answers: Iterable[dict]) -> dict[str, list]:
    """One answer shaped like a single batch response, with a key for each operation that was requested; each
    item's error message as text (``woocommerce_errors.readable``)."""
    merged: dict[str, list] = {op: [] for op in OPERATIONS if requested.get(op)}
    for answer in answers:
        for op, items in merged.items():
            items.extend(_readable_error(item) for item in (answer or {}).get(op) or [])
    return merged


def _readable_error(item: Any) -> Any:
    error = item.get("error") if isinstance(item, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        item = {**item, "error": {**error, "message": readable(error["message"])}}
    return item


def failed_items(result: dict[str, list]) -> list[dict[str, Any]]:
    """The per-item failures of a (merged) batch answer: ``{"op", "id", "code", "message", "status"}``.
    A failed create has ``id`` 0; an update sent without id comes back with ``id`` null."""
    failures = []
    for op in OPERATIONS:
        for item in result.get(op) or []:
            error = item.get("error") if isinstance(item, dict) else None
            if error:
                data = error.get("data")
                failures.append({"op": op, "id": item.get("id"), "code": error.get("code"),
                                 "message": error.get("message"),
                                 "status": data.get("status") if isinstance(data, dict) else data})
    return failures
