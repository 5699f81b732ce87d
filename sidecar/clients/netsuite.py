"""The NetSuite client: record service (create, get, update, upsert, transform, look-up by external id) and
SuiteQL (offset paging and keyset paging past the 100,000-row ceiling), over SuiteTalk REST.

Auth lives in ``netsuite_auth`` (TBA or OAuth 2.0), governance and retries in ``netsuite_transport``, errors
in ``netsuite_errors`` and the connection test in ``netsuite_diagnosis``. This module only knows NetSuite's
URLs and the meaning of its answers. It never imports the sandbox. See docs/netsuite-client.md.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote, urljoin, urlparse

import requests

from sidecar.clients import ApiLog, no_api_log
from sidecar.clients.netsuite_auth import OAuth2Auth, TbaAuth, auth_from_values, origin_for, realm_for
from sidecar.clients.netsuite_errors import (
    NetSuiteAuthError,
    NetSuiteError,
    NetSuiteNotFound,
    NetSuiteRateLimited,
    NetSuiteServerError,
    NetSuiteTimeout,
    NetSuiteUncertainWrite,
    NetSuiteValidationError,
    SuiteQLCeilingReached,
)
from sidecar.clients.netsuite_transport import Transport, shared_gate
from sidecar.retry import RetryPolicy

RECORD = "/services/rest/record/v1"
SUITEQL = "/services/rest/query/v1/suiteql"
SERVER_TIME = "/services/rest/system/v1/serverTime"
SUITEQL_CEILING = 100_000
MAX_PAGE = 1000
MAX_PAGES = 1000  # NetSuite serves at most 1000 pages of a collection or query (spec §0, §4.6, §8.2)
_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_INTERNAL_ID = re.compile(r"^-?\d+$")
_WRITE_HEADERS = {"X-NetSuite-PropertyNameValidation": "Error"}


def _record_type(value: str) -> str:
    if not isinstance(value, str) or not _TYPE.match(value):
        raise ValueError(f"not a NetSuite record type: {value!r}")
    return value


def _eid_segment(external_id: str) -> str:
    """``eid:<id>`` with ``:`` left raw on the wire (spec §2.4); other unsafe characters percent-encoded.
    ``|`` breaks NetSuite's URL parsing (spec §4.4), so it is refused."""
    external_id = str(external_id)
    if not external_id or "|" in external_id:
        raise ValueError(f"external id {external_id!r} cannot be used in a URL")
    return "eid:" + quote(external_id, safe="-_.~")


def _id_segment(record_id: Any) -> str:
    text = str(record_id)
    if text.startswith("eid:"):
        return _eid_segment(text[4:])
    if not _INTERNAL_ID.match(text):
        raise ValueError(f"not a NetSuite internal id: {record_id!r}")
    return text


def _external_id_of(body: dict | None) -> str | None:
    """The body's external id, whatever the case of the field name (NetSuite reads names case-insensitively)."""
    for key, value in (body or {}).items():
        if key.lower() == "externalid" and value not in (None, ""):
            return str(value)
    return None


def id_from_location(response: requests.Response) -> str | None:
    """The internal id NetSuite put in the ``Location`` of a 204 (absolute or relative): its last segment."""
    location = response.headers.get("Location")
    if not location:
        return None
    return urlparse(urljoin(response.url or "", location)).path.rstrip("/").rsplit("/", 1)[-1] or None


def sublists_are_keyed(body: dict | None, replace: str | None) -> bool:
    """True when sending ``body`` twice gives the same record: every sublist is replaced, or each of its lines
    carries its key (``line``/``orderLine``/``id``). Lines without a key are appended on every call (spec §5),
    so such a write must not be blindly retried."""
    replaced = {name.strip().lower() for name in (replace or "").split(",") if name.strip()}
    for name, value in (body or {}).items():
        if not isinstance(value, dict) or not isinstance(value.get("items"), list) or name.lower() in replaced:
            continue
        if not all(isinstance(line, dict) and ({"line", "orderLine", "id"} & line.keys()) for line in value["items"]):
            return False
    return True


def _normalise_row(row: dict) -> dict:
    """SuiteQL rows: drop the empty ``links`` and lower-case the keys (casing "may change", spec §8.1)."""
    return {key.lower(): value for key, value in row.items() if key != "links"}


class AdoptedId(str):
    """The internal id ``create``/``transform`` answer when the record was already there: NetSuite refused the
    POST because our external id is taken (an earlier attempt created it and died before recording it, or a
    replayed job). The body just sent did not make that record, so a caller whose data may have changed since
    sends it as an update (``isinstance(ns_id, AdoptedId)``); otherwise it is an ordinary id string."""


class NetSuiteClient:
    """One NetSuite account. Thread-safe: share one instance, or many (they share the account's gate)."""

    def __init__(self, account_id: str, auth: TbaAuth | OAuth2Auth, *, base_url: str | None = None,
                 concurrency_limit: int = 5, timeout_s: float = 60.0, max_retries: int = 5,
                 session: requests.Session | None = None, backoff_base_s: float = 0.5,
                 backoff_cap_s: float = 30.0, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None, api_log: ApiLog = no_api_log, gate: Any = None):
        """``gate``: an object with ``limit`` and a ``slot()`` context manager that bounds requests in flight —
        by default this process's gate for the account; the pipeline injects one shared by every process."""
        self.account_id = account_id
        self.realm = realm_for(account_id)
        self.origin = origin_for(account_id, base_url)
        self.auth = auth
        self.max_retries = max_retries
        self.policy = RetryPolicy(max_retries=max_retries, base_s=backoff_base_s, cap_s=backoff_cap_s)
        self.gate = gate or shared_gate(self.realm, concurrency_limit)
        self._sleep, self._rng = sleep, rng or random.Random()
        self.transport = Transport(self.origin, auth, gate=self.gate, timeout_s=timeout_s, policy=self.policy,
                                   session=session, api_log=api_log, sleep=sleep, rng=self._rng)

    @classmethod
    def from_credentials(cls, values: dict, config: Any, settings: dict, *, api_log: ApiLog,
                         **kwargs: Any) -> NetSuiteClient:
        """Build the client the way the sidecar does: a stored credentials half, the process Config
        (``netsuite_base_url``), the effective settings (``netsuite.concurrency_limit``, ``netsuite.timeout_s``)
        and the API-log recorder, all handed in by the caller (a client never reads the database)."""
        netsuite = settings.get("netsuite") or {}
        kwargs.setdefault("concurrency_limit", int(netsuite.get("concurrency_limit", 5)))
        kwargs.setdefault("timeout_s", float(netsuite.get("timeout_s", 60.0)))
        return cls(values.get("account_id", ""), auth_from_values(values),
                   base_url=getattr(config, "netsuite_base_url", None), api_log=api_log, **kwargs)

    @property
    def host(self) -> str:
        return urlparse(self.origin).netloc

    # -- record service -----------------------------------------------------------------------------------
    def create(self, record_type: str, body: dict) -> str:
        """POST a new record; returns its internal id (from the 204's ``Location``).

        Give the body an ``externalId``: then a create whose answer was lost (timeout, 5xx, dropped
        connection) is resolved by looking the record up by external id before sending it again, and a
        duplicate-external-id refusal returns the existing record's id. Without one, such a failure raises
        NetSuiteUncertainWrite instead of risking a second record."""
        path = f"{RECORD}/{_record_type(record_type)}"
        return self._write_once(path, body, record_type, _external_id_of(body), params=None)

    def get(self, record_type: str, id: Any, *, expand_sub_resources: bool = False,
            fields: Iterable[str] | None = None) -> dict:
        """GET one record by internal id (or ``eid:X``). ``fields`` picks body fields only (spec §4.2)."""
        params = {"expandSubResources": True if expand_sub_resources else None,
                  "fields": ",".join(fields) if fields else None}
        path = f"{RECORD}/{_record_type(record_type)}/{_id_segment(id)}"
        return self.transport.request("GET", path, params=params).json()

    def update(self, record_type: str, id: Any, body: dict, *, replace: str | None = None) -> None:
        """PATCH: fields left out stay; sublists merge unless named in ``replace`` (``"item"``). Retried after a
        lost answer only when sending it twice is harmless (``sublists_are_keyed``)."""
        path = f"{RECORD}/{_record_type(record_type)}/{_id_segment(id)}"
        self._idempotent_write("PATCH", path, body, replace)

    def upsert(self, record_type: str, external_id: str, body: dict, *, replace: str | None = None) -> str | None:
        """PUT ``…/eid:<external id>``: creates or updates, so retrying it never makes a second record. On an
        existing transaction, unkeyed item lines are appended again: pass ``replace="item"``. Returns the
        internal id when NetSuite sends a ``Location`` (not documented as guaranteed), else None."""
        path = f"{RECORD}/{_record_type(record_type)}/{_eid_segment(external_id)}"
        return id_from_location(self._idempotent_write("PUT", path, body, replace))

    def transform(self, from_type: str, id: Any, to_type: str, body: dict | None = None) -> str:
        """POST ``…/<from>/<id>/!transform/<to>``; returns the new target record's internal id. Put an
        ``externalId`` in ``body`` for the same lost-answer protection as ``create``."""
        path = f"{RECORD}/{_record_type(from_type)}/{_id_segment(id)}/!transform/{_record_type(to_type)}"
        return self._write_once(path, body or {}, to_type, _external_id_of(body), params=None)

    def delete(self, record_type: str, id: Any) -> None:
        """DELETE one record (204); deleting twice is a 404 on the second call, which we accept."""
        path = f"{RECORD}/{_record_type(record_type)}/{_id_segment(id)}"
        try:
            self.transport.request("DELETE", path)
        except NetSuiteNotFound:
            return

    def find_by_external_id(self, record_type: str, external_id: str, *,
                            fields: Iterable[str] | None = None) -> dict | None:
        """The record whose external id is ``external_id`` (case-insensitive in NetSuite), or None."""
        try:
            return self.get(record_type, "eid:" + str(external_id), fields=fields)
        except NetSuiteNotFound:
            return None

    # -- writes and their retry rules ------------------------------------------------------------------------
    def _idempotent_write(self, method: str, path: str, body: dict, replace: str | None) -> requests.Response:
        idempotent = sublists_are_keyed(body, replace)
        try:
            return self.transport.request(method, path, params={"replace": replace}, json_body=body,
                                          headers=_WRITE_HEADERS, idempotent=idempotent)
        except NetSuiteError as exc:
            if getattr(exc, "maybe_applied", False) and not idempotent:
                raise self._uncertain(exc, method, path, "use replace= for its sublists") from exc
            raise

    def _write_once(self, path: str, body: dict, lookup_type: str, external_id: str | None,
                    params: dict | None) -> str:
        """POST that must make at most one record: after a lost answer, look for it by external id first, and
        send it again (under the shared retry policy) only when it is not there."""
        lost: list[BaseException] = []  # the failures after which the record was looked for and not found

        def attempt() -> str:
            try:
                response = self.transport.request("POST", path, params=params, json_body=body,
                                                  headers=_WRITE_HEADERS, idempotent=False)
            except NetSuiteValidationError as exc:
                existing = self._existing_on_duplicate(exc, lookup_type, external_id)
                if existing is None:
                    raise
                return existing
            except NetSuiteError as exc:
                if not getattr(exc, "maybe_applied", False):
                    raise
                if external_id is None:
                    raise self._uncertain(exc, "POST", path, "give the record an externalId") from exc
                found = self.find_by_external_id(lookup_type, external_id)
                if found is not None:
                    return str(found["id"])
                lost.append(exc)
                raise
            return self._new_id(response, path, lookup_type, external_id)

        return self.policy.call(attempt, may_retry=lambda exc: bool(lost) and exc is lost[-1],
                                sleep=self._sleep, rng=self._rng)

    def _existing_on_duplicate(self, exc: NetSuiteValidationError, record_type: str,
                               external_id: str | None) -> str | None:
        """A create refused because the external id is taken (our own earlier attempt, or a replayed job):
        the record we meant to create is there, so answer with its id."""
        text = f"{exc.code} {exc.detail}".lower()
        if not external_id or not ("already exist" in text or "dup_rcrd" in text):
            return None
        found = self.find_by_external_id(record_type, external_id)
        return AdoptedId(found["id"]) if found is not None else None

    def _new_id(self, response: requests.Response, path: str, record_type: str, external_id: str | None) -> str:
        """The saved record's id: from ``Location`` (spec §3.1), else — a 204 without it, which spec §11.3 leaves
        possible for transforms — by the external id the body gave, since the record is there either way."""
        new_id = id_from_location(response)
        if new_id is None and external_id:
            found = self.find_by_external_id(record_type, external_id)
            new_id = str(found["id"]) if found is not None else None
        if new_id is None:
            raise NetSuiteError(f"NetSuite answered {response.status_code} to POST {path} without a Location",
                                status=response.status_code, code="NO_LOCATION")
        return new_id

    @staticmethod
    def _uncertain(exc: NetSuiteError, method: str, path: str, advice: str) -> NetSuiteUncertainWrite:
        return NetSuiteUncertainWrite(
            f"{method} {path} may have been saved ({exc}); not sent again automatically: check NetSuite "
            f"before retrying, and {advice} so that a retry is safe", status=exc.status, code=exc.code)

    # -- SuiteQL ----------------------------------------------------------------------------------------------
    def suiteql_page(self, query: str, *, params: Iterable[Any] | None = None, limit: int = MAX_PAGE,
                     offset: int = 0) -> dict:
        """One page: ``{"items", "count", "hasMore", "offset", "totalResults"}`` with rows normalised.
        ``limit`` 1–1000, ``offset`` a multiple of ``limit`` within the first 1000 pages (NetSuite refuses
        anything else)."""
        if not 1 <= limit <= MAX_PAGE or offset < 0 or offset % limit or offset // limit >= MAX_PAGES:
            raise ValueError("SuiteQL needs 1 <= limit <= 1000 and an offset that is a multiple of limit, "
                             "below page 1000")
        body: dict[str, Any] = {"q": query}
        if params:
            body["params"] = list(params)
        data = self.transport.request("POST", SUITEQL, params={"limit": limit, "offset": offset},
                                      json_body=body, headers={"Prefer": "transient"}).json()
        items = [_normalise_row(row) for row in data.get("items", [])]
        return {"items": items, "count": data.get("count", len(items)), "hasMore": bool(data.get("hasMore")),
                "offset": data.get("offset", offset), "totalResults": data.get("totalResults")}

    def suiteql(self, query: str, *, params: Iterable[Any] | None = None, limit: int = MAX_PAGE) -> Iterator[dict]:
        """Every row of a query, page after page (``offset += limit`` while ``hasMore``). Give the query a
        unique ORDER BY or pages may repeat rows. Raises SuiteQLCeilingReached at 100,000 rows, or at the
        1000th page when pages are small: use ``suiteql_keyset`` for bigger results."""
        params = list(params or [])
        offset = 0
        while True:
            page = self.suiteql_page(query, params=params, limit=limit, offset=offset)
            yield from page["items"]
            read = offset + len(page["items"])
            more = page["hasMore"] or (page["totalResults"] or 0) > read
            if more and (read >= SUITEQL_CEILING or (offset + limit) // limit >= MAX_PAGES):
                raise SuiteQLCeilingReached(f"the query has {page['totalResults']} rows, more than NetSuite serves "
                                            f"to one query ({min(SUITEQL_CEILING, limit * MAX_PAGES)} in pages of "
                                            f"{limit}); read it with suiteql_keyset", code="SUITEQL_CEILING")
            if not page["hasMore"] or not page["items"]:
                return
            offset += limit

    def suiteql_keyset(self, query: str, *, params: Iterable[Any] | None = None, key: str = "id",
                       limit: int = MAX_PAGE, window: int | None = None,
                       start_after: int = -(2 ** 31)) -> Iterator[dict]:
        """Every row of a query of any size: windows of at most ``window`` rows (default: all one query serves,
        100,000 rows or 1000 pages), each read with offset paging, the next starting after the last ``key`` seen
        (salto#6061).

        ``query`` holds ``{after}`` where the last id goes and orders by that key, e.g.
        ``SELECT id, itemid FROM item WHERE id > {after} ORDER BY id``. The id is inserted as an integer
        (ids are numeric), so nothing a row holds can change the query."""
        if "{after}" not in query or not re.search(r"order\s+by", query, re.IGNORECASE):
            raise ValueError("suiteql_keyset needs a query with {after} and an ORDER BY on the key")
        if window is None:  # as many rows as one query serves: 100,000, or 1000 pages of small pages
            window = min(SUITEQL_CEILING, limit * MAX_PAGES)
        if window > min(SUITEQL_CEILING, limit * MAX_PAGES) or window < limit or window % limit:
            raise ValueError("window must be a multiple of limit, at most 100,000 and at most 1000 pages")
        after = int(start_after)
        while True:
            rows, total, last = yield from self._keyset_window(query.replace("{after}", str(after)), params,
                                                               key, limit, window)
            if not rows or (rows < window and (total is None or total <= rows)):
                return
            after = last

    def _keyset_window(self, query: str, params: Iterable[Any] | None, key: str, limit: int,
                       window: int) -> Iterator[dict]:
        """Yield one window's rows; returns (rows seen, totalResults of the window, last key)."""
        seen, total, offset, last = 0, None, 0, None
        while offset < window:
            page = self.suiteql_page(query, params=params, limit=limit, offset=offset)
            total = page["totalResults"] if page["totalResults"] is not None else total
            for row in page["items"]:
                last = int(row[key.lower()])
                seen += 1
                yield row
            if not page["hasMore"] or not page["items"]:
                break
            offset += limit
        return seen, total, last

    # -- system ----------------------------------------------------------------------------------------------
    def server_time(self) -> dict:
        """``GET /system/v1/serverTime``: the cheapest authenticated call (no permission needed)."""
        return self.transport.request("GET", SERVER_TIME).json()


def test_connection(values: dict, config: Any, settings: dict, api_log: ApiLog) -> dict:
    """``POST /v1/credentials/test``, NetSuite half: one cheap real call, and when it fails a diagnosis an
    administrator can act on (see netsuite_diagnosis)."""
    from sidecar.clients.netsuite_diagnosis import diagnose

    return diagnose(values, NetSuiteClient.from_credentials, config, settings, api_log)


test_connection.__test__ = False  # not a pytest test, despite the name


__all__ = [
    "NetSuiteAuthError",
    "NetSuiteClient",
    "NetSuiteError",
    "NetSuiteNotFound",
    "NetSuiteRateLimited",
    "NetSuiteServerError",
    "NetSuiteTimeout",
    "NetSuiteUncertainWrite",
    "NetSuiteValidationError",
    "OAuth2Auth",
    "SuiteQLCeilingReached",
    "TbaAuth",
    "id_from_location",
    "sublists_are_keyed",
    "test_connection",
]
