"""The API log: one redacted row per call to NetSuite or WooCommerce (DESIGN.md §3, ``GET /v1/log``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from sidecar.security import redact_text
from sidecar.store.db import database
from sidecar.store.fastinsert import insert_row
from sidecar.store.models import ApiCall, utcnow

log = logging.getLogger(__name__)
_known_secrets: list[str] = []


def remember_secrets(values: list[str]) -> None:
    """Values the redaction must hide wherever they appear (the stored credentials)."""
    _known_secrets[:] = [v for v in values if v]


def record_api_call(system: str, method: str, path: str, status: int | None, ms: float,
                    error: str | None = None) -> None:
    """Write one API log row; a failure to log never breaks the call being logged.

    It runs after every HTTP call of a job, on the job's thread: it uses the thread's open connection (closing
    it, as ``connection_context`` does, made the job's next query reconnect — and on SQLite the last connection's
    close runs a WAL checkpoint), and opens (and closes) one only when the thread has none (issue 17)."""
    try:
        with database.connection_context() if database.is_closed() else contextlib.nullcontext():
            insert_row(ApiCall, system=system, method=method.upper(), path=redact_text(path, _known_secrets)[:2000],
                       status=status, ms=int(ms), error=redact_text(error, _known_secrets)[:2000] if error else None)
    except Exception:
        log.warning("could not write the API log row for %s %s", system, method, exc_info=True)


def trim_api_log(max_age_days: int = 14) -> int:
    """Delete API log rows older than ``max_age_days``; returns how many went."""
    cutoff = utcnow() - dt.timedelta(days=max_age_days)
    return ApiCall.delete().where(ApiCall.created_at < cutoff).execute()


def known_secrets() -> list[str]:
    """The stored credential values this process last learned (for redaction anywhere)."""
    return list(_known_secrets)


class RedactingFilter(logging.Filter):
    """Removes credentials from every log line, tracebacks included: an exception message or a URL with a key
    in it must never reach a log file, whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = known_secrets()
        record.msg = redact_text(record.getMessage(), secrets)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info), secrets)
        return True


def install_log_redaction() -> None:
    """Put the filter on every handler of the root logger (handler filters see propagated records)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
