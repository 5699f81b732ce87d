"""Persistent counters (``events.duplicate``, ``events.done`` …) shared by every process, read by /metrics."""

from __future__ import annotations

from sidecar.store.models import Counter

NAMES = ("events.duplicate", "events.done", "events.failed", "events.retried", "events.recovered")


def incr(name: str, by: int = 1) -> None:
    """Add ``by`` to counter ``name``; call it inside the transaction that makes the change it counts."""
    updated = Counter.update(value=Counter.value + by).where(Counter.name == name).execute()
    if not updated:
        Counter.insert(name=name, value=by).on_conflict(
            conflict_target=[Counter.name], update={Counter.value: Counter.value + by}).execute()


def read_all() -> dict[str, int]:
    values = {name: 0 for name in NAMES}
    values.update({row.name: int(row.value) for row in Counter.select()})
    return values
