"""The record service, ``/services/rest/record/v1`` (spec §3–§5, §10.2): create, get, list, update, upsert by
external id, delete, sub-resource reads and transforms, with NetSuite's status codes, headers and errors."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from . import ns_inventory, ns_transform
from .ns_compute import check_currency, complete
from .ns_errors import NsError, invalid_field_value, invalid_parameter, not_found, user_error
from .ns_filter import Parser
from .ns_input import Reader
from .ns_render import RECORD_PATH, Renderer
from .ns_schema import RecordType, lookup
from .ns_state import state
from .ns_store import DuplicateExternalId
from .ns_sublists import apply_write
from .ns_tables import ref_id

bp = Blueprint("ns_records", __name__, url_prefix=RECORD_PATH)
GET_PARAMS = ("fields", "expand", "expandSubResources", "simpleEnumFormat")
SINGULAR = "application/vnd.oracle.resource+json; type=singular"
COLLECTION = "application/vnd.oracle.resource+json; type=collection"


def base_url() -> str:
    return request.host_url.rstrip("/")


def _json(body: dict, status: int = 200, media: str = SINGULAR) -> Response:
    return Response(json.dumps(body), status=status, content_type=media)


def _written(rtype: RecordType, rid: int) -> Response:
    """204, empty body, absolute Location of the record (spec §3.1)."""
    return Response(status=204, headers={"Location": f"{base_url()}{RECORD_PATH}/{rtype.name}/{rid}"})


def _type(name: str) -> RecordType:
    rtype = lookup(name)
    if rtype is None:
        raise NsError(404, "NONEXISTENT_ID", f"Record type '{name}' does not exist.")
    return rtype


def _params(allowed: tuple[str, ...]) -> None:
    for name in request.args:
        if name not in allowed:
            raise invalid_parameter(f"Invalid query parameter name: {name}. Allowed query parameters are: "
                                    f"{', '.join(allowed)}.", name)


def _flag(name: str) -> bool:
    return request.args.get(name, "false").lower() == "true"


def _strict() -> bool:
    return request.headers.get("X-NetSuite-PropertyNameValidation", "warning").lower() == "error"


def _body() -> dict:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise NsError(400, "INVALID_CONTENT", "The request body is not valid JSON.") from None


def _resolve(rtype: RecordType, ident: str) -> int:
    store = state().store
    if ident.lower().startswith("eid:"):
        rid = store.find_eid(rtype, ident[4:])
    else:
        rid = int(ident) if ident.isdigit() and store.load(rtype.name, ident) is not None else None
    if rid is None:
        raise not_found()
    return rid


def _replace_set(rtype: RecordType) -> set[str]:
    names = [n.strip().lower() for n in request.args.get("replace", "").split(",") if n.strip()]
    known = {s.lower(): s for s in rtype.sublists} | {f.lower(): f for f in rtype.fields}
    for name in names:
        if name not in known:
            raise invalid_parameter(f"Invalid value for the query parameter replace: {name}.", "replace")
    return {known[n] for n in names}


def save_new(rtype: RecordType, rec: dict) -> int:
    try:
        return state().store.insert(rtype, rec)
    except DuplicateExternalId:
        raise user_error("This record already exists.", path="externalId") from None


def _write(rtype: RecordType, rid: int | None, body: dict) -> int:
    """Create (rid None) or update one record from a request body, under the store lock."""
    store = state().store
    replace = _replace_set(rtype)
    incoming = Reader(rtype, store, _strict()).body(body)
    with store.lock:
        old = store.load(rtype.name, rid) if rid is not None else {}
        rec = apply_write(rtype, old, incoming, replace)
        if _flag("replaceSelectedFields"):
            for name in replace - set(rtype.sublists) - set(incoming):
                rec.pop(name, None)
        rec = complete(rtype, {k: v for k, v in rec.items() if v is not None}, store, rid)
        if rtype.name == "customer" and rid is not None:
            _keep_primary_currency(store, rid, old, rec)
        if rid is None:
            check_currency(rtype, rec, store)
            rid = save_new(rtype, rec)
        else:
            try:
                store.save(rtype, rid, rec)
            except DuplicateExternalId:
                raise user_error("This record already exists.", path="externalId") from None
        if rtype.name == "salesOrder":  # saved first, so a refused write commits no stock
            ns_inventory.recommit(store, old or None, rec)
            store.save(rtype, rid, rec)
        return rid


def _keep_primary_currency(store, rid: int, old: dict, rec: dict) -> None:
    """A customer's primary currency cannot be changed once it has transactions (spec §6.2)."""
    if ref_id(old.get("currency")) == ref_id(rec.get("currency")):
        return
    if store.query('SELECT 1 FROM "transaction" WHERE entity = ? LIMIT 1', [rid])[1]:
        raise invalid_field_value(ref_id(rec.get("currency")), "currency", "currency")


@bp.post("/<type_name>")
def create(type_name: str):
    rtype = _type(type_name)
    _params(("replace",))
    return _written(rtype, _write(rtype, None, _body()))


@bp.patch("/<type_name>/<ident>")
def update(type_name: str, ident: str):
    rtype = _type(type_name)
    _params(("replace", "replaceSelectedFields"))
    return _written(rtype, _write(rtype, _resolve(rtype, ident), _body()))


@bp.put("/<type_name>/<ident>")
def upsert(type_name: str, ident: str):
    """Upsert works only with an external id in the URL (spec §4.4)."""
    rtype = _type(type_name)
    _params(("replace", "replaceSelectedFields"))
    if not ident.lower().startswith("eid:") or len(ident) < 5:
        raise NsError(400, "INVALID_REQUEST", "Upsert requires an external ID in the URL (eid:<externalId>).")
    body = _body()
    with state().store.lock:
        rid = state().store.find_eid(rtype, ident[4:])
        if rid is None:
            body = {k: v for k, v in body.items() if k.lower() != "externalid"} | {"externalId": ident[4:]}
        return _written(rtype, _write(rtype, rid, body))


@bp.delete("/<type_name>/<ident>")
def delete(type_name: str, ident: str):
    """Delete a record; a sales order gives its committed stock back first."""
    rtype = _type(type_name)
    _params(())
    store = state().store
    with store.lock:
        rid = _resolve(rtype, ident)
        if rtype.name == "salesOrder":
            ns_inventory.release(store, store.load(rtype.name, rid))
        store.delete(rtype, rid)
    return Response(status=204)


@bp.get("/<type_name>/<ident>")
def get_one(type_name: str, ident: str):
    """GET one record by internal id or eid:, with fields/expandSubResources/simpleEnumFormat."""
    rtype = _type(type_name)
    _params(GET_PARAMS)
    rid = _resolve(rtype, ident)
    rec = state().store.load(rtype.name, rid)
    fields = [f.strip() for f in request.args["fields"].split(",")] if "fields" in request.args else None
    renderer = Renderer(state().store, base_url(), _flag("expandSubResources"), _flag("simpleEnumFormat"))
    out = renderer.record(rtype, rid, rec, fields)
    if request.query_string:
        out["links"][0]["href"] += "?" + request.query_string.decode()
    return _json(out)


MAX_PAGES = 1000  # pages a collection or a query can be read in (spec §0, §4.6)


def page_bounds(max_limit: int = 1000) -> tuple[int, int]:
    """limit 1..1000 (default 1000), an offset that is a multiple of it, and at most 1000 pages (spec §4.6,
    §8.2)."""
    try:
        limit = int(request.args.get("limit", max_limit))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise invalid_parameter("The limit and offset query parameters must be integers.", "limit") from None
    if not 1 <= limit <= max_limit:
        raise invalid_parameter(f"Invalid value for the query parameter limit: {limit}. The value must be "
                                f"between 1 and {max_limit}.", "limit")
    if offset < 0 or offset % limit:
        raise invalid_parameter(f"Invalid value for the query parameter offset: {offset}. The value must be "
                                "a multiple of the limit.", "offset")
    if offset // limit >= MAX_PAGES:
        raise invalid_parameter(f"Invalid value for the query parameter offset: {offset}. At most {MAX_PAGES} "
                                f"pages of {limit} can be read.", "offset")
    return limit, offset


def paging_links(url: str, limit: int, offset: int, total: int, extra: dict) -> list[dict]:
    """first/prev/next/last/self links of a page, as NetSuite lists them."""
    def link(rel: str, off: int) -> dict:
        return {"rel": rel, "href": f"{url}?{urlencode({**extra, 'limit': limit, 'offset': off})}"}
    last = max(0, (total - 1) // limit * limit)
    links = []
    if offset > 0:
        links += [link("first", 0), link("prev", max(0, offset - limit))]
    if offset + limit < total:
        links += [link("next", offset + limit), link("last", last)]
    return links + [link("self", offset)]


@bp.get("/<type_name>")
def list_records(type_name: str):
    """Ids and links only, filtered by ``q``, paged as NetSuite pages."""
    rtype = _type(type_name)
    _params(("q", "limit", "offset"))
    limit, offset = page_bounds()
    records = state().store.all(rtype.name)
    if request.args.get("q"):
        pred = Parser(rtype, request.args["q"]).parse()
        records = [(rid, rec) for rid, rec in records if pred(rec)]
    page = records[offset:offset + limit]
    url = f"{base_url()}{RECORD_PATH}/{type_name}"
    extra = {"q": request.args["q"]} if request.args.get("q") else {}
    items = [{"links": [{"rel": "self", "href": f"{base_url()}{RECORD_PATH}/{rtype.name}/{rid}"}],
              "id": str(rid)} for rid, _ in page]
    return _json({"links": paging_links(url, limit, offset, len(records), extra), "count": len(items),
                  "hasMore": offset + limit < len(records), "items": items, "offset": offset,
                  "totalResults": len(records)}, media=COLLECTION)


@bp.get("/<type_name>/<ident>/<sub>")
@bp.get("/<type_name>/<ident>/<sub>/<key>")
def get_sub(type_name: str, ident: str, sub: str, key: str | None = None):
    """A sublist, one sublist line, or a subrecord of a record (spec §4.2)."""
    rtype = _type(type_name)
    _params(GET_PARAMS)
    rid = _resolve(rtype, ident)
    rec = state().store.load(rtype.name, rid)
    renderer = Renderer(state().store, base_url(), True, _flag("simpleEnumFormat"))
    names = {s.lower(): s for s in rtype.sublists}
    if sub.lower() in names:
        name = names[sub.lower()]
        out = renderer.sublist(rtype, rid, name, rec.get(name))
        if key is None:
            return _json(out, media=COLLECTION)
        lines = [ln for ln in out["items"] if ln["links"][0]["href"].endswith(f"/{key}")]
        if not lines:
            raise not_found()
        return _json(lines[0])
    kinds = {f.lower(): f for f, k in rtype.fields.items() if k == "addr"}
    if sub.lower() in kinds and key is None and rec.get(kinds[sub.lower()]):
        name = kinds[sub.lower()]
        return _json(renderer.value(rtype.name, name, "addr", rec[name], (rtype.name.lower(), rid, name)))
    raise not_found()


@bp.post("/<type_name>/<ident>/!transform/<target_name>")
def transform(type_name: str, ident: str, target_name: str):
    """Create a target record from a source; ``Accept: …type=create-form`` previews it without saving."""
    rtype, target = _type(type_name), _type(target_name)
    _params(("fields", "expandSubResources", "replace"))
    store = state().store
    body = Reader(target, store, _strict()).body(_body())
    replace = _replace_set(target)
    with store.lock:
        rid = _resolve(rtype, ident)
        src = store.load(rtype.name, rid)
        rec = ns_transform.build(store, rtype.name, rid, src, target.name, body, replace)
        if "create-form" in request.headers.get("Accept", ""):
            return _json(Renderer(store, base_url(), True).record(target, 0, rec) | {"id": None})
        new_id = save_new(target, rec)
        ns_transform.after_save(store, rtype.name, rid, src, target.name, rec)
    return _written(target, new_id)
