"""Webhook watchdog: WooCommerce disables a webhook after a few failed deliveries and never retries (spec §A6.4).

Each check lists the store's webhooks, re-activates those that point at this sidecar and were switched to
``disabled``, and records what it saw for ``/v1/status``. It runs at the start of every ``orders`` catch-up run,
whose poll then fills the gap the disabled webhook left; ``POST /v1/sync/webhooks`` runs it alone. Webhooks
pointing elsewhere, and ``paused`` ones (a person's choice), are left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sidecar.clients.errors import RemoteError
from sidecar.flows.base import FlowContext
from sidecar.store.models import Cursor, utcnow

OUR_PATH = "/v1/webhooks/woocommerce"
STATE_CURSOR = "woo.webhooks.watchdog"


@dataclass
class WatchdogResult:
    checked: int = 0
    reactivated: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def check_webhooks(ctx: FlowContext) -> WatchdogResult:
    """Re-activate our disabled webhooks; save a summary of every webhook of ours for /v1/status."""
    result, summary = WatchdogResult(), []
    for hook in ctx.woo.list_webhooks():
        if OUR_PATH not in str(hook.get("delivery_url") or ""):
            continue
        result.checked += 1
        entry = {"id": hook.get("id"), "name": hook.get("name"), "topic": hook.get("topic"),
                 "status": hook.get("status"), "reactivated_at": None}
        if hook.get("status") == "disabled":
            try:
                ctx.woo.update_webhook(hook["id"], {"status": "active"})
            except RemoteError as exc:
                result.errors.append(f"Webhook {hook.get('id')} ({hook.get('topic')}) is disabled and could not be "
                                     f"re-activated: {exc}")
            else:
                result.reactivated.append(hook["id"])
                entry.update(status="active", reactivated_at=utcnow().isoformat(timespec="seconds") + "+00:00")
        summary.append(entry)
    _save(summary)
    return result


def _save(summary: list[dict]) -> None:
    value = json.dumps({"webhooks": summary})
    Cursor.insert(name=STATE_CURSOR, value=value, updated_at=utcnow()).on_conflict(
        conflict_target=[Cursor.name], update={Cursor.value: value, Cursor.updated_at: utcnow()}).execute()


def run(ctx: FlowContext, run) -> None:
    """The watchdog on its own: seen = our webhooks, changed = re-activated."""
    result = check_webhooks(ctx)
    run.seen, run.changed, run.failed = result.checked, len(result.reactivated), len(result.errors)
    run.errors = result.errors or None
