"""The database side of the job queue: huey's SQL storage bound to the sidecar's own database.

By default huey keeps its queue in the sidecar's database through the peewee proxy, so an ``Event`` row and its
task commit in one transaction. The tables are the store's (migration 1 creates them); the huey instance that
uses this storage is ``sidecar.pipeline.queue``.
"""

from __future__ import annotations

import os

from huey.contrib.sql_huey import SqlStorage
from huey.storage import BaseStorage
from peewee import MySQLDatabase, PostgresqlDatabase

from sidecar.store.db import database
from sidecar.store.fastinsert import insert_row
from sidecar.store.txn import write_transaction


def sql_queue_in_use() -> bool:
    """True unless SIDECAR_REDIS_URL moves the queue to Redis."""
    return not os.environ.get("SIDECAR_REDIS_URL")


def create_queue_tables() -> None:
    """huey's tables (kv, schedule, task) in the sidecar's database, when the queue lives there."""
    if sql_queue_in_use():
        ProxySqlStorage().create_tables()


class ProxySqlStorage(SqlStorage):
    """huey's SqlStorage bound to the sidecar's DatabaseProxy, so the database is chosen at run time."""

    def __init__(self, name: str = "huey", **_: object):
        BaseStorage.__init__(self, name)
        self.database = database
        self.KV, self.Schedule, self.Task = self.create_models()

    @property
    def for_update(self) -> str | None:
        obj = database.obj
        return "FOR UPDATE SKIP LOCKED" if isinstance(obj, (PostgresqlDatabase, MySQLDatabase)) else None

    @for_update.setter
    def for_update(self, _value) -> None:  # SqlStorage assigns it; ours is derived
        pass

    def create_tables(self) -> None:
        database.create_tables([self.KV, self.Schedule, self.Task], safe=True)

    def check_conn(self) -> None:
        database.connect(reuse_if_open=True)

    def enqueue(self, data, priority=None):
        """As SqlStorage.enqueue, with the INSERT's text built once (it runs on every accepted event)."""
        self.check_conn()
        insert_row(self.Task, queue=self.name, data=data, priority=priority or 0)

    def dequeue(self):
        """As SqlStorage.dequeue, but the select-then-delete runs in a write transaction taken up front: on SQLite
        a deferred one fails at once with "database is locked" when another connection wrote in between."""
        self.check_conn()
        if not self.tasks(self.Task.id).exists():  # idle polls take no write lock
            return None
        query = self.tasks(self.Task.id, self.Task.data).order_by(self.Task.priority.desc(), self.Task.id).limit(1)
        if self.for_update:
            query = query.for_update(self.for_update)
        with write_transaction():
            task = query.first()
            if task is not None and self.Task.delete().where(self.Task.id == task.id).execute() == 1:
                return task.data
        return None

    def read_schedule(self, timestamp):
        """As SqlStorage.read_schedule, in a write transaction taken up front (see ``dequeue``)."""
        self.check_conn()
        query = self.schedule(self.Schedule.id, self.Schedule.data).where(self.Schedule.timestamp <= timestamp)
        if not query.exists():
            return []
        if self.for_update:
            query = query.for_update(self.for_update)
        with write_transaction():
            rows = list(query.tuples())
            if rows:
                self.Schedule.delete().where(self.Schedule.id.in_([r[0] for r in rows])).execute()
        return [r[1] for r in rows]

    def put_data(self, key, value, is_result=False):
        self.check_conn()
        (self.KV.insert(queue=self.name, key=key, value=value)
         .on_conflict(conflict_target=[self.KV.queue, self.KV.key], preserve=[self.KV.value]).execute())
