"""Query-string helpers shared by the list endpoints: ``limit``/``offset`` paging and enum filters, each bad
value a 422 naming the parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import peewee
from flask import request

from sidecar.api.errors import ApiError

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(422, "invalid_parameter", f"{name} must be a whole number from {low} to {high}", name)
    return int(raw)


def choice_arg(name: str, allowed: Iterable[str]) -> str | None:
    """An optional query parameter that must be one of ``allowed``."""
    value = request.args.get(name)
    allowed = list(allowed)
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ApiError(422, "invalid_parameter", f"{name} must be one of {', '.join(allowed)}", name)
    return value


def page(query: peewee.ModelSelect, key: str, render) -> dict[str, Any]:
    """One page of ``query`` as ``{key: [...], "total", "limit", "offset"}``."""
    limit = _int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int_arg("offset", 0, 0, 10**9)
    rows = [render(row) for row in query.limit(limit).offset(offset)]
    return {key: rows, "total": query.count(), "limit": limit, "offset": offset}


def iso(value: dt.datetime | None) -> str | None:
    """A stored naive-UTC timestamp as ISO 8601 with its zone."""
    return value.replace(tzinfo=dt.UTC).isoformat(timespec="seconds") if value else None
