"""Many ``Link`` rows read and written at once, for the flows that walk a whole catalog (stock, prices).

peewee's query builder costs about 30 µs per bound value and its row loader parses both datetimes of every row:
reading the links of one 1,000-item page took 30–45 ms and saving a batch of 100 links one ``save()`` at a time
15–30 ms, on the worker's one thread that also decides and settles every batch — at 100,000 items that CPU, not
the network, set the pace of a full stock run. Here the same statements are written once per backend (the
model's own table, columns and parameter style) and run with plain DB-API calls: ~10 ms per 1,000 links read,
~1 ms per 100 written. The links read carry only the columns below (no timestamps), loaded without defaults,
so a ``save()`` of one of them writes only those columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sidecar.store.db import database
from sidecar.store.models import Link, utcnow

COLUMNS = ("id", "entity", "woo_id", "ns_id", "external_id", "fingerprint", "data")
CHUNK = 500  # bound values in one IN (...)


def _quote(name: str) -> str:
    q = database.obj.quote
    return f"{q[0]}{name}{q[1]}"


def links_by_external_id(entity: str, keys: Iterable[str]) -> list[Link]:
    """The links of ``entity`` whose ``external_id`` is one of ``keys`` (any order)."""
    return links_where_in(entity, "external_id", keys)


def links_where_in(entity: str, column: str, values: Iterable[str]) -> list[Link]:
    """The links of ``entity`` whose ``column`` (``external_id`` or ``woo_id``) is one of ``values``."""
    if column not in ("external_id", "woo_id"):
        raise ValueError(f"links are not looked up by {column}")
    keys = list(dict.fromkeys(v for v in values if v))
    p, data_field = database.obj.param, Link.data
    columns = ", ".join(_quote(c) for c in COLUMNS)
    found: list[Link] = []
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        sql = (f"SELECT {columns} FROM {_quote(Link._meta.table_name)} WHERE {_quote('entity')} = {p} "
               f"AND {_quote(column)} IN ({', '.join([p] * len(chunk))})")
        for row in database.execute_sql(sql, [entity, *chunk]):
            link = Link(__no_default__=1, **dict(zip(COLUMNS[:-1], row[:-1])), data=data_field.python_value(row[-1]))
            link._dirty.clear()
            found.append(link)
    return found


def save_links(links: Sequence[Link], fields: Sequence[str] = ("data", "ns_id", "fingerprint")) -> None:
    """Write ``fields`` (and ``updated_at`` = now) of every link in one statement run for all of them; call it
    inside the transaction the rows belong to."""
    if not links:
        return
    p, now = database.obj.param, Link.updated_at.db_value(utcnow())
    sets = ", ".join(f"{_quote(Link._meta.fields[f].column_name)} = {p}" for f in (*fields, "updated_at"))
    sql = f"UPDATE {_quote(Link._meta.table_name)} SET {sets} WHERE {_quote('id')} = {p}"
    rows = [(*(Link._meta.fields[f].db_value(getattr(link, f)) for f in fields), now, link.id) for link in links]
    cursor = database.cursor()
    cursor.executemany(sql, rows)
