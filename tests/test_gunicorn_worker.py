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


def listening_worker(workers: int, threads: int):
    """A SidecarThreadWorker with a real listening socket and poller, but no fork and no main loop."""
    import selectors
    import socket

    worker = SidecarThreadWorker.__new__(SidecarThreadWorker)
    cfg = Config()
    cfg.set("workers", workers)
    cfg.set("threads", threads)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    worker.cfg, worker.sockets, worker.alive, worker.nr_conns = cfg, [listener], True, 0
    worker.poller, worker._lock = selectors.DefaultSelector(), threading.RLock()
    worker._paused, worker._paused_at = {}, 0.0
    worker.poller.register(listener, selectors.EVENT_READ, "accept-callback")
    clients = [socket.create_connection(listener.getsockname()) for _ in range(threads + 1)]
    return worker, listener, clients


def watching(worker, listener) -> bool:
    return listener in {key.fileobj for key in worker.poller.get_map().values()}


def test_a_worker_with_a_connection_per_thread_leaves_the_next_ones_to_another_worker():
    worker, listener, clients = listening_worker(workers=2, threads=2)
    try:
        worker.accept(listener.getsockname(), listener)
        assert watching(worker, listener)
        worker.accept(listener.getsockname(), listener)
        assert not watching(worker, listener)  # two connections, two threads: the other worker takes the third
        worker._resume_accepting()
        assert not watching(worker, listener)  # still full, and only just paused
        worker.nr_conns -= 1  # a connection closed
        worker._resume_accepting()
        assert watching(worker, listener)
        assert worker.poller.get_key(listener).data == "accept-callback"
        worker.accept(listener.getsockname(), listener)
        worker._paused_at -= 1  # full for a second: every worker may be full, accept anyway
        worker._resume_accepting()
        assert watching(worker, listener)
    finally:
        for c in clients:
            c.close()
        listener.close()


def test_a_single_worker_always_accepts():
    worker, listener, clients = listening_worker(workers=1, threads=1)
    try:
        worker.accept(listener.getsockname(), listener)
        worker.accept(listener.getsockname(), listener)
        assert watching(worker, listener) and worker.nr_conns == 2
    finally:
        for c in clients:
            c.close()
        listener.close()
