"""The error queue: ``GET /v1/jobs`` (paged; status, flow, topic, dates; ``group=order``), ``GET /v1/jobs/<id>``,
``POST /v1/jobs/<id>/retry`` and ``/skip``, and ``POST /v1/jobs/retry`` for many at once.

Retry gives a failed (or skipped) event a fresh set of attempts and queues it at once, in one transaction; skip
closes a failed or pending event for good. A running event can be neither: its worker still holds it.
"""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, ValidationError, fields, validate
from peewee import fn

from sidecar.api import json_body, signed_blueprint, validation_error
from sidecar.api.errors import ApiError
from sidecar.api.job_hints import hint_for
from sidecar.api.paging import iso, page
from sidecar.api.params import EVENT_STATUSES, JOB_FLOW_TOPICS, JobsArgs, path_id, query_args
from sidecar.pipeline.enqueue import enqueue_after_commit, enqueue_in_transaction
from sidecar.store.models import Event, utcnow
from sidecar.store.txn import write_transaction

bp = signed_blueprint("jobs", __name__)
STATUSES = EVENT_STATUSES
MAX_BULK = 1000


def render(event: Event) -> dict:
    kind = (event.topic or "").split(".")[0]
    return {"id": event.id, "topic": event.topic, "resource_id": event.resource_id, "source": event.source,
            "status": event.status, "attempts": event.attempts, "last_error": event.last_error,
            "hint": hint_for(event.last_error) if event.status == "failed" else None,
            "resource": {"kind": kind, "woo_id": event.resource_id} if kind in ("order", "customer") else None,
            "outcome": event.outcome, "next_attempt_at": iso(event.next_attempt_at),
            "netsuite_outage_since": iso(event.outage_since) if event.status == "pending" else None,
            "occurred_at": iso(event.occurred_at), "created_at": iso(event.created_at),
            "updated_at": iso(event.updated_at)}


@bp.get("/jobs")
def list_jobs():
    """Paged and filtered; ``group=order`` gives one row per order (or customer): its newest matching job, with
    how many jobs it has and their ids."""
    args = query_args(JobsArgs)
    query = filtered(Event.select(), args)
    if args.get("group"):
        return jsonify(_grouped(query, args))
    return jsonify(page(query.order_by(Event.id.desc()), "jobs", render, args))


def filtered(query, args: dict):
    if args.get("status"):
        query = query.where(Event.status == args["status"])
    if args.get("flow"):
        query = query.where(Event.topic.in_(JOB_FLOW_TOPICS[args["flow"]]))
    if args.get("topic"):
        query = query.where(Event.topic == args["topic"])
    if args.get("since"):
        query = query.where(Event.created_at >= args["since"])
    if args.get("until"):
        query = query.where(Event.created_at < args["until"])
    return query


def _grouped(query, args: dict) -> dict:
    kind = fn.SUBSTR(Event.topic, 1, 5)
    groups = (query.select(fn.MAX(Event.id).alias("newest"), fn.COUNT(Event.id).alias("jobs"))
              .group_by(Event.resource_id, kind).order_by(fn.MAX(Event.id).desc()))
    data = page(groups, "groups", lambda g: {"newest": g.newest, "jobs": g.jobs}, args)
    newest = {e.id: e for e in Event.select().where(Event.id.in_([g["newest"] for g in data["groups"]]))}
    rows = []
    for group in data.pop("groups"):
        event = newest[group["newest"]]
        ids = [e.id for e in query.where((Event.resource_id == event.resource_id)
                                         & (fn.SUBSTR(Event.topic, 1, 5) == event.topic[:5])).order_by(Event.id)]
        rows.append({**render(event), "jobs_in_group": group["jobs"], "job_ids": ids})
    return {"jobs": rows, **data}


@bp.get("/jobs/<event_id>")
def show_job(event_id: str):
    return jsonify(render(_get(event_id)))


class BulkRetry(Schema):
    ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**62)),
                      validate=validate.Length(min=1, max=MAX_BULK))
    all = fields.Boolean(load_default=False)
    status = fields.String(load_default="failed", validate=validate.OneOf(["failed", "skipped"]))


@bp.post("/jobs/retry")
def retry_many():
    """Retry selected jobs (``{"ids": [...]}``) or every failed one (``{"all": true}``), at most 1,000 a call."""
    try:
        args = BulkRetry().load(json_body())
    except ValidationError as exc:
        raise validation_error(exc) from None
    if not args.get("ids") and not args["all"]:
        raise ApiError(422, "invalid_field", "give ids, or all: true", "ids")
    query = Event.select(Event.id).where(Event.status.in_(["failed", "skipped"] if args.get("ids")
                                                          else [args["status"]]))
    if args.get("ids"):
        query = query.where(Event.id.in_(args["ids"]))
    ids = [e.id for e in query.order_by(Event.id).limit(MAX_BULK)]
    retried = sum(1 for event_id in ids if _requeue(event_id))
    return jsonify({"retried": retried, "ids": ids}), 202


@bp.post("/jobs/<event_id>/retry")
def retry_job(event_id: str):
    event_id = _get(event_id).id
    if not _requeue(event_id):
        raise ApiError(409, "not_retryable", f"only a failed or skipped job can be retried; this one is "
                                             f"{_get(event_id).status}", "status")
    return jsonify(render(_get(event_id))), 202


def _requeue(event_id: int) -> bool:
    """failed/skipped → pending with a fresh set of attempts, queued in the same transaction."""
    with write_transaction():
        changed = (Event.update(status="pending", attempts=0, next_attempt_at=None, lease_until=None,
                                outage_since=None, outage_retries=0, updated_at=utcnow())
                   .where((Event.id == event_id) & (Event.status.in_(["failed", "skipped"]))).execute())
        if changed:
            enqueue_in_transaction(event_id)
    if changed:
        enqueue_after_commit(event_id)
    return bool(changed)


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
