"""Paging through WooCommerce collections with ``page`` + ``X-WP-TotalPages`` (spec A0), as a tiny pure object.

The ``Link`` header is deliberately not followed: it echoes the previous request's oauth_* parameters (so a
followed link would replay a used nonce and carry a stale signature, FINDINGS.md). We count pages instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MAX_PER_PAGE = 100  # WooCommerce refuses per_page > 100 with 400 rest_invalid_param


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(headers.get(name, ""))
    except (TypeError, ValueError):
        return None


@dataclass
class Pager:
    """Current page, what the server said about the totals, and whether to fetch another page."""

    page: int = 1
    total: int | None = None
    total_pages: int | None = None

    def advance(self, headers: Mapping[str, str], count: int) -> bool:
        """Record one page's answer; True when there is a next page (and ``page`` now points at it).

        Stops on an empty page, on the last page per ``X-WP-TotalPages``, or when the endpoint does not page at
        all (order notes answer everything at once, without the headers)."""
        self.total = _int_header(headers, "X-WP-Total")
        self.total_pages = _int_header(headers, "X-WP-TotalPages")
        if count == 0 or self.total_pages is None or self.page >= self.total_pages:
            return False
        self.page += 1
        return True
