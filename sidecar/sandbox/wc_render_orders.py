"""Orders, notes and refunds as REST v3 renders them (fixtures order-*, 04-tax-order, 06-notes)."""

from __future__ import annotations

from decimal import Decimal

from .wc_media import line_image
from .wc_render_products import links
from .wc_util import dec, fmt_date, money, number, plain, render_meta

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "$", "AUD": "$", "JPY": "¥", "CHF": "CHF"}


def render_taxes(taxes: list[dict]) -> list[dict]:
    return [{"id": t["id"], "total": plain(t["total"]),
             "subtotal": "" if t.get("subtotal") is None else plain(t["subtotal"])} for t in taxes]


def render_line_item(store, item: dict, sign: int = 1, home: str = "") -> dict:
    """One line item; refunds render the same shape with negative quantity and amounts."""
    product = item.get("product")
    alive = product is not None and product["id"] in store.products
    is_var = bool(alive and product["type"] == "variation")
    parent = store.products.get(product["parent_id"]) if is_var else None
    total_tax = sum((t["total"] for t in item["taxes"]), Decimal(0))
    sub_tax = sum((t["subtotal"] or 0 for t in item["taxes"]), Decimal(0))
    qty = item["quantity"]
    price = item["total"] / qty if qty else Decimal(0)
    return {"id": item["id"], "name": item["name"], "product_id": item["product_id"],
            "variation_id": item["variation_id"], "quantity": sign * qty, "tax_class": item["tax_class"],
            "subtotal": money(sign * item["subtotal"]), "subtotal_tax": money(sign * sub_tax),
            "total": money(sign * item["total"]), "total_tax": money(sign * total_tax),
            "taxes": render_taxes(item["taxes"]), "meta_data": render_meta(item["meta"], display=True),
            "sku": product["sku"] if alive else None, "price": number(abs(price)),
            "image": line_image(store, product if alive else None, home),
            "parent_name": parent["name"] if parent else None}


def render_shipping(item: dict, sign: int = 1) -> dict:
    tax = sum((t["total"] for t in item["taxes"]), Decimal(0))
    return {"id": item["id"], "method_title": item["method_title"], "method_id": item["method_id"],
            "instance_id": item["instance_id"], "total": money(sign * item["total"]),
            "total_tax": money(sign * tax), "taxes": render_taxes(item["taxes"]),
            "meta_data": render_meta(item["meta"], display=True)}


def render_fee(item: dict, sign: int = 1) -> dict:
    tax = sum((t["total"] for t in item["taxes"]), Decimal(0))
    return {"id": item["id"], "name": item["name"], "tax_class": item["tax_class"],
            "tax_status": item["tax_status"], "amount": item["amount"], "total": money(sign * item["total"]),
            "total_tax": money(sign * tax), "taxes": render_taxes(item["taxes"]),
            "meta_data": render_meta(item["meta"], display=True)}


def render_tax_line(line: dict) -> dict:
    rate = line["rate"]
    code = "-".join([rate["country"], rate["state"], rate["name"].upper(), str(rate["priority"])])
    return {"id": line["id"], "rate_code": code, "rate_id": rate["id"], "label": rate["name"],
            "compound": rate["compound"], "tax_total": money(line["tax_total"]),
            "shipping_tax_total": money(line["shipping_tax_total"]), "rate_percent": number(dec(rate["rate"])),
            "meta_data": render_meta(line["meta"])}


def render_coupon_line(store, line: dict) -> dict:
    from .wc_render_misc import coupon_data

    meta = render_meta(line["meta"], display=True)
    data = coupon_data(store, line["code"])
    if data is not None:
        meta = [{"id": line.setdefault("data_meta_id", store.meta_id()), "key": "coupon_data", "value": data,
                 "display_key": "coupon_data", "display_value": data}] + meta
    return {"id": line["id"], "code": line["code"], "discount": plain(line["discount"]),
            "discount_tax": plain(line["discount_tax"]), "meta_data": meta}


def order_flags(store, order: dict) -> dict:
    from .wc_orders import needs_processing

    total = order["totals"].get("total", Decimal(0))
    return {"is_editable": order["status"] in ("pending", "on-hold", "auto-draft", "checkout-draft"),
            "needs_payment": order["status"] in ("pending", "failed") and total > 0,
            "needs_processing": needs_processing(store, order)}


def render_order(store, order: dict, home: str) -> dict:
    """An order with WooCommerce 8.2's key order (the *_gmt dates come last, FINDINGS)."""
    off = store.options["timezone_offset"]
    t = order["totals"]
    out = {"id": order["id"], "parent_id": order["parent_id"], "status": order["status"],
           "currency": order["currency"], "version": order["version"],
           "prices_include_tax": order["prices_include_tax"],
           "date_created": fmt_date(order["date_created"], off), "date_modified": fmt_date(order["date_modified"], off)}
    for key in ("discount_total", "discount_tax", "shipping_total", "shipping_tax", "cart_tax", "total", "total_tax"):
        out[key] = money(t.get(key, 0))
    out.update({"customer_id": order["customer_id"], "order_key": order["order_key"],
                "billing": dict(order["billing"]), "shipping": dict(order["shipping"])})
    for key in ("payment_method", "payment_method_title", "transaction_id", "customer_ip_address",
                "customer_user_agent", "created_via", "customer_note"):
        out[key] = order[key]
    out.update({"date_completed": fmt_date(order["date_completed"], off),
                "date_paid": fmt_date(order["date_paid"], off), "cart_hash": order["cart_hash"],
                "number": str(order["id"]), "meta_data": render_meta(order["meta"]),
                "line_items": [render_line_item(store, i, 1, home) for i in order["line_items"]],
                "tax_lines": [render_tax_line(line) for line in order["tax_lines"]],
                "shipping_lines": [render_shipping(i) for i in order["shipping_lines"]],
                "fee_lines": [render_fee(i) for i in order["fee_lines"]],
                "coupon_lines": [render_coupon_line(store, c) for c in order["coupon_lines"]],
                "refunds": [{"id": r, "reason": store.refunds[r]["reason"],
                             "total": money(-store.refunds[r]["amount"])}
                            for r in reversed(order["refund_ids"]) if r in store.refunds],
                "payment_url": f"{home}/checkout/order-pay/{order['id']}/?pay_for_order=true&key={order['order_key']}"})
    out.update(order_flags(store, order))
    out.update({"date_created_gmt": fmt_date(order["date_created"]),
                "date_modified_gmt": fmt_date(order["date_modified"]),
                "date_completed_gmt": fmt_date(order["date_completed"]), "date_paid_gmt": fmt_date(order["date_paid"]),
                "currency_symbol": CURRENCY_SYMBOLS.get(order["currency"], order["currency"])})
    out["_links"] = links(home, f"orders/{order['id']}", "orders")
    if order["customer_id"]:
        out["_links"]["customer"] = [{"href": f"{home}/wp-json/wc/v3/customers/{order['customer_id']}"}]
    return out


def render_note(store, note: dict, home: str) -> dict:
    off = store.options["timezone_offset"]
    base = f"orders/{note['order_id']}/notes"
    return {"id": note["id"], "author": note["author"], "date_created": fmt_date(note["date_created"], off),
            "date_created_gmt": fmt_date(note["date_created"]), "note": note["note"],
            "customer_note": note["customer_note"],
            "_links": links(home, f"{base}/{note['id']}", base, f"orders/{note['order_id']}")}


def render_refund(store, refund: dict, home: str) -> dict:
    off = store.options["timezone_offset"]
    base = f"orders/{refund['order_id']}/refunds"
    return {"id": refund["id"], "date_created": fmt_date(refund["date_created"], off),
            "date_created_gmt": fmt_date(refund["date_created"]), "amount": money(refund["amount"]),
            "reason": refund["reason"], "refunded_by": refund["refunded_by"],
            "refunded_payment": refund["refunded_payment"], "meta_data": render_meta(refund["meta"]),
            "line_items": [render_line_item(store, i, -1, home) for i in refund["line_items"]],
            "shipping_lines": [render_shipping(i, -1) for i in refund["shipping_lines"]],
            "tax_lines": [], "fee_lines": [render_fee(i, -1) for i in refund["fee_lines"]],
            "_links": links(home, f"{base}/{refund['id']}", base, f"orders/{refund['order_id']}")}
