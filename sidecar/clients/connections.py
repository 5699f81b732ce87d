"""``POST /v1/credentials/test``: one real call per system, from credentials, settings and a log recorder the
caller hands in.

Pure with respect to storage: the API reads the stored credentials, decides which halves are complete, and
passes them here with the effective settings and the API-log recorder (clients never read the database).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sidecar.clients import netsuite, woocommerce

SYSTEMS = ("netsuite", "woocommerce")


def test_connections(credentials: dict[str, dict | None], config: Any, settings: dict,
                     api_log: Callable[..., None]) -> dict:
    """``{"netsuite": {...}, "woocommerce": {...}}``. ``credentials`` maps each system to its complete half, or
    to None when that half is not complete (then no call is made and the answer says so)."""
    testers = {"netsuite": netsuite.test_connection, "woocommerce": woocommerce.test_connection}
    result = {}
    for system in SYSTEMS:
        values = credentials.get(system)
        if not values:
            result[system] = {"ok": False, "error": f"{system} credentials are not complete"}
            continue
        result[system] = testers[system](values, config, settings, api_log)
    return result


test_connections.__test__ = False  # not a pytest test, despite the name
