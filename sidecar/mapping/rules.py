"""The field map and conditional rules of ``orders.field_map`` / ``orders.rules`` (DESIGN.md §3).

A WooCommerce field is named by a dotted path into the order as the REST API renders it (``customer_note``,
``billing.phone``, ``shipping_lines.0.method_id``) or ``meta:<key>`` for an order meta value.
"""

from __future__ import annotations

import re
from typing import Any

MISSING = object()
_INDEX = re.compile(r"[0-9]{1,9}")  # a list index in ASCII digits ("²" is a digit to str.isdigit, not to int)


def woo_value(order: dict, path: str) -> Any:
    """Read ``path`` from a WooCommerce order; ``MISSING`` when it is not there."""
    if path.startswith("meta:"):
        key = path[5:]
        for meta in order.get("meta_data") or []:
            if meta.get("key") == key:
                return meta.get("value")
        return MISSING
    node: Any = order
    for part in path.split("."):
        if isinstance(node, list) and _INDEX.fullmatch(part) and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return MISSING
    return node


def apply_field_map(order: dict, field_map: dict[str, str]) -> dict:
    """NetSuite body fields taken from WooCommerce fields; empty values are left out."""
    out = {}
    for woo_path, ns_field in field_map.items():
        value = woo_value(order, woo_path)
        if value is not MISSING and value not in (None, ""):
            out[ns_field] = value
    return out


def rule_matches(order: dict, rule: dict) -> bool:
    """True when the rule's one condition (equals, in, matches) holds for the order."""
    value = woo_value(order, rule["field"])
    if value is MISSING:
        return False
    if "equals" in rule:
        return str(value) == str(rule["equals"])
    if "in" in rule:
        return str(value) in {str(v) for v in rule["in"]}
    if "matches" in rule:
        return re.search(rule["matches"], str(value)) is not None
    return False


def apply_rules(order: dict, rules: list[dict]) -> dict:
    """NetSuite body fields set by every matching rule, later rules winning."""
    out: dict = {}
    for rule in rules:
        if rule_matches(order, rule):
            out.update(rule["set"])
    return out
