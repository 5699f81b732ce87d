"""The WooCommerce sandbox's SKU lookup (``GET /products?sku=a,b``) stays right while its index is kept across
stock and price writes (it is rebuilt only when a product is added or removed or a SKU changes): a new
product, a changed SKU, a deleted product and a trashed one are seen at once, and a stock write is read back."""

from __future__ import annotations

import requests


def by_sku(woo, *skus: str) -> list[dict]:
    answer = woo.call("GET", "/wc/v3/products", {"sku": ",".join(skus), "_fields": "id,sku,stock_quantity,status"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_sku_lookup_follows_every_catalog_change(woo):
    requests.post(f"{woo.base}/_sandbox/bulk-products", json={"count": 5, "stock_quantity": 1}, timeout=30)
    first, second = by_sku(woo, "BULK-000001", "BULK-000002")
    assert [p["sku"] for p in (first, second)] == ["BULK-000001", "BULK-000002"]
    batch = woo.call("POST", "/wc/v3/products/batch", body={"update": [{"id": first["id"], "stock_quantity": 8}]})
    assert batch.status_code == 200
    assert by_sku(woo, "BULK-000001")[0]["stock_quantity"] == 8  # the stock write is read back
    woo.call("PUT", f"/wc/v3/products/{second['id']}", body={"sku": "RENAMED-2"})
    assert by_sku(woo, "BULK-000002") == [] and by_sku(woo, "RENAMED-2")[0]["id"] == second["id"]
    made = woo.call("POST", "/wc/v3/products", body={"name": "New", "sku": "NEW-1"}).json()
    assert by_sku(woo, "NEW-1")[0]["id"] == made["id"]
    woo.call("DELETE", f"/wc/v3/products/{made['id']}", {"force": "true"})
    assert by_sku(woo, "NEW-1") == []
    third = by_sku(woo, "BULK-000003")[0]
    woo.call("DELETE", f"/wc/v3/products/{third['id']}")  # to the trash: no longer listed
    assert by_sku(woo, "BULK-000003") == []
