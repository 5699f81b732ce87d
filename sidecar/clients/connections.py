"""Builds the two API clients from the stored credentials and settings, and tests each connection.

The API layer never calls a remote system itself; it asks this module. Filled in by the client modules:
``sidecar/clients/netsuite.py`` and ``sidecar/clients/woocommerce.py``.
"""

from __future__ import annotations

from sidecar.store.credentials import is_configured
from sidecar.store.runtime import get_runtime


def test_connections() -> dict:
    """``POST /v1/credentials/test``: one real call per configured half."""
    rt = get_runtime()
    result = {}
    for system, tester in (("netsuite", _test_netsuite), ("woocommerce", _test_woocommerce)):
        values = rt.credentials.get(system)
        if not is_configured(system, values):
            result[system] = {"ok": False, "error": f"{system} credentials are not complete"}
            continue
        result[system] = tester(values)
    return result


def _test_netsuite(values: dict) -> dict:
    try:
        from sidecar.clients.netsuite import test_connection
    except ImportError:
        return {"ok": False, "error": "the NetSuite client is not available in this build"}
    return test_connection(values, get_runtime().config)


def _test_woocommerce(values: dict) -> dict:
    try:
        from sidecar.clients.woocommerce import test_connection
    except ImportError:
        return {"ok": False, "error": "the WooCommerce client is not available in this build"}
    return test_connection(values, get_runtime().config)
