"""The huey instance (the first of huey's three import modules: instance, tasks, entry point).

By default huey keeps its queue in the sidecar's own database through the peewee proxy, so an ``Event`` row and
its task commit in one transaction; with SIDECAR_REDIS_URL set, RedisHuey is used instead.
"""

from __future__ import annotations

import os

from huey import Huey, RedisHuey
from huey.contrib.sql_huey import SqlStorage
from huey.storage import BaseStorage
from peewee import MySQLDatabase, PostgresqlDatabase

from sidecar.store.db import database
from sidecar.store.fastinsert import insert_row
from sidecar.store.txn import write_transaction


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


# Redis socket timeouts (seconds). redis-py waits forever by default, so a Redis that accepts connections but
# never answers (hung, paused, a half-open proxy) would hang every intake request after its Event row committed.
# The socket timeout must stay above huey's blocking-dequeue wait (BRPOP, 1 s). ``?socket_timeout=`` and
# ``?socket_connect_timeout=`` in SIDECAR_REDIS_URL override these.
REDIS_CONNECT_TIMEOUT_S = 2.0
REDIS_SOCKET_TIMEOUT_S = 3.0


def redis_pool(url: str):
    """A connection pool for ``url`` whose calls fail after a few seconds instead of blocking: an enqueue that
    fails is repaired by the sweeper, a hung request is not. (``redis`` is the optional ``redis`` extra.)"""
    from redis import ConnectionPool

    return ConnectionPool.from_url(url, socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
                                   socket_timeout=REDIS_SOCKET_TIMEOUT_S)


def _build() -> Huey:
    redis_url = os.environ.get("SIDECAR_REDIS_URL")
    if redis_url:
        return RedisHuey("sidecar", connection_pool=redis_pool(redis_url), utc=True)
    return Huey("sidecar", storage_class=ProxySqlStorage, utc=True)


huey = _build()


def uses_sql_storage() -> bool:
    return isinstance(huey.storage, ProxySqlStorage)
