"""The sidecar's tables (DESIGN.md §4, "Data model").

Every row that matters for safety lives here: ``Event`` is the durable record of each accepted event and job
(huey's own queue may drop a task, this row never does), ``Link`` binds a WooCommerce id to a NetSuite id.
"""

from __future__ import annotations

import datetime as dt
import json

import peewee

from sidecar.store.db import database


def utcnow() -> dt.datetime:
    """Naive UTC timestamp: stored the same way on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class JSONField(peewee.TextField):
    """JSON stored as text, so the same column works on every backend."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, sort_keys=True, default=str)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Link(BaseModel):
    """(entity, woo_id) ↔ (ns_id, external_id), with a fingerprint of what was last written."""

    entity = peewee.CharField(max_length=40)  # customer, order, refund, item, …
    woo_id = peewee.CharField(max_length=64)
    ns_id = peewee.CharField(max_length=64, null=True)
    ns_number = peewee.CharField(max_length=64, null=True)  # tranId of a transaction, e.g. SO1043
    external_id = peewee.CharField(max_length=190, null=True)
    fingerprint = peewee.CharField(max_length=128, null=True)
    data = JSONField(null=True)  # small extras: last quantity/price sent, …
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("entity", "woo_id"), True),
            (("entity", "ns_id"), False),
        )


class Event(BaseModel):
    """One accepted event or job: the durable record huey's queue is not."""

    key = peewee.CharField(max_length=190, unique=True)  # idempotency key
    source = peewee.CharField(max_length=20, default="plugin")  # plugin, webhook, poll, schedule, manual
    topic = peewee.CharField(max_length=60)
    resource_id = peewee.CharField(max_length=64, null=True)
    payload = JSONField(null=True)
    status = peewee.CharField(max_length=10, default="pending", index=True)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(null=True, index=True)
    lease_until = peewee.DateTimeField(null=True)
    last_error = peewee.TextField(null=True)
    outcome = peewee.TextField(null=True)
    occurred_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    # NetSuite unavailable (migration 110): when this event's current run of such failures began, and how many
    # retries it has waited so far (they spend no attempt; see sidecar/pipeline/outage.py)
    outage_since = peewee.DateTimeField(null=True)
    outage_retries = peewee.IntegerField(default=0)


class SyncRun(BaseModel):
    """One run of a flow: what started it, where its cursor stood, what it counted."""

    flow = peewee.CharField(max_length=40, index=True)
    trigger = peewee.CharField(max_length=20)  # manual, schedule, event, startup
    status = peewee.CharField(max_length=10, default="pending")  # pending, running, done, failed
    cursor_before = peewee.TextField(null=True)
    cursor_after = peewee.TextField(null=True)
    seen = peewee.IntegerField(default=0)
    changed = peewee.IntegerField(default=0)
    failed = peewee.IntegerField(default=0)
    unchanged = peewee.IntegerField(default=0)  # read, compared, nothing to write (migration 20)
    unmatched = peewee.IntegerField(default=0)  # a SKU on one side with no record on the other
    held_back = peewee.IntegerField(default=0)  # SKUs pushed lower because of orders not yet in NetSuite
    drift = peewee.IntegerField(default=0)  # values edited by hand in WooCommerce, overwritten
    errors = JSONField(null=True)  # the first few errors, readable
    started_at = peewee.DateTimeField(null=True)
    finished_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)


class Setting(BaseModel):
    """One top-level settings key (``orders``, ``items``, …) as JSON."""

    key = peewee.CharField(max_length=60, primary_key=True)
    value = JSONField()
    updated_at = peewee.DateTimeField(default=utcnow)


class Secret(BaseModel):
    """A credential, Fernet-encrypted; the plain value never touches the database."""

    name = peewee.CharField(max_length=80, primary_key=True)  # e.g. netsuite.token_secret
    ciphertext = peewee.TextField()
    updated_at = peewee.DateTimeField(default=utcnow)


class ApiCall(BaseModel):
    """The API log: one row per remote call, redacted, trimmed by age."""

    system = peewee.CharField(max_length=20)  # netsuite, woocommerce
    method = peewee.CharField(max_length=10)
    path = peewee.TextField()
    status = peewee.IntegerField(null=True)
    ms = peewee.IntegerField(default=0)
    error = peewee.TextField(null=True)
    created_at = peewee.DateTimeField(default=utcnow, index=True)


class Cursor(BaseModel):
    """An incremental position, e.g. ``woo.orders.modified_after``."""

    name = peewee.CharField(max_length=120, primary_key=True)
    value = peewee.TextField(null=True)
    updated_at = peewee.DateTimeField(default=utcnow)


class Heartbeat(BaseModel):
    """Last sign of life of a process (the worker), read by /readyz."""

    name = peewee.CharField(max_length=120, primary_key=True)
    beat_at = peewee.DateTimeField(default=utcnow)
    info = JSONField(null=True)


class Counter(BaseModel):
    """A monotonically growing count, e.g. ``events.duplicate``. In the database, not in process memory: intake
    runs in several gunicorn workers and the jobs in another process, and a /metrics scrape must see the sum."""

    name = peewee.CharField(max_length=80, primary_key=True)
    value = peewee.BigIntegerField(default=0)


class FlowLock(BaseModel):
    """Held by the one running run of a flow until ``lease_until``; renewed while the run is alive, so "one run of
    a flow at a time" holds across worker processes and survives a killed worker (its lease runs out)."""

    flow = peewee.CharField(max_length=40, primary_key=True)
    run_id = peewee.IntegerField(null=True)
    lease_until = peewee.DateTimeField(default=utcnow)


class Report(BaseModel):
    """A report a run produced (``reconcile``): its parameters, findings and counts. Reports read, never write;
    a finding's one-click fix is a separate, explicit request."""

    kind = peewee.CharField(max_length=40, index=True)
    status = peewee.CharField(max_length=10, default="pending")  # pending, running, done, failed
    params = JSONField(null=True)
    counts = JSONField(null=True)
    findings = JSONField(null=True)
    error = peewee.TextField(null=True)
    run_id = peewee.IntegerField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)
    finished_at = peewee.DateTimeField(null=True)
class Claim(BaseModel):
    """"One job is creating or changing this record right now": held by the attempt that took it, an event's
    attempt (``holder_kind="event"``, event id, its ``attempts``) or a run (``"run"``, run id, 0). It counts only
    while that attempt still holds its lease (``sidecar.store.binder``), so a killed worker's claim is free the
    moment its job is, not after a fixed time."""

    entity = peewee.CharField(max_length=40)  # order, customer, guest, … as in Link
    woo_id = peewee.CharField(max_length=64)
    holder_kind = peewee.CharField(max_length=10)
    holder_id = peewee.IntegerField()
    holder_token = peewee.IntegerField(default=0)
    taken_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entity", "woo_id"), True),)


class ConcurrencySlot(BaseModel):
    """One of the N slots of a limit shared by every process on this database (``sidecar.store.slots``): held
    by ``holder`` until ``lease_until``, free when the holder is empty or the lease has run out."""

    name = peewee.CharField(max_length=80)  # e.g. netsuite:1234567_SB1
    slot = peewee.IntegerField()
    holder = peewee.CharField(max_length=120, null=True)
    lease_until = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("name", "slot"), True),)


ALL_MODELS = [Link, Event, SyncRun, Setting, Secret, ApiCall, Cursor, Heartbeat]
PIPELINE_MODELS = [Counter, FlowLock]  # created by their own migration (see migrations.py)
CLAIM_MODELS = [Claim]  # likewise
