"""Stock moves caused by orders: reduced once when an order is paid/held, restored on cancel (spec A3.3).

Each reduced line keeps a ``_reduced_stock`` item meta, as WooCommerce does, so a restore gives back exactly
what was taken; every move adds an order note and fires ``product.updated``.
"""

from __future__ import annotations

from .wc_products import change_stock


def _label(item: dict) -> str:
    product = item["product"]
    if not product or not product["sku"]:
        return item["name"]
    span = '<span class="description"></span>' if product["type"] == "variation" else ""
    return f"{item['name']} ({product['sku']}){span}"


def reduce_stock(store, order: dict) -> None:
    from .wc_orders import add_system_note

    if order["stock_reduced"]:
        return
    order["stock_reduced"] = True
    moves = []
    for item in order["line_items"]:
        product = item["product"]
        if product is None or product["id"] not in store.products:
            continue
        product["total_sales"] += item["quantity"]
        change = change_stock(store, product, -item["quantity"])
        if change is None:
            continue
        item["meta"].append({"id": store.meta_id(), "key": "_reduced_stock", "value": str(item["quantity"])})
        moves.append(f"{_label(item)} {change[0]}&rarr;{change[1]}")
        store.emit("product", "updated", product["id"])
    if moves:
        add_system_note(store, order, "Stock levels reduced: " + ", ".join(moves))


def restore_stock(store, order: dict) -> None:
    from .wc_orders import add_system_note

    if not order["stock_reduced"]:
        return
    order["stock_reduced"] = False
    moves = []
    for item in order["line_items"]:
        reduced = next((m for m in item["meta"] if m["key"] == "_reduced_stock"), None)
        product = item["product"]
        if reduced is None or product is None or product["id"] not in store.products:
            continue
        item["meta"].remove(reduced)
        change = change_stock(store, product, int(reduced["value"]))
        if change:
            moves.append(f"{_label(item)} {change[0]}&rarr;{change[1]}")
            store.emit("product", "updated", product["id"])
    if moves:
        add_system_note(store, order, "Stock levels increased: " + ", ".join(moves))


def restock_refund(store, order: dict, item: dict, quantity: int) -> None:
    """A refund with api_restock puts refunded quantities back (note "Item #N stock increased from A to B.")."""
    from .wc_orders import add_system_note

    product = item["product"]
    if product is None or product["id"] not in store.products or quantity <= 0:
        return
    change = change_stock(store, product, quantity)
    if change:
        add_system_note(store, order, f"Item #{product['id']} stock increased from {change[0]} to {change[1]}.")
        store.emit("product", "updated", product["id"])
