"""The WooCommerce sandbox at catalog scale (spec A0, A2): bulk-loaded products and variations, paging through
them (cached listing stays correct after writes), products/batch and variations/batch setting stock and prices
(≤100, 413 over), the price-decimals setting, and the count of write calls."""

from __future__ import annotations


def stats(woo) -> dict:
    import requests

    return requests.get(f"{woo.base}/_sandbox/stats", timeout=5).json()


def bulk(woo, **body) -> dict:
    import requests

    answer = requests.post(f"{woo.base}/_sandbox/bulk-products", json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_bulk_products_page_through_in_id_order(woo):
    made = bulk(woo, count=250, stock_quantity=3)
    ids, page = [], 1
    while True:
        answer = woo.call("GET", "/wc/v3/products", {"per_page": 100, "page": page, "orderby": "id", "order": "asc",
                                                     "_fields": "id,sku,stock_quantity,manage_stock"})
        assert answer.status_code == 200
        ids += [p["id"] for p in answer.json()]
        assert answer.headers["X-WP-Total"] == "250" and answer.headers["X-WP-TotalPages"] == "3"
        if page == 3:
            break
        page += 1
    assert ids == list(range(made["first_id"], made["last_id"] + 1))
    one = woo.call("GET", "/wc/v3/products", {"sku": "BULK-000250"}).json()
    assert one[0]["stock_quantity"] == 3 and one[0]["manage_stock"] is True


def test_listing_sees_writes_made_between_pages(woo):
    bulk(woo, count=120)
    first = woo.call("GET", "/wc/v3/products", {"per_page": 100, "orderby": "id", "order": "asc"}).json()
    woo.call("DELETE", f"/wc/v3/products/{first[0]['id']}", {"force": "true"})
    again = woo.call("GET", "/wc/v3/products", {"per_page": 100, "page": 2, "orderby": "id", "order": "asc"})
    assert again.headers["X-WP-Total"] == "119" and len(again.json()) == 19


def test_batches_set_stock_and_prices_and_count_writes(woo):
    made = bulk(woo, count=150, stock_quantity=None, variable_every=3)
    parent = made["first_id"]
    variations = woo.call("GET", f"/wc/v3/products/{parent}/variations").json()
    assert len(variations) == 3 and variations[0]["manage_stock"] is False
    before = stats(woo)
    answer = woo.call("POST", f"/wc/v3/products/{parent}/variations/batch", body={"update": [
        {"id": v["id"], "manage_stock": True, "stock_quantity": 9, "regular_price": "12.50", "sale_price": "9.99"}
        for v in variations]})
    assert answer.status_code == 200
    updated = answer.json()["update"]
    assert {(v["stock_quantity"], v["manage_stock"], v["regular_price"], v["sale_price"]) for v in updated} == {
        (9, True, "12.50", "9.99")}
    too_many = woo.call("POST", "/wc/v3/products/batch", body={"update": [{"id": parent, "name": "x"}] * 101})
    assert too_many.status_code == 413
    assert too_many.json()["code"] == "woocommerce_rest_request_entity_too_large"
    after = stats(woo)
    assert after["write_calls"] - before["write_calls"] == 2 and after["batch_calls"] - before["batch_calls"] == 1


def test_price_decimals_setting(woo):
    import requests

    answer = woo.call("GET", "/wc/v3/settings/general/woocommerce_price_num_decimals")
    assert answer.status_code == 200 and answer.json()["value"] == "2"
    requests.post(f"{woo.base}/_sandbox/config", json={"price_num_decimals": 3}, timeout=5)
    assert woo.call("GET", "/wc/v3/settings/general/woocommerce_price_num_decimals").json()["value"] == "3"
    requests.post(f"{woo.base}/_sandbox/config", json={"price_num_decimals": 2}, timeout=5)
