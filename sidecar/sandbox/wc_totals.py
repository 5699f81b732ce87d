"""Order totals as WC_Order::calculate_totals() produces them: coupon discounts per line, taxes per rate
(unrounded in ``taxes[]``, rounded per line), shipping and fee taxes, tax_lines and the order sums.

Pure functions over the order record and the store's coupons/tax rates; amounts are Decimals until rendering.
"""

from __future__ import annotations

from decimal import Decimal

from .wc_util import dec, round2

BASE_LOCATION = ("US", "CA")  # the store's base address, used when an order has no address


def order_location(order: dict) -> tuple[str, str]:
    """tax_based_on = shipping: shipping address, else billing, else the store base."""
    for part in ("shipping", "billing"):
        address = order.get(part) or {}
        if address.get("country"):
            return address["country"], address.get("state", "")
    return BASE_LOCATION


def applicable_rates(store, order: dict) -> list[dict]:
    """Rates for the order's address; a checkout placed with ``tax_rate`` keeps its own rate ids."""
    if order.get("rate_ids") is None and getattr(store, "pending_rate_ids", None):
        order["rate_ids"] = list(store.pending_rate_ids)
    if order.get("rate_ids"):
        return [store.taxes[i] for i in order["rate_ids"] if i in store.taxes]
    if not store.options.get("calc_taxes"):
        return []
    country, state = order_location(order)
    return [r for r in sorted(store.taxes.values(), key=lambda r: (r["priority"], r["id"]))
            if r["country"] in ("", country) and r["state"] in ("", state)]


def coupon_discounts(store, order: dict) -> dict[int, Decimal]:
    """Discount per line item id for the order's coupons (percent, fixed_cart, fixed_product)."""
    lines = order["line_items"]
    discounts = {line["id"]: Decimal(0) for line in lines}
    for coupon_line in order["coupon_lines"]:
        coupon = find_coupon(store, coupon_line["code"])
        if coupon is None:
            continue
        amount, kind = dec(coupon["amount"]), coupon["discount_type"]
        before = sum(discounts.values(), Decimal(0))
        base = {line["id"]: line["subtotal"] - discounts[line["id"]] for line in lines}
        if kind == "percent":
            for line in lines:
                discounts[line["id"]] += min(base[line["id"]], round2(line["subtotal"] * amount / 100))
        elif kind == "fixed_product":
            for line in lines:
                discounts[line["id"]] += min(base[line["id"]], amount * line["quantity"])
        else:
            _spread_fixed_cart(lines, base, discounts, amount)
        coupon_line["_amount"] = sum(discounts.values(), Decimal(0)) - before
    return discounts


def _spread_fixed_cart(lines: list[dict], base: dict, discounts: dict, amount: Decimal) -> None:
    total = sum(base.values())
    if total <= 0:
        return
    amount, left = min(amount, total), min(amount, total)
    for i, line in enumerate(lines):
        share = left if i == len(lines) - 1 else round2(amount * base[line["id"]] / total)
        share = min(share, base[line["id"]])
        discounts[line["id"]] += share
        left -= share


def find_coupon(store, code: str) -> dict | None:
    code = (code or "").lower()
    return next((c for c in store.coupons.values() if c["code"] == code), None)


def _line_taxes(rates: list[dict], total: Decimal, subtotal: Decimal | None) -> list[dict]:
    return [{"id": r["id"], "total": total * dec(r["rate"]) / 100,
             "subtotal": None if subtotal is None else subtotal * dec(r["rate"]) / 100} for r in rates]


def calculate_totals(store, order: dict) -> None:
    """Recompute every derived amount of ``order`` in place."""
    rates = applicable_rates(store, order)
    for c in order["coupon_lines"]:
        c.pop("_amount", None)
    discounts = coupon_discounts(store, order) if order["coupon_lines"] else {}
    for line in order["line_items"]:
        if order["coupon_lines"]:
            line["total"] = line["subtotal"] - discounts.get(line["id"], Decimal(0))
        line["taxes"] = _line_taxes(rates, line["total"], line["subtotal"]) if line.get("taxable", True) else []
    for line in order["shipping_lines"]:
        line["taxes"] = _line_taxes([r for r in rates if r["shipping"]], line["total"], None)
    for line in order["fee_lines"]:
        line["taxes"] = _line_taxes(rates, line["total"], None) if line.get("tax_status") == "taxable" else []
    _coupon_taxes(order, rates)
    _tax_lines(store, order, rates)
    _order_sums(order)


def _coupon_taxes(order: dict, rates: list[dict]) -> None:
    for coupon_line in order["coupon_lines"]:
        amount = coupon_line.get("_amount", Decimal(0))
        coupon_line["discount"] = amount
        coupon_line["discount_tax"] = round2(sum((amount * dec(r["rate"]) / 100 for r in rates), Decimal(0)))


def _tax_lines(store, order: dict, rates: list[dict]) -> None:
    old = {t["rate_id"]: t for t in order.get("tax_lines", [])}
    tax_lines = []
    for rate in rates:
        item_tax = sum((round2(_rate_total(line, rate)) for line in order["line_items"] + order["fee_lines"]),
                       Decimal(0))
        ship_tax = round2(sum((_rate_total(line, rate) for line in order["shipping_lines"]), Decimal(0)))
        line = old.get(rate["id"]) or {"id": store.next_id("item"), "meta": []}
        line.update({"rate_id": rate["id"], "rate": rate, "tax_total": item_tax, "shipping_tax_total": ship_tax})
        tax_lines.append(line)
    order["tax_lines"] = tax_lines


def _rate_total(line: dict, rate: dict) -> Decimal:
    return sum((t["total"] for t in line["taxes"] if t["id"] == rate["id"]), Decimal(0))


def _order_sums(order: dict) -> None:
    items = order["line_items"]
    unrounded_item_tax = sum((t["total"] for line in items + order["fee_lines"] for t in line["taxes"]), Decimal(0))
    unrounded_sub_tax = sum((t["subtotal"] for line in items for t in line["taxes"]), Decimal(0))
    item_line_tax = sum((t["total"] for line in items for t in line["taxes"]), Decimal(0))
    shipping_tax = round2(sum((t["total"] for line in order["shipping_lines"] for t in line["taxes"]), Decimal(0)))
    cart_tax = round2(unrounded_item_tax)
    totals = {
        "discount_total": sum((line["subtotal"] - line["total"] for line in items), Decimal(0)),
        "discount_tax": round2(unrounded_sub_tax - item_line_tax),
        "shipping_total": sum((line["total"] for line in order["shipping_lines"]), Decimal(0)),
        "shipping_tax": shipping_tax, "cart_tax": cart_tax, "total_tax": cart_tax + shipping_tax,
    }
    totals["total"] = (sum((line["total"] for line in items + order["fee_lines"]), Decimal(0))
                       + totals["shipping_total"] + cart_tax + shipping_tax)
    order["totals"] = totals
