"""The WooCommerce REST API v3 client the flows use: orders, notes, refunds, customers, products, batches, webhooks.

Transport, auth, retries and the API log live in ``woocommerce_http``; this module knows the endpoints and their
semantics (spec A2-A6): SKU lookups that return variations too, batches of ≤100 objects, exclusive
``modified_after`` walks, meta upserts by key, refunds recorded without moving money.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import requests

from sidecar.clients import ApiLog, no_api_log
from sidecar.clients.woocommerce_batch import (
    BATCH_LIMIT,
    body_of,
    failed_items,
    flatten,
    merge_results,
    plan_batches,
)
from sidecar.clients.woocommerce_errors import (
    WooAuthError,
    WooBatchTooLarge,
    WooConfigError,
    WooError,
    WooNotFoundError,
    WooPermissionError,
    WooTransientError,
    WooValidationError,
)
from sidecar.clients.woocommerce_http import WooHttp
from sidecar.clients.woocommerce_paging import MAX_PER_PAGE, Pager

__all__ = [
    "WooAuthError",
    "WooBatchTooLarge",
    "WooClient",
    "WooConfigError",
    "WooError",
    "WooNotFoundError",
    "WooPermissionError",
    "WooTransientError",
    "WooValidationError",
    "failed_items",
    "test_connection",
]

SKU_CHUNK = 100         # one page of per_page=100 answers a whole chunk
SKU_CHUNK_CHARS = 3000  # keeps the query string well under common 8 KB URL limits
MODIFIED_OVERLAP_S = 2  # modified_after is exclusive and has 1 s granularity: start a little earlier


def _gmt(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)  # Python 3.11 reads a trailing Z
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _money(value: Any) -> str:
    """WooCommerce wants money as decimal strings ("15.00"), never JSON numbers."""
    return value if isinstance(value, str) else format(Decimal(str(value)), "f")


def _csv(value: Any) -> str | None:
    """Lists as ``a,b`` (PHP would sign ``include[]`` as ``include[0]``; the comma form avoids that)."""
    if value is None or isinstance(value, str):
        return value
    return ",".join(str(v) for v in value)


def _sku_chunks(skus: Sequence[str]) -> Iterator[list[str]]:
    """Groups for ``?sku=a,b,c``; a SKU containing a comma can only be looked up alone."""
    chunk: list[str] = []
    for sku in dict.fromkeys(s for s in skus if s):
        if "," in sku:
            yield [sku]
            continue
        if chunk and (len(chunk) >= SKU_CHUNK or sum(map(len, chunk)) + len(sku) > SKU_CHUNK_CHARS):
            yield chunk
            chunk = []
        chunk.append(sku)
    if chunk:
        yield chunk


class WooClient:
    """One store, one session. Methods return WooCommerce's JSON as dicts and raise ``WooError`` subclasses."""

    def __init__(self, url: str, consumer_key: str, consumer_secret: str, *, query_string_auth: bool = False,
                 timeout_s: float = 30.0, max_retries: int = 4, session: requests.Session | None = None,
                 auth: str = "auto", sleep: Callable[[float], None] = time.sleep, api_log: ApiLog = no_api_log):
        self.http = WooHttp(url, consumer_key, consumer_secret, query_string_auth=query_string_auth,
                            timeout_s=timeout_s, max_retries=max_retries, session=session, auth=auth, sleep=sleep,
                            api_log=api_log)
        self.batch_size = BATCH_LIMIT
        self.batch_calls = 0

    @classmethod
    def from_credentials(cls, values: dict, settings: dict, *, api_log: ApiLog, **kw: Any) -> WooClient:
        """Build the client the way the sidecar does: the stored ``woocommerce`` credentials half, the effective
        settings (``woocommerce.query_string_auth``, ``woocommerce.timeout_s``) and the API-log recorder, all
        handed in by the caller (a client never reads the database)."""
        woo = settings.get("woocommerce") or {}
        return cls(values.get("url", ""), values.get("consumer_key", ""), values.get("consumer_secret", ""),
                   query_string_auth=bool(woo.get("query_string_auth", False)),
                   timeout_s=float(woo.get("timeout_s", 30.0)), api_log=api_log, **kw)

    @property
    def auth_mode(self) -> str:
        return self.http.auth_mode

    # -- generic verbs ------------------------------------------------------------------------------------
    def get(self, path: str, params: dict | None = None) -> Any:
        return self.http.request("GET", path, params=params).data

    def post(self, path: str, json: Any, *, retry: bool = False) -> Any:
        """POST is not retried by default: a create that timed out may have happened (retry=True for sets)."""
        return self.http.request("POST", path, json_body=json, retry=retry).data

    def put(self, path: str, json: Any) -> Any:
        return self.http.request("PUT", path, json_body=json).data

    def delete(self, path: str, params: dict | None = None) -> Any:
        return self.http.request("DELETE", path, params=params).data

    def iter_pages(self, path: str, params: dict | None = None, per_page: int = MAX_PER_PAGE) -> Iterator[dict]:
        """Every object of a collection, page by page (``page`` + ``X-WP-TotalPages``), lazily."""
        pager = Pager()
        while True:
            query = {**(params or {}), "per_page": min(max(per_page, 1), MAX_PER_PAGE), "page": pager.page}
            resp = self.http.request("GET", path, params=query)
            items = resp.data if isinstance(resp.data, list) else []
            yield from items
            if not pager.advance(resp.headers, len(items)):
                return

    # -- orders -------------------------------------------------------------------------------------------
    def get_order(self, order_id: int) -> dict:
        return self.get(f"orders/{int(order_id)}")

    def iter_orders(self, *, modified_after: dt.datetime | str | None = None, status: Any = None,
                    include: Any = None, overlap_s: int = MODIFIED_OVERLAP_S, seen: set | None = None,
                    **filters: Any) -> Iterator[dict]:
        """Orders, oldest change first when walking from a cursor. ``modified_after`` is UTC; WooCommerce compares
        it exclusively at 1 s granularity, so the walk starts ``overlap_s`` earlier and repeats of the same
        (id, date_modified_gmt) are dropped - within the walk, and across runs when the caller passes the
        ``seen`` set it kept from the previous run (it is updated in place). The caller keeps the cursor
        (max ``date_modified_gmt`` seen)."""
        params: dict[str, Any] = {"orderby": "id", "order": "asc", **filters}
        if modified_after is not None:
            since = _gmt(modified_after) - dt.timedelta(seconds=overlap_s)
            params.update(modified_after=since.strftime("%Y-%m-%dT%H:%M:%S"), dates_are_gmt="true",
                          orderby="modified")
        params.update({k: v for k, v in (("status", _csv(status)), ("include", _csv(include))) if v})
        seen = set() if seen is None else seen
        for order in self.iter_pages("orders", params):
            key = (order.get("id"), order.get("date_modified_gmt"))
            if key not in seen:
                seen.add(key)
                yield order

    def update_order(self, order_id: int, data: dict) -> dict:
        """PUT: only the fields sent change; item arrays merge by item id (spec A3.4)."""
        return self.put(f"orders/{int(order_id)}", data)

    def set_order_meta(self, order_id: int, meta: dict[str, Any]) -> dict:
        """Upsert meta by key (no meta id sent: the first row with the key is updated, others removed);
        a ``None`` value deletes the key."""
        return self.update_order(order_id, {"meta_data": [{"key": k, "value": v} for k, v in meta.items()]})

    def add_order_note(self, order_id: int, note: str, *, customer_note: bool = False) -> dict:
        """A private note, or with ``customer_note=True`` one the customer sees and is e-mailed.

        WooCommerce 8.2.2 stores an empty or blank note (201) and would e-mail a customer an empty one, so a note
        without text is refused here, before anything is sent."""
        if not isinstance(note, str) or not note.strip():
            raise ValueError("an order note needs text (WooCommerce would store an empty note as sent)")
        return self.post(f"orders/{int(order_id)}/notes", {"note": note, "customer_note": bool(customer_note)})

    def list_order_notes(self, order_id: int, note_type: str = "any") -> list[dict]:
        """All notes (the endpoint does not page), newest first."""
        return self.get(f"orders/{int(order_id)}/notes", {"type": note_type})

    def create_refund(self, order_id: int, *, amount: Any, reason: str = "", api_refund: bool = False,
                      line_items: list[dict] | None = None, api_restock: bool = False,
                      meta_data: list[dict] | None = None) -> dict:
        """Record a refund. ``api_refund`` defaults to False here (WooCommerce's default is True, which asks the
        payment gateway to move money); ``api_restock`` False because NetSuite owns stock."""
        body: dict[str, Any] = {"amount": _money(amount), "reason": reason, "api_refund": bool(api_refund),
                                "api_restock": bool(api_restock)}
        if line_items:
            body["line_items"] = line_items
        if meta_data:
            body["meta_data"] = meta_data
        return self.post(f"orders/{int(order_id)}/refunds", body)

    def list_refunds(self, order_id: int) -> list[dict]:
        return list(self.iter_pages(f"orders/{int(order_id)}/refunds"))

    # -- customers ----------------------------------------------------------------------------------------
    def get_customer(self, customer_id: int) -> dict:
        return self.get(f"customers/{int(customer_id)}")

    def find_customer_by_email(self, email: str) -> dict | None:
        """Registered customer by e-mail, any role (``role`` defaults to ``customer`` server-side)."""
        found = self.get("customers", {"email": email, "role": "all"})
        return found[0] if found else None

    # -- products and variations --------------------------------------------------------------------------
    def get_product(self, product_id: int) -> dict:
        return self.get(f"products/{int(product_id)}")

    def get_variation(self, product_id: int, variation_id: int) -> dict:
        return self.get(f"products/{int(product_id)}/variations/{int(variation_id)}")

    def find_products_by_sku(self, skus: Sequence[str], fields: str | None = None) -> list[dict]:
        """Products and variations whose SKU is in ``skus``. A variation comes back with ``type: "variation"``
        and its ``parent_id``: write it through ``batch_variations(parent_id, …)``. Matching ignores case, as
        MySQL's default collation does on the server; anything else the server returns is dropped. ``fields``
        (``_fields``, e.g. ``"id,sku,type,parent_id,stock_quantity"``; include ``sku``) trims each answer."""
        wanted = {s.casefold() for s in skus if s}
        params = {"_fields": fields} if fields else {}
        found = []
        for chunk in _sku_chunks(skus):
            found.extend(p for p in self.iter_pages("products", {"sku": ",".join(chunk), **params})
                          if str(p.get("sku") or "").casefold() in wanted)
        return found

    def batch_products(self, create: Sequence = (), update: Sequence = (), delete: Sequence = ()) -> dict:
        """Create/update/delete products, ≤100 objects a call, answers merged; per-item errors stay in the
        result (see ``failed_items``). Variations are refused here by WooCommerce: use ``batch_variations``."""
        return self._batch("products/batch", create, update, delete)

    def batch_variations(self, product_id: int, create: Sequence = (), update: Sequence = (),
                         delete: Sequence = ()) -> dict:
        """The same for the variations of one variable product (the only way to write variations in bulk)."""
        return self._batch(f"products/{int(product_id)}/variations/batch", create, update, delete)

    def batch_update(self, items: Sequence[dict]) -> dict:
        """Updates for products and variations mixed (e.g. a stock push): each item has ``id`` and, for a
        variation, ``parent_id`` (as ``find_products_by_sku`` returns it); routed to the right batch endpoint."""
        groups: dict[int, list[dict]] = {}
        for item in items:
            parent = int(item.get("parent_id") or 0)
            groups.setdefault(parent, []).append({k: v for k, v in item.items() if k != "parent_id"})
        answers = [self.batch_products(update=groups.pop(0))] if 0 in groups else []
        answers += [self.batch_variations(pid, update=group) for pid, group in sorted(groups.items())]
        return merge_results({"update": items}, answers)

    def _batch(self, path: str, create: Sequence, update: Sequence, delete: Sequence) -> dict:
        """Chunks are cut as they are sent, so a limit learnt from a 413 applies to the rest at once."""
        flat, answers, start = flatten(create, update, delete), [], 0
        while start < len(flat):
            chunk = flat[start:start + self.batch_size]
            start += len(chunk)
            answers += self._post_batch(path, body_of(chunk))
        return merge_results({"create": create, "update": update, "delete": delete}, answers)

    def _post_batch(self, path: str, body: dict[str, list]) -> list[dict]:
        """One batch call; a 413 (a store that lowered the limit by filter) halves the size and retries."""
        try:
            self.batch_calls += 1
            return [self.post(path, body, retry="create" not in body)]
        except WooBatchTooLarge:
            count = sum(len(v) for v in body.values())
            if count <= 1:
                raise
            self.batch_size = min(self.batch_size, (count + 1) // 2)
            halves = plan_batches(body.get("create", ()), body.get("update", ()), body.get("delete", ()),
                                  size=self.batch_size)
            return [a for half in halves for a in self._post_batch(path, half)]

    # -- webhooks -----------------------------------------------------------------------------------------
    def list_webhooks(self) -> list[dict]:
        return list(self.iter_pages("webhooks"))

    def create_webhook(self, data: dict) -> dict:
        return self.post("webhooks", data)

    def update_webhook(self, webhook_id: int, data: dict) -> dict:
        """E.g. ``{"status": "active"}`` to re-enable a webhook WooCommerce disabled after failed deliveries."""
        return self.put(f"webhooks/{int(webhook_id)}", data)


def test_connection(values: dict, config: Any, settings: dict, api_log: ApiLog) -> dict:
    """``POST /v1/credentials/test``, WooCommerce half: can the key read, and can it write (without changing
    anything)? See ``woocommerce_connection``. ``config`` is unused: the store URL is in ``values``."""
    from sidecar.clients.woocommerce_connection import check

    try:
        client = WooClient.from_credentials(values, settings, api_log=api_log, max_retries=1)
    except ValueError as exc:
        return {"ok": False, "read": False, "write": False, "error": str(exc)}
    return check(client)


test_connection.__test__ = False  # not a pytest test, despite the name
