"""``POST /v1/events``: one WooCommerce event from the plugin → 202 with our event id; a repeat → 200, same id.

The envelope is validated before anything is stored (422 naming the field); unknown envelope keys are ignored so
that a newer plugin can add one without an older sidecar refusing every event.
"""

from __future__ import annotations

import datetime as dt

from flask import jsonify
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from sidecar.api import json_body, signed_blueprint, validation_error
from sidecar.pipeline.intake import NewEvent, accept

bp = signed_blueprint("events", __name__)
TOPICS = ["order.created", "order.updated", "order.refunded", "order.cancelled", "customer.created",
          "customer.updated"]


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.UUID(required=True)
    topic = fields.String(required=True, validate=validate.OneOf(TOPICS))
    resource_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**63 - 1))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=dt.UTC)
    payload = fields.Dict(keys=fields.String(), load_default=dict)

    @post_load
    def _utc(self, data, **_):
        """``occurred_at`` as the naive UTC the store keeps; a date that cannot be moved to UTC is a bad field."""
        try:
            data["occurred_at"] = data["occurred_at"].astimezone(dt.UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValidationError("is out of range", "occurred_at") from None
        return data


ENVELOPE = EnvelopeSchema()  # built once: a Schema instance is reusable across threads, building one is not cheap


@bp.post("/events")
def receive_event():
    try:
        envelope = ENVELOPE.load(_object(json_body()))
    except ValidationError as exc:
        raise validation_error(exc) from None
    occurred = envelope["occurred_at"]
    event, created = accept(NewEvent(key=f"plugin:{envelope['id']}", source="plugin", topic=envelope["topic"],
                                     resource_id=str(envelope["resource_id"]), payload=envelope["payload"],
                                     occurred_at=occurred))
    body = {"event_id": event.id, "status": event.status}
    if not created:
        body["duplicate"] = True
    return jsonify(body), 202 if created else 200


def _object(data: object) -> dict:
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["the event must be a JSON object"]})
    return data
