"""Small pure helpers shared by the WooCommerce sandbox: dates, money strings, PHP-style JSON, meta_data rules."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

CENT = Decimal("0.01")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")


def utcnow() -> datetime:
    """Now in UTC, to the second (WordPress stores dates with one-second resolution)."""
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)


@lru_cache(maxsize=8192)
def fmt_date(value: datetime | None, offset_hours: float = 0) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS`` without a zone suffix, shifted to site-local time by ``offset_hours`` (cached: a
    page of 100 products repeats the same few stamps)."""
    if value is None:
        return None
    return (value + timedelta(hours=offset_hours)).strftime("%Y-%m-%dT%H:%M:%S")


def parse_date(text: str) -> datetime | None:
    """Parse an ISO-8601 filter value as WordPress's rest_parse_date does; None when invalid.

    A value with a zone suffix is converted to UTC and returned naive; without one it is returned as written.
    """
    match = DATE_RE.match(text or "")
    if not match:
        return None
    y, mo, d, h, mi, s = (int(g) for g in match.groups()[:6])
    try:
        value = datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    zone = match.group(8)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        value -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return value


def dec(value: Any) -> Decimal:
    """A Decimal from a WooCommerce money value ('' and None are zero)."""
    if value in (None, ""):
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def money(value: Decimal | float | str) -> str:
    """Money as WooCommerce prints totals: a string rounded to 2 decimals ("29.35")."""
    text = str(dec(value).quantize(CENT, rounding=ROUND_HALF_UP))
    return "0.00" if text == "-0.00" else text


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal | float | str) -> str:
    """An unpadded decimal string as wc_format_decimal gives it ("6.2", "2.96835", "0")."""
    text = format(dec(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def number(value: Decimal) -> int | float:
    """A JSON number that is an int when whole, as PHP's float-to-JSON prints it (5, 17.99)."""
    return int(value) if value == value.to_integral_value() else float(value)


def php_json(payload: Any) -> bytes:
    """``wp_json_encode`` output: no spaces, ``/`` escaped as ``\\/``, non-ASCII as ``\\uXXXX``."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


def render_meta(meta: list[dict], display: bool = False) -> list[dict]:
    """meta_data as the REST API lists it (item meta adds display_key/display_value)."""
    out = []
    for row in meta:
        if row["key"].startswith("_") and row.get("hidden"):
            continue
        item = {"id": row["id"], "key": row["key"], "value": row["value"]}
        if display:
            item["display_key"] = row.get("display_key", row["key"])
            item["display_value"] = row.get("display_value", row["value"])
        out.append(item)
    return out


def apply_meta(meta: list[dict], updates: list[dict], next_id) -> list[dict]:
    """WC_Data::update_meta_data semantics (spec A3.5): by id, else upsert by key; value null deletes. An id that
    matches no row adds the entry with ``unique``, which first removes every row of that key."""
    meta = [dict(row) for row in meta]
    for entry in updates or []:
        if not isinstance(entry, dict) or "key" not in entry:
            continue
        key, value = entry["key"], entry.get("value")
        if entry.get("id"):
            found = [row for row in meta if row["id"] == entry["id"]]
            for row in found[:1]:
                row["key"], row["value"] = key, value
            if not found:
                meta = [row for row in meta if row["key"] != key]
                meta.append({"id": next_id(), "key": key, "value": value})
            continue
        same = [row for row in meta if row["key"] == key]
        if same:
            same[0]["value"] = value
            meta = [row for row in meta if row["key"] != key or row is same[0]]
        else:
            meta.append({"id": next_id(), "key": key, "value": value})
    return [row for row in meta if row["value"] is not None]
