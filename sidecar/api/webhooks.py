"""``POST /v1/webhooks/woocommerce``: WooCommerce's own webhooks, verified with ``X-WC-Webhook-Signature``.

Not a plugin route, so no X-NSSync signature: the body must be signed with the webhook secret stored with the
WooCommerce credentials (one secret, or several one per line when the store's webhooks were created with
different secrets). The creation ping (form-encoded ``webhook_id=N``, unsigned) is answered 200 and not stored;
deliveries that carry nothing to sync are answered 200 with the reason and not stored either.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request

from sidecar.api import parse_json
from sidecar.api.errors import ApiError
from sidecar.api.params import WebhookHeaders, header_values
from sidecar.mapping.webhooks import Ignored, is_ping, map_delivery
from sidecar.pipeline.intake import NewEvent, accept
from sidecar.security import verify_woo_webhook

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/v1")
SIGNATURE = "X-WC-Webhook-Signature"


@bp.post("/webhooks/woocommerce")
def receive_webhook():
    body = request.get_data(cache=True)
    signature = request.headers.get(SIGNATURE)
    if is_ping(body, bool(signature)):
        return jsonify({"status": "ok", "message": "ping received"}), 200
    _verify(signature, body)
    headers = header_values(WebhookHeaders, request.headers)
    topic, webhook_id = headers["topic"], str(headers["webhook_id"])
    payload = _json(body)
    try:
        mapped = map_delivery(topic, webhook_id, headers["delivery_id"], payload)
    except Ignored as reason:
        log.info("webhook %s %s ignored: %s", webhook_id, topic, reason)
        return jsonify({"status": "ignored", "message": str(reason)}), 200
    event, created = accept(NewEvent(key=mapped.key[:190], source="webhook", topic=mapped.topic,
                                     resource_id=mapped.resource_id, payload=payload,
                                     occurred_at=mapped.occurred_at))
    answer = {"event_id": event.id, "status": event.status}
    if not created:
        answer["duplicate"] = True
    return jsonify(answer), 202 if created else 200


def _verify(signature: str | None, body: bytes) -> None:
    secrets = _webhook_secrets()
    if not secrets:
        raise ApiError(401, "webhook_secret_missing",
                       "no WooCommerce webhook secret is stored in the sidecar; set woocommerce.webhook_secret")
    if not signature:
        raise ApiError(401, "missing_signature", f"the {SIGNATURE} header is required")
    if not any(verify_woo_webhook(secret, signature, body) for secret in secrets):
        raise ApiError(401, "invalid_signature", "the webhook signature does not match the stored webhook secret")


def _webhook_secrets() -> list[str]:
    stored = current_app.extensions["sidecar_runtime"].credentials.get("woocommerce").get("webhook_secret", "")
    return [line.strip() for line in stored.splitlines() if line.strip()]


def _json(body: bytes) -> dict:
    data = parse_json(body, "the webhook body")
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_body", "the webhook body must be a JSON object")
    return data
