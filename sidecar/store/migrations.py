"""Versioned schema migrations, applied in order on every start.

Each migration is a function of the database, numbered; ``schema_version`` records which ran. Add new ones at
the end of MIGRATIONS (use playhouse.migrate's migrator for column changes); never edit one that has shipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import peewee
from playhouse.migrate import SchemaMigrator

from sidecar.store import models
from sidecar.store.db import database
from sidecar.store.queue_storage import create_queue_tables

log = logging.getLogger(__name__)


class SchemaVersion(peewee.Model):
    version = peewee.IntegerField(primary_key=True)
    applied_at = peewee.DateTimeField(default=models.utcnow)

    class Meta:
        database = database
        table_name = "schema_version"


def _m001_initial(db: peewee.Database, migrator: SchemaMigrator) -> None:
    db.create_tables(models.ALL_MODELS)
    create_queue_tables()  # huey's own tables, when the queue lives in this database


def _m002_pipeline(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """Counters for /metrics and the per-flow run lock (issue 5)."""
    from sidecar.store.models import PIPELINE_MODELS

    db.create_tables(PIPELINE_MODELS, safe=True)


def _m003_claims(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """Claims held by a job attempt (issue 19). The first release kept a claim as a Link row without a NetSuite
    id; such a row only ever meant "being exported", so it is dropped (an export it guarded is found again by
    its external id)."""
    from sidecar.store.models import CLAIM_MODELS, Link

    db.create_tables(CLAIM_MODELS, safe=True)
    Link.delete().where(Link.ns_id.is_null()).execute()


def _m020_stock_counts(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """Stock and price runs (issues 12, 20): more counts per run, and links found by SKU. A fresh database got
    the columns from migration 1 (it creates the current models), so only missing ones are added."""
    from playhouse.migrate import migrate as apply

    have = {c.name for c in db.get_columns("sync_run")}
    apply(*[migrator.add_column("sync_run", name, peewee.IntegerField(default=0))
            for name in ("unchanged", "unmatched", "held_back", "drift") if name not in have])
    if "link_entity_external_id" not in {i.name for i in db.get_indexes("link")}:
        db.execute_sql("CREATE INDEX link_entity_external_id ON link (entity, external_id)")


def _m060_reports(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """Reports: reconciliation findings (issue 16)."""
    db.create_tables([models.Report], safe=True)


def _m070_concurrency_slots(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """Leased slots of limits shared across processes, e.g. NetSuite's concurrency limit (issue 17)."""
    db.create_tables([models.ConcurrencySlot], safe=True)


def _m110_outage(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """Events remember a NetSuite outage they wait out (the first failure's time, the retries so far), so that
    an outage spends no attempts until ``retry.outage_hours``. A fresh database got them from migration 1."""
    from playhouse.migrate import migrate as apply

    have = {c.name for c in db.get_columns("event")}
    columns = {"outage_since": peewee.DateTimeField(null=True), "outage_retries": peewee.IntegerField(default=0)}
    apply(*[migrator.add_column("event", name, field) for name, field in columns.items() if name not in have])


MIGRATIONS: list[tuple[int, Callable[[peewee.Database, SchemaMigrator], None]]] = [
    (1, _m001_initial),
    (2, _m002_pipeline),
    (3, _m003_claims),
    (20, _m020_stock_counts),
    (60, _m060_reports),
    (70, _m070_concurrency_slots),
    (110, _m110_outage),
]


def migrate(db: peewee.Database | None = None) -> list[int]:
    """Apply every migration not yet recorded; return the versions applied now.

    Runs under a database-wide lock so that several processes starting at once (gunicorn workers, the worker)
    apply each migration exactly once.
    """
    db = db or database.obj
    applied = []
    migrator = SchemaMigrator.from_database(db)
    with _migration_lock(db):
        db.create_tables([SchemaVersion], safe=True)  # inside the lock: concurrent CREATEs race on PostgreSQL
        done = {row.version for row in SchemaVersion.select()}
        for version, step in MIGRATIONS:
            if version in done:
                continue
            step(db, migrator)
            SchemaVersion.create(version=version)
            log.info("applied schema migration %d", version)
            applied.append(version)
    return applied


def _migration_lock(db: peewee.Database):
    """One transaction holding a lock that other migrating processes wait for."""
    if isinstance(db, peewee.SqliteDatabase):
        return db.atomic("IMMEDIATE")
    txn = db.atomic()

    class _Locked:
        def __enter__(self):
            txn.__enter__()
            if isinstance(db, peewee.PostgresqlDatabase):
                db.execute_sql("SELECT pg_advisory_xact_lock(7400210)")
            return txn

        def __exit__(self, *exc):
            return txn.__exit__(*exc)

    return _Locked()


def current_version() -> int:
    row = SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar()
    return int(row or 0)
