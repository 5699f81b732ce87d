"""The pipeline's own small tables: persistent counters for /metrics and one lock row per flow.

Counters live in the database (not in process memory) because intake runs in several gunicorn workers and the
jobs in another process; a scrape must see the sum. The flow lock makes "one run of a flow at a time" hold
across worker processes and survive a killed worker (its lease simply runs out).
"""

from __future__ import annotations

import peewee

from .models import BaseModel, utcnow


class Counter(BaseModel):
    """A monotonically growing count, e.g. ``events.duplicate``."""

    name = peewee.CharField(max_length=80, primary_key=True)
    value = peewee.BigIntegerField(default=0)


class FlowLock(BaseModel):
    """Held by the one running run of a flow until ``lease_until``; renewed while the run is alive."""

    flow = peewee.CharField(max_length=40, primary_key=True)
    run_id = peewee.IntegerField(null=True)
    lease_until = peewee.DateTimeField(default=utcnow)


PIPELINE_MODELS = [Counter, FlowLock]
