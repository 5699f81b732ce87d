"""WooCommerce order → NetSuite salesOrder body (spec netsuite-rest.md §6.1).

The mapping table, as the settings choose it:

| WooCommerce                         | NetSuite salesOrder                                              |
|-------------------------------------|------------------------------------------------------------------|
| id                                  | externalId ``woo-<store>-order-<id>``                            |
| number                              | otherRefNum; memo (``orders.memo`` template)                     |
| date_created (store time)           | tranDate                                                         |
| customer (resolved by the flow)     | entity                                                           |
| billing / shipping                  | billingAddress / shippingAddress subrecords, email               |
| currency                            | currency (``orders.currencies``)                                 |
| line_items (sku → item, resolved)   | item lines: item, quantity, rate, amount (before coupons)       |
| coupon_lines / discount_total       | a discount item line, or header discountItem + discountRate      |
| shipping_lines                      | shipMethod + shippingCost, or a shipping item line              |
| fee_lines                           | other-charge item lines (``orders.fee_item_id``)                 |
| total_tax (``orders.taxes``)        | left to NetSuite, or a tax item line carrying WooCommerce's tax |
| settings                            | subsidiary, location, department, class; orderStatus B          |
| ``orders.field_map``, ``orders.rules`` | any body field, applied last                                  |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sidecar.mapping.common import MappingError, address, drop_empty, external_id, money, ref, to_number
from sidecar.mapping.rules import apply_field_map, apply_rules


@dataclass
class ResolvedOrder:
    """Ids the flow looked up before mapping: NetSuite customer and one item per WooCommerce line id."""

    customer_id: str
    item_ids: dict[int, str] = field(default_factory=dict)


def ship_method_key(line: dict) -> str:
    """``method_id:instance_id`` (``flat_rate:3``), the key ``orders.ship_methods`` is looked up by."""
    instance = str(line.get("instance_id") or "").strip()
    return f"{line.get('method_id')}:{instance}" if instance and instance != "0" else str(line.get("method_id"))


def sales_order(order: dict, settings: dict, resolved: ResolvedOrder) -> dict:
    """The salesOrder body for ``order``; raises MappingError naming the setting to fix."""
    opts = settings["orders"]
    body = header(order, settings, resolved)
    lines = item_lines(order, resolved, opts)
    lines += discount_lines(order, opts, body)
    lines += shipping(order, opts, body)
    lines += fee_lines(order, opts)
    lines += tax_lines(order, opts)
    body["item"] = {"items": lines}
    body.update(apply_field_map(order, opts["field_map"]))
    body.update(apply_rules(order, opts["rules"]))
    return body


def record_type(order: dict, settings: dict) -> str:
    """``orders.record``: ``cashSale`` makes a paid order (``date_paid`` set) a cash sale; an unpaid order, or
    the default ``salesOrder``, is a sales order."""
    paid = bool(order.get("date_paid") or order.get("date_paid_gmt"))
    return "cashSale" if settings["orders"]["record"] == "cashSale" and paid else "salesOrder"


def cash_sale(order: dict, settings: dict, resolved: ResolvedOrder) -> dict:
    """A paid order as a cashSale: the sales order's body, no order status, the gateway's payment method as
    ``paymentOption`` (the 2026.1 schema's name, spec §6.5; ``paymentMethod`` is refused under
    PropertyNameValidation=Error)."""
    body = sales_order(order, settings, resolved)
    body.pop("orderStatus", None)
    gateway = str(order.get("payment_method") or "")
    method = settings["orders"]["payment_methods"].get(gateway)
    if not method:
        raise MappingError(f"payment method {gateway or '(none)'} has no NetSuite payment method: add it to "
                           "orders.payment_methods", "orders.payment_methods")
    body["paymentOption"] = ref(method)
    return body


def header(order: dict, settings: dict, resolved: ResolvedOrder) -> dict:
    """Body fields that do not depend on the lines."""
    opts = settings["orders"]
    number = str(order.get("number") or order["id"])
    return drop_empty({
        "externalId": external_id(settings["store"]["key"], "order", order["id"]),
        "entity": ref(resolved.customer_id),
        "subsidiary": ref(opts["subsidiary_id"]),
        "location": ref(opts["location_id"]),
        "department": ref(opts["department_id"]),
        "class": ref(opts["class_id"]),
        "currency": ref(currency_id(order, opts)),
        "tranDate": (order.get("date_created") or "")[:10] or None,
        "orderStatus": {"id": "B"},
        "otherRefNum": number,
        "memo": memo(opts["memo"], number, order["id"]),
        "email": (order.get("billing") or {}).get("email") or None,
        "billingAddress": address(order.get("billing") or {}),
        "shippingAddress": address(order.get("shipping") or {}) or address(order.get("billing") or {}),
    })


def memo(template: str, number: str, woo_id: object) -> str:
    """``orders.memo`` filled with ``{number}`` and ``{id}`` (the placeholders settings accept). A template stored
    before settings checked it fails this one order with a message, not a retry loop on a KeyError."""
    try:
        return template.format(number=number, id=woo_id)
    except (KeyError, IndexError, AttributeError, ValueError) as exc:
        raise MappingError(f"orders.memo {template!r} cannot be filled ({type(exc).__name__}: {exc}); use "
                           "{number} or {id}", "orders.memo") from None


def currency_id(order: dict, opts: dict) -> str | None:
    """The NetSuite currency for the order's currency; None leaves the customer's currency."""
    table = opts["currencies"]
    if not table:
        return None
    code = order.get("currency")
    if code not in table:
        raise MappingError(f"currency {code} has no mapping in orders.currencies", "orders.currencies")
    return table[code]


def item_lines(order: dict, resolved: ResolvedOrder, opts: dict) -> list[dict]:
    """One line per WooCommerce product line, priced before coupons (coupons become their own line)."""
    taxable = False if opts["taxes"] == "woocommerce" else None
    lines = []
    for line in order.get("line_items") or []:
        quantity = Decimal(str(line["quantity"]))
        subtotal = money(line.get("subtotal"))
        lines.append(drop_empty({
            "item": ref(resolved.item_ids[line["id"]]),
            "quantity": float(quantity),
            "rate": to_number(subtotal / quantity, "0.0001") if quantity else 0.0,
            "amount": to_number(subtotal),
            "price": {"id": "-1"},  # custom price: keep WooCommerce's, don't re-source from a price level
            "description": line.get("name") or None,
            "isTaxable": taxable,
        }))
    return lines


def discount_lines(order: dict, opts: dict, body: dict) -> list[dict]:
    """Coupons: a discount item line (default) or the header discount, for the discount before tax."""
    discount = money(order.get("discount_total"))
    if not discount:
        return []
    if not opts["discount_item_id"]:
        codes = ", ".join(c.get("code", "") for c in order.get("coupon_lines") or []) or "a discount"
        raise MappingError(f"coupon {codes} needs a NetSuite discount item: set orders.discount_item_id",
                           "orders.discount_item_id")
    codes = ", ".join(c.get("code", "") for c in order.get("coupon_lines") or [])
    if opts["discount_as"] == "header":
        body["discountItem"] = ref(opts["discount_item_id"])
        body["discountRate"] = to_number(-discount)
        return []
    return [drop_empty({"item": ref(opts["discount_item_id"]), "rate": to_number(-discount),
                        "amount": to_number(-discount),
                        "description": f"Coupon {codes}" if codes else "Discount",
                        "isTaxable": False if opts["taxes"] == "woocommerce" else None})]


def shipping(order: dict, opts: dict, body: dict) -> list[dict]:
    """Shipping as the header ship method + cost, or as a line of ``orders.shipping_item_id``."""
    lines = order.get("shipping_lines") or []
    if not lines:
        return []
    total = sum((money(line.get("total")) for line in lines), Decimal(0))
    if opts["shipping_as"] == "line_item":
        if not opts["shipping_item_id"]:
            raise MappingError("shipping as a line needs orders.shipping_item_id", "orders.shipping_item_id")
        return [drop_empty({"item": ref(opts["shipping_item_id"]), "quantity": 1.0, "rate": to_number(total),
                            "amount": to_number(total), "price": {"id": "-1"},
                            "description": ", ".join(line.get("method_title", "") for line in lines),
                            "isTaxable": False if opts["taxes"] == "woocommerce" else None})]
    key = ship_method_key(lines[0])
    method = opts["ship_methods"].get(key) or opts["ship_methods"].get(str(lines[0].get("method_id")))
    method = method or opts["shipping_item_id"]
    if not method:
        raise MappingError(f"ship method {key} has no mapping: add it to orders.ship_methods",
                           "orders.ship_methods")
    body["shipMethod"] = ref(method)
    body["shippingCost"] = to_number(total)
    return []


def fee_lines(order: dict, opts: dict) -> list[dict]:
    """Each WooCommerce fee as an other-charge item line."""
    fees = order.get("fee_lines") or []
    if fees and not opts["fee_item_id"]:
        raise MappingError(f"fee '{fees[0].get('name')}' needs a NetSuite other-charge item: set orders.fee_item_id",
                           "orders.fee_item_id")
    return [drop_empty({"item": ref(opts["fee_item_id"]), "quantity": 1.0, "rate": to_number(money(fee.get("total"))),
                        "amount": to_number(money(fee.get("total"))), "price": {"id": "-1"},
                        "description": fee.get("name") or "Fee",
                        "isTaxable": False if opts["taxes"] == "woocommerce" else None})
            for fee in fees]


def tax_lines(order: dict, opts: dict) -> list[dict]:
    """In ``woocommerce`` tax mode, the tax WooCommerce computed as one line of ``orders.tax_item_id``."""
    if opts["taxes"] != "woocommerce":
        return []
    tax = money(order.get("total_tax"))
    if not tax:
        return []
    if not opts["tax_item_id"]:
        raise MappingError("taxes carried from WooCommerce need orders.tax_item_id", "orders.tax_item_id")
    labels = ", ".join(t.get("label", "") for t in order.get("tax_lines") or []) or "Tax"
    return [{"item": ref(opts["tax_item_id"]), "quantity": 1.0, "rate": to_number(tax), "amount": to_number(tax),
             "price": {"id": "-1"}, "description": labels, "isTaxable": False}]


def expected_total(order: dict, opts: dict) -> Decimal:
    """What the sales order should total: WooCommerce's total, less tax when NetSuite computes it."""
    total = money(order.get("total"))
    return total if opts["taxes"] == "woocommerce" else total - money(order.get("total_tax"))


def header_fingerprint_source(order: dict) -> dict:
    """The parts of an order that may still change a sales order after export (addresses and notes)."""
    return {"billing": order.get("billing"), "shipping": order.get("shipping"),
            "customer_note": order.get("customer_note")}


def lines_fingerprint_source(order: dict) -> list:
    """What identifies the order's lines; a change here after export is reported, not guessed."""
    return sorted((line.get("product_id"), line.get("variation_id"), line.get("sku"), line.get("quantity"),
                   line.get("total")) for line in order.get("line_items") or [])


def update_body(order: dict) -> dict:
    """The PATCH sent to an unfulfilled sales order when addresses or the customer's note changed."""
    return drop_empty({
        "billingAddress": address(order.get("billing") or {}),
        "shippingAddress": address(order.get("shipping") or {}) or address(order.get("billing") or {}),
        "email": (order.get("billing") or {}).get("email") or None,
    })
