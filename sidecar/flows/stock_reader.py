"""NetSuite's stock rows read ahead on a thread of their own, so the inventory run never waits for NetSuite while
it has other work (issue 12).

The reader sends the first SuiteQL request the moment it is made — before the run reads the store's catalog or
the orders not yet in NetSuite — and keeps walking the keyset pages while the caller works: a full run reads
NetSuite while it scans the store, an incremental run has its one page back by the time its local work is done.
Pages wait in a bounded queue (``read_ahead`` pages) as compact tuples (``StockRow``; the repeated timestamp and
quantity texts are shared), so 100,000 rows read ahead cost about 15 MB, and a catalog of millions never sits in
memory: the reader pauses when the queue is full.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import NamedTuple

_DONE = object()


class StockRow(NamedTuple):
    """One NetSuite item with its availability summed over the chosen locations."""

    id: int
    sku: str | None
    parent: str | None
    available: str | None
    changed: str | None  # the newest lastquantityavailablechange of its locations, NetSuite's clock


def compact(row: dict) -> StockRow:
    """A SuiteQL row (strings, absent when null) as a StockRow; shared texts are interned."""
    def shared(value):
        return sys.intern(value) if isinstance(value, str) else value

    return StockRow(int(row["id"]), row.get("sku"), shared(row.get("parent")), shared(row.get("available")),
                    shared(row.get("changed")))


class StockReader:
    """Iterate to get pages (lists of ``StockRow``) in id order; ``close()`` stops the walk and joins the thread.

    ``fetch(after)`` returns one SuiteQL page (``items``, ``hasMore``) of the rows whose id is above ``after``.
    An error of the walk is raised to the caller at the page where it happened."""

    def __init__(self, fetch: Callable[[int], dict], read_ahead: int = 2):
        self._fetch = fetch
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, read_ahead))
        self._stop = threading.Event()
        self.started = time.monotonic()
        self.first_page_s: float | None = None  # seconds from start to the first answer
        self.last_page_s: float | None = None
        self.pages = 0
        self._thread = threading.Thread(target=self._walk, name="ns-stock-reader", daemon=True)
        self._thread.start()

    def _walk(self) -> None:
        after = 0
        try:
            while not self._stop.is_set():
                page = self._fetch(after)
                rows = [compact(r) for r in page.get("items") or []]
                self.pages += 1
                self.last_page_s = time.monotonic() - self.started
                if self.first_page_s is None:
                    self.first_page_s = self.last_page_s
                if rows:
                    self._put(rows)
                if not (page.get("hasMore") and rows):
                    break
                after = rows[-1].id
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised where it reads
            self._put(exc)
        finally:
            self._put(_DONE)

    def _put(self, item: object) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[list[StockRow]]:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop reading ahead (a page being fetched is finished, then dropped) and wait for the thread."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.1)
            except queue.Empty:
                pass
        self._thread.join()


class Phases:
    """When each step of a run ended, in seconds from its start, for the run's log line."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.marks: list[tuple[str, float]] = []

    def mark(self, name: str) -> None:
        self.marks.append((name, time.monotonic() - self.started))

    def __str__(self) -> str:
        return ", ".join(f"{name} at {at:.3f} s" for name, at in self.marks)
