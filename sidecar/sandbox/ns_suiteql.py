"""SuiteQL, executed for real (spec §8, §10.3): the query is parsed as Oracle SQL with sqlglot, checked against
the tables and columns NetSuite exposes (ns_tables.CATALOG), NetSuite's own functions (BUILTIN.DF, TO_CHAR,
TO_DATE) are rewritten, and the result is generated as SQLite and run on the sandbox store. A query NetSuite
would refuse (LIMIT, WITH, unknown table or field, missing binds) gets a 400 in NetSuite's shape."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.dialects.oracle import Oracle
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from .ns_errors import NsError
from .ns_tables import CATALOG, DATE_COLUMNS, DF_STATUS, DF_TARGETS

MAX_ROWS = 100_000
MAX_IN = 1000  # values in one IN (…) list (spec §8.3, §9.3)
ORACLE = Oracle()


def search_error(detail: str) -> NsError:
    return NsError(400, "USER_ERROR", "Invalid search query. Detailed unprocessed description follows. "
                   f"Search error occurred: {detail}")


# SQLite's own functions, which the engine underneath would run but NetSuite's Oracle does not have
SQLITE_ONLY = {"STRFTIME", "JULIANDAY", "UNIXEPOCH", "DATETIME", "DATE", "TIME", "PRINTF", "FORMAT", "TOTAL",
               "IFNULL", "IIF", "GROUP_CONCAT", "TYPEOF", "RANDOM", "RANDOMBLOB", "ZEROBLOB", "HEX", "UNHEX",
               "QUOTE", "GLOB", "LIKELY", "UNLIKELY", "CHANGES", "TOTAL_CHANGES", "LAST_INSERT_ROWID",
               "SQLITE_VERSION", "OCTET_LENGTH"}
DATE_WORDS = {TokenType.DATE, TokenType.TIMESTAMP, TokenType.TIMESTAMPTZ, TokenType.TIMESTAMPLTZ}


def refuse_tokens(q: str) -> None:
    """The §8.3 dialect rules seen in the query's tokens (string literals are single tokens, so their text never
    counts): no LIMIT, no date literals (``DATE '…'``: TO_DATE instead), no square brackets, no ``(+)`` outer
    joins (sqlglot would otherwise drop the marker and run an inner join), and none of SQLite's own functions."""
    tokens = ORACLE.tokenize(q)
    for token, following in zip(tokens, [*tokens[1:], None]):
        kind = token.token_type
        if kind == TokenType.LIMIT:
            raise search_error("LIMIT is not supported; use FETCH FIRST n ROWS ONLY.")
        if kind in DATE_WORDS and following is not None and following.token_type == TokenType.STRING:
            raise search_error(f"A date literal ({token.text} '{following.text}') is not supported; use TO_DATE.")
        if kind in (TokenType.L_BRACKET, TokenType.R_BRACKET):
            raise search_error("Square brackets are not supported.")
        if kind == TokenType.JOIN_MARKER:
            raise search_error("Outer joins with (+) are not supported; use LEFT OUTER JOIN.")
        if following is not None and following.token_type == TokenType.L_PAREN and kind != TokenType.STRING \
                and token.text.upper() in SQLITE_ONLY:
            raise search_error(f"Function {token.text.upper()} is not supported.")


def parse(q: str) -> exp.Expression:
    """Parse as Oracle SQL; refuse the constructs SuiteQL refuses (LIMIT, WITH, anything but SELECT, §8.3)."""
    try:
        refuse_tokens(q)
        tree = sqlglot.parse_one(q, read="oracle")
    except (ParseError, TokenError) as err:
        raise search_error(f"Invalid or unsupported search. {str(err).splitlines()[0]}") from None
    if tree.find(exp.With):
        raise search_error("WITH clauses are not supported.")
    if not isinstance(tree, (exp.Select, exp.Union)):
        raise search_error("Only SELECT statements are supported.")
    for node in tree.find_all(exp.In):
        if len(node.expressions) > MAX_IN:
            raise search_error(f"An IN list holds at most {MAX_IN} values; this one has {len(node.expressions)}.")
    return tree


def _aliases(tree: exp.Expression) -> dict[str, str | None]:
    """alias (or table name) → catalog table; derived tables map to None."""
    aliases: dict[str, str | None] = {}
    for table in tree.find_all(exp.Table):
        name = table.name.lower()
        if name not in CATALOG:
            raise search_error(f"Record '{table.name}' was not found.")
        aliases[(table.alias or table.name).lower()] = name
    for sub in tree.find_all(exp.Subquery):
        if sub.alias:
            aliases[sub.alias.lower()] = None
    return aliases


def validate(tree: exp.Expression) -> dict[str, str | None]:
    """Every table and field must exist in NetSuite's SuiteQL schema; select-list aliases count in ORDER BY."""
    aliases = _aliases(tree)
    tables = {t for t in aliases.values() if t}
    known = {c for t in tables for c in CATALOG[t]}
    outputs = {a.alias.lower() for a in tree.find_all(exp.Alias)}
    for column in tree.find_all(exp.Column):
        if isinstance(column.this, exp.Star):
            continue
        name, qualifier = column.name.lower(), column.table.lower()
        if qualifier:
            if qualifier not in aliases:
                raise search_error(f"Invalid table alias '{column.table}'.")
            table = aliases[qualifier]
            if table and name not in CATALOG[table]:
                raise search_error(f"Field '{column.name}' for record '{table}' was not found. Reason: "
                                   "NOT_EXPOSED - Not available for channel SUITE_QL")
        elif name not in known and None not in aliases.values() \
                and (name not in outputs or column.find_ancestor(exp.Order) is None):
            # a select-list alias is known to ORDER BY only (Oracle scoping): elsewhere it is an unknown field
            raise search_error(f"Field '{column.name}' was not found.")
    return aliases


def _is_text(node: exp.Expression, aliases: dict[str, str | None]) -> bool:
    """A string literal, or a text column that is not a date (date + n is Oracle date arithmetic)."""
    if isinstance(node, exp.Literal):
        return node.is_string
    if not isinstance(node, exp.Column) or node.name.lower() in DATE_COLUMNS:
        return False
    tables = [aliases.get(node.table.lower())] if node.table else list(aliases.values())
    return any(t and CATALOG[t].get(node.name.lower()) == "TEXT" for t in tables)


def check_concat(tree: exp.Expression, aliases: dict[str, str | None]) -> None:
    """§8.3: text is concatenated with ||; + on text is refused (SQLite would add the texts as numbers)."""
    for node in tree.find_all(exp.Add):
        if _is_text(node.this, aliases) or _is_text(node.expression, aliases):
            raise search_error("Use || to concatenate text; + adds numbers only.")


def _outside_aggregates(part: exp.Expression, select: exp.Select) -> list[exp.Column]:
    """The columns of one part of ``select`` that no aggregate of that select wraps (nested queries skipped)."""
    found = []
    for column in part.find_all(exp.Column):
        node, free = column.parent, True
        while node is not None and node is not select:
            if isinstance(node, (exp.AggFunc, exp.Select)):
                free = False
                break
            node = node.parent
        if free:
            found.append(column)
    return found


def _grouped(column: exp.Column, keys: list[exp.Expression], select: exp.Select) -> bool:
    """Whether the column is a GROUP BY key, or sits inside an expression that is one."""
    for key in keys:
        if isinstance(key, exp.Column) and key.name.lower() == column.name.lower() \
                and (not key.table or not column.table or key.table.lower() == column.table.lower()):
            return True
    wanted = {key.sql(dialect="oracle").lower() for key in keys if not isinstance(key, exp.Column)}
    node = column.parent
    while wanted and node is not None and node is not select:
        if node.sql(dialect="oracle").lower() in wanted:
            return True
        node = node.parent
    return False


def check_grouping(tree: exp.Expression) -> None:
    """Oracle's rule, which SuiteQL keeps (ORA-00979 / ORA-00937): in a grouped or aggregated SELECT every column
    of the select list, HAVING and ORDER BY is a GROUP BY key or inside an aggregate. SQLite would instead answer
    with the value of an arbitrary row of the group."""
    for select in tree.find_all(exp.Select):
        group = select.args.get("group")
        keys = list(group.expressions) if group else []
        if not keys and not any(agg.find_ancestor(exp.Select) is select
                                for p in select.expressions for agg in p.find_all(exp.AggFunc)):
            continue
        outputs = {p.alias.lower() for p in select.expressions if isinstance(p, exp.Alias)}
        order = select.args.get("order")
        for part in [*select.expressions, select.args.get("having"), *(order.expressions if order else [])]:
            for column in _outside_aggregates(part, select) if part is not None else ():
                in_order = order is not None and column.find_ancestor(exp.Order) is order
                if in_order and not column.table and column.name.lower() in outputs:
                    continue
                if not _grouped(column, keys, select):
                    raise search_error(f"Field '{column.sql(dialect='oracle')}' is neither in the GROUP BY nor "
                                       "inside an aggregate function (not a GROUP BY expression).")


def _df(node: exp.Expression, aliases: dict[str, str | None]) -> exp.Expression:
    """BUILTIN.DF(col) → a scalar subquery that yields the display text of the referenced record."""
    args = node.expression.expressions
    if len(args) != 1 or not isinstance(args[0], exp.Column):
        raise search_error("BUILTIN.DF takes one field.")
    column = args[0].copy()
    if not column.table:  # qualify it, or the subquery's own table would capture the name
        owner = _owner(column.name.lower(), aliases)
        if owner:
            column.set("table", exp.to_identifier(owner))
    table = aliases.get(column.table.lower()) if column.table else None
    name = column.name.lower()
    value = column.sql(dialect="sqlite", identify=True)
    qualifier = f'"{column.table}".' if column.table else ""
    if name == "status" and table == "transaction":
        template = DF_STATUS
    else:
        template = DF_TARGETS.get(name, "CAST({v} AS TEXT)")
    return sqlglot.parse_one(template.format(v=value, q=qualifier), read="sqlite")


def _owner(column: str, aliases: dict[str, str | None]) -> str | None:
    """The alias of the (first) table in the query that has this column."""
    for alias, table in aliases.items():
        if table and column in CATALOG[table]:
            return alias
    return None


def rewrite(tree: exp.Expression, aliases: dict[str, str | None]) -> exp.Expression:
    """Replace NetSuite/Oracle functions by SQL SQLite can run (with the ns_* functions of this module)."""
    def transform(node: exp.Expression) -> exp.Expression:
        """Rewrite one node (sqlglot transform callback)."""
        if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) \
                and node.this.name.upper() == "BUILTIN":
            if not isinstance(node.expression, exp.Anonymous) or node.expression.name.upper() != "DF":
                raise search_error(f"Function BUILTIN.{node.expression.name} is not supported here.")
            return _df(node, aliases)
        if isinstance(node, exp.ToChar):
            fmt = node.args.get("format")
            pyfmt = exp.Literal.string(ORACLE.format_time(fmt).name) if fmt is not None else exp.Null()
            return exp.Anonymous(this="NS_TO_CHAR", expressions=[node.this, pyfmt])
        if isinstance(node, (exp.StrToDate, exp.StrToTime)):
            return exp.Anonymous(this="NS_TO_DATE", expressions=[node.this, node.args["format"]])
        return node
    return tree.transform(transform)


def date_outputs(tree: exp.Expression) -> set[int]:
    """Positions of bare date columns (or MAX/MIN of one) in the select list: NetSuite returns those in the user's
    date format (M/D/YYYY), so the runner reformats them after the query."""
    if not isinstance(tree, exp.Select):
        return set()
    positions = set()
    for n, node in enumerate(tree.expressions):
        inner = node.this if isinstance(node, exp.Alias) else node
        while isinstance(inner, (exp.Max, exp.Min)):  # the latest or earliest date is still a date
            inner = inner.this
        if isinstance(inner, exp.Column) and inner.name.lower() in DATE_COLUMNS:
            positions.add(n)
    return positions


def rownum_to_limit(tree: exp.Expression) -> exp.Expression:
    """``WHERE … AND ROWNUM <= n`` (a top-level conjunct of the outer SELECT) → a row limit; any other use of
    ROWNUM is left for the field check to refuse."""
    where = tree.args.get("where") if isinstance(tree, exp.Select) else None
    if where is None:
        return tree
    conjuncts = list(where.this.flatten()) if isinstance(where.this, exp.And) else [where.this]
    kept, limit = [], None
    for cond in conjuncts:
        is_rownum = isinstance(cond, (exp.LTE, exp.LT)) and isinstance(cond.this, exp.Column) \
            and cond.this.name.upper() == "ROWNUM" and isinstance(cond.expression, exp.Literal)
        if is_rownum and limit is None:
            limit = int(cond.expression.name) - (1 if isinstance(cond, exp.LT) else 0)
        else:
            kept.append(cond)
    if limit is None:
        return tree
    tree.set("where", exp.Where(this=exp.and_(*kept)) if kept else None)
    if tree.args.get("order") is not None:
        tree.meta["rownum"] = max(limit, 0)  # counted before ORDER BY: see rownum_before_order
        return tree
    return tree.limit(max(limit, 0), copy=False)


HIDDEN = "sbx_order_"  # sort keys carried out of a ROWNUM subquery, dropped from the answer


def rownum_before_order(tree: exp.Expression) -> exp.Expression:
    """Oracle numbers rows as it finds them and sorts after: ``WHERE ROWNUM <= n ORDER BY k`` is any n rows,
    sorted. The n are taken from the far end of the requested order (a legal "any n"), so a query that relies on
    ROWNUM picking the first rows of its ORDER BY fails here as it can on NetSuite; then they are sorted."""
    limit = tree.meta.get("rownum")
    if limit is None:
        return tree
    order = tree.args["order"]
    inner = tree.copy()
    inner.set("order", None)
    reverse = []
    for n, ordered in enumerate(order.expressions):
        inner.select(exp.alias_(ordered.this.copy(), f"{HIDDEN}{n}"), copy=False)
        reverse.append(exp.Ordered(this=ordered.this.copy(), desc=not ordered.args.get("desc")))
    inner.set("order", exp.Order(expressions=reverse))
    inner.limit(limit, copy=False)
    outer = exp.select("*").from_(inner.subquery("sbx_rownum"))
    return outer.order_by(*[exp.Ordered(this=exp.column(f"{HIDDEN}{n}"), desc=bool(o.args.get("desc")))
                            for n, o in enumerate(order.expressions)], copy=False)


NEVER_NULL = {"id", "item", "transaction"}  # the key columns every projected row has


def native_null_order(tree: exp.Expression) -> exp.Expression:
    """Ordering by a key that is never null: let SQLite keep its own null order, so it can walk the index in
    order instead of sorting every row for an Oracle-style NULLS LAST (keyset pages of a big account)."""
    for node in tree.find_all(exp.Ordered):
        if isinstance(node.this, exp.Column) and node.this.name.lower() in NEVER_NULL:
            node.set("nulls_first", not node.args.get("desc"))
    return tree


@lru_cache(maxsize=256)
def translate(q: str) -> tuple[str, frozenset[int]]:
    """SuiteQL text → SQLite SQL and the date output positions (raises NsError as NetSuite would).

    Cached by query text: a keyset walk sends the same text a hundred times with other binds, and parsing it
    cost more than running it. A refused query raises every time (exceptions are not cached)."""
    tree = native_null_order(rownum_to_limit(parse(q)))
    aliases = validate(tree)
    check_grouping(tree)
    check_concat(tree, aliases)
    dates = date_outputs(tree)
    return rownum_before_order(rewrite(tree, aliases)).sql(dialect="sqlite", identify=True), frozenset(dates)


@lru_cache(maxsize=256)
def placeholders(q: str) -> int:
    """How many ``?`` binds the query text has (cached with the translation)."""
    return sum(1 for t in ORACLE.tokenize(q) if t.token_type == TokenType.PLACEHOLDER)


def check_params(sql: str, params) -> list:
    """The ? binds: an array of strings/numbers, at least as many as placeholders."""
    if params is None:
        params = []
    if not isinstance(params, list):
        raise search_error("params must be an array.")
    for value in params:
        if value is None or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise search_error("Bind values must be strings or numbers; null is not allowed.")
    needed = placeholders(sql)
    if len(params) < needed:
        raise search_error(f"The query has {needed} parameters but {len(params)} values were given.")
    return params[:needed]


def as_text(value) -> str:
    """SuiteQL values come back as strings: 5.0 → "5", 19.99 → "19.99"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_number(value):
    """A numeric value as a JSON number (5.0 → 5); text stays text."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def run(store, q: str, params) -> tuple[list[str], list[tuple]]:
    """Translate and run a query; returns column names and rows (dates reformatted)."""
    params = check_params(q, params)
    sql, dates = translate(q)
    try:
        columns, rows = store.query(sql, params)
    except sqlite3.Error as err:
        raise search_error(str(err)) from None
    if columns and columns[-1].startswith(HIDDEN):  # sort keys of a ROWNUM subquery
        keep = [n for n, name in enumerate(columns) if not name.startswith(HIDDEN)]
        columns, rows = [columns[n] for n in keep], [tuple(row[n] for n in keep) for row in rows]
    if dates:
        rows = [tuple(ns_datefmt(v) if n in dates else v for n, v in enumerate(row)) for row in rows]
    return columns, rows


# --- SQLite functions the rewritten SQL calls -------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _parse_stored(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(str(value), fmt)
        except ValueError:
            continue
    return None


@lru_cache(maxsize=4096)
def ns_to_char(value, pyfmt):
    """TO_CHAR; cached, since a page of stock rows repeats the same few timestamps."""
    if value is None:
        return None
    moment = _parse_stored(value) if isinstance(value, str) else None
    if moment is None or pyfmt is None:
        return as_text(value)
    return moment.strftime(pyfmt)


def ns_to_date(text, pyfmt):
    if text is None:
        return None
    try:
        return datetime.strptime(str(text), pyfmt).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def ns_datefmt(value):
    moment = _parse_stored(value) if value is not None else None
    return f"{moment.month}/{moment.day}/{moment.year}" if moment else value


SQLITE_FUNCTIONS = [("NS_TO_CHAR", 2, ns_to_char), ("NS_TO_DATE", 2, ns_to_date)]
