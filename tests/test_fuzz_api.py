"""Property: whatever a client sends to any route of the real app, the answer is never a 500, and a 4xx stores
nothing (DESIGN.md §3). Generated methods, paths (every rule of ``app.url_map`` with generated path values, and
paths of no rule), headers, query strings and bodies; plugin-signed with ``signed_headers`` or not, WooCommerce-
signed or not. Bounded for ``make test``: derandomized, a fixed number of examples, no example database.

No generated request can reach a remote host: name resolution is refused for anything but 127.0.0.1, and
NetSuite's base URL is a closed local port, so ``POST /v1/credentials/test`` fails fast and locally.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import socket
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidecar.pipeline.registry import get_registry
from sidecar.security import signed_headers, woo_webhook_signature
from sidecar.store.models import Event, Secret, Setting, SyncRun
from sidecar.store.settings import SettingsSchema
from tests.conftest import SHARED_SECRET, make_config

WEBHOOK_SECRET = "whsec-fuzz"
ZONES = [dt.UTC, dt.timezone(dt.timedelta(hours=14)), dt.timezone(-dt.timedelta(hours=11, minutes=30))]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
TRICKY = ["²", "١٢", "0", "-1", " 7", "1_0", "9" * 25, "ok", "error", "failed", "orders", "\x00", "%", "a/b",
          "0001-01-01T00:00:00+01:00", ""]
QUERY_KEYS = ["limit", "offset", "status", "topic", "flow", "system", "q"]
HEADER_NAMES = ["X-WC-Webhook-Topic", "X-WC-Webhook-ID", "X-WC-Webhook-Delivery-ID", "Content-Type",
                "X-NSSync-Timestamp", "X-NSSync-Signature", "X-WC-Webhook-Signature"]
TOPICS = ["order.created", "order.updated", "order.deleted", "customer.updated", "product.updated",
          "action.woocommerce_order_status_processing", "action.woocommerce_order_refunded", "order"]


@dataclass
class Req:
    method: str
    target: str
    body: bytes
    headers: dict = field(default_factory=dict)
    signed: bool = False


scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(), st.text(max_size=12), st.sampled_from(TRICKY))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)
values = st.one_of(st.sampled_from(TRICKY), st.sampled_from(TRICKY), st.text(max_size=20),
                   st.integers(-10, 2**70).map(str))
header_text = st.one_of(st.sampled_from(TRICKY[:-1]), st.sampled_from(TOPICS),
                        st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=30))


def _section_fields() -> dict[str, list[str]]:
    schema = SettingsSchema()
    return {name: list(f.schema.fields) for name, f in schema.fields.items()}


SECTION_FIELDS = _section_fields()


@st.composite
def settings_patch(draw) -> dict:
    section = draw(st.sampled_from([*SECTION_FIELDS, "nonsense"]))
    names = SECTION_FIELDS.get(section, ["x"])
    inner = draw(st.dictionaries(st.sampled_from(names), json_values, max_size=3))
    return {section: inner} if draw(st.booleans()) else inner


@st.composite
def credentials_patch(draw) -> dict:
    half = draw(st.sampled_from(["netsuite", "woocommerce", "other"]))
    names = {"netsuite": ["account_id", "auth", "consumer_key", "token_secret", "private_key_pem"],
             "woocommerce": ["url", "consumer_key", "consumer_secret", "webhook_secret"]}.get(half, ["x"])
    return {half: draw(st.dictionaries(st.sampled_from(names), json_values, max_size=3))}


def mostly(valid, invalid) -> st.SearchStrategy:
    """Valid three times in four, so that requests get past validation to the store as often as not."""
    return st.integers(0, 3).flatmap(lambda pick: invalid if pick == 3 else valid)


@st.composite
def envelope(draw) -> dict:
    keys = {"id": mostly(st.uuids().map(str), values),
            "topic": mostly(st.sampled_from(["order.created", "order.updated", "customer.created"]),
                            st.sampled_from(TOPICS)),
            "resource_id": mostly(st.integers(1, 2**63 - 1), st.one_of(st.integers(), values)),
            "occurred_at": mostly(st.datetimes(timezones=st.sampled_from(ZONES)).map(lambda d: d.isoformat()),
                                  values),
            "payload": mostly(st.dictionaries(st.text(max_size=8), json_values, max_size=4), json_values)}
    return {k: draw(v) for k, v in keys.items() if draw(st.integers(0, 19)) < 19}


@st.composite
def webhook_payload(draw) -> dict:
    return {"id": draw(st.one_of(st.integers(-2, 2**64), values)), "status": draw(values),
            "date_modified_gmt": draw(values), "arg": draw(values), "action": draw(values)}


def nested_raw(depth: int) -> bytes:
    return b'{"a":' * depth + b"{}" + b"}" * depth


def dumped(strategy) -> st.SearchStrategy[bytes]:
    return strategy.map(lambda v: json.dumps(v).encode())


deep_event = st.builds(lambda env, depth: json.dumps({**env, "payload": "DEEP"}).encode()
                       .replace(b'"DEEP"', nested_raw(depth)), envelope(), st.integers(1, 3000))
any_body = st.one_of(st.just(b""), st.binary(max_size=60), dumped(json_values))
# Bodies shaped for the route they are sent to (so the views, not only the parsers, are exercised), or not.
ROUTE_BODIES = {"/v1/settings": dumped(settings_patch()), "/v1/credentials": dumped(credentials_patch()),
                "/v1/events": st.one_of(dumped(envelope()), deep_event),
                "/v1/webhooks/woocommerce": dumped(webhook_payload())}


def body_for(path: str, draw) -> bytes:
    shaped = ROUTE_BODIES.get(path)
    return draw(shaped) if shaped is not None and draw(st.integers(0, 3)) else draw(any_body)


def _path_for(rule, draw) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = draw(st.one_of(values, st.sampled_from(sorted(get_registry().flows) or ["orders"])))
        path = path.replace(f"<{name}>", quote(value, safe="")).replace(f"<int:{name}>", quote(value, safe=""))
    return path


@st.composite
def requests_to(draw, rules) -> Req:
    if draw(st.integers(0, 19)) == 0:
        path = "/" + quote(draw(st.text(max_size=20)), safe="/")
        methods = METHODS
    else:
        rule = draw(st.sampled_from(rules))
        path = _path_for(rule, draw)
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    method = draw(st.sampled_from(methods)) if draw(st.integers(0, 9)) else draw(st.sampled_from(METHODS))
    query = draw(st.dictionaries(st.sampled_from(QUERY_KEYS), values, max_size=3))
    target = path + ("?" + urlencode(query, quote_via=quote) if query else "")
    body = body_for(path, draw)
    headers = draw(st.dictionaries(st.sampled_from(HEADER_NAMES), header_text, max_size=4))
    if path.startswith("/v1/webhooks") and draw(st.integers(0, 3)):
        headers.update({"X-WC-Webhook-Topic": draw(st.sampled_from(TOPICS)), "X-WC-Webhook-ID": "7",
                        "X-WC-Webhook-Signature": woo_webhook_signature(WEBHOOK_SECRET, body)})
    signed = draw(st.integers(0, 3)) > 0
    if signed:
        headers.update(signed_headers(SHARED_SECRET, method, target, body))
    return Req(method, target, body, headers, signed)


def stored_state() -> tuple:
    """Row counts of what a request may write, plus a digest of settings and secrets (an update keeps counts)."""
    digest = hashlib.sha256()
    for row in Setting.select().order_by(Setting.key):
        digest.update(f"{row.key}={json.dumps(row.value, sort_keys=True)}".encode())
    for row in Secret.select().order_by(Secret.name):
        digest.update(f"{row.name}={row.ciphertext}".encode())
    return (Event.select().count(), Setting.select().count(), Secret.select().count(), SyncRun.select().count(),
            digest.hexdigest())


@pytest.fixture
def fuzz_app(tmp_path, any_db_url, monkeypatch):
    from sidecar.api.app import create_app

    real_getaddrinfo = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost"):
            raise socket.gaierror(f"the fuzz test resolves no outside name ({host!r})")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    app = create_app(make_config(tmp_path, any_db_url, SIDECAR_NETSUITE_BASE_URL="http://127.0.0.1:9"))
    app.extensions["sidecar_runtime"].credentials.put({"woocommerce": {"webhook_secret": WEBHOOK_SECRET}})
    yield app
    from sidecar.store.db import database

    database.close()


def test_no_request_answers_500_and_a_4xx_stores_nothing(fuzz_app, any_db_url):
    client = fuzz_app.test_client()
    rules = [rule for rule in fuzz_app.url_map.iter_rules() if rule.endpoint != "static"]
    rules += [rule for rule in rules if rule.rule in ROUTE_BODIES] * 2  # the routes that store bodies, thrice
    seen: Counter = Counter()

    examples = 600 if any_db_url.startswith("sqlite") else 300  # PostgreSQL: what SQLite lets pass (a NUL)

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(req=requests_to(rules))
    def check(req: Req) -> None:
        before = stored_state()
        res = client.open(req.target, method=req.method, data=req.body, headers=req.headers)
        status = res.status_code
        assert status != 500 and status < 500 or status == 503, (req, res.get_data(as_text=True)[:300])
        if 400 <= status < 500:
            assert stored_state() == before, (req, status)
            if req.method != "HEAD":
                assert res.get_json()["error"]["code"], (req, res.get_data(as_text=True)[:300])
        seen[("signed" if req.signed else "unsigned", status // 100)] += 1
        seen[(req.target.split("?")[0].split("/")[2] if req.target.count("/") > 1 else "-", status // 100)] += 1

    check()
    # The property only means something if signed requests get past the signature to the views.
    assert seen[("signed", 2)] >= examples // 15, seen
    assert seen[("signed", 4)] >= examples // 15 and seen[("unsigned", 4)] >= examples // 15, seen


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(topic=st.one_of(st.sampled_from(TOPICS), st.text(max_size=30)),
       webhook_id=st.integers(1, 2**63 - 1).map(str),  # headers arrive parsed by WebhookHeaders
       delivery_id=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=10),
       payload=st.one_of(json_values, webhook_payload()))
def test_the_webhook_mapping_maps_or_ignores_any_payload(topic, webhook_id, delivery_id, payload):
    """The pure mapping behind ``POST /v1/webhooks/woocommerce``: a Mapped event or Ignored, nothing else, and a
    key without control characters (PostgreSQL refuses a NUL)."""
    from sidecar.mapping.webhooks import Ignored, map_delivery

    try:
        mapped = map_delivery(topic, webhook_id, delivery_id, payload)
    except Ignored:
        return
    assert mapped.resource_id.isascii() and mapped.resource_id.isdigit()
    assert not any(ord(c) < 32 or ord(c) == 127 for c in mapped.key), mapped.key
