"""OAuth 2.0 client credentials (M2M) against the NetSuite sandbox: the certificate-id test vector, a full
token flow with ES256 and PS256 assertions signed by the tests with PyJWT, each documented rejection (oauth2
spec §11.2) with its audit code, and bearer tokens on API calls, including expiry."""

from __future__ import annotations

import base64
import datetime
import hashlib
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from sidecar.sandbox import ns_oauth2
from sidecar.sandbox.netsuite import DEMO_OAUTH2

from .test_netsuite_tba import Sandbox, sandbox_servers


@pytest.fixture
def sandbox_factory():
    yield from sandbox_servers()


SPEC_DIR = Path(__file__).resolve().parents[3] / "shared" / "specs"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"


@pytest.fixture
def sandbox(sandbox_factory) -> Sandbox:
    return sandbox_factory({"seed": 3})


def assertion(key, kid: str | None, client_id: str, aud: str, alg: str = "ES256", iat: int | None = None,
              lifetime: int = 300, scope="rest_webservices") -> str:
    iat = int(time.time()) if iat is None else iat
    headers = {"typ": "JWT"} | ({"kid": kid} if kid is not None else {})
    return jwt.encode({"iss": client_id, "scope": scope, "aud": aud, "iat": iat, "exp": iat + lifetime,
                       "jti": uuid.uuid4().hex}, key, algorithm=alg, headers=headers)


def token_request(sandbox, jwt_text: str, grant: str = "client_credentials"):
    return requests.post(sandbox.url + TOKEN_PATH, timeout=10, data={
        "grant_type": grant, "client_assertion_type": ASSERTION_TYPE, "client_assertion": jwt_text})


def demo_key(sandbox):
    creds = sandbox.control("GET", "/demo-credentials").json()["oauth2"]
    return serialization.load_pem_private_key(creds["private_key_pem"].encode(), None), creds


def self_signed(key) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sandbox test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def test_certificate_id_vector_from_the_spec():
    pem = (SPEC_DIR / "netsuite-oauth2-example-cert.pem").read_bytes()
    assert ns_oauth2.certificate_id(pem) == "NPMnRyPg-WDWhPiAbisjKiH0fqnBpjOZ367wDTe0pqA"


def test_registering_a_certificate_derives_its_id(sandbox):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = self_signed(key)
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    expected = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    answer = sandbox.control("POST", "/oauth2-clients", {"client_id": "cert-client", "certificate_pem": pem.decode()})
    assert answer.status_code == 201 and answer.json()["certificate_id"] == expected
    token = token_request(sandbox, assertion(key, expected, "cert-client", sandbox.url + TOKEN_PATH))
    assert token.status_code == 200, token.text


def test_demo_client_gets_a_token_and_uses_it(sandbox):
    key, creds = demo_key(sandbox)
    answer = token_request(sandbox, assertion(key, creds["certificate_id"], creds["client_id"],
                                              sandbox.url + TOKEN_PATH))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and "refresh_token" not in body
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    customer = sandbox.records("customer")[0]["id"]
    got = requests.get(f"{sandbox.url}/services/rest/record/v1/customer/{customer}", headers=headers, timeout=5)
    assert got.status_code == 200 and got.json()["id"] == customer
    query = requests.post(f"{sandbox.url}/services/rest/query/v1/suiteql?limit=5", timeout=5,
                          headers=headers | {"Prefer": "transient"}, json={"q": "SELECT id FROM customer"})
    assert query.status_code == 200 and query.json()["count"] == 5


def test_ps256_with_rsa_3072_and_scope_as_array(sandbox):
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    sandbox.control("POST", "/oauth2-clients", {"client_id": "rsa-client", "certificate_id": "rsa-cert",
                                                "public_key_pem": pub, "algorithm": "PS256"})
    jwt_text = assertion(key, "rsa-cert", "rsa-client", sandbox.url + TOKEN_PATH, alg="PS256",
                         scope=["restlets", "rest_webservices"])
    assert token_request(sandbox, jwt_text).status_code == 200
    rs256 = assertion(key, "rsa-cert", "rsa-client", sandbox.url + TOKEN_PATH, alg="RS256")
    answer = token_request(sandbox, rs256)
    assert (answer.status_code, answer.json()["error"]) == (401, "invalid_client")
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="1234567_SB1"'
    assert sandbox.audit()[-1]["reason"] == "UnsupportedAlgo"


@pytest.mark.parametrize("case,status,error,reason", [
    ("no_kid", 401, "invalid_client", "MissingKeyId"),
    ("unknown_kid", 401, "invalid_client", "MissingKey"),
    ("other_key", 401, "invalid_client", "InvalidSignature"),
    ("wrong_aud", 401, "invalid_client", "InvalidAudience"),
    ("wrong_iss", 401, "invalid_client", "InvalidIntegration"),
    ("too_broad", 400, "invalid_grant", "TokenValidityTooBroad"),
    ("expired", 400, "invalid_grant", "TokenExpired"),
    ("future", 400, "invalid_grant", "TokenNotAcceptable"),
    ("bad_scope", 401, "invalid_client", "ScopeMismatched"),
])
def test_assertion_rejections(sandbox, case, status, error, reason):
    key, creds = demo_key(sandbox)
    kid, client, aud = creds["certificate_id"], creds["client_id"], sandbox.url + TOKEN_PATH
    args = {"no_kid": {"kid": None}, "unknown_kid": {"kid": "nope"},
            "other_key": {"key": ec.generate_private_key(ec.SECP256R1())},
            "wrong_aud": {"aud": "https://1234567-sb1.suitetalk.api.netsuite.com" + TOKEN_PATH},
            "wrong_iss": {"client_id": "someone-else"}, "too_broad": {"lifetime": 7200},
            "expired": {"iat": int(time.time()) - 900}, "future": {"iat": int(time.time()) + 600},
            "bad_scope": {"scope": "suite_analytics"}}[case]
    params = {"key": key, "kid": kid, "client_id": client, "aud": aud} | args
    answer = token_request(sandbox, assertion(**params))
    assert (answer.status_code, answer.json()["error"]) == (status, error)
    last = sandbox.audit()[-1]
    assert (last["status"], last["reason"], last["auth"]) == ("Failure", reason, "oauth2")
    assert "PRIVATE KEY" not in answer.text


def test_malformed_token_requests(sandbox):
    key, creds = demo_key(sandbox)
    good = assertion(key, creds["certificate_id"], creds["client_id"], sandbox.url + TOKEN_PATH)
    assert token_request(sandbox, good, grant="password").json()["error"] == "unsupported_grant_type"
    as_json = requests.post(sandbox.url + TOKEN_PATH, json={"grant_type": "client_credentials"}, timeout=5)
    assert (as_json.status_code, as_json.json()["error"]) == (400, "invalid_request")
    assert token_request(sandbox, "not.a.jwt").json()["error"] == "invalid_request"


def test_expired_and_foreign_bearer_tokens_are_invalid_login(sandbox):
    key, creds = demo_key(sandbox)
    token = token_request(sandbox, assertion(key, creds["certificate_id"], creds["client_id"],
                                             sandbox.url + TOKEN_PATH)).json()["access_token"]
    url = f"{sandbox.url}/services/rest/record/v1/customer/1"
    sandbox.control("POST", "/config", {"clock_skew_s": 3700})
    expired = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert expired.status_code == 401
    assert expired.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    assert sandbox.audit()[-1]["reason"] == "AccessTokenExpired"
    forged = jwt.encode({"aud": [DEMO_OAUTH2["client_id"]], "scope": ["rest_webservices"],
                         "exp": int(time.time()) + 9999}, "a-guessed-signing-secret-of-32-bytes!", algorithm="HS256")
    answer = requests.get(url, headers={"Authorization": f"Bearer {forged}"}, timeout=5)
    assert answer.status_code == 401 and sandbox.audit()[-1]["reason"] == "InvalidToken"


def test_observed_error_mode_and_loose_token_format(sandbox):
    key, creds = demo_key(sandbox)
    sandbox.control("POST", "/config", {"oauth2_error_mode": "observed", "oauth2_loose_token": True})
    no_kid = token_request(sandbox, assertion(key, None, creds["client_id"], sandbox.url + TOKEN_PATH))
    assert (no_kid.status_code, no_kid.json()) == (500, {"error": "server_error"})
    assert sandbox.audit()[-1]["reason"] == "MissingKeyId"
    good = token_request(sandbox, assertion(key, creds["certificate_id"], creds["client_id"],
                                            sandbox.url + TOKEN_PATH)).json()
    assert (good["expires_in"], good["token_type"]) == ("3600", "bearer")
    assert sandbox.control("POST", "/config", {"oauth2_error_mode": "other"}).status_code == 400
