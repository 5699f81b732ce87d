"""Reading and writing a whole WooCommerce catalog quickly without holding it in memory (spec A0, A2.3).

``pages_in_parallel`` reads page 1, learns ``X-WP-TotalPages`` and fetches the rest a few at a time, yielding
pages in order; ``BatchPool`` sends batch writes on a few threads, at most ``workers`` in flight. WooCommerce
has no documented concurrency limit; the default of 4 keeps a shared host comfortable.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sidecar.clients.woocommerce_paging import MAX_PER_PAGE

DEFAULT_WORKERS = 4


def _get(client: Any, path: str, params: dict, page: int) -> tuple[list[dict], int]:
    resp = client.http.request("GET", path, params={**params, "per_page": MAX_PER_PAGE, "page": page})
    items = resp.data if isinstance(resp.data, list) else []
    try:
        total_pages = int(resp.headers.get("X-WP-TotalPages") or 1)
    except (TypeError, ValueError):
        total_pages = 1
    return items, total_pages


def pages_in_parallel(client: Any, path: str, params: dict | None = None,
                      workers: int = DEFAULT_WORKERS) -> Iterator[list[dict]]:
    """Every page of a collection, in page order, ``workers`` requests at a time. Order by ``id`` in
    ``params`` so that pages are stable while the catalog changes."""
    params = dict(params or {})
    first, total = _get(client, path, params, 1)
    yield first
    if total <= 1 or not first:
        return
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="woo-pages") as pool:
        window: deque[Future] = deque()
        next_page = 2
        while next_page <= total or window:
            while next_page <= total and len(window) < 2 * max(1, workers):
                window.append(pool.submit(_get, client, path, params, next_page))
                next_page += 1
            items, _ = window.popleft().result()
            yield items


class BatchPool:
    """Batch writes on a few threads. ``submit(call, done)`` runs ``call()`` on a thread and later ``done(result
    or exception)`` on the caller's thread (inside ``submit`` or ``drain``), so database work stays there."""

    def __init__(self, workers: int = DEFAULT_WORKERS):
        self.workers = max(1, workers)
        self.pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="woo-batch")
        self.pending: deque[tuple[Future, Callable[[Any], None]]] = deque()

    def submit(self, call: Callable[[], Any], done: Callable[[Any], None]) -> None:
        while len(self.pending) >= self.workers:
            self._finish_one()
        self.pending.append((self.pool.submit(call), done))

    def _finish_one(self) -> None:
        future, done = self.pending.popleft()
        try:
            result = future.result()
        except Exception as exc:  # noqa: BLE001 - handed to the caller, who records it against the items
            result = exc
        done(result)

    def drain(self) -> None:
        while self.pending:
            self._finish_one()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            self.pool.shutdown(wait=True)
