"""The stack most flow tests share (``tests.flows.stack.stocked_stack``)."""

from __future__ import annotations

import pytest

from tests.flows.stack import stocked_stack


@pytest.fixture
def stack(tmp_path, monkeypatch):
    yield from stocked_stack(tmp_path, monkeypatch)
