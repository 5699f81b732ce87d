"""SuiteQL paging: offset pages with ``hasMore``, the 100,000-row ceiling, and keyset paging past it, against
a fake NetSuite (``responses``) that enforces the documented rules."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from sidecar.clients.netsuite import NetSuiteClient
from sidecar.clients.netsuite_auth import TbaAuth
from sidecar.clients.netsuite_errors import SuiteQLCeilingReached

ORIGIN = "https://1234567-sb1.suitetalk.api.netsuite.com"
URL = ORIGIN + "/services/rest/query/v1/suiteql"
CEILING = 100_000


def make_client() -> NetSuiteClient:
    auth = TbaAuth("1234567_SB1", "ck", "cs", "tid", "ts")
    return NetSuiteClient("1234567_SB1", auth, sleep=lambda s: None, api_log=lambda *a: None)


class FakeSuiteQL:
    """Serves ``SELECT id … WHERE id > N ORDER BY id`` over ids 1..size, like NetSuite: limit ≤ 1000, offset a
    multiple of limit, at most 1000 pages, ``Prefer: transient`` required, at most 100,000 rows per query, string
    values."""

    def __init__(self, size: int):
        self.size = size
        self.calls = []

    def __call__(self, request):
        query = parse_qs(urlparse(request.url).query)
        limit, offset = int(query["limit"][0]), int(query["offset"][0])
        body = json.loads(request.body)
        self.calls.append((body["q"], limit, offset))
        if request.headers.get("Prefer") != "transient" or limit > 1000 or offset % limit or offset // limit >= 1000:
            return 400, {}, json.dumps({"o:errorDetails": [{"detail": "bad", "o:errorCode": "INVALID_PARAMETER"}]})
        after = int(re.search(r"id > (-?\d+)", body["q"]).group(1)) if "id >" in body["q"] else 0
        first = max(after, 0) + 1
        total = max(0, self.size - first + 1)
        served = min(total, CEILING)
        ids = range(first + offset, first + min(offset + limit, served))
        items = [{"links": [], "ID": str(i), "ItemId": f"SKU-{i}"} for i in ids]
        return 200, {}, json.dumps({"links": [], "count": len(items), "offset": offset, "totalResults": total,
                                    "hasMore": offset + limit < served, "items": items})


@responses.activate
def test_page_normalises_rows_and_sends_prefer_transient():
    fake = FakeSuiteQL(3)
    responses.add_callback(responses.POST, URL, callback=fake)
    page = make_client().suiteql_page("SELECT id, itemid FROM item ORDER BY id", params=["x"], limit=2)
    assert page["items"] == [{"id": "1", "itemid": "SKU-1"}, {"id": "2", "itemid": "SKU-2"}]
    assert page["hasMore"] is True and page["totalResults"] == 3
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {"q": "SELECT id, itemid FROM item ORDER BY id", "params": ["x"]}
    assert responses.calls[0].request.url.endswith("/suiteql?limit=2&offset=0")


def test_page_arguments_are_checked_before_any_call():
    client = make_client()
    for kwargs in ({"limit": 1001}, {"limit": 0}, {"limit": 10, "offset": 15}, {"limit": 10, "offset": 10_000}):
        with pytest.raises(ValueError):
            client.suiteql_page("SELECT 1", **kwargs)


@responses.activate
def test_suiteql_walks_every_page():
    fake = FakeSuiteQL(2_345)
    responses.add_callback(responses.POST, URL, callback=fake)
    rows = list(make_client().suiteql("SELECT id FROM item ORDER BY id"))
    assert [int(r["id"]) for r in rows] == list(range(1, 2_346))
    assert [c[2] for c in fake.calls] == [0, 1000, 2000]


@responses.activate
def test_offset_paging_stops_at_the_ceiling_with_a_clear_error():
    fake = FakeSuiteQL(CEILING + 500)
    responses.add_callback(responses.POST, URL, callback=fake)
    rows = 0
    with pytest.raises(SuiteQLCeilingReached, match="suiteql_keyset"):
        for _ in make_client().suiteql("SELECT id FROM item ORDER BY id"):
            rows += 1
    assert rows == CEILING


@responses.activate
def test_keyset_paging_reads_past_100000_rows_exactly_once_each():
    fake = FakeSuiteQL(250_500)
    responses.add_callback(responses.POST, URL, callback=fake)
    ids = [int(r["id"]) for r in make_client().suiteql_keyset("SELECT id FROM item WHERE id > {after} ORDER BY id")]
    assert len(ids) == 250_500 and ids == sorted(set(ids)) and ids[0] == 1 and ids[-1] == 250_500
    windows = sorted({c[0] for c in fake.calls})
    assert len(windows) == 3 and any("id > 100000" in q for q in windows) and any("id > 200000" in q for q in windows)
    assert max(c[2] for c in fake.calls) < CEILING


@responses.activate
def test_keyset_with_a_small_window_and_an_exact_multiple():
    fake = FakeSuiteQL(3_000)
    responses.add_callback(responses.POST, URL, callback=fake)
    ids = [int(r["id"]) for r in make_client().suiteql_keyset(
        "SELECT id FROM item WHERE id > {after} ORDER BY id", limit=500, window=1_000)]
    assert ids == list(range(1, 3_001))


def test_keyset_needs_a_placeholder_and_an_order():
    client = make_client()
    with pytest.raises(ValueError):
        next(client.suiteql_keyset("SELECT id FROM item ORDER BY id"))
    with pytest.raises(ValueError):
        next(client.suiteql_keyset("SELECT id FROM item WHERE id > {after}"))


@responses.activate
def test_offset_paging_with_small_pages_stops_at_the_1000th_page():
    """Spec §0/§4.6/§8.2: at most 1000 pages. With 50-row pages that is 50,000 rows, below the 100,000 ceiling:
    the walk ends with the same clear error instead of asking NetSuite for page 1001."""
    fake = FakeSuiteQL(50_001)
    responses.add_callback(responses.POST, URL, callback=fake)
    rows = 0
    with pytest.raises(SuiteQLCeilingReached, match="suiteql_keyset"):
        for _ in make_client().suiteql("SELECT id FROM item ORDER BY id", limit=50):
            rows += 1
    assert rows == 50_000 and max(c[2] for c in fake.calls) == 49_950


@responses.activate
def test_keyset_windows_never_pass_the_1000th_page():
    """A keyset walk with small pages keeps each window within 1000 pages (spec §0/§4.6)."""
    fake = FakeSuiteQL(60_000)
    responses.add_callback(responses.POST, URL, callback=fake)
    ids = [int(r["id"]) for r in make_client().suiteql_keyset(
        "SELECT id FROM item WHERE id > {after} ORDER BY id", limit=50)]
    assert ids == list(range(1, 60_001))
    assert max(c[2] // c[1] for c in fake.calls) < 1000
    with pytest.raises(ValueError):
        next(make_client().suiteql_keyset("SELECT id FROM item WHERE id > {after} ORDER BY id", limit=50,
                                          window=100_000))
