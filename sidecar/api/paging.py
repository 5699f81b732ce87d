"""Paging shared by the list endpoints; ``limit`` and ``offset`` come parsed from ``sidecar.api.params``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee


def page(query: peewee.ModelSelect, key: str, render, args: dict[str, Any]) -> dict[str, Any]:
    """One page of ``query`` as ``{key: [...], "total", "limit", "offset"}`` (``args`` from a PageArgs schema)."""
    limit, offset = args["limit"], args["offset"]
    rows = [render(row) for row in query.limit(limit).offset(offset)]
    return {key: rows, "total": query.count(), "limit": limit, "offset": offset}


def iso(value: dt.datetime | None) -> str | None:
    """A stored naive-UTC timestamp as ISO 8601 with its zone."""
    return value.replace(tzinfo=dt.UTC).isoformat(timespec="seconds") if value else None
