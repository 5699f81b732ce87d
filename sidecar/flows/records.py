"""Creating a NetSuite record from a flow: once, whatever happens around the call."""

from __future__ import annotations

from sidecar.clients.errors import RemoteError
from sidecar.clients.netsuite import AdoptedId
from sidecar.flows.base import FlowContext, FlowError


def create_or_adopt(ctx: FlowContext, record_type: str, body: dict, what: str) -> str:
    """Create the record and return its internal id. When NetSuite refuses it because our external id is
    taken (a parallel job or an earlier crashed attempt created it), the existing record is adopted (its id an
    ``AdoptedId``); any other refusal is a FlowError saying what NetSuite said about ``what``."""
    try:
        return ctx.netsuite.create(record_type, body)
    except RemoteError as exc:
        if exc.retryable:
            raise
        record = ctx.netsuite.find_by_external_id(record_type, body["externalId"])
        if record:
            return AdoptedId(record["id"])
        raise FlowError(f"NetSuite refused {what}: {exc}") from exc
