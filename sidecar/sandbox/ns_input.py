"""Reading a write body the way NetSuite reads it (spec §3.2, §10.2 item 7): field names in any case, references
as ``{"id"}``, a scalar or ``{"externalId"}``, enums as ``"B"``, ``{"id"}`` or ``{"refName"}``; unknown fields
dropped or, with ``X-NetSuite-PropertyNameValidation: Error``, refused; references to missing records refused
with the field's ``o:errorPath``. The result is the stored form: references and enums as ``{"id": "…"}``."""

from __future__ import annotations

import re
from datetime import UTC, date

from .ns_errors import NsError, invalid_field_value
from .ns_schema import ADDRESS, CUSTOM_PREFIXES, ENUM_LABELS, RecordType, Sublist, lookup


class Reader:
    """Normalises one request body for one record type; ``strict`` follows PropertyNameValidation=Error."""

    def __init__(self, rtype: RecordType, store, strict: bool):
        self.rtype, self.store, self.strict = rtype, store, strict

    def body(self, raw) -> dict:
        """Normalise a whole write body: body fields, sublists and subrecords."""
        if not isinstance(raw, dict):
            raise NsError(400, "INVALID_CONTENT", "The request body must be a JSON object.")
        out: dict = {}
        names = {**self.rtype.fields, **{s: "sublist" for s in self.rtype.sublists}}
        for key, value in raw.items():
            name = _canonical(key, names, self.strict, key)
            if name is None or name in ("id", "links", "refName"):
                continue
            kind = names.get(name, "str")
            if kind == "sublist":
                out[name] = self._sublist(name, self.rtype.sublists[name], value)
            elif not kind.endswith("!"):
                out[name] = self.value(name, kind, value, name)
        return out

    def _sublist(self, name: str, sub: Sublist, value) -> dict | None:
        if value is None or sub.readonly:
            return None if value is None else {"items": []}
        items = value.get("items") if isinstance(value, dict) else None
        if not isinstance(items, list):
            raise NsError(400, "INVALID_CONTENT", f"Invalid value for the sublist {name}: expected an object "
                          "with an items array.", path=name)
        return {"items": [self._line(sub, line, f"{name}.items[{n}]") for n, line in enumerate(items)]}

    def _line(self, sub: Sublist, raw, path: str) -> dict:
        if not isinstance(raw, dict):
            raise NsError(400, "INVALID_CONTENT", "A sublist line must be a JSON object.", path=path)
        line = {}
        for key, value in raw.items():
            name = _canonical(key, sub.fields, self.strict, f"{path}.{key}")
            if name is None or name == "links":
                continue
            kind = sub.fields.get(name, "str")
            if not kind.endswith("!") or name in ("line",):
                line[name] = self.value(name, kind.rstrip("!"), value, f"{path}.{name}")
        return line

    def value(self, name: str, kind: str, value, path: str):
        """Normalise one value of a given kind; None clears the field."""
        if value is None or kind == "raw":
            return value
        if kind.startswith("ref:"):
            return self._ref(name, kind[4:], value, path)
        if kind == "enum":
            return _enum(self.rtype.name, name, value)
        if kind == "addr":
            return _address(value, path, self.strict)
        converter = {"num": _num, "int": _int, "bool": _bool, "date": _date, "datetime": _datetime,
                     "str": _str}[kind]
        try:
            return converter(value)
        except (TypeError, ValueError):
            raise invalid_field_value(value, name, path) from None

    def _ref(self, name: str, target: str, value, path: str) -> dict:
        if isinstance(value, dict):
            if value.get("id") not in (None, ""):
                rid = str(value["id"])
            elif value.get("externalId"):
                rid = self._by_external_id(name, target, value["externalId"], path)
            else:
                raise invalid_field_value(value, name, path)
        else:
            rid = str(value)
        if target == "*" or (target == "priceLevel" and rid == "-1"):
            return {"id": rid}
        if not re.fullmatch(r"-?\d+", rid) or self.store.find(target, rid) is None:
            raise invalid_field_value(rid, name, path)
        return {"id": rid}

    def _by_external_id(self, name: str, target: str, eid: str, path: str) -> str:
        for rtype_name in _types_for(target):
            rid = self.store.find_eid(lookup(rtype_name), eid)
            if rid is not None:
                return str(rid)
        raise invalid_field_value(eid, name, path)


def _types_for(target: str) -> list[str]:
    from .ns_schema import TYPES, types_in_group
    return [target] if target in TYPES else types_in_group(target)


def _canonical(key: str, names: dict, strict: bool, path: str) -> str | None:
    """Match a field name without regard to case; custom fields (custbody…, custitem…) pass as they are."""
    lowered = {n.lower(): n for n in names}
    name = lowered.get(str(key).lower())
    if name is not None:
        return name
    if str(key).lower().startswith(CUSTOM_PREFIXES):
        return str(key).lower()
    if strict:
        raise NsError(400, "INVALID_CONTENT", f'Invalid field name "{key}". The property does not exist on '
                      "this record type.", path=path)
    return None


def _enum(type_name: str, name: str, value) -> dict:
    if isinstance(value, dict):
        if value.get("id") not in (None, ""):
            return {"id": str(value["id"])}
        labels = ENUM_LABELS.get((type_name, name)) or ENUM_LABELS.get(("*", name)) or {}
        wanted = str(value.get("refName", "")).lower()
        for code, label in labels.items():
            if label.lower() == wanted:
                return {"id": code}
        return {"id": str(value.get("refName"))}
    return {"id": str(value)}


def _address(value, path: str, strict: bool) -> dict:
    if not isinstance(value, dict):
        raise NsError(400, "INVALID_CONTENT", "An address must be a JSON object.", path=path)
    out = {}
    for key, val in value.items():
        name = _canonical(key, ADDRESS, strict, f"{path}.{key}")
        if name and not ADDRESS[name].endswith("!"):
            out[name] = _enum("", name, val) if ADDRESS[name] == "enum" and val is not None else val
    return out


def _num(value) -> float | int:
    if isinstance(value, bool):
        raise TypeError(value)
    number = float(value)
    return int(number) if number.is_integer() and not isinstance(value, float) else number


def _int(value) -> int:
    if isinstance(value, bool):
        raise TypeError(value)
    return int(value)


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).upper() in ("T", "TRUE"):
        return True
    if str(value).upper() in ("F", "FALSE"):
        return False
    raise ValueError(value)


def _str(value) -> str:
    if isinstance(value, (dict, list)):
        raise TypeError(value)
    return str(value)


def _date(value) -> str:
    """Dates as NetSuite accepts them: YYYY-MM-DD, also unpadded (DevRel sends 2020-6-15)."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(T.*)?", str(value))
    if not match:
        raise ValueError(value)
    return date(int(match[1]), int(match[2]), int(match[3])).isoformat()


def _datetime(value) -> str:
    from datetime import datetime
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
