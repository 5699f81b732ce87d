"""Writes of stock and prices to WooCommerce, gathered into batch calls of ≤100 objects (products through
``products/batch``, variations through ``products/<parent>/variations/batch``) and sent on a few threads.

Each object succeeds or fails on its own (WooCommerce answers 200 with per-item errors): a success updates its
link through ``on_written`` (which changes ``link.data``; the writer saves the batch's links together) and
counts as changed; a failure counts as failed with a message that says what to
fix. An answer that does not show what was sent is a failure too: WooCommerce ignores some fields silently. A 413 (a store that lowered its batch limit) halves the batch inside the client.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sidecar.clients.woocommerce_catalog import BatchPool
from sidecar.flows.base import FlowContext
from sidecar.store.link_rows import save_links
from sidecar.store.models import Link
from sidecar.store.txn import write_transaction

BATCH = 100
MAX_ERRORS = 20
HINTS = {"woocommerce_rest_product_invalid_id": "the product is gone from WooCommerce; the next full run "
                                                "refreshes the SKU map",
         "woocommerce_rest_product_variation_invalid_id": "the variation is gone from WooCommerce; the next full "
                                                          "run refreshes the SKU map"}


NOT_APPLIED_HINTS = {
    "stock": "WooCommerce keeps no stock on this product: a grouped or external product cannot hold stock, and "
             "none can while stock management is off (WooCommerce > Settings > Products > Inventory)",
    "price": "WooCommerce keeps no price of its own on a grouped or variable product",
}


def not_applied(body: dict, answer: dict) -> list[str]:
    """The fields of ``body`` the store's answer does not show. WooCommerce answers 200 with the object as saved
    even when it ignored a field (spec A2.2: stock of grouped/external products, or with store-wide stock
    management off; prices of grouped/variable products), so a write is only done when the answer says so."""
    missed = []
    for field, sent in body.items():
        shown = answer.get(field)
        if field == "manage_stock":
            same = shown is sent
        elif field == "stock_quantity":
            same = isinstance(shown, int) and not isinstance(shown, bool) and shown == sent
        elif field in ("regular_price", "sale_price"):
            same = _price(shown) == _price(sent)
        else:
            continue
        if not same:
            missed.append(field)
    return missed


def _price(value) -> Decimal | str:
    text = "" if value is None else str(value)
    try:
        return Decimal(text) if text else ""
    except InvalidOperation:
        return text


def describe(link: Link, message: str) -> str:
    data = link.data or {}
    kind = "variation" if data.get("parent") else "product"
    return f"SKU {data.get('sku') or '?'} (WooCommerce {kind} {link.woo_id}): {message}"


def record_error(run, message: str) -> None:
    run.failed += 1
    errors = list(run.errors or [])
    if len(errors) < MAX_ERRORS:
        errors.append(message)
        run.errors = errors


class WooWriter:
    """``add(link, body)`` queues one update; ``close()`` sends the rest and waits for every answer.

    ``on_unanswered(link)`` hears of each write whose batch call failed without a verdict from the store
    (network, 5xx, 429): a flow that reads only what changed must read that item again next time."""

    def __init__(self, ctx: FlowContext, run, on_written: Callable[[Link, dict], None], workers: int = 4,
                 on_unanswered: Callable[[Link], None] | None = None):
        self.ctx, self.run, self.on_written = ctx, run, on_written
        self.on_unanswered = on_unanswered
        self.pool = BatchPool(workers)
        self.products: list[tuple[Link, dict]] = []
        self.variations: dict[int, list[tuple[Link, dict]]] = {}
        self.waiting_variations = 0
        self.calls = 0

    def add(self, link: Link, body: dict) -> None:
        parent = int((link.data or {}).get("parent") or 0)
        if not parent:
            self.products.append((link, body))
            if len(self.products) >= BATCH:
                self._send(0, self.products)
                self.products = []
            return
        self.variations.setdefault(parent, []).append((link, body))
        self.waiting_variations += 1
        if self.waiting_variations >= BATCH:
            self._send_variations()

    def _send_variations(self) -> None:
        for parent, items in self.variations.items():
            self._send(parent, items)
        self.variations, self.waiting_variations = {}, 0

    def _send(self, parent: int, items: list[tuple[Link, dict]]) -> None:
        updates = [{"id": int(link.woo_id), **body} for link, body in items]
        woo = self.ctx.woo
        self.calls += 1
        if parent:
            call = lambda: woo.batch_variations(parent, update=updates)
        else:
            call = lambda: woo.batch_products(update=updates)
        self.pool.submit(call, lambda result: self._done(items, result))

    def _done(self, items: list[tuple[Link, dict]], result: Any) -> None:
        if isinstance(result, Exception):
            for link, _ in items:
                record_error(self.run, describe(link, f"not written: {result}"))
                if self.on_unanswered is not None and getattr(result, "retryable", False):
                    self.on_unanswered(link)
            return
        answers = {}
        for answer in (result or {}).get("update") or []:
            if isinstance(answer, dict) and answer.get("id") is not None:
                answers[int(answer["id"])] = answer
        written = []
        for link, body in items:
            answer = answers.get(int(link.woo_id))
            error = (answer or {}).get("error")
            if answer is None or error:
                code = (error or {}).get("code", "no_answer")
                message = (error or {}).get("message", "WooCommerce did not answer for it")
                hint = HINTS.get(code, "check the product in WooCommerce")
                record_error(self.run, describe(link, f"{message} ({code}); {hint}"))
                continue
            missed = not_applied(body, answer)
            if missed:
                hint = NOT_APPLIED_HINTS["stock" if {"manage_stock", "stock_quantity"} & set(missed) else "price"]
                shown = ", ".join(f"{f} {answer.get(f)!r}" for f in missed)
                record_error(self.run, describe(link, f"WooCommerce answered but did not apply it (it shows {shown});"
                                                      f" {hint}"))
                continue
            self.on_written(link, body)
            written.append(link)
        with write_transaction():
            save_links(written)  # data, ns_id, fingerprint: one statement for the batch's links
        self.run.changed += len(written)

    def close(self) -> None:
        """Send what is still gathered and wait for every answer."""
        try:
            if self.products:
                self._send(0, self.products)
                self.products = []
            self._send_variations()
        finally:
            self.pool.close()
