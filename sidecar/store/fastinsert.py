"""One-row INSERTs whose SQL text is built once per table, for the intake's hot path.

Building the SQL of ``Event.create(...)`` in peewee costs about 140 µs of CPU (its query compiler walks every
column of the model on each call); executing it costs about 20. A signed ``POST /v1/events`` does two such inserts
(the ``Event`` row and its huey task), which was half of the request's CPU once the per-request reconnect was gone
(docs/benchmarks.md, "Intake profile"). ``insert_row`` writes every column of the model, applying the model's
defaults and each field's ``db_value`` exactly as peewee does, with a statement text cached per (model, backend).
It is used only where the rate matters; everything else keeps peewee's query builder.
"""

from __future__ import annotations

import threading

import peewee

from sidecar.store.db import database

_cache: dict[tuple[type, type], tuple[str, list[peewee.Field], bool, frozenset[str]]] = {}
_lock = threading.Lock()


def _statement(model: type[peewee.Model], db: peewee.Database,
               ) -> tuple[str, list[peewee.Field], bool, frozenset[str]]:
    key = (model, type(db))  # the text depends on the backend's class (placeholder, quotes, RETURNING) only;
    # never id(db): a closed test database's id is reused by the next one, maybe of another backend
    found = _cache.get(key)
    if found is None:
        fields = [f for f in model._meta.sorted_fields if not isinstance(f, peewee.AutoField)]
        q0, q1 = db.quote[0], db.quote[1]
        columns = ", ".join(f"{q0}{f.column_name}{q1}" for f in fields)
        marks = ", ".join([db.param] * len(fields))
        returning = isinstance(db, peewee.PostgresqlDatabase)
        pk = model._meta.primary_key.column_name
        sql = (f"INSERT INTO {q0}{model._meta.table_name}{q1} ({columns}) VALUES ({marks})"
               + (f" RETURNING {q0}{pk}{q1}" if returning else ""))
        found = (sql, fields, returning, frozenset(f.name for f in fields))
        with _lock:
            _cache[key] = found
    return found


def insert_row(model: type[peewee.Model], **values: object) -> int:
    """INSERT one row of ``model`` (auto-increment primary key) and return its id; unknown names are an error.

    Raises peewee's IntegrityError on a unique conflict, like ``Model.create``."""
    db = database.obj
    sql, fields, returning, names = _statement(model, db)
    if not names.issuperset(values):
        unknown = set(values) - names
        raise TypeError(f"{model.__name__} has no field {min(unknown)!r}")
    params = []
    for field in fields:
        if field.name in values:
            value = values[field.name]
        else:
            default = field.default
            value = default() if callable(default) else default
        params.append(None if value is None else field.db_value(value))
    cursor = db.execute_sql(sql, params)
    return cursor.fetchone()[0] if returning else cursor.lastrowid
