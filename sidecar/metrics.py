"""Prometheus metrics. Counts that must agree across gunicorn workers are read from the database at scrape
time (a collector), so they are right whatever process handled the request."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily

from peewee import fn

from .db import database
from .models import Event

registry = CollectorRegistry()


class EventCollector:
    """Events by status, from the durable ``Event`` table."""

    def collect(self):
        by_status = GaugeMetricFamily("nssync_events", "Events in the durable queue by status", labels=["status"])
        try:
            with database.connection_context():
                counts = dict(Event.select(Event.status, fn.COUNT(Event.id)).group_by(Event.status).tuples())
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is away
            counts = {}
        for status in ("pending", "running", "done", "failed", "skipped"):
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status


registry.register(EventCollector())
