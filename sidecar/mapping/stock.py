"""Stock and prices, NetSuite → WooCommerce, as pure rules (issues 12 and 20): the quantity a store may sell,
prices in the store's decimals, and whether a product needs a write at all.

The quantity rule, in one line: NetSuite available over the chosen locations − safety buffer − units of that
SKU in WooCommerce orders that already took stock in WooCommerce but are not sales orders in NetSuite yet,
never below 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any


def sku_key(sku: Any) -> str:
    """SKUs compare without case and surrounding spaces, as WooCommerce's MySQL collation compares them."""
    return str(sku or "").strip().casefold()


def number(value: Any, what: str) -> Decimal:
    """A SuiteQL value (a string) as a number; ValueError naming ``what`` when it is not one."""
    try:
        out = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{what} is {value!r}, not a number") from None
    if not out.is_finite():
        raise ValueError(f"{what} is {value!r}, not a number")
    return out


def target_quantity(available: Any, safety_buffer: int, held: int = 0) -> int:
    """What WooCommerce may sell: available − buffer − units held by orders not yet in NetSuite, floored at 0.
    Fractional availability (units of measure) rounds down: a store cannot sell half a unit."""
    qty = int(number(available or 0, "quantityavailable").to_integral_value(rounding="ROUND_FLOOR"))
    return max(0, qty - int(safety_buffer) - int(held))


def money(value: Any, decimals: int) -> str:
    """A price as WooCommerce stores it: a decimal string with the store's number of decimals."""
    step = Decimal(1).scaleb(-decimals)
    return str(number(value, "unitprice").quantize(step, rounding=ROUND_HALF_UP))


def prices(regular: Any, sale: Any, decimals: int) -> dict[str, str]:
    """``regular_price`` and ``sale_price``; the sale price is empty when missing, equal to or above the regular
    one (WooCommerce's own editor refuses a sale price that is not lower)."""
    out = {"regular_price": money(regular, decimals), "sale_price": ""}
    if sale not in (None, ""):
        sale_text = money(sale, decimals)
        if Decimal(sale_text) < Decimal(out["regular_price"]):
            out["sale_price"] = sale_text
    return out


@dataclass(frozen=True)
class StockDecision:
    """What to do with one product: write ``body`` (None = nothing) and whether WooCommerce had drifted."""

    body: dict | None
    drift: bool


def decide_stock(target: int, last_pushed: int | None, woo_qty: int | None, managed: bool | None,
                 woo_fresh: bool) -> StockDecision:
    """Push only on change. ``woo_fresh``: ``woo_qty``/``managed`` were read from WooCommerce in this run.

    With a fresh reading the store's own number decides (a hand edit is overwritten and counted as drift);
    without one, the binder's last pushed quantity does. ``manage_stock`` is sent until the store reports it."""
    if woo_fresh:
        if managed is True and woo_qty == target:
            return StockDecision(None, False)
        drift = managed is True and last_pushed is not None and woo_qty != last_pushed and woo_qty != target
    else:
        if managed is True and last_pushed == target:
            return StockDecision(None, False)
        drift = False
    body: dict = {"stock_quantity": target}
    if managed is not True:
        body["manage_stock"] = True
    return StockDecision(body, drift)


def decide_prices(wanted: dict[str, str], current: dict[str, Any]) -> dict | None:
    """The price fields that differ from what WooCommerce (or the last push) has; None when nothing does."""
    changed = {k: v for k, v in wanted.items() if str(current.get(k) if current.get(k) is not None else "") != v}
    return changed or None


def add_units(held: dict[str, int], lines: list[dict]) -> None:
    """Add an order's line quantities, by SKU, to ``held``."""
    for line in lines or []:
        key = sku_key(line.get("sku"))
        if key:
            held[key] = held.get(key, 0) + max(0, int(line.get("quantity") or 0))
