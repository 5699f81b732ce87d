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

from .woocommerce_errors import WooAuthError, WooError, WooPermissionError


def _read(client: Any) -> str | None:
    try:
        client.get("products", {"per_page": 1, "_fields": "id"})
    except WooError as exc:
        return f"cannot read: {exc}"
    return None


def _write(client: Any) -> str | None:
    try:
        client.post("products/batch", {}, retry=True)
    except WooPermissionError as exc:
        return f"the key cannot write (create a Read/Write key in WooCommerce → Settings → Advanced → REST API): {exc}"
    except WooError as exc:
        return f"cannot write: {exc}"
    return None


def check(client: Any) -> dict:
    """``{"ok", "read", "write", "auth", "error"?}``; ``ok`` needs both, as the connector writes stock, prices,
    statuses, notes and refunds back."""
    result: dict[str, Any] = {"ok": False, "read": False, "write": False, "auth": client.auth_mode}
    error = _read(client)
    result["read"] = error is None
    if error is None or not _is_auth_failure(error, client):
        write_error = _write(client)
        result["write"] = write_error is None
        error = error or write_error
    result["ok"] = result["read"] and result["write"]
    if error:
        result["error"] = error
    return result


def _is_auth_failure(error: str, client: Any) -> bool:
    """A key that could not even authenticate for reading will not write either: spare the second call."""
    return "woocommerce_rest_authentication" in error or "woocommerce_rest_cannot_view" in error
