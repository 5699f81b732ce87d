"""wp_safe_remote_request's URL rule in the WooCommerce sandbox's webhook delivery (spec A6.2 "Request:"):
loopback/private hosts and ports other than 80/443/8080 are refused with "A valid URL was not provided." —
counted as failures, so the webhook is disabled after the limit — unless the site's filters, the sandbox's
``webhook_allowed_hosts``, let the host:port through. Over real sockets, as a store and a receiver on this
machine meet (a real WooCommerce 8.2.2 store refused http://127.0.0.1:8775 this way)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from sidecar.sandbox.woocommerce import create_app
from tests.sandbox.test_woocommerce_helpers import Receiver, Woo, allowing

REFUSED = "A valid URL was not provided."  # WP_Http::request() with reject_unsafe_urls (WordPress 6.4)


def hook(woo: Woo, url: str, topic: str = "order.created") -> dict:
    response = woo.call("POST", "/wc/v3/webhooks", body={"name": url, "topic": topic, "delivery_url": url,
                                                         "secret": "s3cret"})
    assert response.status_code == 201, response.text
    return response.json()


def deliveries(base: str, **match) -> list[dict]:
    found = requests.get(f"{base}/_sandbox/deliveries", timeout=10).json()
    return [d for d in found if all(d[k] == v for k, v in match.items())]


def config(base: str, body: dict) -> requests.Response:
    return requests.post(f"{base}/_sandbox/config", json=body, timeout=5)


@pytest.fixture
def env(live_server_factory):
    receiver = Receiver()
    rurl = live_server_factory(receiver.app).url
    base = live_server_factory(create_app()).url
    return Woo(base), receiver, rurl, base


def test_loopback_port_is_refused_counted_and_disables_the_webhook(env):
    """The store and the receiver share 127.0.0.1 but the receiver's port is not 80/443/8080: the ping and
    every delivery are refused (nothing reaches the receiver), each refusal counts, the 7th disables."""
    woo, receiver, rurl, base = env
    created = hook(woo, f"{rurl}/hooks")
    ping = deliveries(base, webhook_id=created["id"], topic="ping")
    assert [(p["status"], p["error"]) for p in ping] == [(None, REFUSED)]
    for n in range(1, 9):
        woo.call("POST", "/wc/v3/orders", body={})
        requests.post(f"{base}/_sandbox/webhooks/flush", timeout=10)
        status = woo.call("GET", f"/wc/v3/webhooks/{created['id']}").json()["status"]
        assert status == ("disabled" if n >= 7 else "active"), n
    sent = deliveries(base, webhook_id=created["id"], topic="order.created")
    assert [(d["status"], d["error"]) for d in sent] == [(None, REFUSED)] * 7
    assert receiver.wait_for(lambda r: True, timeout=0.3, pings=True) == []


def test_allowance_for_the_receivers_host_and_port_lets_deliveries_through(env):
    woo, receiver, rurl, base = env
    created = hook(woo, f"{rurl}/hooks")
    woo.call("POST", "/wc/v3/orders", body={})
    assert deliveries(base, topic="order.created")[-1]["error"] == REFUSED
    other_port = f"127.0.0.1:{urlsplit(rurl).port + 1}"
    assert config(base, {"webhook_allowed_hosts": [other_port]}).json()["webhook_allowed_hosts"] == [other_port]
    woo.call("POST", "/wc/v3/orders", body={})
    assert deliveries(base, topic="order.created")[-1]["error"] == REFUSED  # another port: still refused
    assert config(base, allowing(rurl)).status_code == 200
    order = woo.call("POST", "/wc/v3/orders", body={}).json()
    got = receiver.wait_for(lambda r: r["path"] == "/hooks")
    assert [r["headers"]["X-Wc-Webhook-Id"] for r in got] == [str(created["id"])]
    assert deliveries(base, topic="order.created")[-1]["status"] == 200
    assert b'"id":%d' % order["id"] in got[0]["body"]


def test_names_are_resolved_and_the_allowance_is_per_host(env):
    """``localhost`` is not the store's host (127.0.0.1): it is resolved, lands in 127/8 and is refused,
    even with 127.0.0.1:<port> allowed, until ``localhost:<port>`` itself is allowed."""
    woo, receiver, rurl, base = env
    port = urlsplit(rurl).port
    config(base, {"webhook_allowed_hosts": [f"127.0.0.1:{port}"]})
    hook(woo, f"http://localhost:{port}/by-name")
    woo.call("POST", "/wc/v3/orders", body={})
    assert deliveries(base, topic="order.created")[-1]["error"] == REFUSED
    config(base, {"webhook_allowed_hosts": [f"localhost:{port}"]})
    woo.call("POST", "/wc/v3/orders", body={})
    assert receiver.wait_for(lambda r: r["path"] == "/by-name")
    assert deliveries(base, topic="order.created")[-1]["status"] == 200


def test_private_and_ipv6_hosts_refused_public_hosts_on_safe_ports_pass_the_rule(env):
    """Judged by each webhook's ping. A public address on 80/443/8080 passes WordPress's rule; the sandbox
    then does not send it off this machine (its own limit, a different error), so nothing leaves 127.0.0.1."""
    woo, _receiver, _rurl, base = env
    refused = ["http://10.0.0.5/h", "http://172.20.0.1:8080/h", "http://192.168.1.10/h", "http://0.0.0.0/h",
               "http://[::1]/h", "https://93.184.215.14:8443/h", "ftp://93.184.215.14/h"]
    passing = ["http://93.184.215.14/h", "https://93.184.215.14:443/h", "http://93.184.215.14:8080/h",
               "http://172.32.0.1/h"]
    for url in refused + passing:
        created = hook(woo, url) if not url.startswith("ftp") else None
        if created is None:  # not even a webhook: the REST API wants http(s)
            assert woo.call("POST", "/wc/v3/webhooks", body={"topic": "order.created", "delivery_url": url}) \
                .json()["code"] == "woocommerce_rest_shop_webhook_invalid_delivery_url"
            continue
        error = deliveries(base, webhook_id=created["id"], topic="ping")[0]["error"]
        assert (error == REFUSED) == (url in refused), (url, error)
        assert error, url  # nothing was sent anywhere


def test_the_sites_own_host_and_port_need_no_allowance(env):
    """wp_http_validate_url lets a URL on the home URL's host and port through: with the store's home_url on
    the receiver's host:port, deliveries go out with no allowance at all."""
    woo, receiver, rurl, base = env
    hook(woo, f"{rurl}/home")
    woo.call("POST", "/wc/v3/products", body={"name": "Mug", "sku": "MUG", "regular_price": "8.00"})
    assert config(base, {"home_url": rurl}).status_code == 200  # from now on OAuth would sign for rurl
    placed = requests.post(f"{base}/_sandbox/orders", json={"line_items": [{"sku": "MUG"}]}, timeout=10)
    assert placed.status_code == 201, placed.text
    assert receiver.wait_for(lambda r: r["path"] == "/home")
    assert deliveries(base, topic="order.created")[-1]["status"] == 200


def test_allowance_entries_are_checked(env):
    _woo, _receiver, _rurl, base = env
    for bad in (["127.0.0.1:port"], "127.0.0.1:99999", [8775], {"127.0.0.1": 8775}, ["http://127.0.0.1:1/"]):
        answer = config(base, {"webhook_allowed_hosts": bad})
        assert answer.status_code == 400 and "webhook_allowed_hosts" in answer.json()["message"], bad
    assert config(base, {"webhook_allowed_hosts": "127.0.0.1:8775,hooks.internal"}).status_code == 200
    with pytest.raises(ValueError, match="webhook_allowed_hosts"):
        create_app({"webhook_allowed_hosts": ["127.0.0.1:x"]})
