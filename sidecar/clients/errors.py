"""Errors raised by the API clients, each carrying its retry policy (see STYLE.md, "Errors carry their retry
policy"). The job worker only asks ``exc.retryable``; it never inspects HTTP statuses itself. How long to wait
is not decided here: every retry (in a client, and of a job) waits under ``sidecar.retry``, with ``retry_after``
as its floor."""

from __future__ import annotations


class RemoteError(Exception):
    """A call to NetSuite or WooCommerce failed.

    ``retryable`` is True for failures that may pass on their own (network, timeouts, 429, 5xx, record locks);
    False for failures that need a person (validation, permissions, missing configuration).
    ``retry_after`` (seconds) is set when the remote system said how long to wait.
    """

    system = "remote"
    retryable = False

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 retryable: bool | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        prefix = f"{self.system} {self.status}" if self.status else self.system
        return f"{prefix} {self.code}: {self.message}" if self.code else f"{prefix}: {self.message}"


class TransientError(RemoteError):
    """Network failure, timeout, 429 or 5xx: try again later."""

    retryable = True


class AuthError(RemoteError):
    """The remote system refused our credentials (401/403): a person must fix them."""

    retryable = False


class NotFoundError(RemoteError):
    """The record does not exist (404)."""

    retryable = False


class ValidationFailed(RemoteError):
    """The remote system refused the data (4xx validation): retrying the same data cannot help."""

    retryable = False
