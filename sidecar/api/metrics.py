"""Prometheus metrics. Counts that must agree across gunicorn workers and the worker process are read from the
database at scrape time (a collector), so they are right whatever process handled the request."""

from __future__ import annotations

from peewee import fn
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from sidecar.store.db import database
from sidecar.store.models import Event

registry = CollectorRegistry()
STATUSES = ("pending", "running", "done", "failed", "skipped")
COUNTERS = {  # metric name → (counter row, help)
    "nssync_events_duplicate": ("events.duplicate", "Events received again under a known key (not queued twice)"),
    "nssync_events_done": ("events.done", "Events handled successfully"),
    "nssync_events_failed": ("events.failed", "Events that ended failed (permanent error or out of attempts)"),
    "nssync_events_retried": ("events.retried", "Failed attempts scheduled for a retry with backoff"),
    "nssync_events_recovered": ("events.recovered", "Events taken back from a worker that stopped"),
    "nssync_events_deferred": ("events.deferred", "Events put back (attempt not counted): a live job held their record"),
    "nssync_events_outage_waits": ("events.outage_waits",
                                   "Events put back (attempt not counted): NetSuite unavailable (retry.outage_hours)"),
    "nssync_events_outage_failed": ("events.outage_failed", "Events failed: NetSuite unreachable for retry.outage_hours"),
}


class EventCollector:
    """Events by status and by source, the pipeline counters, and the queue depth."""

    def collect(self):
        try:
            with database.connection_context():
                by_status = dict(Event.select(Event.status, fn.COUNT(Event.id)).group_by(Event.status).tuples())
                by_source = dict(Event.select(Event.source, fn.COUNT(Event.id)).group_by(Event.source).tuples())
                from sidecar.pipeline.counters import read_all

                counters = read_all()
                waiting = Event.select().where((Event.status == "pending") & Event.outage_since.is_null(False)).count()
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is away
            return
        status = GaugeMetricFamily("nssync_events", "Events in the durable queue by status", labels=["status"])
        for name in STATUSES:
            status.add_metric([name], by_status.get(name, 0))
        yield status
        accepted = CounterMetricFamily("nssync_events_accepted", "Events accepted (stored and queued)",
                                       labels=["source"])
        for source, count in sorted(by_source.items()):
            accepted.add_metric([source], count)
        yield accepted
        for metric, (row, help_text) in COUNTERS.items():
            yield CounterMetricFamily(metric, help_text, value=counters.get(row, 0))
        yield GaugeMetricFamily("nssync_events_waiting_for_netsuite",
                                "Pending events waiting out a NetSuite outage (their attempts not spent)", value=waiting)
        yield GaugeMetricFamily("nssync_queue_depth", "Events waiting or running",
                                value=by_status.get("pending", 0) + by_status.get("running", 0))


class ReconcileCollector:
    """Findings of the newest finished reconciliation, by kind, so a monitor can alert on
    ``nssync_reconcile_findings{kind="missing_in_netsuite"} > 0``."""

    def collect(self):
        from sidecar.store.models import Report

        try:
            with database.connection_context():
                report = (Report.select().where((Report.kind == "reconcile") & (Report.status == "done"))
                          .order_by(Report.id.desc()).first())
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is away
            return
        if report is None:
            return
        gauge = GaugeMetricFamily("nssync_reconcile_findings", "Findings of the newest reconciliation report",
                                  labels=["kind"])
        for kind, count in sorted((report.counts or {}).items()):
            if kind not in ("orders", "sales_orders"):
                gauge.add_metric([kind], count)
        yield gauge
        yield GaugeMetricFamily("nssync_reconcile_orders", "Orders compared by the newest reconciliation",
                                value=(report.counts or {}).get("orders", 0))


registry.register(EventCollector())
registry.register(ReconcileCollector())
