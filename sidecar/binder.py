"""The binder: "what is this WooCommerce record's id in NetSuite?" and recording a new link (STYLE.md)."""

from __future__ import annotations

from typing import Any

from .models import Link, utcnow


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
