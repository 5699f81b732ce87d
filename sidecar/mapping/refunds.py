"""WooCommerce refund → NetSuite creditMemo / cashRefund body (spec netsuite-rest.md §6.5, woocommerce.md A3.7).

| WooCommerce refund                                   | NetSuite creditMemo / cashRefund                        |
|------------------------------------------------------|---------------------------------------------------------|
| id                                                   | externalId ``woo-<store>-refund-<id>``                   |
| line_items (``_refunded_item_id``, −quantity, −total) | item lines: the order line's item, quantity, amount     |
| a line refunded by amount only (quantity 0)          | a ``refunds.item_id`` line, "Refund on <product>"       |
| shipping_lines                                       | a line of ``orders.shipping_item_id``, else shippingCost |
| fee_lines                                            | lines of ``orders.fee_item_id``                         |
| taxes (``orders.taxes`` = woocommerce)               | a line of ``orders.tax_item_id``                        |
| amount not covered by the above (amount-only refund) | a ``refunds.item_id`` line                              |
| reason, order number, date                           | memo, otherRefNum, tranDate                             |

WooCommerce's amounts are ex-tax per line and negative; NetSuite gets them positive and to the cent. When the
record is transformed from its source (invoice, cash sale), each refunded line names the source line it comes
from (``orderLine``), every other source line is left out (quantity 0), and the rest are added lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sidecar.mapping.common import MappingError, drop_empty, external_id, money, ref, to_number


@dataclass
class SourceLine:
    """One item line of the record the refund is transformed from."""

    line: int
    item: str


@dataclass
class RefundPlan:
    """What the flow sends: the body and the total it expects NetSuite to show."""

    body: dict
    expected_total: Decimal
    lines: list[dict] = field(default_factory=list)


def _abs(value) -> Decimal:
    return abs(money(value))


def refunded_item_id(line: dict) -> int | None:
    """The order line a refund line refunds (its ``_refunded_item_id`` meta)."""
    for meta in line.get("meta_data") or []:
        if meta.get("key") == "_refunded_item_id" and str(meta.get("value") or "").isdigit():
            return int(meta["value"])
    return None


def amount_item(settings: dict) -> str:
    item = settings["refunds"].get("item_id") or settings["refunds"].get("refund_item_id")
    if not item:
        raise MappingError("an amount-only refund needs a NetSuite item: set refunds.item_id", "refunds.item_id")
    return item


def _line(item: str, amount: Decimal, description: str, quantity: Decimal | None = None) -> dict:
    line = {"item": ref(item), "amount": to_number(amount), "description": description}
    if quantity:
        line.update(quantity=float(quantity), rate=to_number(amount / quantity, "0.0001"))
    return drop_empty(line)


def item_lines(refund: dict, settings: dict, item_ids: dict[int, str]) -> list[dict]:
    """Product lines: the items and quantities refunded; a line refunded by amount only → refunds.item_id."""
    lines = []
    for line in refund.get("line_items") or []:
        amount, quantity = _abs(line.get("total")), abs(money(line.get("quantity")))
        if not amount and not quantity:
            continue
        original = refunded_item_id(line)
        if quantity and original in item_ids:
            lines.append(_line(item_ids[original], amount, line.get("name") or "", quantity) | {"woo_line": original})
        elif amount:
            lines.append(_line(amount_item(settings), amount, f"Refund on {line.get('name') or 'an item'}"))
    return lines


def charge_lines(refund: dict, settings: dict, body: dict) -> list[dict]:
    """Shipping (an item line, or the header shippingCost) and fees refunded."""
    opts, lines = settings["orders"], []
    shipping = sum((_abs(s.get("total")) for s in refund.get("shipping_lines") or []), Decimal(0))
    if shipping and opts["shipping_item_id"]:
        lines.append(_line(opts["shipping_item_id"], shipping, "Shipping refund", Decimal(1)))
    elif shipping:
        body["shippingCost"] = to_number(shipping)
    for fee in refund.get("fee_lines") or []:
        if not opts["fee_item_id"]:
            raise MappingError("a refunded fee needs orders.fee_item_id", "orders.fee_item_id")
        if _abs(fee.get("total")):
            lines.append(_line(opts["fee_item_id"], _abs(fee.get("total")), fee.get("name") or "Fee refund"))
    return lines


def refund_tax(refund: dict) -> Decimal:
    """Tax WooCommerce refunded on lines, shipping and fees."""
    return sum((_abs(line.get("total_tax")) for kind in ("line_items", "shipping_lines", "fee_lines")
                for line in refund.get(kind) or []), Decimal(0))


def refund_plan(refund: dict, order: dict, settings: dict, item_ids: dict[int, str]) -> RefundPlan:
    """The record body (without entity or source) for one WooCommerce refund; MappingError names the setting."""
    opts = settings["orders"]
    number = str(order.get("number") or order["id"])
    reason = str(refund.get("reason") or "").strip()
    body = drop_empty({
        "externalId": external_id(settings["store"]["key"], "refund", refund["id"]),
        "tranDate": str(refund.get("date_created") or "")[:10] or None,
        "otherRefNum": number,
        "memo": f"WooCommerce refund {refund['id']} of order {number}" + (f": {reason}" if reason else ""),
    })
    lines = item_lines(refund, settings, item_ids) + charge_lines(refund, settings, body)
    tax = refund_tax(refund)
    if tax and opts["taxes"] == "woocommerce":
        if not opts["tax_item_id"]:
            raise MappingError("refunded tax needs orders.tax_item_id", "orders.tax_item_id")
        lines.append(_line(opts["tax_item_id"], tax, "Tax refund", Decimal(1)))
    covered = sum((money(line["amount"]) for line in lines), Decimal(0)) + money(body.get("shippingCost"))
    rest = _abs(refund.get("amount")) - covered - (tax if opts["taxes"] != "woocommerce" else Decimal(0))
    if rest >= Decimal("0.01"):
        lines.append(_line(amount_item(settings), rest, reason or f"Refund on order {number}"))
    if not lines and not body.get("shippingCost"):
        raise MappingError(f"refund {refund['id']} refunds nothing that can be recorded", "refunds.item_id")
    return RefundPlan(body=body, expected_total=covered + (rest if rest >= Decimal("0.01") else 0), lines=lines)


def standalone_body(plan: RefundPlan, header: dict) -> dict:
    """A record against the customer: the source's header (entity, subsidiary, currency, location) + lines."""
    items = [{k: v for k, v in line.items() if k != "woo_line"} for line in plan.lines]
    return {**header, **plan.body, "item": {"items": items}}


def transform_body(plan: RefundPlan, source_lines: list[SourceLine], source_has_discount: bool,
                   apply_to: str | None = None) -> dict:
    """The transform body: refunded lines keyed by the source line of the same item, other source lines left
    out, lines with no source line added; the source's shipping and header discount overridden. ``apply_to``:
    the invoice a credit memo is transformed from, named in its ``apply`` sublist as the doc example of spec §4.7
    does (``doc``, ``apply``, ``line`` 0); the amount is left to NetSuite, which knows the tax."""
    unused = list(source_lines)
    items = []
    for line in plan.lines:
        line = {k: v for k, v in line.items() if k != "woo_line"}
        match = next((s for s in unused if line.get("quantity") and s.item == (line.get("item") or {}).get("id")),
                     None)
        if match:
            unused.remove(match)
            line = {"orderLine": match.line, **{k: v for k, v in line.items() if k != "item"}}
        items.append(line)
    items += [{"orderLine": s.line, "quantity": 0} for s in unused]
    body = {**plan.body, "shippingCost": plan.body.get("shippingCost", 0.0), "item": {"items": items}}
    if source_has_discount:
        body["discountRate"] = 0
    if apply_to:
        body["apply"] = {"items": [{"doc": {"id": str(apply_to)}, "apply": True, "line": 0}]}
    return body
