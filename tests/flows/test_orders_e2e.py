"""Issue 6 end to end: WooCommerce checkouts → webhooks → the sidecar's pipeline → NetSuite sales orders, all
over real sockets against both sandboxes. The NetSuite side is asserted field by field."""

from __future__ import annotations

from decimal import Decimal

from sidecar.store.models import Event

PERSON = {"first_name": "Jane", "last_name": "Roe", "address_1": "1 Main St", "city": "Austin", "state": "TX",
          "postcode": "78701", "country": "US", "email": "jane.roe@example.com", "phone": "+1 512 555 0100"}
COMPANY = dict(PERSON, first_name="Bob", last_name="Buyer", company="Acme Corp", email="purchasing@acme.example",
               address_1="9 Industrial Way")
FLAT = [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "7.50"}]
FREE = [{"method_id": "free_shipping", "method_title": "Free shipping", "total": "0.00"}]


def guest(n: int, base=PERSON) -> dict:
    return dict(base, email=f"guest{n}@example.com", first_name=f"Guest{n}")


def mixed_orders(stack, skus: list[str], variation_skus: list[str], customers: list[int]) -> list[dict]:
    """20 checkouts: guests and companies, registered customers, variations, coupons, fees, free shipping,
    three currencies, with and without WooCommerce tax."""
    orders = []
    for n in range(20):
        body = {"line_items": [{"sku": skus[n % len(skus)], "quantity": 1 + n % 3}],
                "shipping_lines": FREE if n % 4 == 1 else FLAT, "set_paid": True}
        if n % 5 == 0:
            body["billing"] = body["shipping"] = guest(n, COMPANY) if n % 10 == 0 else guest(n)
        elif n % 5 == 1:
            body["customer_id"] = customers[n % len(customers)]
        else:
            body["billing"] = body["shipping"] = guest(n, COMPANY if n % 2 else PERSON)
        if n in (3, 7):  # the same guest twice: one NetSuite customer
            body["billing"] = body["shipping"] = dict(PERSON, email="repeat@example.com")
        if n % 3 == 0:
            body["line_items"].append({"sku": variation_skus[n % len(variation_skus)], "quantity": 1})
        if n % 4 == 2:
            body["coupon_lines"] = [{"code": "save10" if n % 8 == 2 else "five"}]
        if n % 6 == 4:
            body["fee_lines"] = [{"name": "Gift wrap", "total": "2.50"}]
        if n % 7 == 5:
            body["currency"] = "EUR" if n < 10 else "GBP"
        if n % 2 == 1:
            body["tax_rate"] = "8.25"
        orders.append(body)
    return orders


def setup_store(stack):
    woo = stack.woo_client()
    woo.post("coupons", {"code": "save10", "discount_type": "percent", "amount": "10"})
    woo.post("coupons", {"code": "five", "discount_type": "fixed_cart", "amount": "5"})
    customers = [woo.post("customers", {"email": f"member{k}@example.com", "first_name": f"Member{k}",
                                        "last_name": "Shopper", "billing": dict(PERSON, email=f"member{k}@example.com",
                                                                                company="Member Co" if k else "")})
                 ["id"] for k in range(3)]
    skus = sorted(s for s, i in stack.items.items() if not i.get("matrixType"))
    variations = sorted(s for s, i in stack.items.items() if (i.get("matrixType") or {}).get("id") == "CHILD")[:3]
    return skus, variations, customers


def amount_of(line) -> Decimal:
    return Decimal(str(line["amount"]))


def assert_sales_order_matches(stack, order: dict, settings: dict) -> dict:
    so = stack.sales_order_for(order["id"])
    assert so is not None, f"order {order['id']} has no sales order"
    opts, ids = settings["orders"], stack.seed
    assert so["otherRefNum"] == str(order["number"])
    assert so["memo"] == f"WooCommerce order {order['number']}"
    assert so["subsidiary"]["id"] == ids["subsidiary"] and so["location"]["id"] == ids["location"]
    assert so["currency"]["id"] == ids["currencies"][order["currency"]]
    customer = stack.ns_control("GET", f"records/customer/{so['entity']['id']}")
    assert customer["email"].lower() == order["billing"]["email"].lower()
    assert customer["isPerson"] is (not order["billing"].get("company"))
    ship = ids["ship_free"] if order["shipping_lines"][0]["method_id"] == "free_shipping" else ids["ship_flat"]
    assert so["shipMethod"]["id"] == ship
    assert Decimal(str(so["shippingCost"])) == Decimal(order["shipping_total"])
    lines = so["item"]["items"]
    by_item = {}
    for line in lines:
        by_item.setdefault(line["item"]["id"], []).append(line)
    for woo_line in order["line_items"]:
        ns_line = by_item[str(stack.items[woo_line["sku"]]["id"])][0]
        assert Decimal(str(ns_line["quantity"])) == woo_line["quantity"]
        assert amount_of(ns_line) == Decimal(woo_line["subtotal"])
    discount = sum((amount_of(line) for line in by_item.get(ids["discount"], [])), Decimal(0))
    assert discount == -Decimal(order["discount_total"])
    fees = sum((amount_of(line) for line in by_item.get(ids["fee"], [])), Decimal(0))
    assert fees == sum((Decimal(f["total"]) for f in order["fee_lines"]), Decimal(0))
    tax = sum((amount_of(line) for line in by_item.get(ids["tax"], [])), Decimal(0))
    if opts["taxes"] == "woocommerce":
        assert tax == Decimal(order["total_tax"])
        expected = Decimal(order["total"])
    else:
        assert tax == 0
        expected = Decimal(order["total"]) - Decimal(order["total_tax"])
    assert sum((amount_of(line) for line in lines), Decimal(0)) + Decimal(order["shipping_total"]) == expected
    return so


def test_twenty_mixed_orders_make_twenty_correct_sales_orders_and_replays_make_none(stack):
    skus, variations, customers = setup_store(stack)
    bodies = mixed_orders(stack, skus, variations, customers)
    placed = [stack.place(body) for body in bodies[:12]]
    stack.settle()
    settings_ns = stack.api.get("/v1/settings").get_json()
    stack.api.put("/v1/settings", {"orders": {"taxes": "woocommerce"}})  # tax carried from WooCommerce
    settings_woo = stack.api.get("/v1/settings").get_json()
    placed += [stack.place(body) for body in bodies[12:]]
    stack.settle()

    assert len(stack.records("salesOrder")) == 20
    kinds = set()
    for n, order in enumerate(placed):
        order = stack.woo_client().get_order(order["id"])
        so = assert_sales_order_matches(stack, order, settings_ns if n < 12 else settings_woo)
        kinds |= {order["currency"], "company" if order["billing"].get("company") else "person",
                  "guest" if not order["customer_id"] else "registered",
                  "coupon" if order["coupon_lines"] else "", "fee" if order["fee_lines"] else "",
                  "taxed" if Decimal(order["total_tax"]) else "", "free" if order["shipping_total"] == "0.00" else ""}
        meta = {m["key"]: m["value"] for m in order["meta_data"]}
        assert meta["_netsuite_sales_order_id"] == str(so["id"])
        assert meta["_netsuite_sales_order_number"] == so["tranId"]
        notes = stack.woo_client().get(f"orders/{order['id']}/notes")
        assert sum("Exported to NetSuite as sales order" in n["note"] for n in notes) == 1
        state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
        assert (state["status"], state["ns_number"]) == ("exported", so["tranId"])
    assert {"USD", "EUR", "GBP", "company", "person", "guest", "registered", "coupon", "fee", "taxed",
            "free"} <= kinds
    repeat = [stack.sales_order_for(o["id"])["entity"]["id"] for o in (placed[3], placed[7])]
    assert repeat[0] == repeat[1]

    # Replay every webhook delivery and run the catch-up poll: nothing new in NetSuite.
    deliveries = stack.woo_control("GET", "deliveries")
    for d in deliveries:
        if d["topic"] != "ping":
            stack.http.post(d["url"], data=d["body"].encode(), headers=d["headers"], timeout=10)
    run = stack.api.post("/v1/sync/orders")
    assert run.status_code == 202
    stack.settle()
    assert len(stack.records("salesOrder")) == 20
    assert not Event.select().where(Event.status == "failed").count()


def test_an_unknown_sku_fails_alone_and_a_retry_after_the_item_exists_exports_it(stack):
    woo = stack.woo_client()
    woo.batch_products(create=[{"name": "Not in NetSuite", "sku": "NOPE-1", "regular_price": "9.00"}])
    good_sku = min(s for s, i in stack.items.items() if not i.get("matrixType"))
    bad = stack.place({"billing": guest(1), "line_items": [{"sku": "NOPE-1", "quantity": 1}],
                       "shipping_lines": FLAT})
    good = stack.place({"billing": guest(2), "line_items": [{"sku": good_sku, "quantity": 2}],
                        "shipping_lines": FLAT})
    stack.settle()
    assert stack.sales_order_for(good["id"]) is not None
    assert stack.sales_order_for(bad["id"]) is None
    state = stack.api.get(f"/v1/orders/{bad['id']}").get_json()
    assert state["status"] == "failed"
    assert state["last_error"] == "SKU NOPE-1 has no NetSuite item (matched by itemid)"
    failed = stack.api.get("/v1/jobs?status=failed").get_json()
    job_ids = [j["id"] for j in failed["jobs"] if j["resource_id"] == str(bad["id"])]
    assert job_ids

    stack.ns_control("POST", "records/inventoryItem", {"itemId": "NOPE-1", "displayName": "Now in NetSuite",
                                                      "subsidiary": {"items": [{"id": "1"}]}})
    for job_id in job_ids:
        assert stack.api.post(f"/v1/jobs/{job_id}/retry").status_code in (200, 202)
    stack.settle()
    so = stack.sales_order_for(bad["id"])
    assert so is not None and so["item"]["items"][0]["quantity"] == 1
    assert stack.api.get(f"/v1/orders/{bad['id']}").get_json()["status"] == "exported"
    assert len(stack.records("salesOrder")) == 2


def test_address_change_after_export_updates_the_open_sales_order_and_line_change_is_reported(stack):
    sku = min(s for s, i in stack.items.items() if not i.get("matrixType"))
    order = stack.place({"billing": guest(5), "shipping": guest(5), "line_items": [{"sku": sku, "quantity": 1}],
                         "shipping_lines": FLAT})
    stack.settle()
    so = stack.sales_order_for(order["id"])
    woo = stack.woo_client()
    woo.update_order(order["id"], {"shipping": dict(guest(5), address_1="77 New Street")})
    stack.settle()
    assert stack.sales_order_for(order["id"])["shippingAddress"]["addr1"] == "77 New Street"
    woo.update_order(order["id"], {"line_items": [{"sku": sku, "quantity": 4}]})
    stack.settle()
    after = stack.sales_order_for(order["id"])
    assert [line["quantity"] for line in after["item"]["items"]] == [line["quantity"] for line in so["item"]["items"]]
    notes = [n["note"] for n in woo.get(f"orders/{order['id']}/notes")]
    assert any("items of this order changed after it was exported" in n for n in notes)
    assert len(stack.records("salesOrder")) == 1


def test_a_crash_between_create_and_link_adopts_the_sales_order_instead_of_making_a_second(stack):
    from sidecar.store.models import Link

    sku = min(s for s, i in stack.items.items() if not i.get("matrixType"))
    order = stack.place({"billing": guest(8), "line_items": [{"sku": sku, "quantity": 1}], "shipping_lines": FLAT})
    stack.settle()
    first = stack.sales_order_for(order["id"])
    Link.delete().where(Link.entity == "order").execute()  # as if the worker died right after the create
    resend = {"id": "7d0c1d2e-8a53-4d5e-9c5b-2f1e7f3f0001", "topic": "order.updated", "resource_id": order["id"],
              "occurred_at": "2026-11-28T00:00:00Z", "payload": {"id": order["id"]}}  # "Send to NetSuite again"
    assert stack.api.post("/v1/events", resend).status_code == 202
    stack.settle()
    assert len(stack.records("salesOrder")) == 1
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    assert (state["status"], state["ns_id"]) == ("exported", str(first["id"]))


def test_a_sales_order_adopted_after_a_crash_gets_the_address_changed_in_between(stack):
    """The worker died right after the create, before the link; the shopper's address changed meanwhile and its
    event found the sales order by our external id. It was linked with the fingerprint of the new address, which
    was never sent (every later event: "Already up to date."). The adopted sales order now gets the header."""
    from sidecar.store.models import Link

    sku = min(s for s, i in stack.items.items() if not i.get("matrixType"))
    order = stack.place({"billing": guest(9), "shipping": guest(9), "line_items": [{"sku": sku, "quantity": 1}],
                         "shipping_lines": FLAT})
    stack.settle()
    first = stack.sales_order_for(order["id"])
    Link.delete().where(Link.entity == "order").execute()  # as if the worker died right after the create
    stack.woo_client().update_order(order["id"], {"shipping": dict(guest(9), address_1="12 Moved Lane")})
    stack.settle()
    now = stack.sales_order_for(order["id"])
    assert now["id"] == first["id"] and len(stack.records("salesOrder")) == 1
    assert now["shippingAddress"]["addr1"] == "12 Moved Lane"
    outcomes = [e.outcome or "" for e in Event.select().where(Event.resource_id == str(order["id"]))]
    adopted = [o for o in outcomes if o.startswith(f"Adopted {first['tranId']}")]
    assert len(adopted) == 1 and "Updated" in adopted[0], outcomes


def test_an_export_note_whose_answer_was_lost_is_not_written_twice(stack, monkeypatch):
    """The store saved the export note but its answer never came back (a timeout): the job is retried and wrote
    the note again, since ``written_back`` is recorded after the note. A retry now reads the notes first."""
    from sidecar.clients.woocommerce import WooClient, WooTransientError

    real, lost = WooClient.add_order_note, []

    def answer_lost_once(self, order_id, note, **kwargs):
        answer = real(self, order_id, note, **kwargs)
        if note.startswith("Exported to NetSuite") and not lost:
            lost.append(note)
            raise WooTransientError("woocommerce: read timed out", status=None)
        return answer

    monkeypatch.setattr(WooClient, "add_order_note", answer_lost_once)
    sku = min(s for s, i in stack.items.items() if not i.get("matrixType"))
    order = stack.place({"billing": guest(9), "line_items": [{"sku": sku, "quantity": 1}], "shipping_lines": FLAT})
    stack.settle()
    assert lost, "the note was never written"
    notes = [n["note"] for n in stack.woo_client().list_order_notes(order["id"])]
    assert len([n for n in notes if n.startswith("Exported to NetSuite")]) == 1, notes
    state = stack.api.get(f"/v1/orders/{order['id']}").get_json()
    assert state["status"] == "exported" and len(stack.records("salesOrder")) == 1


def test_a_line_change_report_whose_answer_was_lost_is_not_written_twice(stack, monkeypatch):
    """The store saved the "items changed" note but its answer was lost: ``lines_reported`` is recorded after
    the note, so the retry reported again. The retry now sees that the order gained that note meanwhile."""
    from sidecar.clients.woocommerce import WooClient, WooTransientError

    sku = min(s for s, i in stack.items.items() if not i.get("matrixType"))
    order = stack.place({"billing": guest(6), "line_items": [{"sku": sku, "quantity": 1}], "shipping_lines": FLAT})
    stack.settle()
    real, lost = WooClient.add_order_note, []

    def answer_lost_once(self, order_id, note, **kwargs):
        answer = real(self, order_id, note, **kwargs)
        if "items of this order changed" in note and not lost:
            lost.append(note)
            raise WooTransientError("woocommerce: read timed out", status=None)
        return answer

    monkeypatch.setattr(WooClient, "add_order_note", answer_lost_once)
    woo = stack.woo_client()
    woo.update_order(order["id"], {"line_items": [{"sku": sku, "quantity": 3}]})
    stack.settle()
    assert lost, "the note was never written"
    changed = [n["note"] for n in woo.list_order_notes(order["id"]) if "items of this order changed" in n["note"]]
    assert len(changed) == 1, changed
    woo.update_order(order["id"], {"line_items": [{"sku": sku, "quantity": 5}]})  # a second change: told again
    stack.settle()
    changed = [n["note"] for n in woo.list_order_notes(order["id"]) if "items of this order changed" in n["note"]]
    assert len(changed) == 2, changed
