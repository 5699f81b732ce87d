"""The gthread worker's SIGINT/SIGQUIT handler must not wait for the thread pool's lock.

CPython runs a signal handler in the main thread between two bytecodes of whatever it was doing. Stock gthread's
``handle_quit`` calls ``ThreadPoolExecutor.shutdown()``, which takes the pool's ``_shutdown_lock``; when the
main thread was interrupted while holding that lock (inside ``submit``, or inside the ``shutdown`` of a first
SIGINT when the master's SIGQUIT follows), the handler waits for ever for a lock its own thread holds. Here the
lock is held by the test while the handler runs in another thread: a handler that touches the lock blocks.
"""

from __future__ import annotations

import signal
import threading
from concurrent.futures import ThreadPoolExecutor

from gunicorn.config import Config
from gunicorn.workers.gthread import ThreadWorker

from sidecar.gunicorn_support import SidecarThreadWorker


def call_quit_while_pool_lock_is_held(worker_class, wait_s: float = 10) -> tuple[bool, object]:
    worker = worker_class.__new__(worker_class)  # only what handle_quit reads; no sockets, no fork
    worker.alive, worker.cfg, worker.tpool = True, Config(), ThreadPoolExecutor(max_workers=1)
    done = threading.Event()

    def quit_handler() -> None:
        try:
            worker.handle_quit(signal.SIGINT, None)
        except SystemExit:
            pass
        done.set()

    with worker.tpool._shutdown_lock:  # the interrupted main thread's state
        thread = threading.Thread(target=quit_handler, daemon=True)
        thread.start()
        returned = done.wait(wait_s)  # a blocked handler never returns; the bound only ends the wait
    thread.join(5)
    return returned, worker


def test_quit_only_flags_the_main_loop_and_never_waits_for_the_pool_lock():
    returned, worker = call_quit_while_pool_lock_is_held(SidecarThreadWorker)
    assert returned, "handle_quit blocked on the thread pool's lock"
    assert worker.alive is False  # the main loop ends and shuts the pool down outside the handler
    assert not worker.tpool._shutdown
    worker.tpool.shutdown()


def test_stock_gthread_quit_handler_blocks_on_the_pool_lock():
    """The cause, kept as a check: if gunicorn fixes its handler, SidecarThreadWorker can go."""
    returned, worker = call_quit_while_pool_lock_is_held(ThreadWorker, wait_s=1)
    assert not returned, "gunicorn's gthread handle_quit no longer waits for the pool lock"
    worker.tpool.shutdown(wait=False)
