"""Spec §6.2 "Currencies", as the NetSuite sandbox enforces it: a sales-side transaction's currency must be its
customer's primary currency or one of its ``currencyList`` lines, else 400 INVALID_CONTENT in NetSuite's words;
``currencyList`` is not keyed, so a PATCH appends its lines and keeps the others (spec §5); a new customer's
primary currency defaults to its subsidiary's and cannot change once the customer has transactions."""

from __future__ import annotations

import pytest

from .test_netsuite_records import R, customer_body, items, new_id, order_body
from .test_netsuite_tba import Sandbox, sandbox_servers


@pytest.fixture
def sandbox_factory():
    yield from sandbox_servers()


@pytest.fixture
def sb(sandbox_factory) -> Sandbox:
    return sandbox_factory({"seed": 12})


def currency(sb: Sandbox, name: str) -> str:
    return next(c["id"] for c in sb.records("currency") if c["name"] == name)


def expanded(sb: Sandbox, cid: str) -> dict:
    return sb.ns.get(f"{R}/customer/{cid}", query={"expandSubResources": "true"}).json()


def listed(customer: dict) -> list[str]:
    return [line["currency"]["id"] for line in (customer.get("currencyList") or {}).get("items", [])]


def test_a_sales_order_in_a_currency_the_customer_does_not_have_is_refused_in_netsuites_words(sb):
    usd, eur = currency(sb, "USD"), currency(sb, "EUR")
    cid = new_id(sb.ns.post(f"{R}/customer", json=customer_body()))
    assert expanded(sb, cid)["currency"]["id"] == usd  # the primary subsidiary's currency, by default
    refused = sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 1), entity={"id": cid},
                                                            currency={"id": eur}))
    assert refused.status_code == 400
    body = refused.json()
    assert (body["title"], body["status"]) == ("Bad Request", 400) and body["type"].startswith("https://www.w3.org")
    assert body["o:errorDetails"] == [{
        "detail": f"Error while accessing resource: You have entered an Invalid Field Value {eur} for the "
                  "following field: currency",
        "o:errorCode": "INVALID_CONTENT", "o:errorPath": "currency"}]
    assert sb.records("salesOrder") == []
    new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 1), entity={"id": cid},
                                                         currency={"id": usd})))  # its own currency: fine


def test_a_currency_list_line_added_by_patch_is_merged_and_lets_the_order_through(sb):
    usd, eur, gbp = currency(sb, "USD"), currency(sb, "EUR"), currency(sb, "GBP")
    cid = new_id(sb.ns.post(f"{R}/customer", json=customer_body()))
    for added in (eur, gbp):
        new_id(sb.ns.request("PATCH", f"{R}/customer/{cid}", json={"currencyList": {"items": [{"currency": {"id": added}}]}}))
    customer = expanded(sb, cid)
    assert customer["currency"]["id"] == usd  # the primary currency stays
    assert listed(customer) == [eur, gbp]  # appended, the earlier line kept
    assert len(customer["addressBook"]["items"]) == 1  # other sublists untouched
    for cur in (usd, eur, gbp):
        new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 1), entity={"id": cid},
                                                             currency={"id": cur})))
    replaced = sb.ns.request("PATCH", f"{R}/customer/{cid}", query={"replace": "currencyList"},
                           json={"currencyList": {"items": [{"currency": {"id": gbp}}]}})
    assert replaced.status_code == 204 and listed(expanded(sb, cid)) == [gbp]  # what replace= would have done


def test_a_customer_created_in_a_currency_buys_in_it_and_keeps_it_once_it_has_transactions(sb):
    usd, eur = currency(sb, "USD"), currency(sb, "EUR")
    cid = new_id(sb.ns.post(f"{R}/customer", json=customer_body(currency={"id": eur})))
    assert expanded(sb, cid)["currency"]["id"] == eur
    refused = sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 1), entity={"id": cid},
                                                            currency={"id": usd}))
    assert refused.status_code == 400 and refused.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_CONTENT"
    new_id(sb.ns.post(f"{R}/salesOrder", json=order_body(sb, items(sb, 1), entity={"id": cid},
                                                         currency={"id": eur})))
    change = sb.ns.request("PATCH", f"{R}/customer/{cid}", json={"currency": {"id": usd}})
    assert change.status_code == 400
    assert change.json()["o:errorDetails"][0]["o:errorPath"] == "currency"
    assert expanded(sb, cid)["currency"]["id"] == eur
    fresh = new_id(sb.ns.post(f"{R}/customer", json=customer_body(externalId="WC-CUST-78")))
    new_id(sb.ns.request("PATCH", f"{R}/customer/{fresh}", json={"currency": {"id": eur}}))  # no transactions yet: allowed
