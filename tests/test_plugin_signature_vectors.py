"""The sidecar's signer against the vectors the PHP plugin's tests read (tests/fixtures/signature-vectors.json).

wp-plugin/tests/unit/SignatureTest.php checks the plugin's NSSync_Sidecar_Client::sign() against the same file, so
both sides agree byte for byte; the last test runs the PHP signer itself (php-cli is a test dependency). The
expected values in the file were computed with openssl, not with either signer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sidecar.security import SignatureError, sign, verify
from tests.test_security import SIGNATURE_VECTORS

ROOT = Path(__file__).resolve().parents[1]
DOC = json.loads((ROOT / "tests" / "fixtures" / "signature-vectors.json").read_text(encoding="utf-8"))
VECTORS = DOC["vectors"]


def parts(v: dict) -> tuple:
    return v["secret"], v["timestamp"], v["method"], v["path"], v["query"], v["body"].encode("utf-8")


def check(v: dict, signature: str, body: bytes | None = None, **over) -> None:
    secret, ts, method, path, query, raw = parts(v)
    request = {"method": method, "path": path, "query": query, **over}
    verify(secret, ts, signature, body=raw if body is None else body, now=int(ts), **request)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["note"] for v in VECTORS])
def test_sidecar_sign_matches_the_shared_vector(vector):
    assert sign(*parts(vector)) == vector["signature"]
    check(vector, vector["signature"])


@pytest.mark.parametrize("vector", VECTORS, ids=[v["note"] for v in VECTORS])
def test_sidecar_rejects_the_vector_with_a_changed_byte(vector):
    with pytest.raises(SignatureError):
        check(vector, vector["signature"], body=vector["body"].encode("utf-8") + b" ")
    with pytest.raises(SignatureError):
        check(vector, vector["signature"], path=vector["path"] + "/")
    with pytest.raises(SignatureError):
        check(vector, vector["signature"], method="DELETE")


@pytest.mark.parametrize("old", DOC["retired"], ids=[v["note"] for v in DOC["retired"]])
def test_the_retired_form_is_refused(old):
    with pytest.raises(SignatureError) as err:
        verify(old["secret"], old["timestamp"], old["signature"], method="GET", path="/v1/status", query="",
               body=old["body"].encode(), now=int(old["timestamp"]))
    assert err.value.code == "unsupported_signature"


def test_the_sidecar_suite_vectors_are_in_the_shared_file():
    shared = {(*parts(v), v["signature"]) for v in VECTORS}
    for vector in SIGNATURE_VECTORS:
        assert tuple(vector) in shared


def test_php_signer_produces_the_same_bytes():
    assert shutil.which("php"), "php is needed for the plugin tests (apt-get install php-cli)"
    script = (
        "require 'wp-plugin/tests/shim/wp-shim.php';"
        "require 'wp-plugin/includes/class-nssync-plugin.php'; NSSync_Plugin::load_files();"
        "$v = json_decode(file_get_contents('tests/fixtures/signature-vectors.json'), true)['vectors'];"
        "foreach ($v as $x) { echo NSSync_Sidecar_Client::sign($x['secret'], $x['timestamp'], $x['method'],"
        " $x['path'], $x['query'], $x['body']), \"\\n\"; }"
    )
    out = subprocess.run(["php", "-r", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert out == [v["signature"] for v in VECTORS]
