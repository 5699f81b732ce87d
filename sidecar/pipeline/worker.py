"""Running one event: claim it under a lease, call its handler, then settle it — done, retry later, or failed.

The ``attempts`` counter doubles as a fencing token: claiming increments it, and every later write is
conditional on ``status = running`` and the same ``attempts``. A worker that lost its lease (it stalled, the
sweeper gave the event to another worker) therefore cannot mark the event done, and the local writes it staged
with ``ctx.on_done`` roll back with that refused update. The same (event id, attempts) pair owns the claims a
flow takes (``ctx.attempt``). An attempt that only waited for another job (``FlowBusy``) gives its number back
when it settles; the pair is then reused by the next attempt, never by two running attempts at once. Remote
effects are made safe by the flows themselves (external ids, re-reading before writing): delivery is
at-least-once, handling is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sidecar.flows.base import FlowBusy, FlowContext, FlowError
from sidecar.pipeline import counters, outage
from sidecar.pipeline.context import build_context
from sidecar.pipeline.leases import holding
from sidecar.pipeline.registry import get_registry
from sidecar.pipeline.timing import backoff_s, busy_delay_s, timing
from sidecar.pipeline.worker_errors import describe, is_permanent, max_attempts
from sidecar.store.binder import Holder
from sidecar.store.models import Event, utcnow
from sidecar.store.txn import write_transaction

log = logging.getLogger(__name__)
MAX_OUTCOME = 500


@dataclass(frozen=True)
class Requeue:
    """How to put an event back on the queue at a time: inside the settling transaction (SQL storage) and after
    its commit (Redis). Handed in by ``enqueue`` so that the worker never imports the module that imports it."""

    in_transaction: Callable[[int, dt.datetime | None], None]
    after_commit: Callable[[int, dt.datetime | None], bool]


class LeaseLost(Exception):
    """The event is no longer ours (the sweeper re-queued it, or a person skipped it)."""


def process_event(event_id: int, requeue: Requeue) -> str | None:
    """Handle one event if it is due and nobody else holds it; returns the outcome when it completed."""
    event = claim(event_id)
    if event is None:
        return None
    with holding("event", event.id, event.attempts):
        ctx = build_context()
        ctx.attempt = Holder.event(event.id, event.attempts)  # owns the claims the flow takes
        try:
            outcome = run_handler(event, ctx)
        except Exception as exc:  # noqa: BLE001 - every failure is settled on the event row
            settle_failure(event, exc, requeue)
            return None
        try:
            finish(event, outcome, ctx)
        except LeaseLost:
            log.warning("event %s: lease lost before completion; another attempt owns it", event.id)
            return None
        except Exception as exc:  # noqa: BLE001 - e.g. a staged write failed: retry the whole event
            settle_failure(event, exc, requeue)
            return None
    log.info("event %s (%s %s) done: %s", event.id, event.topic, event.resource_id, outcome)
    return outcome


def claim(event_id: int) -> Event | None:
    """pending and due → running, attempts + 1, leased; None when another worker has it or it is not due."""
    now = utcnow()
    claimed = (Event.update(status="running", attempts=Event.attempts + 1, updated_at=now,
                            lease_until=now + dt.timedelta(seconds=timing().lease_s))
               .where((Event.id == event_id) & (Event.status == "pending")
                      & (Event.next_attempt_at.is_null() | (Event.next_attempt_at <= now)))
               .execute())
    return Event.get_or_none(Event.id == event_id) if claimed == 1 else None


def run_handler(event: Event, ctx: FlowContext) -> str:
    """Call the topic's handler and return its one-line outcome."""
    handler = get_registry().handler_for(event.topic)
    if handler is None:
        raise FlowError(f"No flow in this sidecar handles {event.topic!r} events; update the sidecar, then retry.")
    outcome = handler(event, ctx)
    text = " ".join(str(outcome).split()) if outcome is not None else ""
    return (text or "Done.")[:MAX_OUTCOME]


def fenced(event: Event):
    """The condition every write about a claimed event carries: still running, still our attempt."""
    return (Event.id == event.id) & (Event.status == "running") & (Event.attempts == event.attempts)


def finish(event: Event, outcome: str, ctx: FlowContext) -> None:
    """done + outcome, with the handler's staged local writes, in one transaction."""
    with write_transaction():
        for write in ctx.staged:
            write()
        updated = (Event.update(status="done", outcome=outcome, last_error=None, lease_until=None,
                                next_attempt_at=None, updated_at=utcnow()).where(fenced(event)).execute())
        if updated != 1:
            raise LeaseLost()
        counters.incr("events.done")
        supersede_older_failures(event)


# A job that succeeds has done everything older failed jobs of the same record were for: an order.updated
# (export, refunds, cancellation) covers every older order job; an order.created only the export.
SUPERSEDES = {"order.updated": ("order.created", "order.updated", "order.refunded", "order.cancelled"),
              "order.refunded": ("order.created", "order.updated", "order.refunded", "order.cancelled"),
              "order.cancelled": ("order.created", "order.updated", "order.refunded", "order.cancelled"),
              "order.created": ("order.created",),
              "customer.created": ("customer.created", "customer.updated"),
              "customer.updated": ("customer.created", "customer.updated")}


def supersede_older_failures(event: Event) -> int:
    """Close the record's older failed jobs that this success covered (a shop owner fixed the cause and a later
    job went through), so the error queue lists only what still needs a person."""
    topics = SUPERSEDES.get(event.topic)
    if not topics or event.resource_id is None:
        return 0
    return (Event.update(status="skipped", outcome=f"Superseded: job {event.id} for this record succeeded later.",
                         next_attempt_at=None, updated_at=utcnow())
            .where((Event.status == "failed") & (Event.resource_id == event.resource_id)
                   & Event.topic.in_(topics) & (Event.id < event.id)).execute())


def settle_failure(event: Event, exc: Exception, requeue: Requeue) -> None:
    """Permanent (or out of attempts) → failed with a readable reason; otherwise pending again after a backoff.
    Busy (another live job holds the record) is no failure: see ``defer``."""
    if isinstance(exc, FlowBusy):
        defer(event, exc, requeue)
        return
    message = describe(exc)
    if outage.is_unavailability(exc):
        wait_out_outage(event, exc, message, requeue)
        return
    limit = max_attempts()
    if is_permanent(exc) or event.attempts >= limit:
        reason = message if is_permanent(exc) else f"Gave up after {event.attempts} attempts. Last error: {message}"
        _fail(event, reason)
        log.warning("event %s (%s) failed: %s", event.id, event.topic, reason)
        return
    eta = utcnow() + dt.timedelta(seconds=backoff_s(event.attempts, getattr(exc, "retry_after", None)))
    if _back_to_pending(event, eta, message, requeue, "events.retried", outage_since=None, outage_retries=0):
        log.info("event %s (%s) attempt %d failed, retry at %s: %s", event.id, event.topic, event.attempts,
                 eta.isoformat(timespec="seconds"), message)


def wait_out_outage(event: Event, exc: Exception, message: str, requeue: Requeue) -> None:
    """NetSuite is not answering: pending again after the capped backoff with the attempt given back, until
    ``retry.outage_hours`` passed since this event's first such failure; then failed, saying so."""
    at, hours = outage.now(), outage.outage_hours()
    since = event.outage_since or at
    if outage.over(since, at, hours):
        _fail(event, outage.reason(hours, message), "events.outage_failed")
        log.warning("event %s (%s) failed: NetSuite unreachable since %s", event.id, event.topic, since)
        return
    retries = (event.outage_retries or 0) + 1
    eta = utcnow() + dt.timedelta(seconds=backoff_s(retries, getattr(exc, "retry_after", None)))
    if _back_to_pending(event, eta, message, requeue, "events.outage_waits", give_back=True,
                        outage_since=since, outage_retries=retries):
        log.info("event %s (%s) waits out a NetSuite outage (since %s, retry %d at %s): %s", event.id,
                 event.topic, since.isoformat(timespec="seconds"), retries, eta.isoformat(timespec="seconds"),
                 message)


def defer(event: Event, busy: FlowBusy, requeue: Requeue) -> None:
    """Another live job holds the record this event is about: pending again by the time the holder's lease would
    have run out (sooner while the holder is young), and the attempt is given back — waiting for a live job is not a failed attempt, so
    any number of such waits never uses up the event's attempts."""
    eta = utcnow() + dt.timedelta(seconds=busy_delay_s(busy.retry_after, busy.held_for))
    if _back_to_pending(event, eta, describe(busy), requeue, "events.deferred", give_back=True):
        log.info("event %s (%s) waits for another job until %s: %s", event.id, event.topic,
                 eta.isoformat(timespec="seconds"), busy.message)


def _back_to_pending(event: Event, eta: dt.datetime, message: str, requeue: Requeue, counter: str, *,
                     give_back: bool = False, **changes) -> bool:
    """running (our attempt) → pending at ``eta``, its task queued with it; False when the lease was lost.
    ``changes``: more columns to set in the same fenced update (the outage bookkeeping)."""
    if give_back:
        changes["attempts"] = Event.attempts - 1
    with write_transaction():
        updated = (Event.update(status="pending", next_attempt_at=eta, last_error=message, lease_until=None,
                                updated_at=utcnow(), **changes).where(fenced(event)).execute())
        if updated == 1:
            requeue.in_transaction(event.id, eta)
            counters.incr(counter)
    if updated == 1:
        requeue.after_commit(event.id, eta)
    return updated == 1


def _fail(event: Event, reason: str, also: str | None = None) -> None:
    """running (our attempt) → failed with ``reason``; ``also`` names one more counter to count it in."""
    with write_transaction():
        updated = (Event.update(status="failed", last_error=reason, lease_until=None, next_attempt_at=None,
                                updated_at=utcnow()).where(fenced(event)).execute())
        if updated == 1:
            counters.incr("events.failed")
            if also:
                counters.incr(also)
