"""Telling whether a WooCommerce key can read and write, without changing any data.

Read: ``GET /products?per_page=1&_fields=id``. Write: ``POST /products/batch`` with an empty body. WooCommerce
checks the key's permission on ``rest_pre_dispatch``, before any handler (spec A1.3), so a read-only key gets
401 "The API key provided does not have write permissions."; a key whose owner lacks the capability gets
403 ``woocommerce_rest_cannot_batch``; a key that may write gets 200 ``[]`` - an empty batch creates, updates and
deletes nothing. (``PUT /orders/0`` would also work - 400 invalid id after the permission check - but a batch
with nothing in it cannot change data on any version.)
"""

from __future__ import annotations

from typing import Any

from sidecar.clients.woocommerce_errors import WooError, WooPermissionError


def _read(client: Any) -> WooError | None:
    try:
        client.get("products", {"per_page": 1, "_fields": "id"})
    except WooError as exc:
        return exc
    return None


def _write(client: Any) -> WooError | None:
    try:
        client.post("products/batch", {}, retry=True)
    except WooError as exc:
        return exc
    return None


def _describe(action: str, exc: WooError) -> str:
    if isinstance(exc, WooPermissionError):
        return (f"the key cannot {action} (WooCommerce → Settings → Advanced → REST API: give it Read/Write "
                f"permissions, owned by an administrator or shop manager): {exc}")
    return f"cannot {action}: {exc}"


def check(client: Any) -> dict:
    """``{"ok", "read", "write", "auth", "error"?}``; ``ok`` needs both, as the connector writes stock, prices,
    statuses, notes and refunds back. Writing is only tried when reading worked or failed for lack of read
    permission (a write-only key): after an unknown key or an unreachable store it would fail the same way."""
    read_error = _read(client)
    tried_write = read_error is None or isinstance(read_error, WooPermissionError)
    write_error = _write(client) if tried_write else None
    result: dict[str, Any] = {"read": read_error is None, "write": tried_write and write_error is None,
                              "auth": client.auth_mode}
    result["ok"] = result["read"] and result["write"]
    errors = [_describe("read", e) for e in (read_error,) if e] + [_describe("write", e) for e in (write_error,) if e]
    if errors:
        result["error"] = "; ".join(errors)
    return result
