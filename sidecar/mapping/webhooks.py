"""WooCommerce's own webhook deliveries → pipeline events (spec woocommerce.md §A6). Pure: no I/O.

The delivery id is not unique (two deliveries of one webhook in the same second share it), and WooCommerce builds
the payload at delivery time, so the idempotency key is the *version* of the resource:
``wc:<resource>:<id>:<date_modified_gmt>:<status>:<digest of the representation>``. Webhook id and topic are left out on purpose: an order's
``order.created`` and ``order.updated`` deliveries for the same save, and the catch-up poll finding that same
version, must make one event, not three (every handler re-reads the order anyway). The status is in the key
because ``date_modified_gmt`` has one-second resolution and a status change within that second must not be lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

PING = re.compile(rb"^webhook_id=[0-9]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
ORDER_ID = re.compile(r"[0-9]{1,19}")  # ASCII digits only: "²" is a digit to str.isdigit, not to int
MAX_ID = 2**63 - 1
ORDER_ACTIONS = {  # action.woocommerce_order_status_<x> / action.woocommerce_order_refunded → our topic
    "woocommerce_order_status_processing": "order.updated",
    "woocommerce_order_status_completed": "order.updated",
    "woocommerce_order_status_on-hold": "order.updated",
    "woocommerce_order_status_cancelled": "order.cancelled",
    "woocommerce_order_status_refunded": "order.refunded",
    "woocommerce_order_refunded": "order.refunded",
    "woocommerce_order_partially_refunded": "order.refunded",
}


@dataclass(frozen=True)
class Mapped:
    """A delivery we keep: our topic, the resource id, the idempotency key and when the resource changed."""

    topic: str
    resource_id: str
    key: str
    occurred_at: dt.datetime | None


class Ignored(Exception):
    """A genuine delivery that carries nothing to sync; answered 200 and not stored."""


def is_ping(body: bytes, has_signature: bool) -> bool:
    """WooCommerce's creation ping: form-encoded ``webhook_id=N``, no signature, no X-WC-* headers."""
    return not has_signature and bool(PING.match(body.strip()))


def version_key(resource: str, resource_id: Any, modified_gmt: str | None, status: str | None,
                content: dict | None = None) -> str:
    """The key shared by webhooks and the catch-up poll for one version of a resource.

    ``content`` (the REST representation) adds a digest: two saves within one second (an address edited just
    after checkout) are two versions even when their ``date_modified_gmt`` and status are equal.
    """
    key = f"wc:{resource}:{resource_id}:{modified_gmt or '-'}:{status or '-'}"
    key = _CONTROL.sub("?", key)  # a NUL in a payload's status must not reach a key column (PostgreSQL refuses it)
    return f"{key}:{content_digest(content)}" if content else key


def content_digest(content: dict) -> str:
    """A short digest of a REST representation, without its links (they depend on the URL it was read at)."""
    body = {k: v for k, v in content.items() if k != "_links"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:16]


def parse_gmt(value: Any) -> dt.datetime | None:
    """WooCommerce's ``date_modified_gmt`` (``2026-11-28T01:48:37``) as a naive UTC datetime; None when it is
    not a date, or names one that cannot be moved to UTC (``0001-01-01T00:00:00+01:00`` is before year 1)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
        return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
    except (ValueError, OverflowError):
        return None


def map_delivery(topic: str, webhook_id: str, delivery_id: str, payload: Any) -> Mapped:
    """Our event for a verified delivery, or ``Ignored`` saying why there is nothing to do."""
    resource, _, action = topic.partition(".")
    if not isinstance(payload, dict):
        raise Ignored("the payload is not a JSON object")
    if resource == "action":
        return _map_action(action, webhook_id, delivery_id, payload)
    if resource not in ("order", "customer"):
        raise Ignored(f"{resource} webhooks are not used: NetSuite is the master of products and prices")
    if "id" not in payload and "code" in payload:
        raise Ignored(f"WooCommerce could not render the {resource} (it was deleted before delivery: "
                      f"{payload.get('code')}); the catch-up poll settles it")
    resource_id = payload.get("id")
    if type(resource_id) is not int or not 0 < resource_id <= MAX_ID:
        raise Ignored(f"the payload has no {resource} id")
    return _map_resource(resource, action, resource_id, payload, delivery_id)


def _map_resource(resource: str, action: str, resource_id: int, payload: dict, delivery_id: str) -> Mapped:
    status = payload.get("status") if resource == "order" else None
    if status == "checkout-draft":
        raise Ignored("checkout drafts are not orders yet")
    if resource == "customer":
        if action == "deleted":
            raise Ignored("deleting a customer in WooCommerce does not change NetSuite")
        topic = "customer.created" if action == "created" else "customer.updated"
    elif action == "deleted":  # trashed; the body is only {"id": N}
        topic, status = "order.cancelled", "trash"
    else:
        topic = {"created": "order.created", "cancelled": "order.cancelled"}.get(action, "order.updated")
        topic = {"cancelled": "order.cancelled", "refunded": "order.refunded"}.get(status or "", topic)
    modified = payload.get("date_modified_gmt")
    key = version_key(resource, resource_id, modified or f"delivery-{delivery_id}", status,
                      payload if modified else None)
    return Mapped(topic, str(resource_id), key, parse_gmt(modified))


def _map_action(hook: str, webhook_id: str, delivery_id: str, payload: dict) -> Mapped:
    topic = ORDER_ACTIONS.get(hook)
    if topic is None:
        raise Ignored(f"the action {hook!r} is not one the connector follows")
    order_id = payload.get("arg")
    if isinstance(order_id, str) and ORDER_ID.fullmatch(order_id):
        order_id = int(order_id)
    if type(order_id) is not int or not 0 < order_id <= MAX_ID:
        raise Ignored("the action carries no order id")
    # Actions carry no modification time; the delivery id (one per webhook and second) is the best we have.
    return Mapped(topic, str(order_id), f"wc:action:{webhook_id}:{hook}:{order_id}:{delivery_id}", None)
