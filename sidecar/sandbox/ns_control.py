"""Test-only controls under ``/_sandbox`` (no auth, plain JSON), apart from the NetSuite API: knobs, credentials,
the login audit, direct record access, stock changes, fulfilments, counters, reset and seeding."""

from __future__ import annotations

import copy

from flask import Blueprint, abort, jsonify, request

from . import ns_inventory, ns_oauth2, ns_seed, ns_transform
from .ns_compute import complete, now_iso, so_status
from .ns_errors import NsError
from .ns_schema import FULFILLABLE_ITEM_TYPES, lookup
from .ns_state import Stats, state
from .ns_store import DuplicateExternalId
from .ns_tables import ref_id

bp = Blueprint("ns_control", __name__, url_prefix="/_sandbox")


def _json() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "a JSON object is required")
    return body


def _type(name: str):
    rtype = lookup(name)
    if rtype is None:
        abort(404, f"unknown record type {name}")
    return rtype


@bp.errorhandler(400)
@bp.errorhandler(404)
def _error(err):
    return jsonify({"error": err.description}), err.code


@bp.post("/config")
def config():
    try:
        return jsonify(state().configure(_json()))
    except (ValueError, TypeError) as err:
        abort(400, str(err))


@bp.post("/tba-tokens")
def add_tba_token():
    body = _json()
    keys = ("consumer_key", "consumer_secret", "token_id", "token_secret")
    if not all(isinstance(body.get(k), str) and body[k] for k in keys):
        abort(400, f"required: {', '.join(keys)}")
    state().tba.register(*(body[k] for k in keys))
    return jsonify({"token_id": body["token_id"]}), 201


@bp.delete("/tba-tokens/<token_id>")
def revoke_tba_token(token_id: str):
    if not state().tba.revoke(token_id):
        abort(404, "unknown token")
    return "", 204


@bp.post("/oauth2-clients")
def add_oauth2_client():
    """Register an integration + M2M mapping; a certificate's id is derived as NetSuite derives it."""
    body = _json()
    cert, pub = body.get("certificate_pem"), body.get("public_key_pem")
    if not body.get("client_id") or not (cert or pub):
        abort(400, "required: client_id and public_key_pem or certificate_pem")
    try:
        key = ns_oauth2.load_public_key(pub, cert)
        cert_id = body.get("certificate_id") or (ns_oauth2.certificate_id(cert.encode()) if cert else None)
    except ValueError as err:
        abort(400, f"unreadable key or certificate: {err}")
    if not cert_id:
        abort(400, "certificate_id is required with a bare public key")
    scopes = set(body.get("scopes") or ["rest_webservices", "restlets"])
    state().oauth2.register(body["client_id"], cert_id, key, body.get("algorithm"), scopes)
    return jsonify({"client_id": body["client_id"], "certificate_id": cert_id}), 201


@bp.get("/login-audit")
def login_audit():
    with state().lock:
        return jsonify(list(state().audit))


@bp.get("/records/<type_name>")
def list_records(type_name: str):
    rtype = _type(type_name)
    eid = request.args.get("externalId")
    rows = [dict(rec, id=str(rid)) for rid, rec in state().store.all(rtype.name)
            if eid is None or (rec.get("externalId") or "").lower() == eid.lower()]
    return jsonify(rows)


@bp.get("/records/<type_name>/<int:rid>")
def get_record(type_name: str, rid: int):
    rec = state().store.load(_type(type_name).name, rid)
    if rec is None:
        abort(404, "no such record")
    return jsonify(dict(rec, id=str(rid)))


@bp.post("/records/<type_name>")
def insert_record(type_name: str):
    """Insert a record as it would exist in the account (derived fields filled, references unchecked)."""
    rtype = _type(type_name)
    store = state().store
    with store.lock:
        try:
            rid = store.insert(rtype, complete(rtype, _json(), store, None))
        except NsError as err:
            abort(400, err.detail)
        except DuplicateExternalId as err:
            abort(400, f"duplicate externalId {err}")
    return jsonify({"id": str(rid)}), 201


@bp.post("/records/<type_name>/bulk")
def insert_records(type_name: str):
    """Insert many records at once (benchmarks and big-data tests): ``{"records": [...]}`` → their ids."""
    rtype = _type(type_name)
    store = state().store
    ids = []
    with store.lock:
        for body in (_json().get("records") or []):
            try:
                ids.append(str(store.insert(rtype, complete(rtype, body, store, None))))
            except NsError as err:
                abort(400, err.detail)
            except DuplicateExternalId as err:
                abort(400, f"duplicate externalId {err}")
    return jsonify({"ids": ids}), 201


@bp.patch("/records/<type_name>/<int:rid>")
def patch_record(type_name: str, rid: int):
    """Overwrite body fields directly, e.g. to cancel an order the way the UI would."""
    rtype = _type(type_name)
    store = state().store
    with store.lock:
        rec = store.load(rtype.name, rid)
        if rec is None:
            abort(404, "no such record")
        old = copy.deepcopy(rec)
        rec.update(_json())
        rec = {k: v for k, v in rec.items() if v is not None}
        if rtype.name == "salesOrder":  # e.g. {"status": {"id": "C"}} gives the stock back
            ns_inventory.recommit(store, old, rec)
        store.save(rtype, rid, rec)
    return jsonify({"id": str(rid)})


@bp.post("/items/<int:item_id>/quantity")
def set_quantity(item_id: int):
    """Set stock of one item at one location (what an inventory adjustment would leave)."""
    body = _json()
    store = state().store
    rtype = _type("inventoryItem")
    with store.lock:
        item = store.load(rtype.name, item_id)
        if item is None or body.get("location_id") is None:
            abort(404 if item is None else 400, "no such item" if item is None else "location_id is required")
        lines = item.setdefault("locations", {"items": []})["items"]
        line = next((ln for ln in lines if ref_id(ln.get("location")) == int(body["location_id"])), None)
        if line is None:
            line = {"location": {"id": str(body["location_id"])}}
            lines.append(line)
        for src, dst in (("quantityavailable", "quantityAvailable"), ("quantityonhand", "quantityOnHand"),
                         ("quantitycommitted", "quantityCommitted")):
            if body.get(src) is not None:
                line[dst] = float(body[src])
        line.setdefault("quantityOnHand", line.get("quantityAvailable", 0))
        line.setdefault("quantityAvailable", line["quantityOnHand"])
        line["quantityCommitted"] = max(0.0, line["quantityOnHand"] - line["quantityAvailable"])
        store.save(rtype, item_id, complete(rtype, item, store, item_id))
    return jsonify(line)


@bp.post("/fulfill")
def fulfill():
    """Ship a sales order as a warehouse user would: an itemFulfillment (status Shipped) with packages.

    Body: ``salesOrderId``; optional ``lines`` [{orderLine, quantity}] (default: every open line in full),
    ``trackingNumbers`` (one package each) or ``packages`` [{trackingNumber, weight, description}],
    ``shipMethod`` (ship item id), ``shipCarrier`` (``ups`` / ``nonups``), ``shipStatus`` (A, B or C)."""
    body = _json()
    store = state().store
    with store.lock:
        so_id = int(body.get("salesOrderId") or 0)
        src = store.load("salesOrder", so_id)
        if src is None:
            abort(404, "no such sales order")
        extra = {"shipStatus": {"id": str(body.get("shipStatus") or "C")}, "package": {"items": _packages(body)}}
        if body.get("shipMethod"):
            extra["shipMethod"] = {"id": str(body["shipMethod"])}
        if body.get("shipCarrier"):
            extra["shipCarrier"] = {"id": str(body["shipCarrier"])}
        if body.get("lines"):
            extra["item"] = {"items": _fulfil_lines(src, body["lines"])}
        try:
            rec = ns_transform.build(store, "salesOrder", so_id, src, "itemFulfillment", extra)
        except NsError as err:
            abort(400, err.detail)
        rid = store.insert(lookup("itemFulfillment"), rec)
        ns_transform.after_save(store, "salesOrder", so_id, src, "itemFulfillment", rec)
    return jsonify({"id": str(rid)}), 201


def _packages(body: dict) -> list[dict]:
    packages = [{"packageTrackingNumber": str(n)} for n in body.get("trackingNumbers") or []]
    for pkg in body.get("packages") or []:
        packages.append({k: v for k, v in (("packageTrackingNumber", pkg.get("trackingNumber")),
                                           ("packageWeight", pkg.get("weight")),
                                           ("packageDescr", pkg.get("description"))) if v is not None})
    return packages


def _fulfil_lines(src: dict, wanted: list[dict]) -> list[dict]:
    """Only the lines asked for, with their quantities; every other line is left unfulfilled."""
    quantities = {int(w["orderLine"]): float(w["quantity"]) for w in wanted}
    out = [{"orderLine": n, "quantity": q} for n, q in quantities.items()]
    out += [{"orderLine": ln["line"], "itemReceive": False} for ln in (src.get("item") or {}).get("items", [])
            if ln["line"] not in quantities and (ln.get("itemType") or {}).get("id") in FULFILLABLE_ITEM_TYPES
            and float(ln.get("quantity") or 0) > float(ln.get("quantityFulfilled") or 0) and not ln.get("isClosed")]
    return out


@bp.post("/close")
def close_order():
    """Close a sales order (every open line ``isClosed``, status H) or cancel it (status C), as a NetSuite user
    would. NetSuite cancels only orders with nothing fulfilled; closing is always possible."""
    body = _json()
    store = state().store
    with store.lock:
        so_id = int(body.get("salesOrderId") or 0)
        rec = store.load("salesOrder", so_id)
        if rec is None:
            abort(404, "no such sales order")
        old = copy.deepcopy(rec)
        lines = (rec.get("item") or {}).get("items") or []
        if body.get("how", "close") == "cancel":
            if any(float(ln.get("quantityFulfilled") or 0) > 0 for ln in lines):
                abort(400, "You cannot cancel a sales order that has been fulfilled in part or in full.")
            rec["status"] = {"id": "C"}
        else:
            for line in lines:
                line["isClosed"] = True
            rec["status"] = {"id": so_status({**rec, "status": None})}
        rec["lastModifiedDate"] = now_iso()
        ns_inventory.recommit(store, old, rec)
        store.save(lookup("salesOrder"), so_id, rec)
    return jsonify({"id": str(so_id), "status": rec["status"]["id"]})


@bp.get("/stats")
def stats():
    with state().lock:
        return jsonify(state().stats.as_dict())


@bp.post("/reset")
def reset():
    st = state()
    st.store.reset()
    with st.lock:
        st.stats = Stats()
        st.audit.clear()
        st.tba.nonces.clear()
    return jsonify({"ok": True})


@bp.post("/seed")
def seed():
    body = request.get_json(silent=True) or {}
    with state().store.lock:
        result = ns_seed.seed(state().store, items=int(body.get("items", 20)),
                              matrix_share=float(body.get("matrix_share", 0.2)),
                              locations=int(body.get("locations", 3)), customers=int(body.get("customers", 10)),
                              random_seed=int(body.get("random_seed", 0)))
    return jsonify(result)


@bp.get("/demo-credentials")
def demo_credentials():
    from .netsuite import DEMO_OAUTH2, DEMO_TBA
    st = state()
    return jsonify({"account_id": st.options["account_id"], "tba": dict(DEMO_TBA, account_id=st.options["account_id"]),
                    "oauth2": dict(DEMO_OAUTH2, algorithm="ES256", private_key_pem=st.demo_private_pem)})
