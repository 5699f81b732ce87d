"""The error queue: ``GET /v1/jobs?status=…``, ``GET /v1/jobs/<id>``, ``POST /v1/jobs/<id>/retry`` and ``/skip``.

Retry gives a failed (or skipped) event a fresh set of attempts and queues it at once, in one transaction; skip
closes a failed or pending event for good. A running event can be neither: its worker still holds it.
"""

from __future__ import annotations

from flask import jsonify

from sidecar.api import signed_blueprint
from sidecar.api.errors import ApiError
from sidecar.api.paging import iso, page
from sidecar.api.params import EVENT_STATUSES, JobsArgs, path_id, query_args
from sidecar.pipeline.enqueue import enqueue_after_commit, enqueue_in_transaction
from sidecar.store.models import Event, utcnow
from sidecar.store.txn import write_transaction

bp = signed_blueprint("jobs", __name__)
STATUSES = EVENT_STATUSES


def render(event: Event) -> dict:
    return {"id": event.id, "topic": event.topic, "resource_id": event.resource_id, "source": event.source,
            "status": event.status, "attempts": event.attempts, "last_error": event.last_error,
            "outcome": event.outcome, "next_attempt_at": iso(event.next_attempt_at),
            "occurred_at": iso(event.occurred_at), "created_at": iso(event.created_at),
            "updated_at": iso(event.updated_at)}


@bp.get("/jobs")
def list_jobs():
    args = query_args(JobsArgs)
    query = Event.select().order_by(Event.id.desc())
    if args.get("status"):
        query = query.where(Event.status == args["status"])
    if args.get("topic"):
        query = query.where(Event.topic == args["topic"])
    return jsonify(page(query, "jobs", render, args))


@bp.get("/jobs/<event_id>")
def show_job(event_id: str):
    return jsonify(render(_get(event_id)))


@bp.post("/jobs/<event_id>/retry")
def retry_job(event_id: str):
    event = _get(event_id)
    event_id = event.id
    with write_transaction():
        changed = (Event.update(status="pending", attempts=0, next_attempt_at=None, lease_until=None,
                                updated_at=utcnow())
                   .where((Event.id == event_id) & (Event.status.in_(["failed", "skipped"]))).execute())
        if changed:
            enqueue_in_transaction(event_id)
    if not changed:
        raise ApiError(409, "not_retryable", f"only a failed or skipped job can be retried; this one is "
                                             f"{_get(event_id).status}", "status")
    enqueue_after_commit(event.id)
    return jsonify(render(_get(event_id))), 202


@bp.post("/jobs/<event_id>/skip")
def skip_job(event_id: str):
    event_id = _get(event_id).id
    changed = (Event.update(status="skipped", outcome="Skipped by a person.", next_attempt_at=None,
                            updated_at=utcnow())
               .where((Event.id == event_id) & (Event.status.in_(["failed", "pending"]))).execute())
    if not changed:
        raise ApiError(409, "not_skippable", f"only a failed or pending job can be skipped; this one is "
                                             f"{_get(event_id).status}", "status")
    return jsonify(render(_get(event_id)))


def _get(event_id: str | int) -> Event:
    event_id = path_id(str(event_id), "job")
    event = Event.get_or_none(Event.id == event_id)
    if event is None:
        raise ApiError(404, "not_found", f"no job with id {event_id}")
    return event
