"""The fix, in plain words, for the reasons a job fails most often — shown beside the reason in wp-admin.

The reason itself stays exactly as the flow wrote it; the hint only says what a shop owner does next.
"""

from __future__ import annotations

import re

_RULES = [
    (r"has no NetSuite item",
     ("Create the item in NetSuite (or correct the product's SKU in WooCommerce) so the two match, then press "
      "Retry.")),
    (r"has no SKU",
     "Give the product a SKU in WooCommerce (Products → edit → Inventory), then press Retry."),
    (r"set (orders|items|refunds|prices|inventory|fulfillments)\.\w+|no mapping in orders\.\w+",
     "Fill in the setting named in the reason on the NetSuite settings tab, save, then press Retry."),
    (r"NetSuite unreachable for [\d.]+ h",
     ("NetSuite did not answer for longer than retry.outage_hours. Once NetSuite answers again (Status page), press "
      "Retry (or Retry all): nothing was sent twice.")),
    (r"No flow in this sidecar handles",
     "This sidecar is older than the plugin: update the sidecar, then press Retry — the job was kept."),
    (r"401|403|InvalidSignature|invalid_login|permission|authenticat",
     ("NetSuite or WooCommerce refused the credentials: check them on the Connection tab and press Test "
      "connection, then Retry.")),
    (r"Gave up after \d+ attempts",
     ("The other system did not answer for a long time. Check the Status page; once both systems answer, press "
      "Retry.")),
    (r"currency",
     ("The customer in NetSuite cannot buy in this currency: check orders.currencies and the customer's "
      "currencies in NetSuite, then Retry.")),
]
HINTS: list[tuple[re.Pattern, str]] = [(re.compile(pattern, re.IGNORECASE), hint) for pattern, hint in _RULES]


def hint_for(reason: str | None) -> str | None:
    """The first matching hint, or None when the reason says it all."""
    if not reason:
        return None
    for pattern, hint in HINTS:
        if pattern.search(reason):
            return hint
    return None
