"""Webhooks: REST management (spec A6.5) and delivery as WooCommerce does it (spec A6.2–A6.4).

Events recorded during a request are queued after it; a background thread builds each payload at delivery
time (the resource's current REST form, or the REST error if it is gone), signs the raw body and POSTs it.
A failure only counts (no retry); past ``webhook_fail_limit`` the webhook is disabled.

Every delivery and ping first passes ``wp_safe_remote_request``'s URL rule (wc_safe_url): a loopback/private
host or a port other than 80/443/8080 is refused with "A valid URL was not provided." — a failure like any
other — unless the ``webhook_allowed_hosts`` option (the site's ``http_request_host_is_external`` /
``http_allowed_safe_ports`` filters) lets it through. Apart from that rule the sandbox sends only to this
machine: a URL WordPress would accept on another host fails unless ``webhook_any_host`` is on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import queue
import secrets
import threading
import time
from urllib.parse import urlparse

import requests

from .wc_errors import WooError, not_in_enum
from .wc_render_misc import HOOKS
from .wc_safe_url import REFUSED, is_loopback, is_safe_url, parse_allowance
from .wc_util import php_json

LOG = logging.getLogger(__name__)


def sign(secret: str, body: bytes) -> str:
    """X-WC-Webhook-Signature as WC_Webhook::generate_signature() makes it: base64 of the raw HMAC-SHA256 of the
    delivered body, keyed with the webhook secret (spec woocommerce.md §A6). Written here, not imported from the
    sidecar, so a wrong encoding on one side cannot pass both."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")
USER_AGENT = "WooCommerce/8.2.2 Hookshot (WordPress/6.4.1)"
NOT_SENT = "not sent: the sandbox delivers only to this machine (option webhook_any_host)"
SKIPPED_ORDER_STATUSES = {"auto-draft", "draft", "new"}


def valid_topic(topic: str) -> bool:
    if topic.startswith("action."):
        hook = topic[len("action."):]
        return hook.startswith(("woocommerce_", "wc_"))
    return topic in HOOKS


def create_webhook(store, body: dict) -> dict:
    """POST /webhooks: always saved active (status is only honoured on update); secret defaults to 50 chars."""
    topic = str(body.get("topic") or "")
    if not valid_topic(topic):
        raise WooError("woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid.", 400)
    url = str(body.get("delivery_url") or "")
    if urlparse(url).scheme not in ("http", "https") or not urlparse(url).hostname:
        raise WooError("woocommerce_rest_shop_webhook_invalid_delivery_url",
                       "Webhook delivery URL must be a valid URL starting with http:// or https://.", 400)
    with store.lock:
        hook = {"id": store.next_id("webhook"), "name": body.get("name") or f"Webhook created on {store.now()}",
                "status": "active", "topic": topic, "delivery_url": url,
                "secret": body.get("secret") or secrets.token_urlsafe(38)[:50], "date_created": store.now(),
                "date_modified": None, "failure_count": 0}
        store.webhooks[hook["id"]] = hook
    return hook


def update_webhook(store, hook: dict, body: dict) -> dict:
    if "status" in body and body["status"] not in ("active", "paused", "disabled"):
        raise WooError("woocommerce_rest_shop_webhook_invalid_status", "Webhook status must be valid.", 400)
    if "topic" in body and not valid_topic(str(body["topic"])):
        raise WooError("woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid.", 400)
    with store.lock:
        for field in ("name", "status", "topic", "delivery_url", "secret"):
            if field in body:
                hook[field] = body[field]
        if body.get("status") == "active":
            hook["failure_count"] = 0
        hook["date_modified"] = store.now()
    return hook


def get_webhook(store, hook_id: int, status: int = 404) -> dict:
    hook = store.webhooks.get(hook_id)
    if hook is None:
        raise WooError("woocommerce_rest_webhook_invalid_id", "Invalid ID.", status)
    return hook


def check_webhook_status_param(value: str) -> None:
    if value not in ("all", "active", "paused", "disabled"):
        raise not_in_enum("status", ["all", "active", "paused", "disabled"])


class Deliverer:
    """One background thread per app that sends queued deliveries in order."""

    def __init__(self, store, render_payload):
        self.store = store
        self.render_payload = render_payload  # (resource, event, resource_id, home) -> dict
        self.jobs: queue.Queue = queue.Queue()
        self.pending: set[tuple[int, str, int]] = set()
        self.salt = secrets.token_bytes(16)
        self.held: list[tuple] = []
        self.thread = threading.Thread(target=self._loop, name="wc-webhooks", daemon=True)
        self.thread.start()

    def enqueue(self, events: list[tuple[str, str, int]], home: str) -> None:
        """Queue one job per (webhook, event); one pending job per webhook and resource (spec A6.2)."""
        for resource, event, rid in events:
            if resource == "order" and event != "deleted" and self._skipped_order(rid):
                continue
            topic = f"action.{event}" if resource == "action" else f"{resource}.{event}"
            for hook in list(self.store.webhooks.values()):
                if hook["status"] != "active" or hook["topic"] != topic:
                    continue
                slot = (hook["id"], topic, rid)
                with self.store.lock:
                    if slot in self.pending:
                        continue
                    self.pending.add(slot)
                job = (hook["id"], resource, event, rid, home, slot)
                if self.store.options.get("webhook_hold"):
                    with self.store.lock:
                        self.held.append(job)
                else:
                    self.jobs.put(job)

    def run_held(self) -> int:
        """Release held jobs, as running WooCommerce's Action Scheduler queue by hand does."""
        with self.store.lock:
            jobs, self.held = self.held, []
        for job in jobs:
            self.jobs.put(job)
        self.flush()
        return len(jobs)

    def _skipped_order(self, rid: int) -> bool:
        order = self.store.orders.get(rid)
        return order is not None and order["status"] in SKIPPED_ORDER_STATUSES

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued delivery has been attempted."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.jobs.unfinished_tasks == 0:
                return True
            time.sleep(0.01)
        return False

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                self._deliver(*job)
            except Exception:  # a broken payload must never kill the delivery thread
                LOG.exception("webhook delivery failed")
            finally:
                self.jobs.task_done()

    def delivery_id(self, hook_id: int) -> str:
        """wp_hash(webhook id . unix time): the same for two deliveries of one webhook in one second."""
        data = f"{hook_id}{int(time.time())}".encode()
        return hmac.new(self.salt, data, hashlib.md5).hexdigest()

    def _deliver(self, hook_id: int, resource: str, event: str, rid: int, home: str, slot) -> None:
        with self.store.lock:
            self.pending.discard(slot)
        hook = self.store.webhooks.get(hook_id)
        if hook is None or hook["status"] != "active":
            return
        body = php_json(self.render_payload(resource, event, rid, home))
        topic = hook["topic"]
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json",
                   "X-WC-Webhook-Source": home.rstrip("/") + "/", "X-WC-Webhook-Topic": topic,
                   "X-WC-Webhook-Resource": topic.split(".")[0],
                   "X-WC-Webhook-Event": topic.split(".", 1)[1],
                   "X-WC-Webhook-Signature": sign(hook["secret"], body),
                   "X-WC-Webhook-ID": str(hook_id), "X-WC-Webhook-Delivery-ID": self.delivery_id(hook_id)}
        status, error = self._post(hook["delivery_url"], body, headers, home)
        self._record(hook, topic, headers, body, status, error)

    def _post(self, url: str, body: bytes, headers: dict, home: str) -> tuple[int | None, str | None]:
        """POST as wp_safe_remote_request does: the URL rule first (refused = a transport error), then send."""
        allowed = parse_allowance(self.store.options.get("webhook_allowed_hosts"))
        if not is_safe_url(url, home, allowed):
            return None, REFUSED
        if not is_loopback(url) and not self.store.options.get("webhook_any_host"):
            return None, NOT_SENT
        try:
            response = requests.post(url, data=body, headers=headers, timeout=10, allow_redirects=False)
            return response.status_code, None
        except requests.RequestException as exc:
            return None, str(exc)

    def _record(self, hook: dict, topic: str, headers: dict, body: bytes, status, error) -> None:
        ok = status is not None and 200 <= status <= 302
        limit = int(self.store.options.get("webhook_fail_limit", 5))
        with self.store.lock:
            if ok:
                hook["failure_count"] = 0
            elif hook["failure_count"] > limit:
                hook["status"] = "disabled"
            else:
                hook["failure_count"] += 1
            hook["date_modified"] = self.store.now()
            self.store.deliveries.append({"webhook_id": hook["id"], "topic": topic, "url": hook["delivery_url"],
                                          "headers": headers, "body": body.decode(), "status": status,
                                          "error": error, "time": time.time()})

    def ping(self, hook: dict, home: str) -> int | None:
        """The synchronous ping on creation: form body ``webhook_id=N``, no X-WC-* headers, result ignored
        (WC_Webhook::deliver_ping sends it with wp_safe_remote_request too, so the URL rule applies)."""
        body = f"webhook_id={hook['id']}".encode()
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"}
        status, error = self._post(hook["delivery_url"], body, headers, home)
        with self.store.lock:
            self.store.deliveries.append({"webhook_id": hook["id"], "topic": "ping", "url": hook["delivery_url"],
                                          "headers": headers, "body": body.decode(), "status": status,
                                          "error": error, "time": time.time()})
        return status
