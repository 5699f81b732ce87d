"""Behaviour of the WooCommerce sandbox's REST API over a real socket: products, SKU lookup, paging, batch
limits, orders (totals, status side effects, meta), notes and refunds — values from spec A2–A5 and FINDINGS."""

from __future__ import annotations

import requests


def product(woo, sku, price="10.00", stock=10, **extra):
    body = {"name": sku.title(), "sku": sku, "regular_price": price, "manage_stock": True, "stock_quantity": stock}
    response = woo.call("POST", "/wc/v3/products", body={**body, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def variable(woo, sku="TEE"):
    parent = woo.call("POST", "/wc/v3/products", body={"name": "Tee", "type": "variable", "sku": sku, "attributes": [
        {"name": "Size", "variation": True, "options": ["S", "M"]}]}).json()
    kids = [woo.call("POST", f"/wc/v3/products/{parent['id']}/variations", body={
        "sku": f"{sku}-{size}", "regular_price": price, "manage_stock": True, "stock_quantity": 5,
        "attributes": [{"name": "Size", "option": size}]}).json() for size, price in (("S", "20.00"), ("M", "22.00"))]
    return parent, kids


def test_create_product_returns_201_location_and_defaults(woo):
    response = woo.call("POST", "/wc/v3/products", body={"name": "Widget", "sku": "W-1", "regular_price": "49.00"})
    body = response.json()
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/wp-json/wc/v3/products/{body['id']}")
    assert (body["price"], body["sale_price"], body["manage_stock"], body["stock_quantity"]) == ("49.00", "", False, None)
    assert body["type"] == "simple" and body["status"] == "publish" and body["stock_status"] == "instock"


def test_stock_rules_and_validation(woo):
    p = product(woo, "S-1", stock=3)
    path = f"/wc/v3/products/{p['id']}"
    zero = woo.call("PUT", path, body={"stock_quantity": 0}).json()
    assert (zero["stock_quantity"], zero["stock_status"]) == (0, "outofstock")
    assert woo.call("PUT", path, body={"stock_quantity": "7"}).json()["stock_quantity"] == 7
    for bad, field in (({"stock_quantity": 7.5}, "stock_quantity"), ({"stock_quantity": "abc"}, "stock_quantity"),
                       ({"regular_price": 19.99}, "regular_price")):
        response = woo.call("PUT", path, body=bad)
        assert response.status_code == 400 and response.json()["code"] == "rest_invalid_param"
        assert field in response.json()["data"]["params"]
    unmanaged = product(woo, "S-2", manage_stock=False)
    assert unmanaged["stock_quantity"] is None


def test_duplicate_sku_is_refused_with_a_suggestion(woo):
    first = product(woo, "DUP")
    response = woo.call("POST", "/wc/v3/products", body={"name": "again", "sku": "DUP"})
    assert response.status_code == 400
    assert response.json()["data"] == {"status": 400, "resource_id": first["id"], "unique_sku": "DUP-1"}


def test_sku_filter_is_exact_comma_listed_and_finds_variations(woo):
    parent, kids = variable(woo)
    simple = product(woo, "PLAIN")
    found = woo.call("GET", "/wc/v3/products", {"sku": "TEE-M"}).json()
    assert [(f["id"], f["type"], f["parent_id"]) for f in found] == [(kids[1]["id"], "variation", parent["id"])]
    assert woo.call("GET", "/wc/v3/products", {"sku": "TEE-"}).json() == []
    both = {f["id"] for f in woo.call("GET", "/wc/v3/products", {"sku": "TEE-S,PLAIN"}).json()}
    assert both == {kids[0]["id"], simple["id"]}
    plain_list = {f["id"] for f in woo.call("GET", "/wc/v3/products").json()}
    assert plain_list == {parent["id"], simple["id"]}
    assert woo.call("GET", "/wc/v3/products", {"type": "variation"}).status_code == 400
    refused = woo.call("PUT", f"/wc/v3/products/{kids[0]['id']}", body={"stock_quantity": 1})
    assert (refused.status_code, refused.json()["code"]) == (404, "woocommerce_rest_invalid_product_id")


def test_variable_parent_derives_price_and_stock(woo):
    parent, kids = variable(woo)
    got = woo.call("GET", f"/wc/v3/products/{parent['id']}").json()
    assert (got["price"], got["regular_price"], got["stock_status"]) == ("20.00", "", "instock")
    assert got["variations"] == [k["id"] for k in kids]
    woo.call("POST", f"/wc/v3/products/{parent['id']}/variations/batch",
             body={"update": [{"id": k["id"], "stock_quantity": 0} for k in kids]})
    assert woo.call("GET", f"/wc/v3/products/{parent['id']}").json()["stock_status"] == "outofstock"


def rels(header: str) -> dict[str, str]:
    """rel → URL of a Link header, without WordPress's api.w.org link."""
    out = {}
    for part in header.split(", <"):
        url, _, rel = part.partition(">; rel=")
        out[rel.strip('"')] = url.lstrip("<")
    out.pop("https://api.w.org/", None)
    return out


def test_paging_headers_and_links(woo):
    for n in range(5):
        product(woo, f"P-{n}")
    response = woo.call("GET", "/wc/v3/products", {"per_page": "2", "page": "2", "orderby": "id", "order": "asc"},
                        auth="basic-xfp")
    assert (response.headers["X-WP-Total"], response.headers["X-WP-TotalPages"]) == ("5", "3")
    links = rels(response.headers["Link"])
    assert set(links) == {"prev", "next"}
    assert "page=1&orderby=id&order=asc" in links["prev"] and "page=3&orderby=id" in links["next"]
    beyond = woo.call("GET", "/wc/v3/products", {"per_page": "2", "page": "9"}, auth="basic-xfp")
    assert beyond.json() == [] and set(rels(beyond.headers["Link"])) == {"prev"}
    assert "page=3" in rels(beyond.headers["Link"])["prev"]
    for bad in ("0", "101"):
        error = woo.call("GET", "/wc/v3/orders", {"per_page": bad}).json()
        assert error["data"]["details"]["per_page"]["code"] == "rest_out_of_bounds"


def test_batch_limit_counts_all_actions_and_processes_nothing_over_it(woo):
    p = product(woo, "B-1", stock=1)
    ok = woo.call("POST", "/wc/v3/products/batch", body={
        "create": [{"name": f"n{i}", "sku": f"N-{i}"} for i in range(50)],
        "update": [{"id": p["id"], "stock_quantity": 2}] * 49, "delete": [999999]})
    assert ok.status_code == 200 and len(ok.json()["create"]) == 50
    assert ok.json()["delete"][0]["error"]["data"]["status"] == 404
    too_many = woo.call("POST", "/wc/v3/products/batch", body={
        "create": [{"name": f"m{i}"} for i in range(60)], "update": [{"id": p["id"], "stock_quantity": 99}] * 41})
    assert too_many.status_code == 413
    assert too_many.json()["code"] == "woocommerce_rest_request_entity_too_large"
    after = woo.call("GET", f"/wc/v3/products/{p['id']}").json()
    assert after["stock_quantity"] == 2
    assert woo.call("GET", "/wc/v3/products", {"per_page": "1"}).headers["X-WP-Total"] == "51"


def test_batch_reports_item_errors_with_200(woo):
    p = product(woo, "E-1")
    body = woo.call("POST", "/wc/v3/products/batch", body={
        "create": [{"name": "dup", "sku": "E-1"}], "update": [{"id": 424242, "stock_quantity": 1}, {"sku": "E-1"}]}).json()
    assert body["create"][0]["id"] == 0 and body["create"][0]["error"]["code"] == "product_invalid_sku"
    assert body["update"][0]["error"]["data"]["status"] == 400 and body["update"][1]["id"] is None
    assert set(body) == {"create", "update"} and p["id"]


def test_plain_permalinks_and_the_site_index(woo, server):
    """``/?rest_route=`` reaches the same routes (signed on path "/"); /wp-json/ tells the home URL."""
    product(woo, "PL-1")
    url = f"{server.url}/"
    from tests.sandbox.test_woocommerce_helpers import oauth_params

    query = [("rest_route", "/wc/v3/products")]
    signed = oauth_params("GET", url, query, woo.key, woo.secret)
    listing = requests.get(url, params=query + list(signed.items()), timeout=5)
    assert [p["sku"] for p in listing.json()] == ["PL-1"]
    index = requests.get(f"{server.url}/wp-json/", timeout=5).json()
    assert index["home"] == server.url and "wc/v3" in index["namespaces"]
    assert woo.call("GET", "/wc/v3/products/abc").json()["code"] == "rest_no_route"


def test_malformed_bodies_get_json_errors(woo, server):
    broken = requests.post(f"{server.url}/wp-json/wc/v3/products", data="{nope",
                           headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"},
                           auth=(woo.key, woo.secret), timeout=5)
    assert (broken.status_code, broken.json()["code"]) == (400, "rest_invalid_json")
    wrong_shape = woo.call("POST", "/wc/v3/orders", body={"line_items": "not a list"})
    assert wrong_shape.status_code == 400 and wrong_shape.json()["code"] == "rest_invalid_param"
    listed = woo.call("POST", "/wc/v3/products", body=[1, 2])
    assert listed.headers["Content-Type"].startswith("application/json") and listed.status_code in (400, 500)
