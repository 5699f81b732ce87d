"""``_wc_shipment_tracking_items`` providers as the Shipment Tracking extension reads them (spec A7): it finds a
predefined provider by ``sanitize_title`` of its own provider names; any other carrier must be a custom provider
(shown by name), or the customer sees a tracking number with neither carrier name nor link."""

from __future__ import annotations

import pytest

from sidecar.mapping import fulfillments as ship

SHIPMENT = {"id": "9001", "tranId": "IF7", "tranDate": "2024-05-02",
            "package": {"items": [{"packageTrackingNumber": "1ZA"}]}}


@pytest.mark.parametrize("carrier, provider", [("NZ Post", "nz-post"), ("Fedex", "fedex"), ("DHL US", "dhl-us"),
                                               ("Royal Mail", "royal-mail"), ("Colissimo", "colissimo")])
def test_a_carrier_the_extension_lists_is_stored_by_its_slug(carrier, provider):
    item = ship.tracking_items(SHIPMENT, carrier)[0]
    assert (item["tracking_provider"], item["custom_tracking_provider"]) == (provider, "")


@pytest.mark.parametrize("carrier", ["New Zealand Post", "DPD", "La Poste", "DPD.co.uk Next Day"])
def test_a_carrier_the_extension_does_not_list_is_a_custom_provider_shown_by_name(carrier):
    item = ship.tracking_items(SHIPMENT, carrier)[0]
    assert (item["tracking_provider"], item["custom_tracking_provider"]) == ("", carrier)


def test_provider_slug_is_sanitize_title():
    assert ship.provider_slug("DPD.co.uk") == "dpd-co-uk"
    assert ship.provider_slug("TNT Express (consignment)") == "tnt-express-consignment"
