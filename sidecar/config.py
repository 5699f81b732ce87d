"""Settings of the process itself, read from the environment (DESIGN.md §3, "Configuration surface").

Only the names listed there are read; everything has a default so that a first start with nothing set works:
the SQLite database and the generated secrets live under ``./var/``.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BIND = "127.0.0.1:8765"
VAR_DIR_ENV = "SIDECAR_VAR_DIR"  # where generated secrets and the SQLite file live (default ./var/)


class ConfigError(ValueError):
    """A SIDECAR_* variable holds a value the sidecar cannot use."""


@dataclass
class Config:
    """Everything the process needs to know before it touches the database."""

    bind: str = DEFAULT_BIND
    database_url: str = ""
    shared_secret: str = ""
    secret_keys: list[bytes] = field(default_factory=list)  # newest first: the newest encrypts, all decrypt
    redis_url: str | None = None
    workers: int = 4
    netsuite_base_url: str | None = None
    log_level: str = "INFO"
    var_dir: Path = field(default_factory=lambda: Path("var"))
    max_request_bytes: int = 2 * 1024 * 1024
    signature_window_s: int = 300
    worker_heartbeat_max_age_s: int = 60
    generated: list[str] = field(default_factory=list)  # paths of files created on this start

    @property
    def secret_key(self) -> bytes:
        """The newest secret key (the one new secrets are encrypted with)."""
        return self.secret_keys[0]

    @property
    def host(self) -> str:
        return self.bind.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.bind.rsplit(":", 1)[1])


def _read_or_create(path: Path, make: callable, generated: list[str]) -> str:
    """Return the content of a 0600 secret file, creating it on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    try:
        os.link(tmp, path)  # atomic and exclusive: if another process (the worker) won, keep its value
    except FileExistsError:
        return path.read_text().strip()
    finally:
        os.unlink(tmp)
    generated.append(str(path))
    return value


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def _shared_secret(env: dict, var_dir: Path, generated: list[str]) -> str:
    value = env.get("SIDECAR_SHARED_SECRET", "")
    if value:
        return value
    path_hint = env.get("SIDECAR_SHARED_SECRET_FILE")
    path = Path(path_hint) if path_hint else var_dir / "shared_secret"
    return _read_or_create(path, lambda: secrets.token_urlsafe(32), generated)


def _secret_keys(env: dict, var_dir: Path, generated: list[str]) -> list[bytes]:
    """The Fernet keys, newest first: ``SIDECAR_SECRET_KEY="new,old"``, or ``var/secret.key`` with one key per
    line (blank lines and ``#`` comments ignored). Rotation: put the new key first, run ``sidecar rotate-key``,
    then drop the old one."""
    from cryptography.fernet import Fernet

    value = env.get("SIDECAR_SECRET_KEY", "")
    source = "SIDECAR_SECRET_KEY"
    if not value.strip():
        path = var_dir / "secret.key"
        value = _read_or_create(path, _fernet_key, generated)
        source = str(path)
    keys = [k.strip() for line in value.splitlines() if not line.strip().startswith("#")
            for k in line.split(",") if k.strip()]
    if not keys:
        raise ConfigError(f"{source} holds no key")
    for position, key in enumerate(keys, 1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise ConfigError(f"{source}: key {position} of {len(keys)} is not a Fernet key (32 bytes, urlsafe "
                              "base64, 44 characters); make one with `python -c \"from cryptography.fernet import "
                              "Fernet; print(Fernet.generate_key().decode())\"`") from None
    return [key.encode() for key in keys]


def _int(env: dict, name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}")
    return value


def load_config(env: dict | None = None) -> Config:
    """Build the Config from ``env`` (defaults to os.environ), generating missing secrets once."""
    env = dict(os.environ if env is None else env)
    var_dir = Path(env.get(VAR_DIR_ENV) or "var").resolve()
    generated: list[str] = []
    bind = env.get("SIDECAR_BIND") or DEFAULT_BIND
    if ":" not in bind or not bind.rsplit(":", 1)[1].isdigit():
        raise ConfigError(f"SIDECAR_BIND must be host:port, got {bind!r}")
    database_url = env.get("SIDECAR_DATABASE_URL") or f"sqlite:///{var_dir / 'sidecar.db'}"
    level = (env.get("SIDECAR_LOG_LEVEL") or "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"SIDECAR_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
    var_dir.mkdir(parents=True, exist_ok=True)
    return Config(
        bind=bind,
        database_url=database_url,
        shared_secret=_shared_secret(env, var_dir, generated),
        secret_keys=_secret_keys(env, var_dir, generated),
        redis_url=env.get("SIDECAR_REDIS_URL") or None,
        workers=_int(env, "SIDECAR_WORKERS", 16),  # I/O-bound threads; NetSuite calls pass the gate (issue 17)
        netsuite_base_url=(env.get("SIDECAR_NETSUITE_BASE_URL") or None),
        log_level=level,
        var_dir=var_dir,
        generated=generated,
    )


def announce_generated(config: Config, stream=sys.stderr) -> None:
    """Print, once, where freshly generated secret files were written (never their content)."""
    for path in config.generated:
        print(f"sidecar: generated {path} (mode 0600)", file=stream)
    if any(p.endswith("shared_secret") for p in config.generated):
        print("sidecar: paste the content of that shared_secret file into WooCommerce → Settings → "
              "NetSuite → Connection", file=stream)
