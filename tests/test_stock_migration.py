"""Migration 20 (issues 12, 20): run counts for stock runs and links found by SKU — added to a database made
before it, a no-op on a fresh one, and the counts appear in the run JSON next to the old keys."""

from __future__ import annotations

from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as apply

from sidecar.store.db import connect_database
from sidecar.store.migrations import SchemaVersion, migrate


def test_adds_columns_to_an_older_database(any_db_url):
    db = connect_database(any_db_url)
    db.connect()
    migrate(db)
    migrator = SchemaMigrator.from_database(db)
    apply(*[migrator.drop_column("sync_run", c) for c in ("unchanged", "unmatched", "held_back", "drift")])
    db.execute_sql("DROP INDEX link_entity_external_id")
    SchemaVersion.delete().where(SchemaVersion.version == 20).execute()
    assert migrate(db) == [20]
    columns = {c.name for c in db.get_columns("sync_run")}
    assert {"unchanged", "unmatched", "held_back", "drift"} <= columns
    assert "link_entity_external_id" in {i.name for i in db.get_indexes("link")}
    assert migrate(db) == []
    db.close()


def test_run_json_has_counts_and_old_keys(tmp_path):
    from sidecar.api.sync import render
    from sidecar.store.models import SyncRun

    db = connect_database(f"sqlite:///{tmp_path / 'new.db'}")
    db.connect()
    assert 20 in migrate(db)
    run = SyncRun.create(flow="inventory", trigger="manual", seen=5, changed=2, unchanged=2, unmatched=1,
                         held_back=1, drift=1)
    body = render(SyncRun.get_by_id(run.id), full=True)
    assert body["seen"] == 5 and body["changed"] == 2 and body["failed"] == 0
    assert body["counts"] == {"seen": 5, "changed": 2, "unchanged": 2, "unmatched": 1, "failed": 0,
                              "held_back": 1, "drift": 1}
    db.close()
