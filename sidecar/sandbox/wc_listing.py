"""Collection queries shared by every list endpoint: paging params and their errors, date filters,
ordering, ``X-WP-Total``/``X-WP-TotalPages``/``Link`` headers and ``_fields`` (spec A0)."""

from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import quote

from .wc_errors import invalid_param, out_of_bounds
from .wc_util import parse_date

DATE_FILTERS = {"after": "date_created", "before": "date_created", "modified_after": "date_modified",
                "modified_before": "date_modified"}


def int_param(query: dict, name: str, default: int, low: int | None = None, high: int | None = None) -> int:
    raw = query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise invalid_param(name, f"{name} is not of type integer.", "rest_invalid_type", {"param": name}) from None
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            raise invalid_param(name, f"{name} must be greater than or equal to {low}", "rest_out_of_bounds")
        raise out_of_bounds(name, low, high)
    return value


def id_list(query: dict, name: str) -> list[int] | None:
    raw = query.get(name)
    if raw in (None, ""):
        return None
    return [int(x) for x in str(raw).split(",") if x.strip().lstrip("-").isdigit()]


def date_filters(query: dict, offset_hours: float) -> list:
    """Predicates for after/before/modified_after/modified_before: exclusive, local time unless dates_are_gmt."""
    gmt = str(query.get("dates_are_gmt", "")).lower() in ("1", "true", "yes")
    preds = []
    for param, field in DATE_FILTERS.items():
        raw = query.get(param)
        if raw in (None, ""):
            continue
        value = parse_date(str(raw))
        if value is None:
            raise invalid_param(param, "Invalid date.", "rest_invalid_date")
        shift = timedelta(0) if gmt else timedelta(hours=offset_hours)
        if param.endswith("after"):
            preds.append(lambda r, f=field, v=value, s=shift: r[f] + s > v)
        else:
            preds.append(lambda r, f=field, v=value, s=shift: r[f] + s < v)
    return preds


def paging(query: dict) -> tuple[int, int, int]:
    per_page = int_param(query, "per_page", 10, 1, 100)
    page = int_param(query, "page", 1, 1)
    offset = int_param(query, "offset", (page - 1) * per_page, 0)
    return per_page, page, offset


def order_records(records: list[dict], query: dict, default_orderby: str = "date",
                  default_order: str = "desc", include: list[int] | None = None, ties_by_id_desc: bool = False
                  ) -> list[dict]:
    """Sort as the list endpoints do; records of the same second keep id order (ascending unless told)."""
    orderby = query.get("orderby") or default_orderby
    reverse = (query.get("order") or default_order).lower() == "desc"
    if orderby == "include" and include:
        rank = {v: i for i, v in enumerate(include)}
        return sorted(records, key=lambda r: rank.get(r["id"], 1 << 30))
    records = sorted(records, key=lambda r: r["id"], reverse=ties_by_id_desc)
    keyfuncs = {"id": lambda r: r["id"], "modified": lambda r: r.get("date_modified"),
                "title": lambda r: str(r.get("name", "")).lower(), "slug": lambda r: r.get("slug", ""),
                "name": lambda r: f"{r.get('first_name', '')} {r.get('last_name', '')}".lower(),
                "registered_date": lambda r: r.get("date_created"),
                "price": lambda r: float(r.get("regular_price") or 0)}
    key = keyfuncs.get(orderby, lambda r: r.get("date_created"))
    return sorted(records, key=key, reverse=reverse)  # stable: ties keep the id order set above


def page_headers(total: int, per_page: int, page: int, url: str, query_pairs: list[tuple[str, str]],
                 extra_defaults: list[tuple[str, str]] = ()) -> dict:
    """X-WP-Total, X-WP-TotalPages and the prev/next Link header built from the request's own params."""
    pages = math.ceil(total / per_page) if total else 0
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    links = []
    if page > 1:
        prev_page = min(page - 1, pages) if pages else 1
        links.append(f'<{_page_url(url, query_pairs, extra_defaults, prev_page)}>; rel="prev"')
    if page < pages:
        links.append(f'<{_page_url(url, query_pairs, extra_defaults, page + 1)}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return headers


def _page_url(url: str, pairs: list[tuple[str, str]], defaults, page: int) -> str:
    names = {k for k, _ in pairs}
    out = [(k, str(page) if k == "page" else v) for k, v in pairs]
    out += [(k, v) for k, v in defaults if k.split("[")[0] not in names]
    if "page" not in names:
        out.append(("page", str(page)))
    return url + "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in out)


def pick_fields(item: dict, fields: str | None, keep_links: bool = False) -> dict:
    """``_fields=a,b.c`` keeps only those keys (nested with dots); a single resource keeps its ``_links``
    (WordPress adds links after filtering), list items do not (fixtures 02-list vs 05-order-update)."""
    if not fields:
        return item
    wanted: dict[str, list[str]] = {}
    for name in [f.strip() for f in fields.split(",") if f.strip()]:
        head, _, rest = name.partition(".")
        wanted.setdefault(head, []).append(rest)
    out: dict = {}
    for key, value in item.items():  # the response's own key order, as WordPress keeps it
        if key not in wanted:
            continue
        nested = [r for r in wanted[key] if r]
        if nested and "" not in wanted[key] and isinstance(value, dict):
            out[key] = pick_fields(value, ",".join(nested))
        else:
            out[key] = value
    if keep_links and "_links" in item:
        out["_links"] = item["_links"]
    return out


def paginate(records: list, query: dict) -> tuple[list, int, int, int]:
    per_page, page, offset = paging(query)
    return records[offset:offset + per_page], len(records), per_page, page
