"""The NetSuite and WooCommerce clients: HTTP only.

A client never reads the database: whoever builds one (``sidecar.pipeline.context``, the credentials-test
route, ``sidecar.demo``) hands in the credentials, the settings it needs and the API-log recorder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ApiLog = Callable[[str, str, str, "int | None", float, "str | None"], None]
"""``api_log(system, method, path, status, ms, error)``: one row per HTTP attempt. The sidecar hands in
``sidecar.store.apilog.record_api_call``."""


def no_api_log(*_row: Any) -> None:
    """The recorder of a client built without one (unit tests, scripts): the rows are not kept."""
