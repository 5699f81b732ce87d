"""Splitting bulk writes into WooCommerce batch calls and merging the answers (spec A2.3), without I/O.

A batch takes at most 100 objects summed over create + update + delete; more is refused whole with 413. Each item
succeeds or fails on its own and the call still answers 200, so failures are read per item.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

BATCH_LIMIT = 100
OPERATIONS = ("create", "update", "delete")


def plan_batches(create: Sequence = (), update: Sequence = (), delete: Sequence = (),
                 size: int = BATCH_LIMIT) -> list[dict[str, list]]:
    """Bodies of ≤ ``size`` objects each, in WooCommerce's own order (creates, then updates, then deletes);
    a body only has the keys it uses."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    for item in update:
        if not isinstance(item, dict) or not item.get("id"):
            raise ValueError("every batch update needs the object's id (WooCommerce has no update by SKU)")
    flat = [(op, item) for op, items in zip(OPERATIONS, (create, update, delete)) for item in items]
    bodies = []
    for start in range(0, len(flat), size):
        body: dict[str, list] = {}
        for op, item in flat[start:start + size]:
            body.setdefault(op, []).append(item)
        bodies.append(body)
    return bodies


def merge_results(requested: dict[str, Sequence], answers: Iterable[dict]) -> dict[str, list]:
    """One answer shaped like a single batch response, with a key for each operation that was requested."""
    merged: dict[str, list] = {op: [] for op in OPERATIONS if requested.get(op)}
    for answer in answers:
        for op in merged:
            merged[op].extend((answer or {}).get(op) or [])
    return merged


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
