"""huey tasks and periodic schedules (the second of huey's three import modules).

Importing this module registers every task on ``sidecar.pipeline.queue.huey``: the event job and the run job (declared
beside the code that enqueues them, ``intake`` and ``runs``) and the per-minute ``schedule_tick``. The tick is
the one huey periodic task; it reads ``schedules.<flow>`` from the settings each minute, so a changed schedule
takes effect at the next minute without a restart. ``sidecar worker`` imports this module and calls
``start_background()`` before it starts the consumer.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from croniter import croniter
from huey import crontab

from sidecar.pipeline.enqueue import process_event_task  # noqa: F401 - registers the task
from sidecar.pipeline.queue import huey
from sidecar.pipeline.registry import get_registry
from sidecar.pipeline.runs import run_flow_task, start_run  # noqa: F401 - registers the task
from sidecar.pipeline.sweeper import start_sweeper
from sidecar.store.apilog import trim_api_log
from sidecar.store.db import database
from sidecar.store.models import Heartbeat, utcnow
from sidecar.store.settings import get_settings

log = logging.getLogger(__name__)
WORKER_HEARTBEAT = "worker"


def due_flows(now: dt.datetime, schedules: dict, flows: dict) -> list[str]:
    """The flows whose cron expression (``schedules[flow.schedule_key]``) matches the minute ``now``."""
    due = []
    for name, spec in sorted(flows.items()):
        cron = schedules.get(spec.schedule_key)
        if cron and cron != "off" and croniter.is_valid(cron) and croniter.match(cron, now.replace(second=0)):
            due.append(name)
    return due


def run_schedules(now: dt.datetime | None = None) -> list[int]:
    """Start a run of every flow due at ``now`` (UTC); returns the ids of the runs started."""
    now = now or utcnow()
    started = []
    for name in due_flows(now, get_settings()["schedules"], get_registry().flows):
        run, created = start_run(name, "schedule")
        if created:
            started.append(run.id)
        else:
            log.info("schedule: %s is still running (run %s); not starting another", name, run.id)
    return started


@huey.periodic_task(crontab(), name="sidecar.schedule_tick")
def schedule_tick() -> None:
    """Every minute: start the flows whose schedule in the settings says so."""
    run_schedules()


API_LOG_DAYS = 14


@huey.periodic_task(crontab(minute="17"), name="sidecar.trim_api_log")
def trim_api_log_task() -> int:
    """Hourly: drop API log rows older than API_LOG_DAYS, so the log stays a useful size."""
    with database.connection_context():
        removed = trim_api_log(API_LOG_DAYS)
    if removed:
        log.info("API log: removed %d rows older than %d days", removed, API_LOG_DAYS)
    return removed


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
            except Exception:  # keep beating after a passing database error
                log.warning("worker heartbeat failed", exc_info=True)
            stop.wait(interval_s)

    threading.Thread(target=loop, name="heartbeat", daemon=True).start()
    return stop


def start_background() -> list[threading.Event]:
    """Everything a worker process runs beside the consumer: flow discovery, heartbeat and the sweeper."""
    registry = get_registry()
    log.info("flows: topics %s; runs %s", sorted(registry.topics), sorted(registry.flows))
    for module, error in registry.load_errors.items():
        log.error("flow module %s is not loaded: %s", module, error)
    return [start_heartbeat(), start_sweeper()]
