"""What a catalog import needs from the WooCommerce sandbox, against the spec (A2, A2.3, A5) and the captures in
shared/fixtures/woocommerce (01-variable, product-create*.json, products-batch-*.json,
error-product-duplicate-sku.json): products/batch creating and updating simple and variable products with
attributes and statuses draft/private, variations/batch, SKU uniqueness across products and variations."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES


def batch(woo, path: str, **ops) -> dict:
    answer = woo.call("POST", f"/wc/v3/{path}", body=ops)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_products_batch_creates_simple_and_variable_products_with_statuses_and_attributes(woo):
    body = batch(woo, "products/batch", create=[
        {"name": "Draft tee", "type": "simple", "sku": "C-1", "status": "draft", "regular_price": "9.50",
         "description": "<p>long</p>", "short_description": "<p>short</p>", "weight": "0.4",
         "manage_stock": True, "stock_quantity": 3},
        {"name": "Jacket", "type": "variable", "sku": "C-2", "status": "private",
         "attributes": [{"name": "Color", "options": ["Red", "Blue"], "variation": True, "visible": True},
                        {"name": "Size", "options": ["S", "M"], "variation": True, "visible": True}]}])
    simple, variable = body["create"]
    assert (simple["status"], simple["type"], simple["regular_price"], simple["stock_quantity"]) == \
        ("draft", "simple", "9.50", 3)
    assert (simple["description"], simple["short_description"], simple["weight"]) == ("<p>long</p>", "<p>short</p>",
                                                                                     "0.4")
    assert variable["status"] == "private" and variable["regular_price"] == ""
    assert [(a["id"], a["name"], a["options"]) for a in variable["attributes"]] == \
        [(0, "Color", ["Red", "Blue"]), (0, "Size", ["S", "M"])]  # local attributes keep the order sent


def test_variations_batch_creates_updates_and_sets_a_variation_private(woo):
    parent = batch(woo, "products/batch", create=[{"name": "Cap", "type": "variable", "sku": "CAP", "attributes": [
        {"name": "Color", "options": ["Red", "Blue"], "variation": True}]}])["create"][0]
    made = batch(woo, f"products/{parent['id']}/variations/batch", create=[
        {"sku": f"CAP-{c.upper()}", "regular_price": "12.00", "manage_stock": True, "stock_quantity": 4,
         "attributes": [{"name": "Color", "option": c}]} for c in ("Red", "Blue")])["create"]
    assert [(v["sku"], v["attributes"]) for v in made] == [
        ("CAP-RED", [{"id": 0, "name": "Color", "option": "Red"}]),
        ("CAP-BLUE", [{"id": 0, "name": "Color", "option": "Blue"}])]
    changed = batch(woo, f"products/{parent['id']}/variations/batch", update=[
        {"id": made[0]["id"], "regular_price": "13.00"}, {"id": made[1]["id"], "status": "private"}])["update"]
    assert (changed[0]["regular_price"], changed[1]["status"]) == ("13.00", "private")
    listed = woo.call("GET", f"/wc/v3/products/{parent['id']}").json()
    assert sorted(listed["variations"]) == sorted(v["id"] for v in made)  # private, never removed


def test_a_duplicate_sku_in_a_batch_create_fails_that_item_as_woocommerce_answers(woo):
    """Same code, message and data keys as the capture; the other items are created."""
    captured = json.loads((FIXTURES / "woocommerce" / "error-product-duplicate-sku.json").read_text())
    first = batch(woo, "products/batch", create=[{"name": "One", "sku": "HW-001"}])["create"][0]
    body = batch(woo, "products/batch", create=[{"name": "Two", "sku": "HW-001"}, {"name": "Three", "sku": "HW-3"}])
    failed, made = body["create"]
    assert failed["id"] == 0
    assert {k: failed["error"][k] for k in ("code", "message")} == \
        {k: captured[k] for k in ("code", "message")}
    assert set(failed["error"]["data"]) == set(captured["data"])
    assert failed["error"]["data"] == {"status": 400, "resource_id": first["id"], "unique_sku": "HW-001-1"}
    assert made["sku"] == "HW-3"


def test_skus_are_unique_across_products_and_variations(woo):
    parent = batch(woo, "products/batch", create=[{"name": "Mug", "type": "variable", "sku": "MUG",
                                                   "attributes": [{"name": "Size", "options": ["S"],
                                                                   "variation": True}]}])["create"][0]
    variation = batch(woo, f"products/{parent['id']}/variations/batch",
                      create=[{"sku": "MUG-S", "attributes": [{"name": "Size", "option": "S"}]}])["create"][0]
    clash = batch(woo, "products/batch", create=[{"name": "Other", "sku": "MUG-S"}])["create"][0]
    assert clash["error"]["code"] == "product_invalid_sku"
    assert clash["error"]["data"]["resource_id"] == variation["id"]
    again = batch(woo, f"products/{parent['id']}/variations/batch",
                  create=[{"sku": "MUG", "attributes": [{"name": "Size", "option": "S"}]}])["create"][0]
    assert again["error"]["data"]["resource_id"] == parent["id"]
    renamed = batch(woo, "products/batch", update=[{"id": parent["id"], "sku": "MUG-2"}])["update"][0]
    assert renamed["sku"] == "MUG-2"
    freed = batch(woo, "products/batch", create=[{"name": "Takes the old SKU", "sku": "MUG"}])["create"][0]
    assert freed["sku"] == "MUG" and freed["id"]


def test_unknown_status_is_refused_and_slugs_stay_unique(woo):
    bad = woo.call("POST", "/wc/v3/products/batch", body={"create": [{"name": "x", "status": "hidden"}]}).json()
    assert bad["create"][0]["error"]["code"] == "rest_invalid_param"
    made = batch(woo, "products/batch", create=[{"name": "Same Name"}, {"name": "Same Name"}])["create"]
    assert [p["slug"] for p in made] == ["same-name", "same-name-2"]


def test_variation_batch_over_the_limit_is_413_and_writes_nothing(woo):
    parent = batch(woo, "products/batch", create=[{"name": "Big", "type": "variable"}])["create"][0]
    answer = woo.call("POST", f"/wc/v3/products/{parent['id']}/variations/batch",
                      body={"create": [{"sku": f"BIG-{n}"} for n in range(101)]})
    assert answer.status_code == 413
    assert woo.call("GET", f"/wc/v3/products/{parent['id']}").json()["variations"] == []


def test_grouped_and_external_products_never_manage_stock(woo):
    """Spec A2.2 (products controller): for grouped and external products manage_stock is forced off and the
    quantity emptied whatever the request says (an external product is always in stock); 200, no error."""
    made = batch(woo, "products/batch", create=[
        {"name": "Bundle", "type": "grouped", "sku": "G-1", "manage_stock": True, "stock_quantity": 5},
        {"name": "Elsewhere", "type": "external", "sku": "E-1", "manage_stock": True, "stock_quantity": 5,
         "stock_status": "outofstock"},
        {"name": "Plain", "type": "simple", "sku": "S-1"}])["create"]
    seen = [(p["manage_stock"], p["stock_quantity"], p["stock_status"]) for p in made]
    assert seen[:2] == [(False, None, "instock"), (False, None, "instock")]
    update = batch(woo, "products/batch", update=[{"id": p["id"], "manage_stock": True, "stock_quantity": 7}
                                                  for p in made])["update"]
    assert [(p["manage_stock"], p["stock_quantity"]) for p in update] == [(False, None), (False, None), (True, 7)]


def test_an_update_with_type_changes_the_products_type(woo):
    """The products controller builds the product from the class of ``type`` when it is sent, on update too
    (a simple product becomes variable or external); the rules of the new type then apply."""
    made = batch(woo, "products/batch", create=[{"name": "Mug", "type": "simple", "sku": "T-1",
                                                 "regular_price": "5.00", "manage_stock": True,
                                                 "stock_quantity": 2}])["create"][0]
    put = woo.call("PUT", f"/wc/v3/products/{made['id']}", body={"type": "external"})
    assert put.status_code == 200, put.text
    assert (put.json()["type"], put.json()["manage_stock"], put.json()["stock_quantity"]) == ("external", False, None)
    variable = batch(woo, "products/batch", update=[{"id": made["id"], "type": "variable", "attributes": [
        {"name": "Size", "options": ["S"], "variation": True}]}])["update"][0]
    assert (variable["type"], variable["regular_price"]) == ("variable", "")


def test_a_variation_keeps_only_attributes_its_parent_varies_by(woo):
    """The variations controller matches each attribute to the parent's by id or sanitize_title(name) and skips,
    without an error, any the parent lacks or does not use for variations; the parent's name is shown."""
    parent = batch(woo, "products/batch", create=[{"name": "Scarf", "type": "variable", "sku": "SC", "attributes": [
        {"name": "Color", "options": ["Red"], "variation": True},
        {"name": "Material", "options": ["Wool"], "variation": False}]}])["create"][0]
    made = batch(woo, f"products/{parent['id']}/variations/batch", create=[
        {"sku": "SC-RED", "attributes": [{"name": "color", "option": "Red"}, {"name": "Material", "option": "Wool"},
                                         {"name": "Size", "option": "S"}]}])["create"][0]
    assert made["attributes"] == [{"id": 0, "name": "Color", "option": "Red"}]


def test_with_store_stock_management_off_stock_writes_are_ignored_and_nothing_reads_managed(woo):
    """Spec A2.2: manage_stock, stock_quantity and backorders are only processed when the store option
    woocommerce_manage_stock is yes; with it off only stock_status applies and manage_stock reads false
    (products and variations alike). The answer is still 200 without an error."""
    import requests

    made = batch(woo, "products/batch", create=[
        {"name": "Pen", "type": "simple", "sku": "P-1", "manage_stock": True, "stock_quantity": 3},
        {"name": "Hat", "type": "variable", "sku": "H-1",
         "attributes": [{"name": "Size", "options": ["S"], "variation": True}]}])["create"]
    var = batch(woo, f"products/{made[1]['id']}/variations/batch", create=[
        {"sku": "H-1-S", "manage_stock": True, "stock_quantity": 2,
         "attributes": [{"name": "Size", "option": "S"}]}])["create"][0]
    requests.post(f"{woo.base}/_sandbox/config", json={"manage_stock": False}, timeout=5)
    pen = batch(woo, "products/batch", update=[{"id": made[0]["id"], "manage_stock": True, "stock_quantity": 9,
                                                "stock_status": "onbackorder"}])["update"][0]
    assert (pen["manage_stock"], pen["stock_status"]) == (False, "onbackorder") and pen["stock_quantity"] != 9
    hat = batch(woo, f"products/{made[1]['id']}/variations/batch", update=[
        {"id": var["id"], "manage_stock": True, "stock_quantity": 8}])["update"][0]
    assert hat["manage_stock"] is False


def test_a_variation_written_through_another_products_url_moves_there_in_batch_and_is_refused_alone(woo):
    """Variations controller (v3): every write sets the variation's parent to the product of the URL. A single
    update is checked first (403 woocommerce_rest_cannot_edit "Parent product does not match current
    variation."); a batch update is not, so it moves the variation under the URL's product."""
    first, second = batch(woo, "products/batch", create=[
        {"name": n, "type": "variable", "sku": n, "attributes": [{"name": "Size", "options": ["S"], "variation": True}]}
        for n in ("VA", "VB")])["create"]
    var = batch(woo, f"products/{first['id']}/variations/batch", create=[
        {"sku": "VA-S", "attributes": [{"name": "Size", "option": "S"}]}])["create"][0]
    alone = woo.call("PUT", f"/wc/v3/products/{second['id']}/variations/{var['id']}", body={"regular_price": "1.00"})
    assert alone.status_code == 403 and alone.json()["code"] == "woocommerce_rest_cannot_edit", alone.text
    moved = batch(woo, f"products/{second['id']}/variations/batch", update=[
        {"id": var["id"], "regular_price": "2.00"}])["update"][0]
    assert moved["regular_price"] == "2.00"
    assert woo.call("GET", f"/wc/v3/products/{var['id']}").json()["parent_id"] == second["id"]
    assert woo.call("GET", f"/wc/v3/products/{second['id']}").json()["variations"] == [var["id"]]
    assert woo.call("GET", f"/wc/v3/products/{first['id']}").json()["variations"] == []


def test_a_variation_without_its_own_stock_reads_manage_stock_parent_when_the_parent_manages_it(woo):
    """Spec A2.2 / WC_Product_Variation: manage_stock reads the string "parent" and stock_quantity the parent's
    while the variation does not manage its own stock; manage_stock true on the variation gives it its own."""
    parent = batch(woo, "products/batch", create=[{"name": "Sock", "type": "variable", "sku": "SO",
                                                   "manage_stock": True, "stock_quantity": 12, "attributes": [
                                                       {"name": "Size", "options": ["S"], "variation": True}]}])
    parent = parent["create"][0]
    var = batch(woo, f"products/{parent['id']}/variations/batch", create=[
        {"sku": "SO-S", "attributes": [{"name": "Size", "option": "S"}]}])["create"][0]
    assert (var["manage_stock"], var["stock_quantity"]) == ("parent", 12)
    seen = woo.call("GET", "/wc/v3/products", {"sku": "SO-S"}).json()[0]
    assert (seen["manage_stock"], seen["stock_quantity"]) == ("parent", 12)
    own = batch(woo, f"products/{parent['id']}/variations/batch", update=[
        {"id": var["id"], "manage_stock": True, "stock_quantity": 3}])["update"][0]
    assert (own["manage_stock"], own["stock_quantity"]) == (True, 3)


def test_a_variation_id_in_products_batch_fails_that_item_with_the_stores_exact_error(woo):
    """prepare_object_for_database refuses a variation on the products routes, batch included: 404
    woocommerce_rest_invalid_product_id, its message HTML-escaped as WordPress's __() string is."""
    parent = batch(woo, "products/batch", create=[{"name": "Belt", "type": "variable", "sku": "BE", "attributes": [
        {"name": "Size", "options": ["S"], "variation": True}]}])["create"][0]
    var = batch(woo, f"products/{parent['id']}/variations/batch", create=[
        {"sku": "BE-S", "attributes": [{"name": "Size", "option": "S"}]}])["create"][0]
    failed = batch(woo, "products/batch", update=[{"id": var["id"], "stock_quantity": 1}])["update"][0]
    assert failed == {"id": var["id"], "error": {
        "code": "woocommerce_rest_invalid_product_id", "data": {"status": 404},
        "message": "To manipulate product variations you should use the "
                   "/products/&lt;product_id&gt;/variations/&lt;id&gt; endpoint."}}
