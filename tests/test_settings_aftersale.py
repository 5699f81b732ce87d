"""The after-sale settings (issue 13) in ``GET /v1/settings`` with their defaults, and each refused with a 422
naming its dotted field."""

from __future__ import annotations

import pytest


def test_after_sale_defaults(signed):
    data = signed.get("/v1/settings").get_json()
    assert data["fulfillments"] == {"complete_order": True, "notify_customer": True, "tracking_meta": True,
                                    "carriers": {}}
    assert data["refunds"] == {"record": "creditMemo", "item_id": None, "refund_item_id": None}
    assert data["cancellations"] == {"from_netsuite": True}
    assert (data["orders"]["record"], data["orders"]["payment_methods"]) == ("salesOrder", {})
    assert {k: data["schedules"][k] for k in ("fulfillments", "refunds", "cancellations")} == {
        "fulfillments": "*/5 * * * *", "refunds": "*/15 * * * *", "cancellations": "*/15 * * * *"}


def test_after_sale_values_are_stored(signed):
    patch = {"orders": {"record": "cashSale", "payment_methods": {"stripe": "7", "bacs": "3"}},
             "fulfillments": {"carriers": {"12": "UPS"}, "tracking_meta": False},
             "refunds": {"record": "cashRefund", "item_id": "40"}, "cancellations": {"from_netsuite": False}}
    assert signed.put("/v1/settings", patch).status_code == 200
    signed.put("/v1/settings", {"orders": {"payment_methods": {"stripe": "8"}}})
    data = signed.get("/v1/settings").get_json()
    assert data["orders"]["payment_methods"] == {"stripe": "8"}  # a mapping table is replaced whole
    assert data["fulfillments"]["carriers"] == {"12": "UPS"} and data["refunds"]["item_id"] == "40"
    assert data["cancellations"]["from_netsuite"] is False


@pytest.mark.parametrize("patch,field", [
    ({"orders": {"record": "invoice"}}, "orders.record"),
    ({"orders": {"payment_methods": {"stripe": "card"}}}, "orders.payment_methods.stripe"),  # named by its key
    ({"fulfillments": {"tracking_meta": "maybe"}}, "fulfillments.tracking_meta"),
    ({"fulfillments": {"carriers": {"ups": "UPS"}}}, "fulfillments.carriers.ups"),
    ({"refunds": {"item_id": "x"}}, "refunds.item_id"),
    ({"cancellations": {"from_netsuite": "yes please"}}, "cancellations.from_netsuite"),
    ({"cancellations": {"to_nowhere": True}}, "cancellations.to_nowhere"),
    ({"schedules": {"refunds": "often"}}, "schedules.refunds"),
])
def test_bad_after_sale_value_is_422_naming_the_field(signed, patch, field):
    res = signed.put("/v1/settings", patch)
    assert res.status_code == 422
    assert res.get_json()["error"]["field"] == field
