"""What ``sidecar serve`` plugs into gunicorn: a gthread worker that stops safely, and a redacting logger.

**Worker.** gunicorn's gthread worker (23.0) handles SIGINT and SIGQUIT with ``handle_quit``, which calls
``ThreadPoolExecutor.shutdown()`` *inside the signal handler* and then ``sys.exit`` from there. CPython runs a
second signal's handler nested inside the first one (and inside whatever the main thread was doing), and on
Ctrl-C a worker gets two: SIGINT from the terminal (it shares the terminal's process group) and SIGQUIT from
the master shutting down. When the second lands while the interrupted code holds the executor's
``_shutdown_lock`` (inside ``shutdown`` itself, or in ``submit``, which holds it while it hands a connection to
a thread), the nested ``shutdown`` waits for a lock its own thread holds: the worker hangs for ever, keeps the
listening socket, and SIGTERM only sets a flag nobody reads any more. ``SidecarThreadWorker.handle_quit``
therefore only clears ``alive``; the worker's main loop notices within a second (its select timeout) and shuts
the pool down there, outside any signal handler — the same path SIGTERM (``handle_exit``) has always taken.
The master still SIGKILLs a worker that outlives ``graceful_timeout``.

**Logger.** gunicorn's ``gunicorn.error`` and ``gunicorn.access`` loggers do not propagate to the root logger,
so the redaction filter that ``install_log_redaction`` puts on the root handlers never sees them (a stored
secret in an exception gunicorn logs would reach the error log verbatim). ``RedactingLogger`` puts the same
filter on every handler gunicorn sets up for them.
"""

from __future__ import annotations

import logging

from gunicorn.glogging import Logger
from gunicorn.workers.gthread import ThreadWorker

from sidecar.store.apilog import RedactingFilter


class SidecarThreadWorker(ThreadWorker):
    """gthread, minus the blocking work in the SIGINT/SIGQUIT handler (see the module docstring)."""

    def handle_quit(self, sig, frame) -> None:
        self.alive = False
        self.cfg.worker_int(self)


def add_redaction(logger: logging.Logger) -> None:
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


class RedactingLogger(Logger):
    """gunicorn's logger with the sidecar's redaction on the error and access logs' handlers."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        add_redaction(self.error_log)
        add_redaction(self.access_log)
