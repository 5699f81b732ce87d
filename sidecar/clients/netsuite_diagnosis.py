"""The NetSuite half of ``POST /v1/credentials/test``: one cheap real call, and a diagnosis that helps.

NetSuite answers every login failure with the same ``401 INVALID_LOGIN``; the reason is only in the Login
Audit Trail. So when the call fails, the answer lists the likely causes in the order worth checking, the
clock skew measured from the response's ``Date`` header (a skew over 5 minutes is ``InvalidTimestamp``),
the realm and host that were used, and where NetSuite shows the real reason. Nothing secret goes in it.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sidecar.clients.netsuite_errors import (
    LOGIN_AUDIT_HINT,
    NetSuiteAuthError,
    NetSuiteError,
    NetSuiteNotFound,
    NetSuiteTimeout,
)
from sidecar.security import redact_text

SERVER_TIME = "/services/rest/system/v1/serverTime"
MAX_SKEW_S = 300
AUDIT_TRAIL = ("Setup > Users/Roles > User Management > View Login Audit Trail; add the Detail column. The "
               "Detail there (InvalidSignature, InvalidTimestamp, token_rejected, …) is the real reason.")

TBA_CAUSES = [
    ("InvalidSignature", ("The consumer secret or the token secret is wrong: re-copy both (no spaces), and make "
      "sure the token was issued for this integration record.")),
    ("token_rejected", "The token id is wrong, was revoked, or belongs to another integration or account."),
    ("consumer_key_unknown", ("The consumer key is wrong, or the integration record was deleted or blocked "
      "(consumer_key_refused) or has Token-Based Authentication unticked.")),
    ("InvalidSignature (realm)", ("The account id does not match the token's account: a sandbox is 1234567_SB1 "
      "(realm {realm}), production is 1234567. Copy it from Setup > Company > Company Information.")),
    ("permission_denied", ("The token's role lacks 'Log in using Access Tokens' or 'REST Web Services', or the "
      "user or role is inactive.")),
    ("FeatureDisabled", ("Token-Based Authentication or REST Web Services is not enabled in Setup > Company > "
      "Enable Features > SuiteCloud.")),
    ("temporary_locked", "After 5 failed logins NetSuite locks the user for 30 minutes: wait, then test again."),
]
OAUTH2_CAUSES = [
    ("MissingKey", ("The certificate id is wrong, or the certificate was revoked or expired: check OAuth 2.0 "
      "Client Credentials (M2M) Setup.")),
    ("InvalidSignature", "The private key does not belong to the certificate uploaded for this mapping."),
    ("InvalidIntegration", ("The client id is wrong, or the integration record is blocked or lacks the Client "
      "Credentials (Machine to Machine) grant.")),
    ("ScopeMismatched", "The integration record does not have the REST Web Services scope ticked."),
    ("permission_denied", ("The mapped role lacks 'Log in using OAuth 2.0 Access Tokens' or 'REST Web "
      "Services', or the entity or role is inactive (EntityOrRoleDisabled).")),
    ("FeatureDisabled", "OAuth 2.0 or REST Web Services is not enabled in Setup > Company > Enable Features."),
]


def measure_skew(date_header: str | None, sent_at: float, received_at: float) -> float | None:
    """NetSuite's clock minus ours, in seconds (positive: NetSuite is ahead), from an HTTP ``Date``."""
    if not date_header:
        return None
    try:
        server = email.utils.parsedate_to_datetime(date_header).timestamp()
    except (TypeError, ValueError):
        return None
    return round(server - (sent_at + received_at) / 2, 1)


def likely_causes(mode: str, skew: float | None, realm: str, said: str | None = None) -> list[dict]:
    """The causes of an INVALID_LOGIN in the order worth checking; a measured skew over 5 minutes first."""
    causes = []
    if skew is not None and abs(skew) > MAX_SKEW_S:
        code = "InvalidTimestamp" if mode == "tba" else "TokenNotAcceptable / TokenExpired"
        causes.append({"audit_code": code, "cause": f"This machine's clock is {abs(skew):.0f} s "
                       f"{'behind' if skew > 0 else 'ahead of'} NetSuite's; more than {MAX_SKEW_S} s is refused. "
                       "Synchronise the clock (NTP)."})
    table = TBA_CAUSES if mode == "tba" else OAUTH2_CAUSES
    ordered = sorted(table, key=lambda c: 0 if said and c[0].split()[0].lower() in said.lower() else 1)
    causes += [{"audit_code": code, "cause": text.format(realm=realm)} for code, text in ordered]
    return causes


def _context(client) -> dict:
    info = {"auth": client.auth.mode, "realm": client.realm, "host": client.host, "base_url": client.origin}
    if client.auth.mode == "tba":
        info["signature_method"] = "HMAC-SHA256"
    else:
        info.update({k: v for k, v in client.auth.describe().items() if k in ("algorithm", "token_url")})
    return info


def _server_skew(body: Any, received_at: float) -> float | None:
    try:
        text = str(body["serverTime"]).replace("Z", "+00:00")
        return round(datetime.fromisoformat(text).timestamp() - received_at, 1)
    except (KeyError, TypeError, ValueError):
        return None


def diagnose(values: dict, build: Callable[..., Any], config: Any, settings: dict,
             api_log: Callable[..., None]) -> dict:
    """Test the NetSuite half with ``GET /system/v1/serverTime`` and explain a failure. ``build`` is
    ``NetSuiteClient.from_credentials`` (passed in, so this module does not import the client)."""
    secrets = [str(v) for k, v in values.items() if k not in ("account_id", "auth") and v]
    try:
        client = build(values, config, settings, api_log=api_log, max_retries=1)
    except (NetSuiteError, ValueError) as exc:
        return {"ok": False, "error": redact_text(str(exc), secrets), "diagnosis": {"auth": values.get("auth")}}
    info = _context(client)
    sent_at = time.time()
    try:
        response = client.transport.request("GET", SERVER_TIME)
    except NetSuiteError as exc:
        return _failure(exc, client, info, sent_at, secrets)
    received_at = time.time()
    skew = measure_skew(response.headers.get("Date"), sent_at, received_at)
    try:
        body = response.json() if response.content else {}
    except ValueError:
        error = f"{client.origin} answered {SERVER_TIME} with something that is not JSON: is this a NetSuite REST base URL?"
        return {"ok": False, "error": error, "diagnosis": {**info, "status": response.status_code}}
    info["clock_skew_s"] = _server_skew(body, received_at) if _server_skew(body, received_at) is not None else skew
    return {"ok": True, "diagnosis": info}


def _failure(exc: NetSuiteError, client, info: dict, sent_at: float, secrets: list[str]) -> dict:
    """The answer for a failed test. Constant texts are ours; every text that came from NetSuite or from an
    exception is redacted before it is kept."""
    def scrub(text: str | None) -> str | None:
        return redact_text(client.transport.redact(text), secrets) if text else text

    received_at = time.time()
    info.update(status=exc.status, code=scrub(exc.code))
    info["clock_skew_s"] = measure_skew(getattr(exc, "response_date", None), sent_at, received_at)
    if isinstance(exc, NetSuiteAuthError):
        said = f"{exc.code} {exc.detail}" if getattr(exc, "token_endpoint", False) else None
        info["likely_causes"] = likely_causes(client.auth.mode, info["clock_skew_s"], client.realm, said=said)
        info["where_to_look"] = AUDIT_TRAIL
        if said:
            info["token_endpoint_said"] = scrub(exc.detail)
        error = (f"NetSuite refused the login ({exc.status} {info['code']}). NetSuite gives this same answer "
                 f"for every login problem; the likely causes are listed in order. {LOGIN_AUDIT_HINT}")
    elif isinstance(exc, NetSuiteTimeout):
        error = f"NetSuite at {client.host} could not be reached ({info['code']}); check the account id or base URL"
    elif exc.code in ("REDIRECT", "NOT_JSON"):
        error = scrub(exc.message)
    elif isinstance(exc, NetSuiteNotFound):
        error = f"{client.origin} answered 404 for {SERVER_TIME}: is this a NetSuite REST base URL?"
    else:
        error = f"NetSuite answered {scrub(str(exc))}"
    return {"ok": False, "error": error, "diagnosis": info}
