"""The pipeline's clocks: job lease, sweep interval and retry backoff, read from the environment.

Defaults suit production (a 5-minute lease renewed while the job runs, a sweep every 15 s, retries from 30 s
doubling up to an hour). Tests shorten them with ``SIDECAR_JOB_LEASE_S``, ``SIDECAR_SWEEP_INTERVAL_S`` and
``SIDECAR_RETRY_BASE_S`` so that a killed worker's events come back within seconds.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

from sidecar.retry import job_policy


@dataclass(frozen=True)
class Timing:
    lease_s: float = 300.0
    sweep_interval_s: float = 15.0
    retry_base_s: float = 30.0
    retry_max_s: float = 3600.0


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


def timing() -> Timing:
    """Read on every call, so a test (or an operator) can change it without re-importing anything."""
    return Timing(lease_s=_float("SIDECAR_JOB_LEASE_S", Timing.lease_s),
                  sweep_interval_s=_float("SIDECAR_SWEEP_INTERVAL_S", Timing.sweep_interval_s),
                  retry_base_s=_float("SIDECAR_RETRY_BASE_S", Timing.retry_base_s),
                  retry_max_s=_float("SIDECAR_RETRY_MAX_S", Timing.retry_max_s))


def backoff_s(attempt: int, retry_after: float | None = None, t: Timing | None = None,
              rand: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (1-based), under the sidecar's one retry policy
    (``sidecar.retry``): exponential from ``retry_base_s``, capped at ``retry_max_s``, half-to-full jitter.

    Jitter spreads retries of many events that failed together (NetSuite down for a minute) so they do not
    all come back at once. A ``Retry-After`` from the remote system is a floor, never shortened.
    """
    t = t or timing()
    return job_policy(t.retry_base_s, t.retry_max_s).delay(attempt, retry_after, rand)


def busy_delay_s(lease_left_s: float, held_for_s: float = 0.0, rand: random.Random | None = None) -> float:
    """Delay before a job that found its record claimed by another live job looks again.

    Never later than the holder's remaining lease: that is when the claim is free for sure (a killed holder's
    lease simply runs out). Sooner while the holder is young — as long again as it has held the claim so far —
    because a live holder usually finishes within seconds of taking it: a waiter looks again after 0.2, 0.4,
    0.8 … s, a handful of database reads, and a dead holder costs a few looks before its lease ends. Up to a
    quarter of jitter keeps waiters from coming back at the same instant.
    """
    wait = max(min(lease_left_s, held_for_s), 0.2)
    return wait * (1 + 0.25 * (rand or random).random())
