"""The stack most flow tests share: both sandboxes and the sidecar on 127.0.0.1, paired, the order mapping
configured and the store stocked with the NetSuite sandbox's items (``tests/flows/stack.py``)."""

from __future__ import annotations

import pytest

from tests.flows.stack import configure, start_stack, stock_the_store


@pytest.fixture
def stack(tmp_path, monkeypatch):
    monkeypatch.setenv("SIDECAR_RETRY_BASE_S", "0.01")
    stack = start_stack(tmp_path)
    configure(stack)
    stack.items = stock_the_store(stack)
    yield stack
    stack.stop()
