"""Migration 20 and the settings of the stock flows (issues 12, 20): the run counts and the SKU index are added
to a database made before them (a no-op on a fresh one), the counts appear in the run JSON next to the old
keys, and every new setting is validated (422 naming the field) and round-trips."""

from __future__ import annotations

import pytest
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
    assert list(body["counts"])[:3] == ["seen", "changed", "failed"]  # `sidecar sync --wait` prints them so
    db.close()


@pytest.mark.parametrize("patch, field", [
    ({"inventory": {"overlap_minutes": -1}}, "inventory.overlap_minutes"),
    ({"inventory": {"hold_unexported_orders": "sometimes"}}, "inventory.hold_unexported_orders"),
    ({"prices": {"sale_price_level_id": "base"}}, "prices.sale_price_level_id"),
    ({"prices": {"decimals": 9}}, "prices.decimals"),
    ({"schedules": {"inventory_full": "nightly"}}, "schedules.inventory_full"),
    # they go into a SuiteQL IN (…), which holds at most 1000 values (netsuite-rest.md §8.3)
    ({"inventory": {"locations": [str(n) for n in range(1, 1002)]}}, "inventory.locations"),
])
def test_stock_settings_are_validated_naming_the_field(signed, patch, field):
    res = signed.put("/v1/settings", patch)
    assert res.status_code == 422
    assert res.get_json()["error"]["field"] == field


def test_stock_settings_round_trip(signed):
    body = {"inventory": {"overlap_minutes": 0, "hold_unexported_orders": False},
            "prices": {"sale_price_level_id": "2", "decimals": 3}, "schedules": {"inventory_full": "off"}}
    assert signed.put("/v1/settings", body).status_code == 200
    got = signed.get("/v1/settings").get_json()
    assert got["inventory"]["overlap_minutes"] == 0 and got["inventory"]["hold_unexported_orders"] is False
    assert got["prices"]["sale_price_level_id"] == "2" and got["prices"]["decimals"] == 3
    assert got["schedules"]["inventory_full"] == "off"
