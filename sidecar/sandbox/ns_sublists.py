"""Sublist merge and replace (spec §5): keyed sublists update matching lines and add the rest; non-keyed ones
append; ``?replace=`` drops the lines the request does not mention. Lines without their key are new lines."""

from __future__ import annotations

from .ns_schema import RecordType, Sublist


def _key(sub: Sublist, line: dict) -> tuple | None:
    if not sub.key:
        return None
    parts = []
    for name in sub.key:
        value = line.get(name)
        if isinstance(value, dict):
            value = value.get("id", value.get("value"))
        if value is None and name != "quantity":
            return None
        parts.append(str(value if value is not None else 0))
    return tuple(parts)


def _drop_stale_amounts(old: dict, new: dict) -> None:
    """A line whose quantity or rate changes gets its amount recomputed, as NetSuite re-sources it."""
    if ("quantity" in new or "rate" in new) and "amount" not in new:
        old.pop("amount", None)
    elif "amount" in new and "rate" not in new:
        old.pop("rate", None)


def merge_lines(sub: Sublist, old: list[dict], new: list[dict], replace: bool) -> list[dict]:
    """The resulting lines of one sublist after a write."""
    if not sub.key:
        return [dict(line) for line in new] if replace else [dict(line) for line in old + new]
    index = {_key(sub, line): n for n, line in enumerate(old)}
    result = [dict(line) for line in old]
    matched: set[int] = set()
    added = []
    for line in new:
        n = index.get(_key(sub, line))
        if n is None:
            added.append(dict(line))
        else:
            _drop_stale_amounts(result[n], line)
            result[n].update(line)
            matched.add(n)
    if replace:
        result = [line for n, line in enumerate(result) if n in matched]
    return result + added


def apply_write(rtype: RecordType, old: dict, incoming: dict, replace: set[str]) -> dict:
    """Merge a normalised body into a stored record: body fields set or cleared, sublists merged."""
    rec = dict(old)
    for name, value in incoming.items():
        sub = rtype.sublists.get(name)
        if sub is None:
            if value is None:
                rec.pop(name, None)
            else:
                rec[name] = value
            continue
        if sub.readonly:
            continue
        if value is None:
            rec.pop(name, None)
            continue
        lines = merge_lines(sub, (old.get(name) or {}).get("items", []), value["items"], name in replace)
        rec[name] = {"items": lines}
    return rec
