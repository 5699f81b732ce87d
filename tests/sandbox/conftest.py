"""Fixtures shared by the WooCommerce sandbox tests: one sandbox per module, reset before each test."""

from __future__ import annotations

import pytest
import requests

from sidecar.sandbox.woocommerce import create_app
from tests.conftest import LiveServer
from tests.sandbox.test_woocommerce_helpers import Woo


@pytest.fixture(scope="module")
def server():
    live = LiveServer(create_app())
    yield live
    live.stop()


@pytest.fixture
def woo(server):
    """A client of a store emptied for this test, with store taxes off, stock management on, the real clock."""
    requests.post(f"{server.url}/_sandbox/reset", timeout=5)
    requests.post(f"{server.url}/_sandbox/config", json={"calc_taxes": False, "manage_stock": True}, timeout=5)
    requests.post(f"{server.url}/_sandbox/clock", json={"now": None}, timeout=5)
    return Woo(server.url)
