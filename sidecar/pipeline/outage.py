"""NetSuite unavailable: how long an event waits an outage out before it is marked failed.

A shop owner expects nothing lost when NetSuite is down for a few hours (maintenance windows happen). With every
failed attempt counted, eight attempts of capped backoff are spent in about two hours, and the events of a longer
outage ended ``failed``. So a failure that only says NetSuite is not answering — no connection, a timeout, a 5xx,
a 429 (the client error's ``unavailable``) — spends no attempt: the event goes back to pending after the usual
capped backoff (``sidecar.pipeline.timing.backoff_s``, counted by its own ``outage_retries``), as long as less than
``retry.outage_hours`` passed since the first failure of this run of them (``Event.outage_since``). After that it
fails with a reason that says so. A validation or authentication error is not an outage: it fails as before (at
once, or after ``jobs.max_attempts`` for other passing failures), and any such other failure ends the run.
"""

from __future__ import annotations

import datetime as dt
import logging

from sidecar.store.models import utcnow

log = logging.getLogger(__name__)
DEFAULT_HOURS = 24.0


def is_unavailability(exc: BaseException) -> bool:
    """A retryable failure that only says NetSuite is not answering (set by the NetSuite client's errors)."""
    return getattr(exc, "unavailable", False) is True and getattr(exc, "retryable", None) is True


def now() -> dt.datetime:
    """The clock outages are measured with (naive UTC); tests replace it with a simulated one."""
    return utcnow()


def outage_hours() -> float:
    """``retry.outage_hours`` from the settings, read at run time (a change needs no restart)."""
    try:
        from sidecar.store.settings import get_settings

        return float(get_settings()["retry"]["outage_hours"])
    except Exception:  # settings unreadable: the documented default
        log.warning("could not read retry.outage_hours; using %g", DEFAULT_HOURS, exc_info=True)
        return DEFAULT_HOURS


def over(since: dt.datetime, at: dt.datetime, hours: float) -> bool:
    """True once ``hours`` have passed from ``since`` to ``at``."""
    return at - since >= dt.timedelta(hours=hours)


def reason(hours: float, message: str) -> str:
    """The failed event's readable reason, e.g. ``NetSuite unreachable for 24 h: netsuite 503 …``."""
    return f"NetSuite unreachable for {hours:g} h: {message}"
