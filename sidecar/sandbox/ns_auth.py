"""The authentication gate in front of every NetSuite API call, and the OAuth 2.0 token endpoint. A request is
let through with a valid TBA signature or a valid bearer token; every failure is answered with the same generic
401 INVALID_LOGIN and its real reason is written to the login audit (``GET /_sandbox/login-audit``)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from . import ns_oauth2, ns_tba
from .ns_errors import error_response, invalid_login
from .ns_state import state

bp = Blueprint("ns_auth", __name__, url_prefix="/services/rest/auth/oauth2/v1")
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"


def raw_path() -> str:
    """The path exactly as sent on the wire (``!`` and ``:`` unencoded, or encoded if the client encoded them)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    return raw.split("?", 1)[0]


def _tba() -> Response | None:
    st = state()
    uri = ns_tba.base_uri(request.scheme, request.host, raw_path())
    try:
        ns_tba.verify(st.tba, method=request.method, uri=uri, raw_query=request.query_string.decode(),
                      header=request.headers.get("Authorization", ""), account_id=st.options["account_id"],
                      now=st.now())
    except ns_tba.TbaRejected as err:
        st.record_login("Failure", err.reason, err.detail, "tba", request.method, request.path)
        return error_response(invalid_login())
    st.record_login("Success", "", "", "tba", request.method, request.path)
    return None


def _bearer() -> Response | None:
    st = state()
    token = request.headers["Authorization"][7:].strip()
    try:
        ns_oauth2.verify_bearer(st.oauth2, token, st.now())
    except ns_oauth2.OAuth2Rejected as err:
        st.record_login("Failure", err.reason, err.detail, "oauth2", request.method, request.path)
        realm = st.options["account_id"]
        header = f'Bearer realm="{realm}", error="invalid_token", error_description="Invalid login attempt."'
        return error_response(invalid_login(), {"WWW-Authenticate": header})
    st.record_login("Success", "", "", "oauth2", request.method, request.path)
    return None


def require_auth() -> Response | None:
    """before_request hook of the API blueprints."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return _bearer()
    return _tba()


@bp.post("/token")
def token():
    """Client credentials grant with a JWT client assertion (oauth2 spec §4–§6, §11.2)."""
    st = state()
    token_url = request.host_url.rstrip("/") + TOKEN_PATH
    try:
        body, client_id = ns_oauth2.issue_token(st.oauth2, request.form.to_dict(), request.content_type or "",
                                                token_url, st.now(), int(st.options["token_lifetime_s"]))
    except ns_oauth2.OAuth2Rejected as err:
        st.record_login("Failure", err.reason, err.detail, "oauth2", request.method, request.path)
        return _token_error(err, st.options)
    st.record_login("Success", "", f"token issued to {client_id}", "oauth2", request.method, request.path)
    if st.options.get("oauth2_loose_token"):  # both forms are seen in the wild (oauth2 spec §5)
        body = dict(body, expires_in=str(body["expires_in"]), token_type="bearer")
    return Response(json.dumps(body), content_type="application/json", headers={"Cache-Control": "no-store"})


def _token_error(err: ns_oauth2.OAuth2Rejected, options: dict) -> Response:
    """RFC-style errors by default; ``oauth2_error_mode=observed`` answers every assertion failure with the
    500 ``server_error`` seen on a live account (oauth2 spec §6.1, §11.2)."""
    if options.get("oauth2_error_mode") == "observed" and err.reason != "InvalidRequest":
        return Response(json.dumps({"error": "server_error"}), status=500, content_type="application/json")
    headers = {"WWW-Authenticate": f'Basic realm="{options["account_id"]}"'} if err.status == 401 else {}
    payload = {"error": err.error, "error_description": err.reason}
    return Response(json.dumps(payload), status=err.status, content_type="application/json", headers=headers)
