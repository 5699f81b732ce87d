"""The sweeper: gives back the work of a dead worker and re-enqueues jobs whose huey task went missing.

huey drops a task the moment a worker takes it, so a worker killed mid-job leaves an ``Event`` ``running`` with a
lease that is no longer renewed. Every sweep (``SIDECAR_SWEEP_INTERVAL_S``) this module renews the leases this
process holds, puts events with an expired lease back to ``pending`` (or ``failed`` once they used up their
attempts: an event that kills its worker must not loop forever), re-enqueues pending events whose task is
overdue by more than a lease, fails runs whose worker died, re-enqueues runs stuck in ``pending`` and drops record
claims whose job no longer holds its lease (``sidecar.store.binder``).

With Redis, an enqueue can fail or wait for the socket timeout. A pass stops enqueuing at the first failure
(the rows stay ``pending`` and a later pass re-enqueues them), so a Redis outage costs one timeout per pass, not
one per event, and the next lease renewal is not held up.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from sidecar.pipeline import counters
from sidecar.pipeline.enqueue import enqueue_after_commit, enqueue_in_transaction
from sidecar.pipeline.leases import renew_all
from sidecar.pipeline.runs import enqueue_run
from sidecar.pipeline.timing import timing
from sidecar.pipeline.worker_errors import max_attempts
from sidecar.store.binder import free_dead_claims
from sidecar.store.models import Event, FlowLock, SyncRun, utcnow
from sidecar.store.txn import write_transaction

log = logging.getLogger(__name__)
BATCH = 500
_run_requeued: dict[int, dt.datetime] = {}
DEAD_RUN = "The worker stopped during this run; the next run starts again from the saved cursor."


def sweep() -> dict[str, int]:
    """One pass; returns what it did, by kind."""
    return {"renewed": renew_all(), "recovered": recover_expired_events(), "requeued": requeue_stale_events(),
            "runs_failed": fail_dead_runs(), "runs_requeued": requeue_stale_runs(),
            "claims_freed": free_dead_claims()}


def recover_expired_events() -> int:
    """running + lease expired → pending again (or failed when out of attempts)."""
    now, limit, done, queue_up = utcnow(), max_attempts(), 0, True
    expired = list(Event.select(Event.id, Event.attempts, Event.last_error)
                   .where((Event.status == "running") & (Event.lease_until < now)).limit(BATCH))
    for event in expired:
        out_of_attempts = event.attempts >= limit
        where = ((Event.id == event.id) & (Event.status == "running") & (Event.attempts == event.attempts)
                 & (Event.lease_until < now))
        with write_transaction():
            if out_of_attempts:
                reason = (f"The worker stopped {event.attempts} times while handling this event (crash, kill or "
                          f"restart); last error: {event.last_error or 'none recorded'}")
                changed = Event.update(status="failed", last_error=reason, lease_until=None,
                                       updated_at=now).where(where).execute()
                if changed:
                    counters.incr("events.failed")
            else:
                changed = Event.update(status="pending", lease_until=None, next_attempt_at=None,
                                       updated_at=now).where(where).execute()
                if changed:
                    enqueue_in_transaction(event.id)
                    counters.incr("events.recovered")
        if changed and not out_of_attempts and queue_up:  # else pending and stale: requeued a lease later
            queue_up = enqueue_after_commit(event.id)
        done += changed
    if done:
        log.warning("sweeper: %d event(s) of a stopped worker taken back", done)
    return done


def requeue_stale_events() -> int:
    """pending, due for longer than a lease and untouched as long: its task was lost (or is far behind)."""
    now = utcnow()
    cutoff = now - dt.timedelta(seconds=timing().lease_s)
    stale = [e.id for e in Event.select(Event.id).where(
        (Event.status == "pending") & (Event.updated_at < cutoff)
        & (Event.next_attempt_at.is_null() | (Event.next_attempt_at < cutoff))).order_by(Event.id).limit(BATCH)]
    requeued = 0
    for event_id in stale:
        with write_transaction():
            touched = Event.update(updated_at=now).where((Event.id == event_id) & (Event.status == "pending")
                                                         & (Event.updated_at < cutoff)).execute()
            if touched:
                enqueue_in_transaction(event_id)
        if touched and not enqueue_after_commit(event_id):
            break  # Redis is not answering: the rest stay stale for the next pass
        requeued += touched
    return requeued


def fail_dead_runs() -> int:
    """A running run whose flow lock expired (or was taken over) belongs to a worker that died."""
    now, failed = utcnow(), 0
    for run in SyncRun.select().where(SyncRun.status == "running"):
        lock = FlowLock.get_or_none(FlowLock.flow == run.flow)
        alive = lock is not None and lock.run_id == run.id and lock.lease_until >= now
        if not alive:
            failed += (SyncRun.update(status="failed", finished_at=now,
                                      errors=(run.errors or []) + [DEAD_RUN])
                       .where((SyncRun.id == run.id) & (SyncRun.status == "running")).execute())
    return failed


def requeue_stale_runs() -> int:
    """pending runs older than a lease get their task again (at most once per lease per process)."""
    now = utcnow()
    cutoff = now - dt.timedelta(seconds=timing().lease_s)
    count = 0
    for run in SyncRun.select(SyncRun.id).where((SyncRun.status == "pending") & (SyncRun.created_at < cutoff)):
        if _run_requeued.get(run.id, dt.datetime.min) < cutoff:
            _run_requeued[run.id] = now
            enqueue_run(run.id)
            count += 1
    return count


def start_sweeper() -> threading.Event:
    """Sweep at once (a restarted worker recovers immediately), then every interval, from a daemon thread."""
    stop = threading.Event()

    def loop() -> None:
        from sidecar.store.db import database

        while not stop.is_set():
            try:
                with database.connection_context():
                    sweep()
            except Exception:  # a passing database error must not end the sweeping
                log.warning("sweep failed", exc_info=True)
            stop.wait(timing().sweep_interval_s)

    threading.Thread(target=loop, name="sweeper", daemon=True).start()
    return stop
