"""The sidecar's signer against the vectors the PHP plugin's tests read (tests/fixtures/signature-vectors.json).

wp-plugin/tests/unit/SignatureTest.php checks the plugin's NSSync_Sidecar_Client::sign() against the same file, so
both sides agree byte for byte; the last test runs the PHP signer itself (php-cli is a test dependency).
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
VECTORS = json.loads((ROOT / "tests" / "fixtures" / "signature-vectors.json").read_text(encoding="utf-8"))["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["note"] for v in VECTORS])
def test_sidecar_sign_matches_the_shared_vector(vector):
    body = vector["body"].encode("utf-8")
    assert sign(vector["secret"], vector["timestamp"], body) == vector["signature"]
    verify(vector["secret"], vector["timestamp"], vector["signature"], body, now=int(vector["timestamp"]))


@pytest.mark.parametrize("vector", VECTORS, ids=[v["note"] for v in VECTORS])
def test_sidecar_rejects_the_vector_with_a_changed_byte(vector):
    body = vector["body"].encode("utf-8") + b" "
    with pytest.raises(SignatureError):
        verify(vector["secret"], vector["timestamp"], vector["signature"], body, now=int(vector["timestamp"]))


def test_the_sidecar_suite_vectors_are_in_the_shared_file():
    shared = {(v["secret"], v["timestamp"], v["body"].encode("utf-8"), v["signature"]) for v in VECTORS}
    for vector in SIGNATURE_VECTORS:
        assert tuple(vector) in shared


def test_php_signer_produces_the_same_bytes():
    assert shutil.which("php"), "php is needed for the plugin tests (apt-get install php-cli)"
    script = (
        "require 'wp-plugin/tests/shim/wp-shim.php';"
        "require 'wp-plugin/includes/class-nssync-plugin.php'; NSSync_Plugin::load_files();"
        "$v = json_decode(file_get_contents('tests/fixtures/signature-vectors.json'), true)['vectors'];"
        "foreach ($v as $x) { echo NSSync_Sidecar_Client::sign($x['secret'], $x['timestamp'], $x['body']), \"\\n\"; }"
    )
    out = subprocess.run(["php", "-r", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert out == [sign(v["secret"], v["timestamp"], v["body"].encode("utf-8")) for v in VECTORS]
