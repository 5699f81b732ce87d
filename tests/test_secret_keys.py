"""The secret key that encrypts stored credentials: a wrong or lost key stops the sidecar at start with a message
(never a 500 per request), several keys newest first, and ``sidecar rotate-key``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from sidecar.cli import main
from sidecar.config import ConfigError
from sidecar.security import SecretBox
from sidecar.store.models import Secret
from sidecar.store.runtime import init_runtime
from tests.conftest import SHARED_SECRET, make_config

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))
CREDS = {"netsuite": {"account_id": "1234567", "consumer_key": "ck-VALUE", "consumer_secret": "cs-VALUE",
                      "token_id": "tid-VALUE", "token_secret": "tsec-VALUE"}}


def store_with(tmp_path, key: str) -> None:
    runtime = init_runtime(make_config(tmp_path, SIDECAR_SECRET_KEY=key))
    with runtime.db.connection_context():
        runtime.credentials.put(CREDS)
    runtime.db.close()


def env_for(tmp_path, key: str) -> dict[str, str]:
    return {"SIDECAR_VAR_DIR": str(tmp_path / "var"), "SIDECAR_SHARED_SECRET": SHARED_SECRET,
            "SIDECAR_SECRET_KEY": key}


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_and_worker_stop_at_start_naming_the_key_when_stored_secrets_cannot_be_read(tmp_path, command):
    store_with(tmp_path, OLD)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SIDECAR_")}, **env_for(tmp_path, OTHER),
           "SIDECAR_BIND": "127.0.0.1:1"}
    done = subprocess.run([sys.executable, "-m", "sidecar.cli", command], env=env, capture_output=True, text=True,
                          check=False,
                          timeout=60)
    assert done.returncode != 0
    assert "SIDECAR_SECRET_KEY" in done.stderr and "rotate-key" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    for secret in ("ck-VALUE", "tsec-VALUE", OLD, OTHER):
        assert secret not in done.stderr


def test_the_start_check_names_the_unreadable_credentials(tmp_path):
    store_with(tmp_path, OLD)
    with pytest.raises(ConfigError) as caught:
        init_runtime(make_config(tmp_path, SIDECAR_SECRET_KEY=NEW))
    assert "netsuite.token_secret" in str(caught.value) and "rotate-key" in str(caught.value)


def test_rotate_key_store_with_old_rotate_then_read_with_the_new_key_only(tmp_path, monkeypatch):
    store_with(tmp_path, OLD)
    before = {row.name: row.ciphertext for row in Secret.select()}
    for name, value in env_for(tmp_path, f"{NEW},{OLD}").items():
        monkeypatch.setenv(name, value)
    assert main(["rotate-key"]) == 0
    runtime = init_runtime(make_config(tmp_path, SIDECAR_SECRET_KEY=NEW))  # the old key is gone
    with runtime.db.connection_context():
        assert runtime.credentials.get("netsuite")["token_secret"] == "tsec-VALUE"
        after = {row.name: row.ciphertext for row in Secret.select()}
    assert after.keys() == before.keys() and all(after[k] != before[k] for k in after)


def test_both_keys_read_old_secrets_and_new_ones_are_written_with_the_newest(tmp_path):
    store_with(tmp_path, OLD)
    runtime = init_runtime(make_config(tmp_path, SIDECAR_SECRET_KEY=f"{NEW}, {OLD}"))
    with runtime.db.connection_context():
        assert runtime.credentials.get("netsuite")["consumer_key"] == "ck-VALUE"
        runtime.credentials.put({"woocommerce": {"webhook_secret": "whs-VALUE"}})
        cipher = Secret.get_by_id("woocommerce.webhook_secret").ciphertext
    assert SecretBox(NEW.encode()).decrypt(cipher) == "whs-VALUE"


def test_the_key_file_takes_one_key_per_line_newest_first(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret.key").write_text(f"# newest first\n{NEW}\n\n{OLD}\n")
    config = make_config(tmp_path)
    assert config.secret_keys == [NEW.encode(), OLD.encode()] and config.secret_key == NEW.encode()


@pytest.mark.parametrize("value, position", [(f"{NEW},nope", "key 2 of 2"), ("short", "key 1 of 1")])
def test_a_key_that_is_not_a_fernet_key_is_named_by_position_not_shown(tmp_path, value, position):
    with pytest.raises(ConfigError) as caught:
        make_config(tmp_path, SIDECAR_SECRET_KEY=value)
    assert position in str(caught.value) and "nope" not in str(caught.value)


def test_rotate_key_changes_nothing_when_a_secret_is_unreadable_unless_told_to_forget(tmp_path, monkeypatch,
                                                                                     capsys):
    store_with(tmp_path, OLD)
    for name, value in env_for(tmp_path, NEW).items():
        monkeypatch.setenv(name, value)
    assert main(["rotate-key"]) == 1
    assert "netsuite.token_secret" in capsys.readouterr().err
    assert Secret.select().count() == 5
    assert main(["rotate-key", "--forget-unreadable"]) == 0
    assert Secret.select().count() == 0
    init_runtime(make_config(tmp_path, SIDECAR_SECRET_KEY=NEW))  # starts again; credentials to re-enter


def test_credentials_read_at_run_time_with_a_foreign_key_is_503_json_not_500(signed):
    Secret.create(name="netsuite.token_secret", ciphertext=SecretBox(OTHER.encode()).encrypt("tsec-VALUE"))
    for method, path in (("GET", "/v1/credentials"), ("POST", "/v1/credentials/test"), ("GET", "/v1/status")):
        res = signed.request(method, path)
        assert res.status_code == 503, (path, res.get_data(as_text=True))
        assert res.get_json()["error"]["code"] == "secret_key_mismatch"
        assert "tsec-VALUE" not in res.get_data(as_text=True)
