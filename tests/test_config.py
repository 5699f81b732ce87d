"""Configuration from the environment: defaults, generated secrets, validation."""

import os
import stat

import pytest

from sidecar.config import ConfigError, load_config


def test_first_start_generates_secrets_once_with_mode_0600(tmp_path):
    env = {"SIDECAR_VAR_DIR": str(tmp_path / "var")}
    first = load_config(env)
    assert first.bind == "127.0.0.1:8765"
    assert first.database_url == f"sqlite:///{tmp_path / 'var' / 'sidecar.db'}"
    assert sorted(os.path.basename(p) for p in first.generated) == ["secret.key", "shared_secret"]
    for name in ("secret.key", "shared_secret"):
        mode = stat.S_IMODE(os.stat(tmp_path / "var" / name).st_mode)
        assert mode == 0o600, name
    second = load_config(env)
    assert second.generated == []
    assert second.shared_secret == first.shared_secret
    assert second.secret_key == first.secret_key


def test_environment_overrides_defaults(tmp_path):
    cfg = load_config({"SIDECAR_VAR_DIR": str(tmp_path), "SIDECAR_BIND": "127.0.0.1:9000",
                       "SIDECAR_SHARED_SECRET": "abc", "SIDECAR_WORKERS": "8",
                       "SIDECAR_NETSUITE_BASE_URL": "http://127.0.0.1:5001", "SIDECAR_LOG_LEVEL": "debug",
                       "SIDECAR_DATABASE_URL": "postgresql://u:p@127.0.0.1/x", "SIDECAR_REDIS_URL": "redis://r"})
    assert (cfg.port, cfg.shared_secret, cfg.workers, cfg.log_level) == (9000, "abc", 8, "DEBUG")
    assert cfg.netsuite_base_url == "http://127.0.0.1:5001"
    assert cfg.database_url.startswith("postgresql://")
    assert cfg.redis_url == "redis://r"
    assert not (tmp_path / "shared_secret").exists()


@pytest.mark.parametrize("name,value,message", [
    ("SIDECAR_BIND", "nohost", "SIDECAR_BIND"),
    ("SIDECAR_WORKERS", "many", "SIDECAR_WORKERS"),
    ("SIDECAR_WORKERS", "0", "SIDECAR_WORKERS"),
    ("SIDECAR_LOG_LEVEL", "LOUD", "SIDECAR_LOG_LEVEL"),
    ("SIDECAR_SECRET_KEY", "not-a-fernet-key", "SIDECAR_SECRET_KEY"),
])
def test_bad_values_name_the_variable(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        load_config({"SIDECAR_VAR_DIR": str(tmp_path), name: value})


def _load_in_child(var_dir: str, queue) -> None:
    config = load_config({"SIDECAR_VAR_DIR": var_dir})
    queue.put((config.shared_secret, config.secret_key))


def test_processes_starting_together_agree_on_the_generated_secrets(tmp_path):
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_load_in_child, args=(str(tmp_path / "var"), queue)) for _ in range(4)]
    for p in procs:
        p.start()
    results = {queue.get(timeout=60) for _ in procs}
    for p in procs:
        p.join()
    assert len(results) == 1
    assert sorted(os.listdir(tmp_path / "var")) == ["secret.key", "shared_secret"]
