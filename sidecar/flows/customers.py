"""Customers, WooCommerce → NetSuite: on customer events, on an order's first export, and in a ``customers``
run ("Sync now" or its schedule) that walks every WooCommerce customer of the chosen roles.

Steps: read the customer fresh from WooCommerce → skip roles not chosen in ``customers.roles`` → claim it (one
job at a time creates or updates a customer) → find it in NetSuite (link, then external id, then e-mail) → map →
create or update → bind. For an order, the customer is also made able to buy in the order's currency.
"""

from __future__ import annotations

from sidecar.clients.suiteql import literal
from sidecar.flows import claims, currencies
from sidecar.flows.base import FlowBusy, FlowContext, FlowError
from sidecar.flows.records import create_or_adopt
from sidecar.mapping.common import MappingError, fingerprint, guest_key
from sidecar.mapping.customers import from_order, from_woo_customer
from sidecar.mapping.orders import currency_id
from sidecar.store import binder


def handle_customer_event(event, ctx: FlowContext) -> str:
    """``customer.created`` / ``customer.updated``: create or update the NetSuite customer."""
    customer = ctx.woo.get_customer(event.resource_id)
    roles = ctx.settings["customers"]["roles"]
    if customer.get("role") not in roles:
        return f"Not synced: role {customer.get('role')!r} is not one of customers.roles {roles}"
    body = _map(from_woo_customer, customer, ctx.settings)
    return sync_customer(ctx, "customer", customer["id"], body)[1]


def ensure_for_order(ctx: FlowContext, order: dict) -> str:
    """The NetSuite customer an order is sold to — its link, found, created, or the configured guest customer —
    able to buy in the order's currency (a new customer gets it as its primary currency, an existing one a
    ``currencyList`` line: ``sidecar.flows.currencies``)."""
    currency = _order_currency(ctx, order)
    ns_id = _customer_for_order(ctx, order, currency)
    if currency:
        currencies.ensure(ctx, ns_id, currency)
    return ns_id


def _customer_for_order(ctx: FlowContext, order: dict, currency: str | None) -> str:
    if order.get("customer_id"):
        link = binder.find("customer", order["customer_id"])
        if link and link.ns_id:
            return link.ns_id
        customer = ctx.woo.get_customer(order["customer_id"])
        body = _map(from_woo_customer, customer, ctx.settings)
        return sync_customer(ctx, "customer", customer["id"], body, currency=currency)[0]
    guest = ctx.settings["orders"]["guest_customer"]
    if guest != "create":
        return guest
    email = ((order.get("billing") or {}).get("email") or "").strip().lower()
    link = binder.find("guest", guest_key(email)) if email else None
    if link and link.ns_id:
        return link.ns_id
    body = _map(from_order, order, ctx.settings)
    return sync_customer(ctx, "guest", guest_key(email), body, currency=currency)[0]


def _order_currency(ctx: FlowContext, order: dict) -> str | None:
    """The order's NetSuite currency (``orders.currencies``); None when no table is set (the customer's own)."""
    try:
        return currency_id(order, ctx.settings["orders"])
    except MappingError as exc:
        raise FlowError(exc.message, field=exc.setting) from exc


def sync_customer(ctx: FlowContext, entity: str, woo_id, body: dict, *,
                  currency: str | None = None) -> tuple[str, str]:
    """Create or update one customer, holding its claim; returns (internal id, one-line outcome). ``currency``
    is the primary currency of a customer created now (an order's); an update never sends one."""
    with claims.hold(ctx, entity, woo_id, f"{entity} {woo_id} is being synced to NetSuite by another job"):
        return _sync_customer(ctx, entity, woo_id, body, currency)


def _sync_customer(ctx: FlowContext, entity: str, woo_id, body: dict, currency: str | None) -> tuple[str, str]:
    digest = fingerprint(body)
    link = binder.find(entity, woo_id)
    if link and link.ns_id:
        if link.fingerprint == digest:
            return link.ns_id, "Already up to date."
        ctx.netsuite.update("customer", link.ns_id, _without_external_id(body), replace="addressBook")
        binder.bind(entity, woo_id, link.ns_id, fingerprint=digest)
        return link.ns_id, f"Updated customer {link.ns_id}"
    found = _existing(ctx, body)
    if found and found[1]:
        return _adopt_ours(ctx, entity, woo_id, found[0], body, digest)
    if found:
        binder.bind(entity, woo_id, found[0], external_id=body["externalId"], fingerprint=digest)
        return found[0], f"Linked to existing customer {found[0]}"
    new_body = {**body, "currency": {"id": currency}} if currency else body
    ns_id = create_or_adopt(ctx, "customer", new_body, f"the customer {body.get('email')}")
    binder.bind(entity, woo_id, ns_id, external_id=body["externalId"], fingerprint=digest)
    if currency:
        currencies.created_with(ns_id, currency)
    return ns_id, f"Created customer {ns_id}"


def find_existing(ctx: FlowContext, body: dict) -> str | None:
    """A customer already in NetSuite: ours by external id first, else the oldest active one with the same
    e-mail (NetSuite does not enforce unique e-mails). One SuiteQL query answers both."""
    found = _existing(ctx, body)
    return found[0] if found else None


def _existing(ctx: FlowContext, body: dict) -> tuple[str, bool] | None:
    """``find_existing``'s customer and whether it is ours (found by our external id)."""
    query = (f"SELECT id, externalid FROM customer WHERE isinactive = 'F' AND "
             f"(externalid = {literal(body['externalId'])} OR LOWER(email) = LOWER({literal(body['email'])})) "
             "ORDER BY id")
    rows = list(ctx.netsuite.suiteql(query))
    ours = [r for r in rows if str(r.get("externalid", "")).lower() == body["externalId"].lower()]
    return (str((ours or rows)[0]["id"]), bool(ours)) if rows else None


def _adopt_ours(ctx: FlowContext, entity: str, woo_id, ns_id: str, body: dict, digest: str) -> tuple[str, str]:
    """Our own customer without a link: an earlier attempt created it and died before binding it. The customer
    may have changed since, so it is updated before the fingerprint of today's data is bound — binding alone
    would record as sent what NetSuite never got, and every later job would answer "Already up to date."."""
    ctx.netsuite.update("customer", ns_id, _without_external_id(body), replace="addressBook")
    binder.bind(entity, woo_id, ns_id, external_id=body["externalId"], fingerprint=digest)
    return ns_id, f"Updated customer {ns_id} (created by an earlier attempt)"


def _map(mapper, source: dict, settings: dict) -> dict:
    try:
        return mapper(source, settings)
    except MappingError as exc:
        raise FlowError(exc.message, field=exc.setting) from exc


def _without_external_id(body: dict) -> dict:
    """A customer found by e-mail keeps the external id it has; we only update its data."""
    return {k: v for k, v in body.items() if k != "externalId"}


def run(ctx: FlowContext, run) -> None:
    """The ``customers`` run: every WooCommerce customer with a chosen role, created or updated in NetSuite.
    One customer that cannot be synced is counted and named in the run's errors; the others go on."""
    errors: list[str] = []
    for role in ctx.settings["customers"]["roles"]:
        for customer in ctx.woo.iter_pages("customers", {"role": role, "orderby": "id", "order": "asc"}):
            run.seen += 1
            try:
                body = _map(from_woo_customer, customer, ctx.settings)
                outcome = sync_customer(ctx, "customer", customer["id"], body)[1]
            except FlowBusy:
                continue  # another job (an order's, a customer event's) is syncing it right now
            except FlowError as exc:
                run.failed += 1
                errors.append(f"customer {customer.get('id')} ({customer.get('email')}): {exc.message}")
                continue
            if outcome != "Already up to date.":
                run.changed += 1
    run.errors = errors[:20] or None
