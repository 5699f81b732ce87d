"""What every flow shares: its permanent error type and the context it runs in.

A flow raises ``FlowError`` for a record it cannot sync until a person fixes something (unknown SKU, missing
mapping): the job goes straight to ``failed`` with that message. Network, 429 and 5xx trouble arrives as a
``sidecar.clients.errors.RemoteError`` whose ``retryable`` flag tells the worker to back off and try again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class FlowError(Exception):
    """A record that cannot be synced as it stands; the message says what to fix."""

    retryable = False

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class FlowBusy(Exception):
    """Another live job holds the record's claim: come back when its lease would have run out.

    Not a failed attempt: the worker puts the event back without spending its attempt budget (a job that waits
    for another one is not broken). ``retry_after`` is the holder's remaining lease in seconds, ``held_for`` how
    long it has held the record (``sidecar.pipeline.timing.busy_delay_s`` makes the wait of both).
    """

    retryable = True

    def __init__(self, message: str, retry_after: float = 0.0, held_for: float = 0.0):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.held_for = held_for


@dataclass(frozen=True)
class NewEvent:
    """An event a source (plugin, webhook, a flow's catch-up poll) hands to the pipeline."""

    key: str
    source: str
    topic: str
    resource_id: str | None
    payload: Any = None
    occurred_at: dt.datetime | None = None


_UNSET: Any = object()


class FlowContext:
    """What a flow needs, passed explicitly: the two clients and the effective settings.

    Each of ``netsuite``, ``woo`` and ``settings`` is either given or built on first access by a factory, so a
    handler that never talks to NetSuite never needs NetSuite credentials (``sidecar.pipeline.context.build_context``).
    ``on_done(fn)`` stages a local database write that must commit together with the event's ``done`` status:
    if the worker dies or loses its lease before that commit, the write never happened. ``emit(new_event)`` hands
    a new event to the pipeline (a catch-up poll found a change) and says whether it was new — a flow never
    imports the pipeline itself. ``attempt`` is the attempt running the flow (``sidecar.store.binder.Holder``: an
    event's id and ``attempts``, or a run), which owns every claim the flow takes (``sidecar.flows.claims``).
    """

    def __init__(self, netsuite: Any = _UNSET, woo: Any = _UNSET, settings: Any = _UNSET,
                 extras: dict | None = None, *, factories: dict[str, Callable[[], Any]] | None = None,
                 emit: Callable[[NewEvent], bool] | None = None):
        self._values = {name: value for name, value in
                        (("netsuite", netsuite), ("woo", woo), ("settings", settings)) if value is not _UNSET}
        self._factories = dict(factories or {})
        self.extras: dict = extras if extras is not None else {}
        self.staged: list[Callable[[], None]] = []
        self._emit = emit
        self.attempt: Any = None
        self.claims: set[tuple[str, str]] = set()

    def _get(self, name: str) -> Any:
        if name not in self._values:
            factory = self._factories.get(name)
            self._values[name] = factory() if factory else None
        return self._values[name]

    netsuite = property(lambda self: self._get("netsuite"), lambda self, v: self._values.__setitem__("netsuite", v))
    woo = property(lambda self: self._get("woo"), lambda self, v: self._values.__setitem__("woo", v))
    settings = property(lambda self: self._get("settings"), lambda self, v: self._values.__setitem__("settings", v))

    def on_done(self, write: Callable[[], None]) -> None:
        """Run ``write`` inside the transaction that marks the event done (local side effects only)."""
        self.staged.append(write)

    def emit(self, event: NewEvent) -> bool:
        """Hand ``event`` to the pipeline (stored with its job unless its key is known); True when it was new."""
        if self._emit is None:
            raise RuntimeError("this context cannot emit events (built without the pipeline)")
        return self._emit(event)
