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
    ("test-shared-secret-0123456789", "1700000000", b'{"id":"a"}',
     "sha256=" + hmac.new(b"test-shared-secret-0123456789", b'1700000000.{"id":"a"}', hashlib.sha256).hexdigest()),
]


def test_sign_matches_the_documented_formula():
    secret, ts, body, expected = SIGNATURE_VECTORS[0]
    assert sign(secret, ts, body) == expected
    assert sign(secret, int(ts), body) == expected


def test_sign_known_vector_fixed_hex():
    # Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac s3cret
    assert sign("s3cret", 1700000000, b"{}") == \
        "sha256=" + hmac.new(b"s3cret", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign("s3cret", 1700000000, b"{}") != sign("s3cret", 1700000001, b"{}")


def test_verify_accepts_a_fresh_good_signature():
    body = b'{"x":1}'
    verify("k", "1000", sign("k", "1000", body), body, now=1100)


@pytest.mark.parametrize("ts,sig,code", [
    (None, "sha256=00", "missing_signature"),
    ("1000", None, "missing_signature"),
    ("abc", "sha256=00", "invalid_timestamp"),
    ("600", None, "missing_signature"),
])
def test_verify_rejects_missing_or_malformed(ts, sig, code):
    with pytest.raises(SignatureError) as err:
        verify("k", ts, sig, b"{}", now=1000)
    assert err.value.code == code


def test_verify_rejects_stale_and_future_timestamps():
    body = b"{}"
    for ts in ("699", "1301"):
        with pytest.raises(SignatureError) as err:
            verify("k", ts, sign("k", ts, body), body, now=1000)
        assert err.value.code == "stale_timestamp"
    verify("k", "700", sign("k", "700", body), body, now=1000)  # exactly 300 s is still inside


def test_verify_rejects_wrong_secret_and_tampered_body():
    body = b'{"a":1}'
    good = sign("k", "1000", body)
    with pytest.raises(SignatureError):
        verify("other", "1000", good, body, now=1000)
    with pytest.raises(SignatureError):
        verify("k", "1000", good, b'{"a":2}', now=1000)
    with pytest.raises(SignatureError):  # the timestamp is inside the MAC
        verify("k", "1001", good, body, now=1000)


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

    from sidecar.apilog import RedactingFilter, remember_secrets

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
