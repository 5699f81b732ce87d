"""The orders flow's request savers (issue 17): sales order numbers read together, buyers taking turns."""

from __future__ import annotations

import re
import threading
import time

from sidecar.flows.order_costs import NumberReader, customer_turn


class FakeNetSuite:
    """SuiteQL over transaction ids; the first query blocks until released, so others gather behind it."""

    def __init__(self, missing: set[str] = frozenset()):
        self.queries: list[set[str]] = []
        self.gets: list[str] = []
        self.release = threading.Event()
        self.missing = missing

    def suiteql(self, query: str):
        ids = set(re.findall(r"\d+", query.split(" IN ", 1)[1]))
        self.queries.append(ids)
        if len(self.queries) == 1:
            self.release.wait(10)
        return [{"id": i, "tranid": f"SO{i}"} for i in sorted(ids) if i not in self.missing]

    def get(self, record_type: str, ns_id):
        self.gets.append(str(ns_id))
        return {"id": ns_id, "tranId": f"SO{ns_id}-by-get"}


class Ctx:
    def __init__(self, netsuite):
        self.netsuite = netsuite


def wait_until(predicate) -> None:
    deadline = time.monotonic() + 10
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_numbers_asked_while_a_read_is_in_flight_go_together_in_the_next_one():
    ns, reader, results = FakeNetSuite(missing={"13"}), NumberReader(), {}

    def ask(ns_id: str) -> None:
        results[ns_id] = reader.number(Ctx(ns), ns_id)

    first = threading.Thread(target=ask, args=("11",))
    first.start()
    wait_until(lambda: len(ns.queries) == 1)
    others = [threading.Thread(target=ask, args=(i,)) for i in ("12", "13", "14")]
    for t in others:
        t.start()
    wait_until(lambda: len(reader._waiting) == 3)
    ns.release.set()
    for t in [first, *others]:
        t.join(10)
    assert ns.queries == [{"11"}, {"12", "13", "14"}]  # two queries for four sales orders
    assert results == {"11": "SO11", "12": "SO12", "13": "SO13-by-get", "14": "SO14"}
    assert ns.gets == ["13"]  # the one the query did not return is read on its own
    assert not reader._busy


def test_orders_of_one_buyer_take_turns_and_other_buyers_do_not_wait():
    order_a = {"billing": {"email": "Ann@example.com"}}
    order_a2 = {"billing": {"email": "ann@example.com "}}
    order_b = {"customer_id": 7}
    inside = threading.Event()
    entered: list[str] = []

    with customer_turn(order_a):
        t = threading.Thread(target=customer_turn_enter, args=(order_a2, entered, inside))
        t.start()
        with customer_turn(order_b):  # another buyer: not blocked
            entered.append("b")
        assert not inside.wait(0.2)  # Ann's second order waits for the first
    t.join(10)
    assert entered == ["b", "a2"]


def customer_turn_enter(order: dict, entered: list, inside: threading.Event) -> None:
    with customer_turn(order):
        entered.append("a2")
        inside.set()
