"""Records as NetSuite's GET renders them (spec §3.2, §10.2 item 6): ``links``, references as
``{links, id, refName}``, enums as ``{id, refName}`` (plain with simpleEnumFormat), sublists and subrecords as
link stubs with lower-case record type names unless expandSubResources, empty fields left out."""

from __future__ import annotations

from .ns_schema import TRAN_STATUS_TEXT, TYPES, RecordType, enum_label
from .ns_tables import ref_id

RECORD_PATH = "/services/rest/record/v1"


def display_name(type_name: str, rec: dict) -> str:
    """The refName NetSuite shows for a record."""
    rtype = TYPES[type_name]
    if rtype.group == "transaction":
        return f"{TRAN_STATUS_TEXT[rtype.suiteql_type][0]} #{rec.get('tranId', '')}"
    if rtype.group == "item":
        return rec.get("itemId", "")
    if rtype.group == "entity":
        return rec.get("entityId", "")
    return rec.get("name", "")


class Renderer:
    def __init__(self, store, base_url: str, expand: bool = False, simple_enum: bool = False):
        self.store, self.base, self.expand, self.simple_enum = store, base_url, expand, simple_enum

    def href(self, type_name: str, rid, *rest: str) -> str:
        return "/".join([f"{self.base}{RECORD_PATH}/{type_name}", str(rid), *[str(r) for r in rest]])

    def record(self, rtype: RecordType, rid: int, rec: dict, fields: list[str] | None = None) -> dict:
        """One record as GET returns it; ``fields`` limits the body fields (and drops id, as NetSuite does)."""
        out: dict = {"links": [{"rel": "self", "href": self.href(rtype.name, rid)}]}
        if fields is None:
            out["id"] = str(rid)
        wanted = {f.lower() for f in fields} if fields is not None else None
        for name, value in rec.items():
            if wanted is not None and name.lower() not in wanted:
                continue
            if name in rtype.sublists:
                out[name] = self.sublist(rtype, rid, name, value)
            elif value is not None and value != "":
                kind = rtype.fields.get(name, "str").rstrip("!")
                out[name] = self.value(rtype.name, name, kind, value, (rtype.name.lower(), rid, name))
        return out

    def value(self, type_name: str, name: str, kind: str, value, where: tuple):
        """One field value by kind: reference, enum, subrecord stub, or the value itself."""
        if kind.startswith("ref:"):
            return self.reference(kind[4:], value)
        if kind == "enum":
            code = value.get("id") if isinstance(value, dict) else value
            return code if self.simple_enum else {"id": code, "refName": enum_label(type_name, name, code)}
        if kind == "addr":
            stub = {"links": [{"rel": "self", "href": self.href(*where)}]}
            return {**stub, **value} if self.expand else stub
        return value

    def reference(self, target: str, value) -> dict:
        """A reference with its self link and the referenced record's refName."""
        rid = value.get("id") if isinstance(value, dict) else value
        if target == "*":
            return {"id": str(rid)}
        if target == "priceLevel" and str(rid) == "-1":
            return {"id": "-1", "refName": "Custom"}
        found = self.store.find(target, rid)
        if found is None:
            return {"id": str(rid)}
        return {"links": [{"rel": "self", "href": self.href(found[0], rid)}], "id": str(rid),
                "refName": display_name(found[0], found[1])}

    def sublist(self, rtype: RecordType, rid: int, name: str, value) -> dict:
        href = self.href(rtype.name.lower(), rid, name.lower())
        if not self.expand:
            return {"links": [{"rel": "self", "href": href}]}
        lines = [self.line(rtype, rid, name, n, line) for n, line in enumerate((value or {}).get("items", []))]
        return {"links": [{"rel": "self", "href": href}], "items": lines, "totalResults": len(lines),
                "count": len(lines), "hasMore": False, "offset": 0}

    def line(self, rtype: RecordType, rid: int, sublist: str, index: int, line: dict) -> dict:
        """One expanded sublist line with its own self link."""
        fields = rtype.sublists[sublist].fields
        key = line.get("line", line.get("id", index))
        out = {"links": [{"rel": "self", "href": self.href(rtype.name.lower(), rid, sublist.lower(), key)}]}
        for name, value in line.items():
            if value is None or value == "":
                continue
            kind = fields.get(name, "str").rstrip("!")
            out[name] = self.value(rtype.name, name, kind, value, (rtype.name.lower(), rid, sublist.lower(),
                                                                  key, name))
        return out


def refname(store, target: str, value) -> str | None:
    found = store.find(target, ref_id(value))
    return display_name(*found) if found else None
