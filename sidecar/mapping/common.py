"""Small helpers every mapper uses: money, references, addresses, external ids, fingerprints."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def money(value: Any) -> Decimal:
    """WooCommerce sends amounts as strings ("68.50", "" for none); NetSuite wants numbers."""
    if value in (None, ""):
        return Decimal(0)
    return Decimal(str(value))


def ns_bool(value: Any, default: bool = False) -> bool:
    """A NetSuite boolean as it may come back: JSON ``true``/``false``, or ``"T"``/``"F"`` (spec §3.2: some
    fields are read as strings, and clients must handle both; ``"F"`` is a non-empty string, so plain
    truthiness would read it as true). None (the field left out) is ``default``."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().upper() in ("T", "TRUE")
    return bool(value)


def to_number(amount: Decimal, places: str = "0.01") -> float:
    """A Decimal rounded half-up, as the JSON number NetSuite expects."""
    return float(amount.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def ref(internal_id: str | int | None) -> dict | None:
    """A NetSuite record reference: ``{"id": "12"}``."""
    return None if internal_id in (None, "") else {"id": str(internal_id)}


def external_id(store: str, kind: str, woo_id: Any) -> str:
    """``woo-<store>-<kind>-<id>`` (DESIGN.md §4); letters, digits, ``-`` and ``_`` only, as NetSuite asks."""
    value = f"woo-{store}-{kind}-{woo_id}"
    return re.sub(r"[^A-Za-z0-9_-]", "-", value)


def guest_key(email: str) -> str:
    """A stable id for a guest, from the e-mail address (NetSuite matches e-mail case-insensitively)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:20]


def full_name(address: dict) -> str:
    return " ".join(p for p in (address.get("first_name", ""), address.get("last_name", "")) if p).strip()


def address(woo: dict) -> dict | None:
    """A WooCommerce billing/shipping block as NetSuite's address subrecord; None when empty."""
    if not woo or not any(woo.get(k) for k in ("address_1", "city", "postcode", "country")):
        return None
    name, company = full_name(woo), (woo.get("company") or "").strip()
    body = {
        "addressee": company or name,
        "attention": name if company else None,
        "addr1": woo.get("address_1") or None,
        "addr2": woo.get("address_2") or None,
        "city": woo.get("city") or None,
        "state": woo.get("state") or None,
        "zip": woo.get("postcode") or None,
        "country": woo.get("country") or None,
        "addrPhone": woo.get("phone") or None,
    }
    return {k: v for k, v in body.items() if v not in (None, "")}


def fingerprint(value: Any) -> str:
    """A short stable hash of JSON-able data, stored on a Link to tell "changed" from "already sent"."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:32]


def drop_empty(body: dict) -> dict:
    """Leave out fields with no value: NetSuite treats a sent null as "clear this field"."""
    return {k: v for k, v in body.items() if v is not None}


class MappingError(ValueError):
    """The record cannot be mapped as the settings stand; the message says what to change."""

    def __init__(self, message: str, setting: str | None = None):
        super().__init__(message)
        self.message = message
        self.setting = setting
