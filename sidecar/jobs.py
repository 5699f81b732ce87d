"""huey tasks and periodic schedules (the second of huey's three import modules).

Importing this module registers every task on ``sidecar.queue.huey``; ``sidecar worker`` imports it before it
starts the consumer.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from .db import database
from .models import Heartbeat, utcnow
from .queue import huey  # noqa: F401 - tasks of later steps decorate with it

log = logging.getLogger(__name__)
WORKER_HEARTBEAT = "worker"


def beat(name: str = WORKER_HEARTBEAT) -> None:
    """Record that the worker is alive; ``/readyz`` reads it."""
    info = {"pid": os.getpid(), "host": socket.gethostname()}
    with database.connection_context():
        Heartbeat.insert(name=name, beat_at=utcnow(), info=info).on_conflict(
            conflict_target=[Heartbeat.name],
            update={Heartbeat.beat_at: utcnow(), Heartbeat.info: info}).execute()


def start_heartbeat(interval_s: float = 10.0) -> threading.Event:
    """Beat every ``interval_s`` seconds from a daemon thread; set the returned event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                beat()
            except Exception:  # noqa: BLE001 - keep beating after a passing database error
                log.warning("worker heartbeat failed", exc_info=True)
            stop.wait(interval_s)

    threading.Thread(target=loop, name="heartbeat", daemon=True).start()
    return stop
