"""How the worker reads an exception: permanent or worth retrying, and a message a shop owner can act on.

Only the exception says whether it is retryable (``retryable`` attribute, set by ``FlowError`` and the client
errors); the worker never looks at HTTP statuses. Messages are redacted: a credential that found its way into an
exception text never reaches ``last_error``, the API or the log.
"""

from __future__ import annotations

import logging

from sidecar.flows.base import FlowError
from sidecar.security import redact_text

log = logging.getLogger(__name__)
MAX_MESSAGE = 2000


def is_permanent(exc: BaseException) -> bool:
    """``retryable = False`` (FlowError, validation, auth) fails at once; anything else is retried."""
    return getattr(exc, "retryable", None) is False


def describe(exc: BaseException) -> str:
    """One readable line: the flow's own message, a client error as it prints itself, else type: text."""
    message = exc.message if isinstance(exc, FlowError) else None
    if not message:
        text = str(exc).strip()
        message = text if hasattr(exc, "retryable") and text else f"{type(exc).__name__}: {text}".rstrip(": ")
    return redact_text(" ".join(message.split()), _known_secrets())[:MAX_MESSAGE]


def _known_secrets() -> list[str]:
    try:
        from sidecar.store.runtime import get_runtime

        return get_runtime().credentials.all_secret_values()
    except Exception:  # noqa: BLE001 - no runtime or database: pattern-based redaction still applies
        return []


def max_attempts() -> int:
    """``jobs.max_attempts`` from the settings, read at run time (a change needs no restart)."""
    try:
        from sidecar.store.settings import get_settings

        return int(get_settings()["jobs"]["max_attempts"])
    except Exception:  # settings unreadable: the documented default
        log.warning("could not read jobs.max_attempts; using 8", exc_info=True)
        return 8
