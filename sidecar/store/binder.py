"""The binder: "what is this WooCommerce record's id in NetSuite?" and recording a new link (STYLE.md)."""

from __future__ import annotations

from typing import Any

from sidecar.store.models import Link, utcnow


def find(entity: str, woo_id: Any) -> Link | None:
    """The link of a WooCommerce record, or None when it was never synced."""
    return Link.get_or_none((Link.entity == entity) & (Link.woo_id == str(woo_id)))


def bind(entity: str, woo_id: Any, ns_id: Any, *, external_id: str | None = None, ns_number: str | None = None,
         fingerprint: str | None = None, data: dict | None = None) -> Link:
    """Create or update the link; ``data`` is merged into what the link already holds."""
    link = find(entity, woo_id)
    if link is None:
        return Link.create(entity=entity, woo_id=str(woo_id), ns_id=str(ns_id), external_id=external_id,
                           ns_number=ns_number, fingerprint=fingerprint, data=data or {})
    link.ns_id = str(ns_id)
    link.external_id = external_id or link.external_id
    link.ns_number = ns_number or link.ns_number
    link.fingerprint = fingerprint or link.fingerprint
    link.data = {**(link.data or {}), **(data or {})}
    link.updated_at = utcnow()
    link.save()
    return link


def remember(link: Link, **data: Any) -> None:
    """Merge extra facts into a link (what was last reported, whether the write-back happened, …)."""
    link.data = {**(link.data or {}), **data}
    link.updated_at = utcnow()
    link.save()


def find_by_ns_id(entity: str, ns_id: Any) -> Link | None:
    """The link of a NetSuite record (a sales order found by a poll), or None when it is not ours."""
    return (Link.select().where((Link.entity == entity) & (Link.ns_id == str(ns_id)))
            .order_by(Link.id).first())


def children(entity: str, woo_id: Any) -> list[Link]:
    """Links of records that belong to one WooCommerce record, keyed ``<woo_id>-<own id>`` (an order's
    fulfilments and refunds), oldest first."""
    return list(Link.select().where((Link.entity == entity) & Link.woo_id.startswith(f"{woo_id}-"))
                .order_by(Link.id))


CLAIM_STALE_S = 900


def claim(entity: str, woo_id: Any) -> bool:
    """Reserve the right to create the NetSuite record for a WooCommerce record.

    Two jobs about one order (``order.created`` and ``order.updated`` of the same checkout) may run at once;
    only the one holding the claim creates and writes back. The claim is a link row without a NetSuite id; a
    claim left by a crashed worker is taken over after CLAIM_STALE_S.
    """
    import datetime as dt

    import peewee

    try:
        Link.create(entity=entity, woo_id=str(woo_id), ns_id=None, data={"claimed": True})
        return True
    except peewee.IntegrityError:
        stale = utcnow() - dt.timedelta(seconds=CLAIM_STALE_S)
        taken = (Link.update(updated_at=utcnow())
                 .where((Link.entity == entity) & (Link.woo_id == str(woo_id)) & Link.ns_id.is_null()
                        & (Link.updated_at < stale)).execute())
        return taken == 1


def release(entity: str, woo_id: Any) -> None:
    """Give up a claim that did not end in a NetSuite record (the job failed before creating one)."""
    Link.delete().where((Link.entity == entity) & (Link.woo_id == str(woo_id)) & Link.ns_id.is_null()).execute()
