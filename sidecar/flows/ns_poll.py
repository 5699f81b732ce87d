"""What the NetSuite polls (fulfilments, closed sales orders) share: their cursor, kept in ``Cursor`` as
NetSuite's ``lastmodifieddate`` text, and the window each run reads.

A run reads from ``OVERLAP`` before the cursor (SuiteQL dates have one-second resolution and a record saved
while the previous run read is easy to miss), and the new cursor is the newest ``lastmodifieddate`` seen, capped
at the run's start and saved only when every record of the window was handled: at-least-once, made harmless by
the binder (each fulfilment and each close is handled once).
"""

from __future__ import annotations

import datetime as dt

from sidecar.store.models import Cursor, utcnow

OVERLAP = dt.timedelta(minutes=10)
FIRST_RUN_LOOKBACK = dt.timedelta(days=1)
FORMAT = "%Y-%m-%d %H:%M:%S"


def ns_time(value: dt.datetime) -> str:
    """``2026-12-04 10:00:00``: the text ``TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS')`` reads."""
    return value.strftime(FORMAT)


def parse_ns_time(text: object) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(str(text)[:19], FORMAT)
    except ValueError:
        return None


def window_start(name: str, started: dt.datetime) -> dt.datetime:
    """Where this run reads from: the saved cursor (or a day back on a first run), minus the overlap."""
    row = Cursor.get_or_none(Cursor.name == name)
    since = parse_ns_time(row.value) if row and row.value else None
    return (since or started - FIRST_RUN_LOOKBACK) - OVERLAP


def advance(name: str, rows: list[dict], failed: list[dict], started: dt.datetime) -> str | None:
    """Save the newest ``lastmodified`` of ``rows`` (never past the run's start, nor up to a failed row, which
    the next window must read again); returns the saved text, None when nothing moves."""
    times = [t for t in (parse_ns_time(r.get("lastmodified")) for r in rows) if t]
    if not times:
        return None
    newest = min(max(times), started)
    failed_times = [t for t in (parse_ns_time(r.get("lastmodified")) for r in failed) if t]
    if failed_times:
        newest = min(newest, min(failed_times) - dt.timedelta(seconds=1))
    row = Cursor.get_or_none(Cursor.name == name)
    current = parse_ns_time(row.value) if row and row.value else None
    if current is not None and newest <= current:
        return None
    text = ns_time(newest)
    Cursor.insert(name=name, value=text, updated_at=utcnow()).on_conflict(
        conflict_target=[Cursor.name], update={Cursor.value: text, Cursor.updated_at: utcnow()}).execute()
    return text
