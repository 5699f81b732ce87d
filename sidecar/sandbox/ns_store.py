"""The sandbox's one database: an in-memory SQLite holding every record as NetSuite's JSON (``sbx_record``)
and, projected from it on each write, the SuiteQL tables of ``ns_tables``. One re-entrant lock serialises access,
so the threaded server can share it safely; ids come from one sequence per id group (spec §6.6)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable

from . import ns_tables
from .ns_schema import ENUM_LABELS, TRAN_STATUS_TEXT, TYPES, RecordType

HIDDEN_DDL = [
    "CREATE TABLE sbx_record (type TEXT, id INTEGER, grp TEXT, eid_lc TEXT, body TEXT, PRIMARY KEY (type, id))",
    "CREATE INDEX sbx_record_eid ON sbx_record (grp, eid_lc)",
    "CREATE TABLE sbx_seq (name TEXT PRIMARY KEY, value INTEGER)",
    "CREATE TABLE sbx_status (type TEXT, code TEXT, text TEXT)",
    "CREATE TABLE sbx_trantype (code TEXT, text TEXT)",
    "CREATE TABLE sbx_itemtype (code TEXT, text TEXT)",
]


class DuplicateExternalId(Exception):
    """Another record of the same id group already has this external id (case-insensitive)."""


class Store:
    def __init__(self, functions: list[tuple[str, int, Callable]] | None = None):
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        # NetSuite's Oracle compares text case-sensitively, LIKE too; SQLite's LIKE ignores ASCII case by default
        self.conn.execute("PRAGMA case_sensitive_like = ON")
        for name, nargs, fn in functions or []:
            self.conn.create_function(name, nargs, fn, deterministic=True)
        self._create()

    def _create(self) -> None:
        with self.lock:
            for stmt in HIDDEN_DDL + ns_tables.ddl():
                self.conn.execute(stmt)
            for code, (label, statuses) in TRAN_STATUS_TEXT.items():
                self.conn.execute("INSERT INTO sbx_trantype VALUES (?, ?)", (code, label))
                self.conn.executemany("INSERT INTO sbx_status VALUES (?, ?, ?)",
                                      [(code, c, f"{label} : {t}") for c, t in statuses.items()])
            self.conn.executemany("INSERT INTO sbx_itemtype VALUES (?, ?)",
                                  list(ENUM_LABELS[("*", "itemType")].items()))

    def reset(self) -> None:
        """Drop everything and start from an empty account."""
        with self.lock:
            tables = [r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                self.conn.execute(f'DROP TABLE "{table}"')
            self._create()

    def next_value(self, name: str, start: int = 1) -> int:
        """The next number of a named sequence (id groups, tranId counters)."""
        with self.lock:
            row = self.conn.execute("SELECT value FROM sbx_seq WHERE name = ?", (name,)).fetchone()
            value = row[0] + 1 if row else start
            self.conn.execute("INSERT OR REPLACE INTO sbx_seq VALUES (?, ?)", (name, value))
            return value

    def _check_eid(self, rtype: RecordType, rid: int | None, eid: str | None) -> None:
        if not eid:
            return
        row = self.conn.execute("SELECT type, id FROM sbx_record WHERE grp = ? AND eid_lc = ?",
                                (rtype.group, eid.lower())).fetchone()
        if row and (row[0], row[1]) != (rtype.name, rid):
            raise DuplicateExternalId(eid)

    def insert(self, rtype: RecordType, rec: dict, rid: int | None = None) -> int:
        """Store a new record under a fresh id of its group; raises DuplicateExternalId."""
        with self.lock:
            self._check_eid(rtype, None, rec.get("externalId"))
            rid = rid or self.next_value(f"id:{rtype.group}")
            self._write(rtype, rid, rec, insert=True)
            return rid

    def save(self, rtype: RecordType, rid: int, rec: dict) -> None:
        with self.lock:
            self._check_eid(rtype, rid, rec.get("externalId"))
            self._write(rtype, rid, rec, insert=False)

    def _write(self, rtype: RecordType, rid: int, rec: dict, insert: bool) -> None:
        eid = (rec.get("externalId") or "").lower() or None
        verb = "INSERT" if insert else "REPLACE"
        self.conn.execute(f"{verb} INTO sbx_record VALUES (?, ?, ?, ?, ?)",
                          (rtype.name, rid, rtype.group, eid, json.dumps(rec)))
        self._project(rtype, rid, rec)

    def load(self, type_name: str, rid) -> dict | None:
        with self.lock:
            row = self.conn.execute("SELECT body FROM sbx_record WHERE type = ? AND id = ?",
                                    (type_name, _int(rid))).fetchone()
            return json.loads(row[0]) if row else None

    def find(self, target: str, rid) -> tuple[str, dict] | None:
        """A record by id within a type or an id group (``item``, ``transaction``): (type, body)."""
        with self.lock:
            row = self.conn.execute("SELECT type, body FROM sbx_record WHERE (type = ? OR grp = ?) AND id = ?",
                                    (target, target, _int(rid))).fetchone()
            return (row[0], json.loads(row[1])) if row else None

    def find_eid(self, rtype: RecordType, eid: str) -> int | None:
        """Internal id of the record of this type whose external id matches (case-insensitive)."""
        with self.lock:
            row = self.conn.execute("SELECT id FROM sbx_record WHERE type = ? AND eid_lc = ?",
                                    (rtype.name, eid.lower())).fetchone()
            return row[0] if row else None

    def ids(self, type_name: str) -> list[int]:
        with self.lock:
            return [r[0] for r in self.conn.execute("SELECT id FROM sbx_record WHERE type = ? ORDER BY id",
                                                    (type_name,))]

    def all(self, type_name: str) -> list[tuple[int, dict]]:
        with self.lock:
            rows = self.conn.execute("SELECT id, body FROM sbx_record WHERE type = ? ORDER BY id", (type_name,))
            return [(r[0], json.loads(r[1])) for r in rows]

    def delete(self, rtype: RecordType, rid: int) -> None:
        with self.lock:
            self.conn.execute("DELETE FROM sbx_record WHERE type = ? AND id = ?", (rtype.name, rid))
            self._project(rtype, rid, None)

    def query(self, sql: str, params: list) -> tuple[list[str], list[tuple]]:
        """Run translated SuiteQL; returns column names and rows."""
        with self.lock:
            cur = self.conn.execute(sql, params)
            return [d[0] for d in cur.description or []], cur.fetchall()

    def _project(self, rtype: RecordType, rid: int, rec: dict | None) -> None:
        tables = self._projection(rtype, rid, rec or {})
        if rtype.group == "transaction":
            self.conn.execute("DELETE FROM trackingnumber WHERE id IN (SELECT trackingnumber FROM "
                              "trackingnumbermap WHERE \"transaction\" = ?)", (rid,))
        for table, rows in tables.items():
            self.conn.execute(f'DELETE FROM "{table}" WHERE "{ns_tables.OWNER[table]}" = ?', (rid,))
            if rec is None:
                continue
            for row in rows:
                cols = ", ".join(f'"{c}"' for c in row)
                # NetSuite's database is Oracle, where '' is NULL: an empty field is absent from a SuiteQL row
                # (spec §8.1) and only IS NULL finds it
                self.conn.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(row))})',
                                  [None if value == "" else value for value in row.values()])
        if rec is not None and rtype.group == "transaction":
            self._project_tracking(rid, rec)

    def _projection(self, rtype: RecordType, rid: int, rec: dict) -> dict[str, list[dict]]:
        if rtype.group == "item":
            return ns_tables.project_item(rid, rec, rtype)
        if rtype.group == "entity":
            return ns_tables.project_customer(rid, rec)
        if rtype.group == "transaction":
            items = [ns_tables.ref_id(line.get("item")) for line in (rec.get("item") or {}).get("items", [])]
            items += [ns_tables.ref_id(rec.get("discountItem")), ns_tables.ref_id(rec.get("shipMethod"))]
            return ns_tables.project_transaction(rid, rec, rtype, self._item_types(items))
        return ns_tables.project_list(ns_tables.LIST_TABLES[rtype.name], rid, rec)

    def _item_types(self, ids: list) -> dict[int, str]:
        ids = [i for i in ids if i]
        if not ids:
            return {}
        rows = self.conn.execute(f"SELECT id, itemtype FROM item WHERE id IN ({', '.join('?' * len(ids))})", ids)
        return dict(rows.fetchall())

    def _project_tracking(self, rid: int, rec: dict) -> None:
        for number in ns_tables.tracking_numbers(rec):
            tid = self.next_value("id:trackingnumber")
            self.conn.execute("INSERT INTO trackingnumber VALUES (?, ?)", (tid, number))
            self.conn.execute("INSERT INTO trackingnumbermap VALUES (?, ?)", (rid, tid))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


assert set(ns_tables.OWNER) | {"trackingnumber"} == set(ns_tables.CATALOG)
assert TYPES
