"""A buyer's earlier waiting orders are found from the events' payloads (issue 17, order of arrival)."""

from __future__ import annotations

from sidecar.flows.order_sequence import earlier_orders
from sidecar.store import binder
from sidecar.store.models import Event


def order_event(key: str, woo_id: int, email: str, status: str = "pending", customer_id: int = 0) -> Event:
    return Event.create(key=key, topic="order.created", resource_id=str(woo_id), status=status,
                        payload={"id": woo_id, "customer_id": customer_id, "billing": {"email": email}})


def test_earlier_waiting_orders_of_the_same_buyer_oldest_first(app):
    order_event("a", 1, "Buyer_3@example.com")
    order_event("b", 2, "other@example.com")
    order_event("c", 3, "buyer_3@example.com", status="done")  # handled already
    order_event("d", 4, "buyer_3@example.com")
    binder.bind("order", 4, "99")  # exported already (its event still waits)
    order_event("e", 5, "buyer_3@example.com")
    order_event("f", 6, "buyerx3@example.com")  # "_" is not a wildcard for the buyer test
    current = order_event("g", 7, "buyer_3@example.com")
    order_event("h", 8, "buyer_3@example.com")  # later
    assert earlier_orders(current, current.payload) == ["1", "5"]


def test_registered_customers_are_matched_by_customer_id(app):
    order_event("a", 1, "x@example.com", customer_id=7)
    order_event("b", 2, "y@example.com", customer_id=17)
    current = order_event("c", 3, "z@example.com", customer_id=7)
    assert earlier_orders(current, current.payload) == ["1"]
