"""The process-wide runtime: config, database, secret box and credentials, set up once per process.

Both the web app (``create_app``) and the worker (``sidecar worker``) call ``init_runtime``; flows and jobs read
what they need through ``get_runtime()`` instead of importing Flask.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import peewee

from sidecar.config import Config
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


def init_runtime(config: Config) -> Runtime:
    """Connect the database, apply migrations, and make the runtime available to the whole process."""
    global _runtime
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db = connect_database(config.database_url)
    with db.connection_context():
        migrate(db)
    box = SecretBox(config.secret_key)
    _runtime = Runtime(config=config, db=db, box=box, credentials=CredentialStore(box))
    with db.connection_context():
        remember_secrets(_runtime.credentials.all_secret_values())
    install_log_redaction()
    return _runtime


def get_runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("init_runtime(config) has not been called in this process")
    return _runtime
