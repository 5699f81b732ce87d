"""Every header, path and query value the API reads, parsed by a marshmallow schema — as the bodies are.

No view calls ``int()`` or ``str.isdigit`` on what a client sent: ``"²"`` is a digit to ``isdigit`` and not to
``int``, ``"١٢"`` is a number to ``int`` and to nobody else, and a value PostgreSQL cannot hold (a NUL) fails
only when it reaches the database. So numbers here are ASCII digits only, text is free of control characters
and bounded, and a bad value is a 422 naming the parameter (a bad path value: 404, nothing has that name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from sidecar.api.errors import ApiError

MAX_ID = 2**63 - 1  # the largest id a BIGINT column (and WooCommerce) can hold
_DIGITS = re.compile(r"[0-9]{1,30}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class WholeNumber(fields.Field):
    """A non-negative whole number written in ASCII digits (no sign, no spaces, no ``_``, no other script)."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "must be a whole number (ASCII digits 0-9)"}

    def _deserialize(self, value: Any, attr, data, **kwargs) -> int:
        if not isinstance(value, str) or not _DIGITS.fullmatch(value):
            raise self.make_error("invalid")
        return int(value)


def _plain_text(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError("must not contain control characters")


def Text(max_length: int, **kw) -> fields.String:
    """Free text of at most ``max_length`` characters without control characters (PostgreSQL refuses NUL)."""
    return fields.String(validate=[validate.Length(max=max_length), _plain_text], **kw)


def Choice(allowed: list[str], **kw) -> fields.String:
    return fields.String(validate=validate.OneOf(allowed, error=f"must be one of {', '.join(allowed)}"), **kw)


class Params(Schema):
    """Base of every parameter schema: unknown query parameters are ignored (a newer plugin may send more)."""

    class Meta:
        unknown = EXCLUDE


class PageArgs(Params):
    limit = WholeNumber(load_default=50, validate=validate.Range(min=1, max=500))
    offset = WholeNumber(load_default=0, validate=validate.Range(min=0, max=10**9))


class IdPath(Params):
    """A numeric path value: a job, a run, a WooCommerce order."""

    id = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_ID))


class FlowPath(Params):
    flow = Text(60, required=True)


EVENT_STATUSES = ["pending", "running", "done", "failed", "skipped"]


JOB_FLOW_TOPICS = {"orders": ["order.created", "order.updated"],
                   "customers": ["customer.created", "customer.updated"],
                   "refunds": ["order.refunded"], "cancellations": ["order.cancelled"]}
JOB_TOPICS = sorted(t for topics in JOB_FLOW_TOPICS.values() for t in topics)


class JobsArgs(PageArgs):
    """``GET /v1/jobs``: status, flow, topic, created since/until (ISO 8601, naive = UTC), ``group=order``."""

    status = Choice(EVENT_STATUSES)
    flow = Choice(sorted(JOB_FLOW_TOPICS))
    topic = Choice(JOB_TOPICS)
    since = fields.NaiveDateTime(timezone=None)
    until = fields.NaiveDateTime(timezone=None)
    group = Choice(["order"])

    @pre_load
    def _dates(self, data, **_):
        """A bare date (``2026-12-01``) means its midnight; an aware time is moved to UTC."""
        out = dict(data)
        for key in ("since", "until"):
            value = out.get(key)
            if isinstance(value, str) and _DATE.fullmatch(value):
                out[key] = value + "T00:00:00"
            elif isinstance(value, str) and (value.endswith("Z") or _OFFSET.search(value)):
                out[key] = _to_utc_naive(value)
        return out


class LookupArgs(Params):
    """``GET /v1/netsuite/lookups/<kind>``."""

    q = Text(100, load_default="")
    type = Choice(["InvtPart", "NonInvtPart", "Service", "OthCharge", "Discount", "ShipItem", "TaxItem", "Kit",
                   "Assembly"])


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_OFFSET = re.compile(r"[+-][0-9]{2}:?[0-9]{2}$")


def _to_utc_naive(value: str) -> str:
    import datetime as dt

    try:
        parsed = dt.datetime.fromisoformat(value)  # 3.11 reads a trailing Z
    except ValueError:
        return value  # left for the field to refuse with its message
    return parsed.astimezone(dt.UTC).replace(tzinfo=None).isoformat()


class RunsArgs(PageArgs):
    """``GET /v1/runs``."""

    status = Choice(EVENT_STATUSES)
    flow = Text(40)


class LogStatus(fields.Field):
    """``GET /v1/log?status=``: ``ok``, ``error`` or one HTTP status (100-599)."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "must be an HTTP status (100-599), error or ok"}

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str | int:
        if value in ("ok", "error"):
            return value
        if isinstance(value, str) and _DIGITS.fullmatch(value) and 100 <= int(value) <= 599:
            return int(value)
        raise self.make_error("invalid")


class LogArgs(PageArgs):
    """``GET /v1/log``."""

    system = Choice(["netsuite", "woocommerce"])
    status = LogStatus()


class WebhookHeaders(Params):
    """The ``X-WC-Webhook-*`` headers WooCommerce sends with a delivery (spec woocommerce.md §A6)."""

    topic = fields.String(required=True, data_key="X-WC-Webhook-Topic", validate=validate.Regexp(
        r"^[a-z][a-z0-9_]{0,40}\.[A-Za-z0-9_.-]{1,100}$",
        error="must name the topic, e.g. order.updated"))
    webhook_id = WholeNumber(required=True, data_key="X-WC-Webhook-ID",
                             validate=validate.Range(min=1, max=MAX_ID))
    delivery_id = Text(100, data_key="X-WC-Webhook-Delivery-ID", load_default="")


def _first(messages: Any) -> tuple[str, str]:
    from sidecar.store.settings import first_error

    return first_error(messages)


def query_args(schema: type[Schema]) -> dict:
    """The request's query string through ``schema``; an empty value counts as absent. Bad → 422."""
    from flask import request

    raw = {key: value for key, value in request.args.items() if value != ""}
    try:
        return schema().load(raw)
    except ValidationError as exc:
        field, message = _first(exc.messages)
        raise ApiError(422, "invalid_parameter", f"{field}: {message}", field) from None


def header_values(schema: type[Schema], headers: Mapping[str, str]) -> dict:
    """Request headers through ``schema`` (keys are the header names); bad → 422 ``invalid_header``."""
    wanted = {f.data_key or name for name, f in schema().fields.items()}
    raw = {name: headers[name].strip() for name in wanted if headers.get(name) is not None}
    raw = {name: value for name, value in raw.items() if value != ""}
    try:
        return schema().load(raw)
    except ValidationError as exc:
        field, message = _first(exc.messages)
        raise ApiError(422, "invalid_header", f"{field}: {message}", field) from None


def path_flow(value: str) -> str:
    """``/v1/sync/<flow>``: a flow name is short plain text (whether it exists is the registry's to say)."""
    try:
        return FlowPath().load({"flow": value})["flow"]
    except ValidationError:
        raise ApiError(404, "unknown_flow", "there is no flow by that name", "flow") from None


def path_id(value: str, what: str) -> int:
    """A numeric path value (``/v1/jobs/<id>``); anything that is not one names nothing, so 404."""
    try:
        return IdPath().load({"id": value})["id"]
    except ValidationError:
        raise ApiError(404, "not_found", f"no {what} with id {value[:40]!r}: an id is a whole number from 1 "
                                         f"to {MAX_ID}") from None
