"""The store on every backend the suite has (SQLite always; PostgreSQL when CI provides one)."""

import multiprocessing

import peewee
import pytest

from sidecar.security import SecretBox
from sidecar.store import migrations
from sidecar.store.credentials import CredentialStore
from sidecar.store.db import connect_database, database
from sidecar.store.models import ALL_MODELS, Event, Link, Secret
from sidecar.store.settings import get_settings, update_settings
from tests.conftest import database_file_bytes, make_config


@pytest.fixture
def db(any_db_url):
    db = connect_database(any_db_url)
    db.connect()
    migrations.migrate(db)
    yield db
    db.close()


def test_migrations_create_every_table_and_record_the_version(db):
    tables = set(db.get_tables())
    for model in ALL_MODELS:
        assert model._meta.table_name in tables
    assert {"schema_version", "task", "kv", "schedule"} <= tables
    assert migrations.current_version() == migrations.MIGRATIONS[-1][0]
    assert migrations.migrate(db) == []  # a second start applies nothing


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    db = connect_database(f"sqlite:///{tmp_path / 'x.db'}")
    db.connect()
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 10000
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()


def test_event_key_is_unique(db):
    Event.create(key="evt-1", topic="order.created", resource_id="10", payload={"id": 10})
    with pytest.raises(peewee.IntegrityError), db.atomic():
        Event.create(key="evt-1", topic="order.created", resource_id="10")
    assert Event.get(Event.key == "evt-1").payload == {"id": 10}


def test_link_is_unique_per_entity_and_woo_id(db):
    Link.create(entity="order", woo_id="5", ns_id="100", external_id="woo-s-order-5")
    Link.create(entity="customer", woo_id="5", ns_id="200")
    with pytest.raises(peewee.IntegrityError), db.atomic():
        Link.create(entity="order", woo_id="5", ns_id="101")


def test_settings_round_trip_on_this_backend(db):
    update_settings({"orders": {"subsidiary_id": "2", "ship_methods": {"flat_rate": "9"}}})
    assert get_settings()["orders"]["ship_methods"] == {"flat_rate": "9"}
    assert get_settings()["orders"]["subsidiary_id"] == "2"


def test_secrets_are_encrypted_at_rest(db, any_db_url, tmp_path):
    from cryptography.fernet import Fernet

    store = CredentialStore(SecretBox(Fernet.generate_key()))
    plain = "PLAIN-token-secret-4711"
    store.put({"netsuite": {"account_id": "1234567", "token_secret": plain, "consumer_secret": "PLAIN-cs-4712"}})
    assert store.get("netsuite")["token_secret"] == plain
    stored = [row.ciphertext for row in Secret.select()]
    assert stored and all("PLAIN-" not in c for c in stored)
    if any_db_url.startswith("sqlite"):
        db.execute_sql("PRAGMA wal_checkpoint(FULL)")
        raw = database_file_bytes(tmp_path / "sidecar.db")
        assert b"PLAIN-token-secret-4711" not in raw and b"PLAIN-cs-4712" not in raw
        assert len(raw) > 0
    else:
        dump = " ".join(str(r) for r in db.execute_sql("SELECT * FROM secret").fetchall())
        assert "PLAIN-" not in dump


def _migrate_in_child(url: str, queue) -> None:
    try:
        db = connect_database(url)
        db.connect()
        queue.put(migrations.migrate(db))
        db.close()
    except Exception as exc:  # noqa: BLE001 - report to the parent
        queue.put(repr(exc))


def test_concurrent_starts_apply_each_migration_once(any_db_url):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_migrate_in_child, args=(any_db_url, queue)) for _ in range(4)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join()
    assert all(isinstance(r, list) for r in results), results
    assert sorted(len(r) for r in results) == [0, 0, 0, len(migrations.MIGRATIONS)]


def test_app_starts_on_this_backend(any_db_url, tmp_path):
    from sidecar.api.app import create_app

    app = create_app(make_config(tmp_path, database_url=any_db_url))
    res = app.test_client().get("/metrics")
    assert res.status_code == 200
    assert type(database.obj).__name__ in {"SqliteDatabase", "PostgresqlDatabase"}


def test_the_api_log_is_trimmed_by_age(db):
    import datetime as dt

    from sidecar.pipeline.jobs import trim_api_log_task
    from sidecar.store.models import ApiCall, utcnow

    ApiCall.create(system="netsuite", method="GET", path="/old", status=200, created_at=utcnow() - dt.timedelta(days=15))
    ApiCall.create(system="netsuite", method="GET", path="/new", status=200)
    assert trim_api_log_task.call_local() == 1
    assert [row.path for row in ApiCall.select()] == ["/new"]
