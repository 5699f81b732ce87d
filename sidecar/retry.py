"""The one retry policy of the sidecar: how long to wait before trying again, for NetSuite calls, WooCommerce
calls and jobs alike.

The rule, declared once here: retry number ``n`` (1-based) waits up to ``min(cap_s, base_s * 2**(n-1))``,
jittered so that many threads or events that failed together do not come back in step; and a ``Retry-After``
the remote system sent is a floor: the wait is never shorter, and never capped below it. A client that would
have to sleep longer than ``max_wait_s`` in a worker thread does not: it raises the error with its
``retry_after`` set, and the job queue, which applies the same floor, reschedules the job instead.

The in-process loops (the clients) run on tenacity; the job queue has no loop to run (huey schedules the next
attempt with an ETA), so it asks ``RetryPolicy.delay`` directly. See docs/architecture.md, "Retries".
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import tenacity

T = TypeVar("T")


def parse_retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds (a number or an HTTP date, RFC 9110 §10.2.3); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def retry_after_of(exc: BaseException | None) -> float | None:
    """The seconds the remote system asked us to wait, as the client errors carry them."""
    value = getattr(exc, "retry_after", None)
    return float(value) if value is not None else None


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, ``Retry-After`` as a floor, a bounded number of in-process retries.

    ``jitter`` is the random share of each wait: 1.0 is "full jitter" (anywhere from 0 to the ceiling, what the
    clients use: Oracle asks integrations not to retry in step), 0.5 waits between half the ceiling and the
    ceiling (the job queue: a job should not come back almost at once)."""

    max_retries: int = 5
    base_s: float = 0.5
    cap_s: float = 30.0
    jitter: float = 1.0
    max_wait_s: float = 120.0

    def delay(self, retry: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based); never less than ``retry_after``."""
        ceiling = min(self.cap_s, self.base_s * 2 ** max(retry - 1, 0))
        wait = ceiling * (1.0 - self.jitter * (rng or random).random())
        return max(wait, float(retry_after)) if retry_after is not None else wait

    def sleeps_for(self, retry_after: float | None) -> bool:
        """True when a wait of ``retry_after`` may be slept in this thread; a longer one goes to the job queue."""
        return retry_after is None or retry_after <= self.max_wait_s

    def call(self, attempt: Callable[[], T], *, may_retry: Callable[[BaseException], bool],
             sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> T:
        """Run ``attempt`` until it returns. A failure is tried again (after ``delay``) while ``may_retry``
        accepts it, its ``retry_after`` fits in ``max_wait_s`` and fewer than ``max_retries`` retries were made;
        otherwise the failure itself is raised, unchanged."""
        def retryable(exc: BaseException) -> bool:
            return may_retry(exc) and self.sleeps_for(retry_after_of(exc))

        def wait(state: tenacity.RetryCallState) -> float:
            return self.delay(state.attempt_number, retry_after_of(state.outcome.exception()), rng)

        retrying = tenacity.Retrying(stop=tenacity.stop_after_attempt(self.max_retries + 1), wait=wait,
                                     retry=tenacity.retry_if_exception(retryable), sleep=sleep, reraise=True)
        return retrying(attempt)


NO_LIMIT = math.inf


def job_policy(base_s: float, cap_s: float) -> RetryPolicy:
    """The policy of the job queue: the same rule, longer waits, half-to-full jitter, and no in-process loop
    (the number of attempts is ``jobs.max_attempts``, counted on the event row)."""
    return RetryPolicy(max_retries=0, base_s=base_s, cap_s=cap_s, jitter=0.5, max_wait_s=NO_LIMIT)


__all__ = ["RetryPolicy", "job_policy", "parse_retry_after", "retry_after_of"]

