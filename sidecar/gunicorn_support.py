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

**Spreading connections.** gthread's main thread accepts connections whatever its pool is doing, and every
worker waits on the same listening socket: whichever wakes first takes what is waiting. With keep-alive clients
(the intake benchmark's eight connections) one worker often took all of them while the other slept, and one
core (one GIL) served everything — in about half of the benchmark runs, for the no-op ceiling and the intake
alike (docs/performance.md). ``SidecarThreadWorker`` stops watching the listening socket once it holds as many
connections as it has threads, so the next ones go to another worker; it watches again as soon as one of its
connections closes, and after ``ACCEPT_PAUSE_S`` in any case (when every worker is full, a new connection waits
at most that long, plus the main loop's one-second poll when the worker is idle). A single worker never pauses.

**Logger.** gunicorn's ``gunicorn.error`` and ``gunicorn.access`` loggers do not propagate to the root logger,
so the redaction filter that ``install_log_redaction`` puts on the root handlers never sees them (a stored
secret in an exception gunicorn logs would reach the error log verbatim). ``RedactingLogger`` puts the same
filter on every handler gunicorn sets up for them.
"""

from __future__ import annotations

import logging
import selectors
import time

from gunicorn.glogging import Logger
from gunicorn.workers.gthread import ThreadWorker

from sidecar.store.apilog import RedactingFilter

ACCEPT_PAUSE_S = 0.05


class SidecarThreadWorker(ThreadWorker):
    """gthread, minus the blocking work in the SIGINT/SIGQUIT handler, and leaving connections it has no thread
    for to another worker (see the module docstring)."""

    def handle_quit(self, sig, frame) -> None:
        self.alive = False
        self.cfg.worker_int(self)

    def init_process(self) -> None:
        self._paused: dict = {}  # listening socket → its accept callback, while another worker should accept
        self._paused_at = 0.0
        super().init_process()

    def accept(self, server, listener) -> None:
        super().accept(server, listener)
        if self.cfg.workers > 1 and self.nr_conns >= self.cfg.threads:
            self._pause_accepting()

    def finish_request(self, fs) -> None:  # a pool thread, when a request is done (its connection may close)
        super().finish_request(fs)
        self._resume_accepting()

    def murder_keepalived(self) -> None:  # the main loop, each turn (idle keep-alive connections close here)
        super().murder_keepalived()
        self._resume_accepting()

    def _pause_accepting(self) -> None:
        with self._lock:
            for sock in self.sockets:
                try:
                    key = self.poller.get_key(sock)
                except (KeyError, ValueError):
                    continue
                self.poller.unregister(sock)
                self._paused[sock] = key.data
            self._paused_at = time.monotonic()

    def _resume_accepting(self) -> None:
        if not self._paused or not self.alive:
            return
        if self.nr_conns >= self.cfg.threads and time.monotonic() - self._paused_at < ACCEPT_PAUSE_S:
            return
        with self._lock:
            while self._paused:
                sock, acceptor = self._paused.popitem()
                try:
                    self.poller.register(sock, selectors.EVENT_READ, acceptor)
                except (KeyError, ValueError, OSError):  # closing down: the poller is gone
                    return


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
