"""Issue 21 end to end, with the NetSuite sandbox enforcing spec §6.2: a sales order's currency must be its
customer's primary currency or one of its ``currencyList`` lines. A customer created for an order gets the
order's currency as its primary currency; an existing one gets a line added (merged, once, remembered) before
the sales order; the primary currency never changes. The same for a configured guest customer."""

from __future__ import annotations

import pytest

from tests.flows.stack import STORE_KEY, configure, start_stack, stock_the_store

PERSON = {"first_name": "Ada", "last_name": "Lovelace", "address_1": "12 Analytical St", "city": "London",
          "postcode": "N1 1AA", "country": "GB", "email": "ada@example.com"}
FLAT = [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "4.00"}]


@pytest.fixture
def stack(tmp_path, monkeypatch):
    monkeypatch.setenv("SIDECAR_RETRY_BASE_S", "0.01")
    stack = start_stack(tmp_path)
    configure(stack)
    stack.items = stock_the_store(stack)
    stack.sku = min(s for s, i in stack.items.items() if not i.get("matrixType"))
    yield stack
    stack.stop()


def place(stack, currency: str, **body) -> dict:
    order = stack.place({"line_items": [{"sku": stack.sku, "quantity": 1}], "shipping_lines": FLAT,
                         "set_paid": True, "currency": currency, **body})
    stack.settle()
    return order


def customer(stack, cid: str) -> dict:
    return stack.ns_control("GET", f"records/customer/{cid}")


def listed(record: dict) -> list[str]:
    return [line["currency"]["id"] for line in (record.get("currencyList") or {}).get("items", [])]


def calls(stack, method: str, cid: str) -> int:
    paths = stack.ns_control("GET", "stats")["by_method_path"]
    return paths.get(f"{method} /services/rest/record/v1/customer/{cid}", 0)


def test_a_returning_customer_in_usd_then_eur_then_gbp_ends_with_three_currencies_and_three_orders(stack):
    cur = stack.seed["currencies"]
    member = stack.woo_client().post("customers", {"email": "ada@example.com", "first_name": "Ada",
                                                   "last_name": "Lovelace", "billing": PERSON})["id"]
    orders = [place(stack, code, customer_id=member, billing=PERSON) for code in ("USD", "EUR", "GBP")]

    sales = [stack.sales_order_for(o["id"]) for o in orders]
    assert all(sales), "every order has its sales order"
    assert [so["currency"]["id"] for so in sales] == [cur["USD"], cur["EUR"], cur["GBP"]]
    cid = sales[0]["entity"]["id"]
    assert {so["entity"]["id"] for so in sales} == {cid}
    record = customer(stack, cid)
    assert record["externalId"] == f"woo-{STORE_KEY}-customer-{member}"
    assert record["currency"]["id"] == cur["USD"]  # created with its first order's currency, never changed
    assert listed(record) == [cur["EUR"], cur["GBP"]]  # one merged line per new currency
    assert {record["currency"]["id"], *listed(record)} == set(cur.values())

    patches, reads = calls(stack, "PATCH", cid), calls(stack, "GET", cid)
    again = place(stack, "EUR", customer_id=member, billing=PERSON)  # a currency it has: remembered
    assert stack.sales_order_for(again["id"])["currency"]["id"] == cur["EUR"]
    assert (calls(stack, "PATCH", cid), calls(stack, "GET", cid)) == (patches, reads)
    assert listed(customer(stack, cid)) == [cur["EUR"], cur["GBP"]]


def test_a_new_guest_buying_in_eur_gets_eur_as_its_primary_currency(stack):
    cur = stack.seed["currencies"]
    order = place(stack, "EUR", billing=dict(PERSON, email="new.guest@example.com"))
    so = stack.sales_order_for(order["id"])
    assert so is not None and so["currency"]["id"] == cur["EUR"]
    record = customer(stack, so["entity"]["id"])
    assert record["currency"]["id"] == cur["EUR"] and listed(record) == []


def test_a_customer_created_for_an_order_is_not_read_back_for_its_currency(stack):
    """Issue 17: the create gave it the order's currency as primary; reading it back cost a GET per new buyer.
    The buyer's second order in the same currency costs no customer request either."""
    first = place(stack, "EUR", billing=dict(PERSON, email="once@example.com"))
    cid = stack.sales_order_for(first["id"])["entity"]["id"]
    second = place(stack, "EUR", billing=dict(PERSON, email="once@example.com"))
    assert stack.sales_order_for(second["id"])["entity"]["id"] == cid
    assert calls(stack, "GET", cid) == 0 and calls(stack, "PATCH", cid) == 0


def test_the_configured_guest_customer_gets_each_new_currency_once_and_keeps_its_own(stack):
    cur = stack.seed["currencies"]
    account = next(c for c in stack.records("customer") if c["currency"]["id"] == cur["USD"])
    stack.api.put("/v1/settings", {"orders": {"guest_customer": str(account["id"])}})
    orders = [place(stack, code, billing=dict(PERSON, email=f"walkin{n}@example.com"))
              for n, code in enumerate(["EUR", "GBP", "EUR", "USD"])]
    sales = [stack.sales_order_for(o["id"]) for o in orders]
    assert [so["currency"]["id"] for so in sales] == [cur[c] for c in ("EUR", "GBP", "EUR", "USD")]
    assert {so["entity"]["id"] for so in sales} == {str(account["id"])}
    record = customer(stack, account["id"])
    assert record["currency"]["id"] == cur["USD"]
    assert listed(record) == [cur["EUR"], cur["GBP"]]
    assert calls(stack, "PATCH", account["id"]) == 2


def test_a_currency_removed_in_netsuite_after_we_remembered_it_is_added_again(stack):
    cur = stack.seed["currencies"]
    member = stack.woo_client().post("customers", {"email": "ada@example.com", "first_name": "Ada",
                                                   "last_name": "Lovelace", "billing": PERSON})["id"]
    first = place(stack, "USD", customer_id=member, billing=PERSON)
    place(stack, "EUR", customer_id=member, billing=PERSON)
    cid = stack.sales_order_for(first["id"])["entity"]["id"]
    stack.ns_control("PATCH", f"records/customer/{cid}", {"currencyList": {"items": []}})  # a person removed it
    again = place(stack, "EUR", customer_id=member, billing=PERSON)
    assert stack.sales_order_for(again["id"])["currency"]["id"] == cur["EUR"]
    assert listed(customer(stack, cid)) == [cur["EUR"]]
    state = stack.api.get(f"/v1/orders/{again['id']}").get_json()
    assert state["status"] == "exported"
    assert any(h["attempts"] == 2 for h in state["history"])  # refused once, then read again and fixed
