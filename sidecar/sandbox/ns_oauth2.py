"""OAuth 2.0 client credentials (M2M) as NetSuite runs it (oauth2 spec §3–§6, §11): the token endpoint checks
the client's signed assertion in the documented order, issues a short-lived bearer token, and bearer tokens are
checked on every API call. Reasons go to the login audit; clients see only the generic errors."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import uuid
from dataclasses import dataclass, field

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALLOWED_ALGS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
KNOWN_SCOPES = {"rest_webservices", "restlets", "suite_analytics"}


class OAuth2Rejected(Exception):
    """A failed token request or bearer check: the RFC ``error``, its status, and the audit reason."""

    def __init__(self, status: int, error: str, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.status, self.error, self.reason, self.detail = status, error, reason, detail


def certificate_id(cert_pem: bytes) -> str:
    """NetSuite's Certificate ID: base64url(SHA-256(certificate DER)) without padding (oauth2 spec §3.1)."""
    der = x509.load_pem_x509_certificate(cert_pem).public_bytes(serialization.Encoding.DER)
    return base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()


def load_public_key(public_key_pem: str | None, certificate_pem: str | None):
    """The verification key of a mapping, from a bare public key or from an X.509 certificate."""
    if certificate_pem:
        return x509.load_pem_x509_certificate(certificate_pem.encode()).public_key()
    return serialization.load_pem_public_key(public_key_pem.encode())


@dataclass
class Mapping:
    client_id: str
    public_key: object
    algorithm: str | None = None
    revoked: bool = False


@dataclass
class OAuth2Registry:
    """Integration records (client id → scopes) and M2M mappings (certificate id → key)."""

    clients: dict[str, set[str]] = field(default_factory=dict)
    mappings: dict[str, Mapping] = field(default_factory=dict)
    signing_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, client_id: str, cert_id: str, public_key, algorithm: str | None = None,
                 scopes: set[str] | None = None) -> None:
        with self.lock:
            self.clients[client_id] = set(scopes or {"rest_webservices", "restlets"})
            self.mappings[cert_id] = Mapping(client_id, public_key, algorithm)


def _form_checks(form: dict, content_type: str) -> str:
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise OAuth2Rejected(400, "invalid_request", "InvalidRequest", "body is not form-urlencoded")
    missing = [k for k in ("grant_type", "client_assertion_type", "client_assertion") if not form.get(k)]
    if missing:
        raise OAuth2Rejected(400, "invalid_request", "InvalidRequest", f"missing {', '.join(missing)}")
    if form["grant_type"] != "client_credentials":
        raise OAuth2Rejected(400, "unsupported_grant_type", "InvalidRequest", "grant_type not supported")
    if form["client_assertion_type"] != ASSERTION_TYPE:
        raise OAuth2Rejected(400, "invalid_request", "InvalidRequest", "wrong client_assertion_type")
    return form["client_assertion"]


def _header(assertion: str) -> dict:
    try:
        return jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise OAuth2Rejected(400, "invalid_request", "InvalidRequest", "assertion is not a JWT") from None


def _mapping(registry: OAuth2Registry, header: dict) -> Mapping:
    if header.get("alg") not in ALLOWED_ALGS:
        raise OAuth2Rejected(401, "invalid_client", "UnsupportedAlgo", f"alg {header.get('alg')} not allowed")
    if not header.get("kid"):
        raise OAuth2Rejected(401, "invalid_client", "MissingKeyId", "no kid in the assertion header")
    mapping = registry.mappings.get(header["kid"])
    if mapping is None or mapping.revoked:
        raise OAuth2Rejected(401, "invalid_client", "MissingKey", "kid matches no active certificate")
    return mapping


def _claims(assertion: str, mapping: Mapping, alg: str) -> dict:
    try:
        return jwt.decode(assertion, mapping.public_key, algorithms=[alg],
                          options={"verify_aud": False, "verify_exp": False, "verify_iat": False,
                                   "verify_nbf": False, "verify_iss": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        raise OAuth2Rejected(401, "invalid_client", "InvalidSignature", "assertion signature invalid") from None


def _scopes(claims: dict) -> set[str]:
    scope = claims.get("scope")
    items = scope if isinstance(scope, list) else str(scope or "").split(",")
    return {str(s).strip() for s in items if str(s).strip()}


def _claim_checks(claims: dict, mapping: Mapping, registry: OAuth2Registry, token_url: str, now: float) -> set:
    if claims.get("iss") != mapping.client_id or mapping.client_id not in registry.clients:
        raise OAuth2Rejected(401, "invalid_client", "InvalidIntegration", "iss is not the mapping's client id")
    if claims.get("aud") != token_url:
        raise OAuth2Rejected(401, "invalid_client", "InvalidAudience", "aud is not this token endpoint URL")
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)):
        raise OAuth2Rejected(400, "invalid_request", "InvalidRequest", "iat/exp missing")
    if iat > now + 60:
        raise OAuth2Rejected(400, "invalid_grant", "TokenNotAcceptable", "iat is in the future")
    if exp <= now:
        raise OAuth2Rejected(400, "invalid_grant", "TokenExpired", "assertion expired")
    if exp - iat > 3600:
        raise OAuth2Rejected(400, "invalid_grant", "TokenValidityTooBroad", "exp - iat exceeds 3600 s")
    scopes = _scopes(claims)
    if not scopes or "mcp" in scopes or not scopes <= registry.clients[mapping.client_id]:
        raise OAuth2Rejected(401, "invalid_client", "ScopeMismatched", "scope empty or not on the integration")
    return scopes


def issue_token(registry: OAuth2Registry, form: dict, content_type: str, token_url: str, now: float,
                lifetime_s: int) -> tuple[dict, str]:
    """Run the §11.2 checks; return the token response and the client id, or raise OAuth2Rejected."""
    assertion = _form_checks(form, content_type)
    header = _header(assertion)
    mapping = _mapping(registry, header)
    claims = _claims(assertion, mapping, header["alg"])
    scopes = _claim_checks(claims, mapping, registry, token_url, now)
    access = jwt.encode({"sub": "3;-5", "aud": [mapping.client_id, f"app:{uuid.uuid4()}"],
                         "scope": sorted(scopes), "iss": "https://system.netsuite.com", "iat": int(now),
                         "exp": int(now) + lifetime_s, "jti": uuid.uuid4().hex},
                        registry.signing_secret, algorithm="HS256")
    return {"access_token": access, "expires_in": lifetime_s, "token_type": "Bearer"}, mapping.client_id


def verify_bearer(registry: OAuth2Registry, token: str, now: float) -> dict:
    """Check an access token on an API call: our signature, not expired, rest_webservices scope."""
    try:
        claims = jwt.decode(token, registry.signing_secret, algorithms=["HS256"],
                            options={"verify_aud": False, "verify_exp": False})
    except jwt.PyJWTError:
        raise OAuth2Rejected(401, "invalid_token", "InvalidToken", "access token not issued here") from None
    if claims.get("exp", 0) <= now:
        raise OAuth2Rejected(401, "invalid_token", "AccessTokenExpired", "access token expired")
    if "rest_webservices" not in claims.get("scope", []):
        raise OAuth2Rejected(401, "invalid_token", "ScopeMismatched", "token lacks rest_webservices")
    client_id = claims.get("aud", [None])[0]
    if client_id not in registry.clients:
        raise OAuth2Rejected(401, "invalid_token", "InvalidIntegration", "integration no longer exists")
    return claims
