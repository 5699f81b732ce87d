"""Fewer NetSuite requests per exported order (issue 17): the account's few concurrent requests are the ceiling.

What an order costs (docs/benchmarks.md, "Orders"): a returning customer and known items → one create of the
sales order plus a share of one read of its number; a new customer → one SuiteQL look-up by external id or
e-mail and one create of the customer on top. Two helpers keep it there:

- ``customer_turn(order)``: orders of one buyer take turns in this process while their customer is resolved.
  Two orders of a new guest placed a second apart used to run side by side: both looked the customer up, both
  created it, one was refused (external id taken) and adopted the other's — five requests instead of two. Now the
  second waits for the first's link and costs nothing. (Across processes the old path still holds: harmless.)
- ``sales_order_numbers(ctx, ns_id)``: the create answers only with the internal id; the number (``tranId``) for
  the link and the write-back needs a read. Reads of orders created at about the same time share one SuiteQL
  query: while one read is in flight, the next orders' ids gather and go together when it returns (no waiting
  when nothing is in flight). An id the query does not return falls back to a plain GET.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sidecar.clients.suiteql import in_list

_turns: dict[str, threading.Lock] = {}
_turns_lock = threading.Lock()


def buyer_key(order: dict) -> str | None:
    """Who placed an order: its WooCommerce customer, or its billing e-mail for a guest."""
    if order.get("customer_id"):
        return f"customer:{order['customer_id']}"
    email = ((order.get("billing") or {}).get("email") or "").strip().lower()
    return f"guest:{email}" if email else None


@contextmanager
def customer_turn(order: dict) -> Iterator[None]:
    """Hold this buyer's turn (per process) while the order's customer is found or created."""
    key = buyer_key(order)
    if key is None:
        yield
        return
    with _turns_lock:
        lock = _turns.setdefault(key, threading.Lock())
    try:
        with lock:
            yield
    finally:
        with _turns_lock:
            if not lock.locked():
                _turns.pop(key, None)


class _Read:
    def __init__(self, ns_id: str, record_type: str = "salesOrder"):
        self.ns_id = ns_id
        self.record_type = record_type
        self.wake = threading.Event()  # set when done, or when this read must lead the next batch
        self.done = False
        self.lead = False
        self.number: str | None = None
        self.error: BaseException | None = None


class NumberReader:
    """One SuiteQL read for the numbers of every sales order waiting, one read in flight at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[_Read] = []
        self._busy = False

    def number(self, ctx, ns_id: str, record_type: str = "salesOrder") -> str:
        me = _Read(str(ns_id), record_type)
        with self._lock:
            self._waiting.append(me)
            if not self._busy:
                self._busy = me.lead = True
        while not me.done:
            if me.lead:
                self._read_batch(ctx)
            else:
                me.wake.wait()
                me.wake.clear()
        if me.error is not None:
            raise me.error
        return me.number or ctx.netsuite.get(me.record_type, me.ns_id).get("tranId") or me.ns_id

    def _read_batch(self, ctx) -> None:
        with self._lock:
            batch, self._waiting = self._waiting[:1000], self._waiting[1000:]
        try:
            rows = ctx.netsuite.suiteql(
                f"SELECT id, tranid FROM transaction WHERE id IN {in_list([r.ns_id for r in batch])}")
            found = {str(row["id"]): row.get("tranid") for row in rows}
            for read in batch:
                read.number = found.get(read.ns_id)
        except Exception as exc:  # noqa: BLE001 - every waiter of this batch gets the error, its job retries
            for read in batch:
                read.error = exc
        for read in batch:
            read.lead, read.done = False, True
            read.wake.set()
        with self._lock:
            if self._waiting:  # the next batch is led by its first waiter
                self._waiting[0].lead = True
                self._waiting[0].wake.set()
            else:
                self._busy = False


_reader = NumberReader()


def sales_order_number(ctx, ns_id: str, record_type: str = "salesOrder") -> str:
    """The ``tranId`` of a sales order (or cash sale) just created (shared read, see the module docstring)."""
    return _reader.number(ctx, ns_id, record_type)
