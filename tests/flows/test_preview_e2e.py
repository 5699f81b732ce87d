"""Issue 16, dry run: the exact sales-order body, the customer, every problem — and not one write anywhere
(the sandboxes' own call counts prove it)."""

from __future__ import annotations

from tests.flows.test_orders_e2e import FLAT, guest

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def writes(stack) -> dict[str, int]:
    """Write calls counted by each sandbox (SuiteQL is a POST that only reads)."""
    out = {}
    for name, server in (("netsuite", stack.ns), ("woocommerce", stack.woo)):
        stats = stack.http.get(f"{server.url}/_sandbox/stats", timeout=10).json()["by_method_path"]
        out[name] = sum(n for label, n in stats.items() if label.split(" ")[0] in WRITE_METHODS
                        and "/_sandbox/" not in label and "/query/v1/suiteql" not in label)
    return out


def simple_skus(stack) -> list[str]:
    return sorted(s for s, i in stack.items.items() if not i.get("matrixType"))


def test_preview_shows_the_body_and_customer_and_writes_nothing(stack):
    sku = simple_skus(stack)[0]
    order = stack.place({"billing": guest(7), "line_items": [{"sku": sku, "quantity": 3}],
                         "shipping_lines": FLAT, "set_paid": True})
    before = writes(stack)
    res = stack.api.post(f"/v1/preview/orders/{order['id']}")
    assert res.status_code == 200, res.get_json()
    preview = res.get_json()
    assert writes(stack) == before  # nothing created or changed on either side
    assert stack.sales_order_for(order["id"]) is None
    assert preview["ok"] is True and preview["problems"] == [] and preview["would"] == "create"
    body = preview["sales_order"]
    assert body["externalId"] == f"woo-e2e-order-{order['id']}"
    assert body["item"]["items"][0]["item"]["id"] == str(stack.items[sku]["id"])
    assert body["item"]["items"][0]["quantity"] == 3
    assert preview["customer"]["action"] == "create"
    assert preview["customer"]["body"]["email"] == "guest7@example.com"

    stack.settle()  # the real export sends what the preview showed
    after = writes(stack)
    assert after["netsuite"] > before["netsuite"] and after["woocommerce"] > before["woocommerce"]  # counted
    so = stack.sales_order_for(order["id"])
    assert so["otherRefNum"] == body["otherRefNum"] and so["memo"] == body["memo"]
    assert [line["item"]["id"] for line in so["item"]["items"]] == \
        [line["item"]["id"] for line in body["item"]["items"]]
    again = stack.api.post(f"/v1/preview/orders/{order['id']}").get_json()
    assert again["would"].startswith("nothing: already exported as ")


def test_preview_lists_every_problem_at_once(stack):
    woo = stack.woo_client()
    woo.batch_products(create=[{"name": "Not in NetSuite", "sku": "PREVIEW-NOPE-1", "regular_price": "9.00"},
                               {"name": "Nor this", "sku": "PREVIEW-NOPE-2", "regular_price": "4.00"}])
    stack.api.put("/v1/settings", {"orders": {"ship_methods": {}}})
    order = stack.place({"billing": guest(8), "shipping_lines": FLAT,
                         "line_items": [{"sku": "PREVIEW-NOPE-1", "quantity": 1}, {"sku": "PREVIEW-NOPE-2", "quantity": 1}]})
    before = writes(stack)
    preview = stack.api.post(f"/v1/preview/orders/{order['id']}").get_json()
    assert writes(stack) == before
    messages = [p["message"] for p in preview["problems"]]
    assert preview["ok"] is False
    assert "SKU PREVIEW-NOPE-1 has no NetSuite item (matched by itemid)" in messages
    assert "SKU PREVIEW-NOPE-2 has no NetSuite item (matched by itemid)" in messages


def test_preview_with_unsaved_settings_tries_a_mapping_change_without_saving_it(stack):
    sku = simple_skus(stack)[0]
    for n in range(3):
        stack.place({"billing": guest(20 + n), "line_items": [{"sku": sku, "quantity": 1}],
                     "shipping_lines": FLAT, "set_paid": True})
    saved = stack.api.get("/v1/settings").get_json()
    before = writes(stack)
    res = stack.api.post("/v1/preview/settings", {"settings": {"orders": {"memo": "Web order {number}"}},
                                                  "limit": 2})
    assert res.status_code == 200, res.get_json()
    data = res.get_json()
    assert writes(stack) == before
    assert data["saved"] is False and len(data["orders"]) == 2
    assert all(o["sales_order"]["memo"].startswith("Web order ") for o in data["orders"])
    assert stack.api.get("/v1/settings").get_json() == saved  # nothing stored

    bad = stack.api.post("/v1/preview/settings", {"settings": {"orders": {"export_statuses": "nope"}}})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"].startswith("orders.export_statuses")


def test_preview_of_a_missing_order_or_a_bad_id_is_a_clear_answer(stack):
    missing = stack.api.post("/v1/preview/orders/999999").get_json()
    assert missing["ok"] is False and "does not exist" in missing["problems"][0]["message"]
    assert stack.api.post("/v1/preview/orders/%C2%B2").status_code == 400
