"""Settings validation messages as a person reads them: marshmallow's nested messages flattened to dotted
fields (``orders.ship_methods.flat_rate:1``), every one of them, so that wp-admin can show all at once."""

from __future__ import annotations

from typing import Any

# Mapping tables (marshmallow Dict fields): an error in an entry is named by the entry's key
# (``orders.ship_methods.flat_rate:1``), not by marshmallow's ``….key`` / ``….value``.
_TABLES = {"ship_methods", "field_map", "currencies", "set", "payment_methods", "carriers", "matrix_options"}


def all_errors(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Flatten marshmallow's nested messages to every (dotted field, message), in the schema's order."""
    if isinstance(messages, dict):
        out: list[tuple[str, str]] = []
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema" or (key in ("key", "value") and _in_table(prefix)):
                name = prefix
            out += all_errors(value, name)
        return out
    if isinstance(messages, list):
        if messages and all(isinstance(m, str) for m in messages):
            return [(prefix, " ".join(messages))]
        return [error for m in messages for error in all_errors(m, prefix)]
    return [(prefix, str(messages))]


def _in_table(prefix: str) -> bool:
    parts = prefix.split(".")
    return len(parts) >= 2 and parts[-2] in _TABLES


def first_error(messages: Any, prefix: str = "") -> tuple[str, str]:
    """The (dotted field, message) of the first problem in marshmallow's nested messages."""
    errors = all_errors(messages, prefix)
    return errors[0] if errors else (prefix, "is not valid")
