"""What every flow shares: its permanent error type and the context it runs in.

A flow raises ``FlowError`` for a record it cannot sync until a person fixes something (unknown SKU, missing
mapping): the job goes straight to ``failed`` with that message. Network, 429 and 5xx trouble arrives as a
``sidecar.clients.errors.RemoteError`` whose ``retryable`` flag tells the worker to back off and try again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class FlowError(Exception):
    """A record that cannot be synced as it stands; the message says what to fix."""

    retryable = False

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class FlowContext:
    """What a flow needs, passed explicitly: the two clients and the effective settings."""

    netsuite: Any  # sidecar.clients.netsuite.NetSuiteClient
    woo: Any  # sidecar.clients.woocommerce.WooClient
    settings: dict
    extras: dict = field(default_factory=dict)
