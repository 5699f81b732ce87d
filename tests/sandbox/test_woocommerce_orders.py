"""Orders in the WooCommerce sandbox over a real socket: totals, status side effects, meta_data semantics,
notes, refunds and date filters — expected values from the real capture of order 36 (04-tax-order) and spec A3."""

from __future__ import annotations

import requests


def setup_store(woo):
    """The capture's store: HW-001 19.99, a Tee variation at 25.99 on sale 22.00, 8.25 % CA tax, SAVE10."""
    widget = woo.call("POST", "/wc/v3/products", body={"name": "Harness Widget", "sku": "HW-001",
                                                      "regular_price": "19.99", "manage_stock": True,
                                                      "stock_quantity": 24}).json()
    tee = woo.call("POST", "/wc/v3/products", body={"name": "Harness Tee", "type": "variable", "sku": "TEE",
                                                   "attributes": [{"name": "Size", "options": ["M"],
                                                                   "variation": True}]}).json()
    red_m = woo.call("POST", f"/wc/v3/products/{tee['id']}/variations", body={
        "sku": "TEE-RED-M", "regular_price": "25.99", "sale_price": "22.00", "manage_stock": True,
        "stock_quantity": 40, "attributes": [{"name": "Size", "option": "M"}]}).json()
    woo.call("PUT", "/wc/v3/settings/general/woocommerce_calc_taxes", body={"value": "yes"})
    woo.call("POST", "/wc/v3/taxes", body={"country": "US", "state": "CA", "rate": "8.25", "name": "CA State Tax",
                                          "shipping": True})
    woo.call("POST", "/wc/v3/coupons", body={"code": "SAVE10", "discount_type": "percent", "amount": "10"})
    customer = woo.call("POST", "/wc/v3/customers", body={"email": "jane.doe@example.com", "first_name": "Jane"}).json()
    return widget, tee, red_m, customer


def order_36_body(widget, tee, red_m, customer) -> dict:
    address = {"first_name": "Jane", "last_name": "Doe", "address_1": "100 Market St", "city": "San Francisco",
               "state": "CA", "postcode": "94105", "country": "US"}
    return {"customer_id": customer["id"], "status": "processing", "set_paid": True, "payment_method": "cheque",
            "billing": {**address, "email": "jane.doe@example.com"}, "shipping": address,
            "line_items": [{"product_id": widget["id"], "quantity": 2},
                           {"product_id": tee["id"], "variation_id": red_m["id"], "quantity": 1}],
            "shipping_lines": [{"method_id": "flat_rate", "instance_id": "1", "method_title": "Flat rate",
                                "total": "5.00"}],
            "fee_lines": [{"name": "Handling fee", "total": "2.50", "tax_status": "taxable", "tax_class": ""}],
            "coupon_lines": [{"code": "SAVE10"}]}


def test_totals_match_the_captured_order(woo):
    widget, tee, red_m, customer = setup_store(woo)
    response = woo.call("POST", "/wc/v3/orders", body=order_36_body(widget, tee, red_m, customer))
    order = response.json()
    assert response.status_code == 201
    sums = {k: order[k] for k in ("discount_total", "discount_tax", "shipping_total", "shipping_tax", "cart_tax",
                                  "total", "total_tax")}
    assert sums == {"discount_total": "6.20", "discount_tax": "0.51", "shipping_total": "5.00",
                    "shipping_tax": "0.41", "cart_tax": "4.81", "total": "68.50", "total_tax": "5.22"}
    first, second = order["line_items"]
    assert (first["subtotal"], first["total"], first["total_tax"], first["price"]) == ("39.98", "35.98", "2.97", 17.99)
    assert first["taxes"][0]["total"] == "2.96835" and first["taxes"][0]["subtotal"] == "3.29835"
    assert (second["name"], second["parent_name"], second["price"]) == ("Harness Tee - M", "Harness Tee", 19.8)
    assert order["coupon_lines"][0]["code"] == "save10" and order["coupon_lines"][0]["discount"] == "6.2"
    assert order["fee_lines"][0]["amount"] == "" and order["fee_lines"][0]["taxes"][0]["total"] == "0.20625"
    assert order["tax_lines"][0]["rate_code"] == "US-CA-CA STATE TAX-1" and order["tax_lines"][0]["rate_percent"] == 8.25


def test_status_changes_move_stock_and_dates(woo):
    widget, tee, red_m, customer = setup_store(woo)
    order = woo.call("POST", "/wc/v3/orders", body=order_36_body(widget, tee, red_m, customer)).json()
    assert order["date_paid"] is not None and order["date_completed"] is None
    assert any(m["key"] == "_reduced_stock" for m in order["line_items"][0]["meta_data"])
    assert woo.call("GET", f"/wc/v3/products/{widget['id']}").json()["stock_quantity"] == 22
    cancelled = woo.call("PUT", f"/wc/v3/orders/{order['id']}", body={"status": "cancelled"}).json()
    assert not any(m["key"] == "_reduced_stock" for m in cancelled["line_items"][0]["meta_data"])
    assert woo.call("GET", f"/wc/v3/products/{widget['id']}").json()["stock_quantity"] == 24
    assert woo.call("GET", f"/wc/v3/products/{tee['id']}/variations/{red_m['id']}").json()["stock_quantity"] == 40
    notes = [n["note"] for n in woo.call("GET", f"/wc/v3/orders/{order['id']}/notes").json()]
    assert "Order status changed from Processing to Cancelled." in notes
    assert any(n.startswith("Stock levels increased:") for n in notes)
    done = woo.call("PUT", f"/wc/v3/orders/{order['id']}", body={"status": "completed"}).json()
    assert done["date_completed"] is not None
    assert woo.call("GET", f"/wc/v3/products/{widget['id']}").json()["stock_quantity"] == 22
    assert woo.call("GET", f"/wc/v3/customers/{customer['id']}").json()["is_paying_customer"] is True


def test_pending_order_completed_gets_paid_date(woo):
    widget = woo.call("POST", "/wc/v3/products", body={"name": "W", "sku": "W", "regular_price": "5.00"}).json()
    order = woo.call("POST", "/wc/v3/orders", body={"line_items": [{"sku": "W", "quantity": 1}]}).json()
    assert (order["status"], order["date_paid"], order["needs_payment"], order["is_editable"]) == \
        ("pending", None, True, True)
    done = woo.call("PUT", f"/wc/v3/orders/{order['id']}", body={"status": "completed"}).json()
    assert done["date_paid"] == done["date_completed"] and widget["id"] == done["line_items"][0]["product_id"]


def test_meta_data_upsert_delete_and_by_id(woo):
    order = woo.call("POST", "/wc/v3/orders", body={"meta_data": [{"key": "_ns_id", "value": "1"}]}).json()
    path = f"/wc/v3/orders/{order['id']}"
    first_id = order["meta_data"][0]["id"]
    again = woo.call("PUT", path, body={"meta_data": [{"key": "_ns_id", "value": "2"}]}).json()["meta_data"]
    assert again == [{"id": first_id, "key": "_ns_id", "value": "2"}]
    two = woo.call("PUT", path, body={"meta_data": [{"key": "ref", "value": "A-1"}, {"key": "ref", "value": "A-2"}]})
    refs = [m for m in two.json()["meta_data"] if m["key"] == "ref"]
    assert [m["value"] for m in refs] == ["A-2"]
    by_id = woo.call("PUT", path, body={"meta_data": [{"id": first_id, "key": "_ns_id", "value": "3"}]}).json()
    assert {"id": first_id, "key": "_ns_id", "value": "3"} in by_id["meta_data"]
    gone = woo.call("PUT", path, body={"meta_data": [{"key": "_ns_id", "value": None}]}).json()
    assert [m["key"] for m in gone["meta_data"]] == ["ref"]


def test_an_order_of_a_variation_whose_parent_holds_the_stock_moves_the_parents_stock(woo):
    """wc_update_product_stock writes to get_stock_managed_by_id(): the parent, for a variation reading
    manage_stock "parent"; cancelling gives the units back there."""
    tee = woo.call("POST", "/wc/v3/products", body={"name": "Tee", "type": "variable", "sku": "PT",
                                                   "manage_stock": True, "stock_quantity": 10, "attributes": [
                                                       {"name": "Size", "options": ["M"], "variation": True}]}).json()
    medium = woo.call("POST", f"/wc/v3/products/{tee['id']}/variations", body={
        "sku": "PT-M", "regular_price": "9.00", "attributes": [{"name": "Size", "option": "M"}]}).json()
    order = woo.call("POST", "/wc/v3/orders", body={"status": "processing", "line_items": [
        {"product_id": tee["id"], "variation_id": medium["id"], "quantity": 3}]}).json()
    assert woo.call("GET", f"/wc/v3/products/{tee['id']}").json()["stock_quantity"] == 7
    assert woo.call("GET", f"/wc/v3/products/{tee['id']}/variations/{medium['id']}").json()["stock_quantity"] == 7
    woo.call("PUT", f"/wc/v3/orders/{order['id']}", body={"status": "cancelled"})
    assert woo.call("GET", f"/wc/v3/products/{tee['id']}").json()["stock_quantity"] == 10


def test_meta_with_an_unknown_id_is_added_as_the_only_row_of_its_key(woo):
    """WC_Data::update_meta_data: an id that matches no row is not ignored; the entry is added with unique=true,
    which first removes every row with that key."""
    order = woo.call("POST", "/wc/v3/orders", body={"meta_data": [{"key": "ref", "value": "A"}]}).json()
    path = f"/wc/v3/orders/{order['id']}"
    known = order["meta_data"][0]["id"]
    put = woo.call("PUT", path, body={"meta_data": [{"id": 999999, "key": "ref", "value": "B"},
                                                    {"id": 999998, "key": "other", "value": "C"}]}).json()
    assert sorted((m["key"], m["value"]) for m in put["meta_data"]) == [("other", "C"), ("ref", "B")]
    assert next(m["id"] for m in put["meta_data"] if m["key"] == "ref") != known  # a new row; the old one is gone


def test_date_modified_bumps_and_modified_after_is_exclusive(woo, server):
    requests.post(f"{server.url}/_sandbox/clock", json={"now": "2026-01-01T10:00:00"}, timeout=5)
    order = woo.call("POST", "/wc/v3/orders", body={}).json()
    requests.post(f"{server.url}/_sandbox/clock", json={"now": "2026-01-01T10:00:05"}, timeout=5)
    woo.call("POST", f"/wc/v3/orders/{order['id']}/notes", body={"note": "x"})
    updated = woo.call("PUT", f"/wc/v3/orders/{order['id']}", body={"customer_note": "hi"}).json()
    assert updated["date_modified_gmt"] == "2026-01-01T10:00:05"
    listing = lambda after: [o["id"] for o in woo.call("GET", "/wc/v3/orders", {
        "modified_after": after, "dates_are_gmt": "true"}).json()]
    assert listing("2026-01-01T10:00:04") == [order["id"]]
    assert listing("2026-01-01T10:00:05") == []
    assert woo.call("GET", "/wc/v3/orders", {"modified_after": "nope"}).json()["code"] == "rest_invalid_param"


def test_order_errors_as_woocommerce(woo):
    unknown = woo.call("POST", "/wc/v3/orders", body={"customer_id": 999, "line_items": []}).json()
    assert unknown["code"] == "woocommerce_rest_invalid_customer_id"
    assert woo.call("GET", "/wc/v3/orders", {"per_page": "1"}).headers["X-WP-Total"] == "0"
    coupon = woo.call("POST", "/wc/v3/orders", body={"coupon_lines": [{"code": "NOPE99"}]})
    assert (coupon.status_code, coupon.json()["message"]) == (400, 'Coupon "nope99" does not exist!')
    assert woo.call("GET", "/wc/v3/orders", {"per_page": "1"}).headers["X-WP-Total"] == "1"
    assert woo.call("GET", "/wc/v3/orders/99").status_code == 404
    assert woo.call("PUT", "/wc/v3/orders/99", body={}).json()["data"]["status"] == 400
    blank = woo.call("POST", "/wc/v3/orders", body={"line_items": [{"product_id": 4242, "quantity": 1}]}).json()
    assert (blank["line_items"][0]["name"], blank["line_items"][0]["sku"]) == ("", None)


def test_notes_private_customer_and_deletion(woo):
    order = woo.call("POST", "/wc/v3/orders", body={}).json()
    base = f"/wc/v3/orders/{order['id']}/notes"
    mine = woo.call("POST", base, body={"note": "by api", "added_by_user": True}).json()
    woo.call("POST", base, body={"note": "to customer", "customer_note": True})
    assert mine["author"] == "admin"
    assert [n["note"] for n in woo.call("GET", base, {"type": "customer"}).json()] == ["to customer"]
    assert woo.call("POST", base, body={"customer_note": True}).json()["code"] == "rest_missing_callback_param"
    assert woo.call("DELETE", f"{base}/{mine['id']}").status_code == 501
    assert woo.call("DELETE", f"{base}/{mine['id']}", {"force": "true"}).status_code == 200
    assert woo.call("GET", f"{base}/{mine['id']}").json()["code"] == "woocommerce_rest_invalid_id"


def test_refunds_gateway_amount_and_full_refund(woo):
    woo.call("POST", "/wc/v3/products", body={"name": "W", "sku": "W", "regular_price": "10.00",
                                             "manage_stock": True, "stock_quantity": 5})
    order = woo.call("POST", "/wc/v3/orders", body={"status": "processing", "payment_method": "cheque",
                                                   "line_items": [{"sku": "W", "quantity": 2}]}).json()
    base = f"/wc/v3/orders/{order['id']}/refunds"
    gateway = woo.call("POST", base, body={"amount": "1.00"})
    assert (gateway.status_code, gateway.json()["data"]) == (500, 500)
    too_much = woo.call("POST", base, body={"amount": "25.00", "api_refund": False}).json()
    assert too_much["message"] == "Invalid refund amount."
    line = order["line_items"][0]["id"]
    refund = woo.call("POST", base, body={"api_refund": False, "reason": "one back",
                                         "line_items": [{"id": line, "quantity": 1, "refund_total": 10}]}).json()
    assert (refund["amount"], refund["line_items"][0]["quantity"], refund["line_items"][0]["total"]) == \
        ("10.00", -1, "-10.00")
    assert woo.call("GET", "/wc/v3/products", {"sku": "W"}).json()[0]["stock_quantity"] == 4
    rest = woo.call("POST", base, body={"amount": "10.00", "api_refund": False})
    assert rest.status_code == 201
    final = woo.call("GET", f"/wc/v3/orders/{order['id']}").json()
    assert final["status"] == "refunded" and [r["total"] for r in final["refunds"]] == ["-10.00", "-10.00"]
    assert woo.call("GET", f"/wc/v3/orders/{rest.json()['id']}").status_code == 404


def test_trash_then_force_delete(woo):
    order = woo.call("POST", "/wc/v3/orders", body={"status": "processing"}).json()
    trashed = woo.call("DELETE", f"/wc/v3/orders/{order['id']}")
    assert trashed.json()["status"] == "processing"
    assert woo.call("GET", f"/wc/v3/orders/{order['id']}").json()["status"] == "trash"
    assert woo.call("GET", "/wc/v3/orders").json() == []
    woo.call("DELETE", f"/wc/v3/orders/{order['id']}", {"force": "true"})
    assert woo.call("GET", f"/wc/v3/orders/{order['id']}").status_code == 404
