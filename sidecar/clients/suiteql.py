"""Building SuiteQL text safely. Values are bound as quoted literals (single quotes doubled), because a bound
``params`` array is not accepted everywhere (spec netsuite-rest.md §8.1: no nulls, length must match)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_COLUMN = re.compile(r"^[a-z][a-z0-9_]*$")


def literal(value: object) -> str:
    """A SuiteQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def in_list(values: Iterable[object]) -> str:
    """``('a', 'b')`` for an IN clause (callers keep lists at ≤ 1000, NetSuite's limit)."""
    return "(" + ", ".join(literal(v) for v in values) + ")"


def column(name: str) -> str:
    """A column name from settings (``items.match_by``), checked so it can't inject SQL."""
    name = name.lower()
    if not _COLUMN.match(name):
        raise ValueError(f"{name!r} is not a SuiteQL column name")
    return name
