"""The huey instance (the first of huey's three import modules: instance, tasks, entry point).

By default huey keeps its queue in the sidecar's own database (``store.queue_storage``), so an ``Event`` row and
its task commit in one transaction; with SIDECAR_REDIS_URL set, RedisHuey is used instead.
"""

from __future__ import annotations

import os

from huey import Huey, RedisHuey

from sidecar.store.queue_storage import ProxySqlStorage, sql_queue_in_use

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
    if not sql_queue_in_use():
        return RedisHuey("sidecar", connection_pool=redis_pool(os.environ["SIDECAR_REDIS_URL"]), utc=True)
    return Huey("sidecar", storage_class=ProxySqlStorage, utc=True)


huey = _build()


def uses_sql_storage() -> bool:
    return isinstance(huey.storage, ProxySqlStorage)
