"""The ``q`` filter of record lists (spec §4.6): ``field OP value`` joined by AND (binding tighter) and OR, with
parentheses; strings in double quotes, lists in brackets, dates as M/D/YYYY. Anything it cannot read is answered
with NetSuite's "Invalid search query" error."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from .ns_errors import NsError, invalid_parameter
from .ns_schema import RecordType

TOKEN = re.compile(r'\s*(?:(?P<q>"(?:[^"\\]|\\.)*")|(?P<list>\[[^\]]*\])|(?P<p>[()])|(?P<w>[^\s()"\[\]]+))')
NO_VALUE = {"EMPTY", "EMPTY_NOT"}
Predicate = Callable[[dict], bool]


def bad_query(detail: str = "Invalid search query. Provide a valid search query.") -> NsError:
    return invalid_parameter(detail, "q")


def tokenize(text: str) -> list[tuple[str, str]]:
    """Split a q expression into quoted strings, [lists], parentheses and words."""
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise bad_query()
        kind = match.lastgroup
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class Parser:
    def __init__(self, rtype: RecordType, text: str):
        self.rtype, self.tokens, self.pos = rtype, tokenize(text), 0

    def parse(self) -> Predicate:
        pred = self._or()
        if self.pos != len(self.tokens):
            raise bad_query()
        return pred

    def _peek_word(self) -> str | None:
        if self.pos < len(self.tokens) and self.tokens[self.pos][0] == "w":
            return self.tokens[self.pos][1].upper()
        return None

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._peek_word() == "OR":
            self.pos += 1
            parts.append(self._and())
        return lambda rec: any(p(rec) for p in parts)

    def _and(self) -> Predicate:
        parts = [self._factor()]
        while self._peek_word() == "AND":
            self.pos += 1
            parts.append(self._factor())
        return lambda rec: all(p(rec) for p in parts)

    def _next(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise bad_query()
        self.pos += 1
        return self.tokens[self.pos - 1]

    def _factor(self) -> Predicate:
        kind, text = self._next()
        if (kind, text) == ("p", "("):
            pred = self._or()
            if self._next() != ("p", ")"):
                raise bad_query()
            return pred
        if kind != "w":
            raise bad_query()
        field = self._field(text)
        _, op = self._next()
        op = op.upper()
        value = None if op in NO_VALUE else self._value()
        return condition(field, self.rtype.fields[field], op, value)

    def _field(self, name: str) -> str:
        for field in self.rtype.fields:
            if field.lower() == name.lower():
                return field
        raise bad_query()

    def _value(self):
        kind, text = self._next()
        if kind == "q":
            return text[1:-1].replace('\\"', '"')
        if kind == "list":
            return [v.strip().strip('"') for v in text[1:-1].split(",") if v.strip()]
        if kind == "w":
            return text
        raise bad_query()


def _plain(value):
    return value.get("id") if isinstance(value, dict) else value


def _parse_date(text: str) -> date:
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", str(text))
    if not match:
        raise bad_query(f'Unparseable date: "{text}"')
    return date(int(match[3]), int(match[1]), int(match[2]))


def condition(field: str, kind: str, op: str, value) -> Predicate:
    """One ``field OP value`` test; the operator set depends on the field's type."""
    negate = op.endswith("_NOT") and op != "EMPTY_NOT"
    base = op[:-4] if negate else op
    if op in NO_VALUE:
        test = (lambda v: v in (None, "", [])) if op == "EMPTY" else (lambda v: v not in (None, "", []))
        return lambda rec: test(_plain(rec.get(field)))
    test = _test(kind.rstrip("!"), base, value)
    if negate:
        return lambda rec: not test(_plain(rec.get(field)))
    return lambda rec: test(_plain(rec.get(field)))


def _test(kind: str, op: str, value) -> Callable:
    if kind in ("date", "datetime"):
        return _date_test(op, value)
    if kind in ("num", "int") or kind.startswith("ref:"):
        return _number_test(op, value)
    if kind == "bool":
        if op != "IS" or str(value).lower() not in ("true", "false", "t", "f"):
            raise bad_query()
        wanted = str(value).lower() in ("true", "t")
        return lambda v: bool(v) == wanted
    return _string_test(op, str(value))


def _string_test(op: str, value: str) -> Callable:
    low = value.lower()
    tests = {"IS": lambda v: str(v or "").lower() == low, "CONTAIN": lambda v: low in str(v or "").lower(),
             "START_WITH": lambda v: str(v or "").lower().startswith(low),
             "ENDWITH": lambda v: str(v or "").lower().endswith(low),
             "END_WITH": lambda v: str(v or "").lower().endswith(low)}
    if op not in tests:
        raise bad_query()
    return tests[op]


def _num(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_query() from None


def _number_test(op: str, value) -> Callable:
    if op in ("ANY_OF", "BETWEEN"):
        values = [_num(v) for v in (value if isinstance(value, list) else [value])]
        if op == "ANY_OF":
            return lambda v: v is not None and float(v) in values
        if len(values) != 2:
            raise bad_query()
        return lambda v: v is not None and values[0] <= float(v) <= values[1]
    target = _num(value)
    tests = {"EQUAL": lambda v: float(v) == target, "IS": lambda v: float(v) == target,
             "GREATER": lambda v: float(v) > target, "GREATER_OR_EQUAL": lambda v: float(v) >= target,
             "LESS": lambda v: float(v) < target, "LESS_OR_EQUAL": lambda v: float(v) <= target}
    if op not in tests:
        raise bad_query()
    return lambda v: v is not None and tests[op](v)


def _date_test(op: str, value) -> Callable:
    target = _parse_date(value)
    tests = {"AFTER": lambda d: d > target, "BEFORE": lambda d: d < target, "ON": lambda d: d == target,
             "ON_OR_AFTER": lambda d: d >= target, "ON_OR_BEFORE": lambda d: d <= target}
    if op not in tests:
        raise bad_query()
    return lambda v: bool(v) and tests[op](date.fromisoformat(str(v)[:10]))
