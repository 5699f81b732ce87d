"""The customer mapper on real WooCommerce customers and guest orders."""

import json

import pytest

from sidecar.mapping.common import MappingError, guest_key
from sidecar.mapping.customers import from_order, from_woo_customer
from sidecar.store.settings import defaults
from tests.conftest import FIXTURES

CUSTOMER = json.loads((FIXTURES / "woocommerce/04-tax-order/customer-create.json").read_text())
GUEST_COMPANY = json.loads((FIXTURES / "woocommerce/04-tax-order/order-create-guest-company.json").read_text())


def settings(company="when_billing_company", subsidiary="3"):
    s = defaults()
    s["store"]["key"] = "shop"
    s["customers"]["company"] = company
    s["orders"]["subsidiary_id"] = subsidiary
    return s


def test_registered_customer_is_an_individual_with_two_addresses():
    body = from_woo_customer(CUSTOMER, settings())
    assert body["externalId"] == "woo-shop-customer-2"
    assert body["isPerson"] is True
    assert (body["firstName"], body["lastName"], body["email"]) == ("Jane", "Doe", "jane.doe@example.com")
    assert body["subsidiary"] == {"id": "3"}
    lines = body["addressBook"]["items"]
    assert [(line["defaultBilling"], line["defaultShipping"]) for line in lines] == [(True, False), (False, True)]
    assert lines[0]["addressBookAddress"]["addr1"] == "100 Market St"
    assert lines[1]["addressBookAddress"]["addr1"] == "200 Mission St"
    assert "companyName" not in body


def test_guest_with_billing_company_becomes_a_company():
    body = from_order(GUEST_COMPANY, settings())
    assert body["isPerson"] is False
    assert body["companyName"] == "Acme Corp"
    assert body["externalId"] == "woo-shop-guest-" + guest_key("purchasing@acme.example")
    assert body["addressBook"]["items"][0]["defaultShipping"] is True
    assert "firstName" not in body


@pytest.mark.parametrize("mode,is_person", [("never", True), ("always", False)])
def test_company_setting_always_or_never(mode, is_person):
    body = from_woo_customer(CUSTOMER, settings(company=mode))
    assert body["isPerson"] is is_person
    if not is_person:
        assert body["companyName"] == "Jane Doe"


def test_guest_external_id_ignores_email_case():
    upper = json.loads(json.dumps(GUEST_COMPANY))
    upper["billing"]["email"] = "Purchasing@ACME.example"
    assert from_order(upper, settings())["externalId"] == from_order(GUEST_COMPANY, settings())["externalId"]


def test_customer_subsidiary_setting_wins_and_no_email_is_refused():
    s = settings()
    s["customers"]["subsidiary_id"] = "8"
    assert from_woo_customer(CUSTOMER, s)["subsidiary"] == {"id": "8"}
    no_email = dict(CUSTOMER, email="", billing=dict(CUSTOMER["billing"], email=""))
    with pytest.raises(MappingError, match="no e-mail"):
        from_woo_customer(no_email, s)
