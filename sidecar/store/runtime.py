"""The process-wide runtime: config, database, secret box and credentials, set up once per process.

Both the web app (``create_app``) and the worker (``sidecar worker``) call ``init_runtime``; flows and jobs read
what they need through ``get_runtime()`` instead of importing Flask.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import peewee

from sidecar.config import Config, ConfigError
from sidecar.security import SecretBox
from sidecar.store.apilog import install_log_redaction, remember_secrets
from sidecar.store.credentials import CredentialStore
from sidecar.store.db import connect_database
from sidecar.store.migrations import migrate

_runtime: Runtime | None = None


@dataclass
class Runtime:
    config: Config
    db: peewee.Database
    box: SecretBox
    credentials: CredentialStore


def init_runtime(config: Config, check_secrets: bool = True) -> Runtime:
    """Connect the database, apply migrations, and make the runtime available to the whole process.

    Refuses to start (ConfigError, so ``sidecar serve``/``worker`` exit non-zero with the message) when a stored
    credential cannot be decrypted with the configured keys: otherwise every credentials read would fail later,
    one request or job at a time. ``sidecar rotate-key`` passes ``check_secrets=False``: it is the way out."""
    global _runtime
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db = connect_database(config.database_url)
    with db.connection_context():
        migrate(db)
    box = SecretBox(config.secret_keys)
    runtime = Runtime(config=config, db=db, box=box, credentials=CredentialStore(box))
    if check_secrets:
        with db.connection_context():
            _check_secrets(runtime.credentials)
            remember_secrets(runtime.credentials.all_secret_values())
    _runtime = runtime
    install_log_redaction()
    return _runtime


def _check_secrets(credentials: CredentialStore) -> None:
    unreadable = credentials.unreadable()
    if unreadable:
        names = ", ".join(unreadable[:5]) + (", …" if len(unreadable) > 5 else "")
        raise ConfigError(
            f"{len(unreadable)} stored credential(s) ({names}) cannot be decrypted with the secret key "
            "(SIDECAR_SECRET_KEY, else var/secret.key): the key changed or was lost. Put the old key back; to "
            "move to a new key list both, newest first (SIDECAR_SECRET_KEY=\"new,old\" or one per line in the "
            "key file) and run `sidecar rotate-key`. If the old key is gone for good, run `sidecar rotate-key "
            "--forget-unreadable` and enter those credentials again in wp-admin.")


def get_runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("init_runtime(config) has not been called in this process")
    return _runtime
