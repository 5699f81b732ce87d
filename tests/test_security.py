"""Signatures, redaction and encryption: the pieces that guard every secret."""

import base64
import hashlib
import hmac

import pytest

from sidecar.security import (
    REDACTED,
    SecretBox,
    SignatureError,
    redact,
    redact_text,
    sign,
    verify,
    verify_woo_webhook,
    woo_webhook_signature,
)

# Shared with the PHP plugin's tests (wp-plugin/tests): both sides must produce these bytes exactly.
SIGNATURE_VECTORS = [
    ("test-shared-secret-0123456789", "1700000000", "POST", "/v1/events", "", b'{"id":"a"}',
     "v2=" + hmac.new(b"test-shared-secret-0123456789", b'1700000000\nPOST\n/v1/events\n\n{"id":"a"}',
                      hashlib.sha256).hexdigest()),
]


def signed(secret: str, ts: str, body: bytes, method: str = "POST", path: str = "/v1/events", query: str = ""):
    return sign(secret, ts, method, path, query, body)


def check(secret: str, ts, sig, body: bytes, now: float, method: str = "POST", path: str = "/v1/events",
          query: str = "") -> None:
    verify(secret, ts, sig, method=method, path=path, query=query, body=body, now=now)


def test_sign_matches_the_documented_formula():
    secret, ts, method, path, query, body, expected = SIGNATURE_VECTORS[0]
    assert sign(secret, ts, method, path, query, body) == expected
    assert sign(secret, int(ts), method.lower(), path, query, body) == expected  # METHOD is upper-cased


def test_sign_known_vector_fixed_hex():
    # Computed independently: printf '1700000000\nGET\n/v1/status\n\n' | openssl dgst -sha256 -hmac s3cret
    assert sign("s3cret", 1700000000, "GET", "/v1/status", "", b"") == \
        "v2=997df7af00308b051dd6cdfe6d6188aa78b810e0d27416047f1be68ec1608945"
    assert signed("s3cret", "1700000000", b"{}") != signed("s3cret", "1700000001", b"{}")


def test_verify_accepts_a_fresh_good_signature():
    body = b'{"x":1}'
    check("k", "1000", signed("k", "1000", body), body, now=1100)


@pytest.mark.parametrize("ts,sig,code", [
    (None, "v2=00", "missing_signature"),
    ("1000", None, "missing_signature"),
    ("abc", "v2=00", "invalid_timestamp"),
    ("\u00b2", "v2=00", "invalid_timestamp"),  # a digit to str.isdigit, not to int
    ("1" * 5000, "v2=00", "invalid_timestamp"),
    ("-100", "v2=00", "invalid_timestamp"),
    (" 1000", "v2=00", "invalid_timestamp"),
    ("600", None, "missing_signature"),
])
def test_verify_rejects_missing_or_malformed(ts, sig, code):
    with pytest.raises(SignatureError) as err:
        check("k", ts, sig, b"{}", now=1000)
    assert err.value.code == code


def test_verify_rejects_stale_and_future_timestamps():
    body = b"{}"
    for ts in ("699", "1301"):
        with pytest.raises(SignatureError) as err:
            check("k", ts, signed("k", ts, body), body, now=1000)
        assert err.value.code == "stale_timestamp"
    check("k", "700", signed("k", "700", body), body, now=1000)  # exactly 300 s is still inside


def test_verify_rejects_wrong_secret_and_tampered_body():
    body = b'{"a":1}'
    good = signed("k", "1000", body)
    with pytest.raises(SignatureError):
        check("other", "1000", good, body, now=1000)
    with pytest.raises(SignatureError):
        check("k", "1000", good, b'{"a":2}', now=1000)
    with pytest.raises(SignatureError):  # the timestamp is inside the MAC
        check("k", "1001", good, body, now=1000)


@pytest.mark.parametrize("method,path,query", [
    ("POST", "/v1/sync/orders", ""), ("POST", "/v1/jobs/7/skip", ""), ("GET", "/v1/credentials", ""),
    ("GET", "/v1/status", "x=1"), ("get", "/v1/status/", ""),
])
def test_a_signature_fits_one_request_only(method, path, query):
    """A signed empty-body GET /v1/status seen on the wire cannot be replayed as another request."""
    sig = sign("k", "1000", "GET", "/v1/status", "", b"")
    check("k", "1000", sig, b"", now=1000, method="GET", path="/v1/status")
    with pytest.raises(SignatureError) as err:
        check("k", "1000", sig, b"", now=1000, method=method.upper(), path=path, query=query)
    assert err.value.code == "invalid_signature"


def test_the_retired_sha256_form_is_refused():
    old = "sha256=" + hmac.new(b"k", b"1000.{}", hashlib.sha256).hexdigest()
    with pytest.raises(SignatureError) as err:
        check("k", "1000", old, b"{}", now=1000)
    assert err.value.code == "unsupported_signature"


def test_woo_webhook_signature_is_base64_hmac_of_raw_body():
    body = b'{"id":42}'
    expected = base64.b64encode(hmac.new(b"whsec", body, hashlib.sha256).digest()).decode()
    assert woo_webhook_signature("whsec", body) == expected
    assert verify_woo_webhook("whsec", expected, body)
    assert not verify_woo_webhook("whsec", expected, body + b" ")
    assert not verify_woo_webhook("whsec", None, body)


def test_secret_box_round_trip_and_ciphertext_hides_plain():
    from cryptography.fernet import Fernet

    box = SecretBox(Fernet.generate_key())
    token = box.encrypt("token-secret-value")
    assert "token-secret-value" not in token
    assert box.decrypt(token) == "token-secret-value"
    with pytest.raises(ValueError, match="SIDECAR_SECRET_KEY"):
        SecretBox(Fernet.generate_key()).decrypt(token)


def test_redact_hides_secret_keys_and_known_values():
    data = {"consumer_key": "ck_abc", "token_secret": "tsec", "account_id": "123",
            "nested": [{"Authorization": "OAuth realm=x"}], "note": "the value tsec leaked"}
    out = redact(data, known_secrets=["tsec"])
    assert out["consumer_key"] == REDACTED
    assert out["token_secret"] == REDACTED
    assert out["account_id"] == "123"
    assert out["nested"][0]["Authorization"] == REDACTED
    assert "tsec" not in out["note"]


def test_redact_text_cleans_urls_headers_and_woo_keys():
    text = ("GET /wp-json/wc/v3/orders?consumer_key=ck_0123456789abcdef&consumer_secret=cs_zz&page=2 "
            "Authorization: Bearer eyJhbGciOi.x.y oauth_signature=abc%3D")
    out = redact_text(text)
    for leaked in ("ck_0123456789abcdef", "cs_zz", "eyJhbGciOi", "abc%3D"):
        assert leaked not in out
    assert "page=2" in out


def test_log_lines_and_tracebacks_never_carry_a_stored_secret():
    import io
    import logging

    from sidecar.store.apilog import RedactingFilter, remember_secrets

    remember_secrets(["tok-SECRET-value-77"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("nssync.test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("calling %s?consumer_secret=cs_abc", "https://shop/x tok-SECRET-value-77")
        try:
            raise RuntimeError("bad token tok-SECRET-value-77")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        remember_secrets([])
    text = stream.getvalue()
    assert "tok-SECRET-value-77" not in text and "cs_abc" not in text
    assert "RuntimeError: bad token" in text and "calling https://shop/x" in text
