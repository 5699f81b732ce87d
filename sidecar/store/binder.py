"""The binder: "what is this WooCommerce record's id in NetSuite?", recording a new link (STYLE.md), and the
claims that keep two jobs from creating or changing the same record at once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sidecar.store.models import Claim, Event, FlowLock, Link, utcnow

log = logging.getLogger(__name__)


def find(entity: str, woo_id: Any) -> Link | None:
    """The link of a WooCommerce record, or None when it was never synced."""
    return Link.get_or_none((Link.entity == entity) & (Link.woo_id == str(woo_id)))


def bind(entity: str, woo_id: Any, ns_id: Any, *, external_id: str | None = None, ns_number: str | None = None,
         fingerprint: str | None = None, data: dict | None = None) -> Link:
    """Create or update the link; ``data`` is merged into what the link already holds."""
    link = find(entity, woo_id)
    if link is None:
        return Link.create(entity=entity, woo_id=str(woo_id), ns_id=str(ns_id), external_id=external_id,
                           ns_number=ns_number, fingerprint=fingerprint, data=data or {})
    link.ns_id = str(ns_id)
    link.external_id = external_id or link.external_id
    link.ns_number = ns_number or link.ns_number
    link.fingerprint = fingerprint or link.fingerprint
    link.data = {**(link.data or {}), **(data or {})}
    link.updated_at = utcnow()
    link.save()
    return link


def remember(link: Link, **data: Any) -> None:
    """Merge extra facts into a link (what was last reported, whether the write-back happened, …)."""
    link.data = {**(link.data or {}), **data}
    link.updated_at = utcnow()
    link.save()


def find_by_ns_id(entity: str, ns_id: Any) -> Link | None:
    """The link of a NetSuite record (a sales order found by a poll), or None when it is not ours."""
    return (Link.select().where((Link.entity == entity) & (Link.ns_id == str(ns_id)))
            .order_by(Link.id).first())


def children(entity: str, woo_id: Any) -> list[Link]:
    """Links of records that belong to one WooCommerce record, keyed ``<woo_id>-<own id>`` (an order's
    fulfilments and refunds), oldest first."""
    return list(Link.select().where((Link.entity == entity) & Link.woo_id.startswith(f"{woo_id}-"))
                .order_by(Link.id))



def forget(entity: str, woo_id: Any) -> bool:
    """Drop a link whose facts turned out to be wrong; True when there was one."""
    return Link.delete().where((Link.entity == entity) & (Link.woo_id == str(woo_id))).execute() > 0


@dataclass(frozen=True)
class Holder:
    """The attempt a claim belongs to: an event's attempt (id and ``attempts``, the worker's fencing token) or a
    run of a flow (its id). A claim is valid exactly as long as that attempt holds its lease."""

    kind: str
    id: int
    token: int = 0

    @classmethod
    def event(cls, event_id: int, attempts: int) -> Holder:
        return cls("event", int(event_id), int(attempts))

    @classmethod
    def run(cls, run_id: int) -> Holder:
        return cls("run", int(run_id), 0)


@dataclass(frozen=True)
class Claimed:
    """What ``claim`` answers: taken or not; if not, how long the live holder's lease still runs and how long it
    has held the claim. True when taken, so ``if not binder.claim(…)`` reads as it should."""

    taken: bool
    lease_left_s: float = 0.0
    held_for_s: float = 0.0

    def __bool__(self) -> bool:
        return self.taken


ANONYMOUS = Holder("none", 0, 0)  # a flow called outside the pipeline (a script, a test): never alive to others


def _key(entity: str, woo_id: Any):
    return (Claim.entity == entity) & (Claim.woo_id == str(woo_id))


def _is(row: Claim, holder: Holder):
    return (row.holder_kind, row.holder_id, row.holder_token) == (holder.kind, holder.id, holder.token)


def lease_left_s(holder: Holder) -> float:
    """Seconds the holder's lease still runs; 0 when it no longer holds it (expired, settled, moved on)."""
    now = utcnow()
    if holder.kind == "event":
        row = (Event.select(Event.lease_until)
               .where((Event.id == holder.id) & (Event.status == "running") & (Event.attempts == holder.token)
                      & (Event.lease_until >= now)).first())
    elif holder.kind == "run":
        row = FlowLock.select(FlowLock.lease_until).where(
            (FlowLock.run_id == holder.id) & (FlowLock.lease_until >= now)).first()
    else:
        row = None
    return (row.lease_until - now).total_seconds() if row is not None else 0.0


def claim_is_live(entity: str, woo_id: Any) -> bool:
    """True while an attempt that still holds its lease has the claim on (entity, woo_id)."""
    row = Claim.get_or_none(_key(entity, woo_id))
    return row is not None and lease_left_s(Holder(row.holder_kind, row.holder_id, row.holder_token)) > 0


def claim(entity: str, woo_id: Any, holder: Holder) -> Claimed:
    """Reserve the right to create or change the NetSuite record of a WooCommerce record.

    Two jobs about one record (``order.created`` and ``order.updated`` of one checkout, two orders of one new
    customer) may run at once; only the holder of the claim writes. Taken when ``holder`` has it — newly taken,
    taken over from an attempt that no longer holds its lease, or already its own — else not taken, with the
    seconds the live holder's lease still runs.
    """
    for _ in range(3):  # the row changed hands between our reads: look again
        Claim.insert(entity=entity, woo_id=str(woo_id), holder_kind=holder.kind, holder_id=holder.id,
                     holder_token=holder.token).on_conflict_ignore().execute()
        row = Claim.get_or_none(_key(entity, woo_id))
        if row is None:  # released between the insert and the read
            continue
        if _is(row, holder):
            return Claimed(True)
        left = lease_left_s(Holder(row.holder_kind, row.holder_id, row.holder_token))
        if left > 0:
            return Claimed(False, left, max((utcnow() - row.taken_at).total_seconds(), 0.0))
        taken = (Claim.update(holder_kind=holder.kind, holder_id=holder.id, holder_token=holder.token,
                              taken_at=utcnow())
                 .where(_key(entity, woo_id) & (Claim.holder_kind == row.holder_kind)
                        & (Claim.holder_id == row.holder_id) & (Claim.holder_token == row.holder_token))
                 .execute())  # compare-and-swap: of two contenders for a dead claim, one wins
        if taken == 1:
            log.info("claim on %s %s taken over from a %s attempt that no longer holds its lease", entity, woo_id,
                     row.holder_kind)
            return Claimed(True)
    return Claimed(False)


def release(entity: str, woo_id: Any, holder: Holder) -> None:
    """Give the claim back (only if ``holder`` still has it)."""
    Claim.delete().where(_key(entity, woo_id) & (Claim.holder_kind == holder.kind)
                         & (Claim.holder_id == holder.id) & (Claim.holder_token == holder.token)).execute()


def free_dead_claims(limit: int = 500) -> int:
    """Drop claims whose holder no longer holds its lease (the sweeper calls this every pass)."""
    freed = 0
    for row in Claim.select().order_by(Claim.id).limit(limit):
        holder = Holder(row.holder_kind, row.holder_id, row.holder_token)
        if lease_left_s(holder) <= 0:
            freed += (Claim.delete().where((Claim.id == row.id) & (Claim.holder_kind == holder.kind)
                                           & (Claim.holder_id == holder.id) & (Claim.holder_token == holder.token))
                      .execute())
    return freed
