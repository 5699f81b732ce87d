"""The error queue: ``GET /v1/jobs?status=…``, ``GET /v1/jobs/<id>``, ``POST /v1/jobs/<id>/retry`` and ``/skip``.

Retry gives a failed (or skipped) event a fresh set of attempts and queues it at once, in one transaction; skip
closes a failed or pending event for good. A running event can be neither: its worker still holds it.
"""

from __future__ import annotations

import datetime as dt

from flask import jsonify, request
from marshmallow import Schema, ValidationError, fields, validate
from peewee import fn

from sidecar.api import json_body, signed_blueprint, validation_error
from sidecar.api.errors import ApiError
from sidecar.api.job_hints import hint_for
from sidecar.api.paging import choice_arg, iso, page
from sidecar.pipeline.enqueue import enqueue_after_commit, enqueue_in_transaction
from sidecar.store.models import Event, utcnow
from sidecar.store.txn import write_transaction

bp = signed_blueprint("jobs", __name__)
STATUSES = ["pending", "running", "done", "failed", "skipped"]
FLOW_TOPICS = {"orders": ["order.created", "order.updated"], "customers": ["customer.created", "customer.updated"],
               "refunds": ["order.refunded"], "cancellations": ["order.cancelled"]}
TOPICS = sorted(t for topics in FLOW_TOPICS.values() for t in topics)
MAX_BULK = 1000


def render(event: Event) -> dict:
    kind = (event.topic or "").split(".")[0]
    return {"id": event.id, "topic": event.topic, "resource_id": event.resource_id, "source": event.source,
            "status": event.status, "attempts": event.attempts, "last_error": event.last_error,
            "hint": hint_for(event.last_error) if event.status == "failed" else None,
            "resource": {"kind": kind, "woo_id": event.resource_id} if kind in ("order", "customer") else None,
            "outcome": event.outcome, "next_attempt_at": iso(event.next_attempt_at),
            "occurred_at": iso(event.occurred_at), "created_at": iso(event.created_at),
            "updated_at": iso(event.updated_at)}


@bp.get("/jobs")
def list_jobs():
    """Paged, filtered by status, flow, topic and creation time; ``group=order`` gives one row per order (or
    customer): its newest matching job, with how many jobs it has and their ids."""
    query = filtered(Event.select())
    if choice_arg("group", ["order"]):
        return jsonify(_grouped(query))
    return jsonify(page(query.order_by(Event.id.desc()), "jobs", render))


def filtered(query):
    status = choice_arg("status", STATUSES)
    if status:
        query = query.where(Event.status == status)
    flow = choice_arg("flow", FLOW_TOPICS)
    if flow:
        query = query.where(Event.topic.in_(FLOW_TOPICS[flow]))
    topic = choice_arg("topic", TOPICS)
    if topic:
        query = query.where(Event.topic == topic)
    for name, op in (("since", "__ge__"), ("until", "__lt__")):
        when = _time_arg(name)
        if when is not None:
            query = query.where(getattr(Event.created_at, op)(when))
    return query


def _grouped(query) -> dict:
    kind = fn.SUBSTR(Event.topic, 1, 5)
    groups = (query.select(fn.MAX(Event.id).alias("newest"), fn.COUNT(Event.id).alias("jobs"))
              .group_by(Event.resource_id, kind).order_by(fn.MAX(Event.id).desc()))
    data = page(groups, "groups", lambda g: {"newest": g.newest, "jobs": g.jobs})
    newest = {e.id: e for e in Event.select().where(Event.id.in_([g["newest"] for g in data["groups"]]))}
    rows = []
    for group in data.pop("groups"):
        event = newest[group["newest"]]
        ids = [e.id for e in query.where((Event.resource_id == event.resource_id)
                                         & (fn.SUBSTR(Event.topic, 1, 5) == event.topic[:5])).order_by(Event.id)]
        rows.append({**render(event), "jobs_in_group": group["jobs"], "job_ids": ids})
    return {"jobs": rows, **data}


def _time_arg(name: str) -> dt.datetime | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ApiError(422, "invalid_parameter", f"{name} must be an ISO 8601 date or time", name) from None
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


class BulkRetry(Schema):
    ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**62)),
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


@bp.get("/jobs/<int:event_id>")
def show_job(event_id: int):
    return jsonify(render(_get(event_id)))


@bp.post("/jobs/<int:event_id>/retry")
def retry_job(event_id: int):
    _get(event_id)
    if not _requeue(event_id):
        raise ApiError(409, "not_retryable", f"only a failed or skipped job can be retried; this one is "
                                             f"{_get(event_id).status}", "status")
    return jsonify(render(_get(event_id))), 202


def _requeue(event_id: int) -> bool:
    """failed/skipped → pending with a fresh set of attempts, queued in the same transaction."""
    with write_transaction():
        changed = (Event.update(status="pending", attempts=0, next_attempt_at=None, lease_until=None,
                                updated_at=utcnow())
                   .where((Event.id == event_id) & (Event.status.in_(["failed", "skipped"]))).execute())
        if changed:
            enqueue_in_transaction(event_id)
    if changed:
        enqueue_after_commit(event_id)
    return bool(changed)


@bp.post("/jobs/<int:event_id>/skip")
def skip_job(event_id: int):
    _get(event_id)
    changed = (Event.update(status="skipped", outcome="Skipped by a person.", next_attempt_at=None,
                            updated_at=utcnow())
               .where((Event.id == event_id) & (Event.status.in_(["failed", "pending"]))).execute())
    if not changed:
        raise ApiError(409, "not_skippable", f"only a failed or pending job can be skipped; this one is "
                                             f"{_get(event_id).status}", "status")
    return jsonify(render(_get(event_id)))


def _get(event_id: int) -> Event:
    event = Event.get_or_none(Event.id == event_id) if event_id < 2**63 else None
    if event is None:
        raise ApiError(404, "not_found", f"no job with id {event_id}")
    return event
