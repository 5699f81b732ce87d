"""An order's currency on its customer (issue 21, spec §6.2): NetSuite refuses a sales order whose currency is
neither the customer's primary currency nor one of its ``currencyList`` lines.

Steps: already known to have it (the binder remembers what each NetSuite customer can buy in)? done → claim the
NetSuite customer → read it fresh (its primary currency and its list) → add one ``currencyList`` line with a
PATCH that merges (the list is not keyed: the line is appended, the others stay; never ``replace=``) → remember.
The primary currency is never touched. A customer this connector creates for an order gets the order's
currency as its primary currency (``customers.sync_customer``), so it needs no line at all.
"""

from __future__ import annotations

from sidecar.clients.errors import TransientError
from sidecar.clients.netsuite_errors import NetSuiteUncertainWrite
from sidecar.flows import claims
from sidecar.flows.base import FlowContext
from sidecar.store import binder

ENTITY = "ns_customer"  # binder rows about a NetSuite customer itself, keyed by its internal id


def ensure(ctx: FlowContext, customer_id: str, currency_id: str) -> str | None:
    """Make sure the customer can buy in ``currency_id``; returns an outcome when a line was added."""
    customer_id, currency_id = str(customer_id), str(currency_id)
    if currency_id in known(customer_id):
        return None
    with claims.hold(ctx, ENTITY, customer_id,
                     f"NetSuite customer {customer_id} is getting a currency from another job"):
        have = read(ctx, customer_id)
        added = currency_id not in have
        if added:
            _add_line(ctx, customer_id, currency_id)
            have.add(currency_id)
        binder.bind(ENTITY, customer_id, customer_id, data={"currencies": sorted(have)})
    return f"Currency {currency_id} added to customer {customer_id}." if added else None


def created_with(customer_id: str, currency_id: str) -> None:
    """A customer was just created for an order with ``currency_id`` as its primary currency: remember it, so
    the order's ``ensure`` does not read the customer back (one GET per new buyer, issue 17). Should the create
    have adopted an existing customer with another primary currency (its external id was taken), the sales order
    is refused on its currency and ``refused`` forgets this, so the retry reads the customer and adds the line."""
    customer_id, currency_id = str(customer_id), str(currency_id)
    have = known(customer_id) | {currency_id}
    binder.bind(ENTITY, customer_id, customer_id, data={"currencies": sorted(have)})


def refused(exc: Exception, customer_id: str) -> None:
    """The sales order was refused on its currency although we remembered the customer had it (a person removed
    the line in NetSuite): forget, and try again — the next attempt reads the customer and adds the line."""
    if getattr(exc.__cause__, "error_path", None) != "currency":
        return
    if binder.forget(ENTITY, customer_id):
        raise TransientError(f"NetSuite refused the order's currency for customer {customer_id}; its currencies "
                             "changed in NetSuite and are read again") from exc


def known(customer_id: str) -> set[str]:
    """The currencies remembered for a NetSuite customer (what it had when we last looked or added)."""
    link = binder.find(ENTITY, customer_id)
    return set((link.data or {}).get("currencies") or []) if link else set()


def read(ctx: FlowContext, customer_id: str) -> set[str]:
    """Primary currency and ``currencyList`` currencies, read from NetSuite (sublists need expandSubResources)."""
    record = ctx.netsuite.get("customer", customer_id, expand_sub_resources=True)
    lines = (record.get("currencyList") or {}).get("items") or []
    found = [_ref_id(record.get("currency"))] + [_ref_id(line.get("currency")) for line in lines]
    return {c for c in found if c}


def _add_line(ctx: FlowContext, customer_id: str, currency_id: str) -> None:
    """One merged line. A lost answer cannot be retried blindly (the line would be appended twice): look."""
    try:
        ctx.netsuite.update("customer", customer_id, {"currencyList": {"items": [{"currency": {"id": currency_id}}]}})
    except NetSuiteUncertainWrite as exc:
        if currency_id not in read(ctx, customer_id):
            raise TransientError(f"adding currency {currency_id} to customer {customer_id} got no answer and "
                                 "did not happen; trying again") from exc


def _ref_id(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value not in (None, "") else None
