"""``sidecar demo`` — what ``make run`` does when no real credentials are stored: the main job end to end on
this machine with no account anywhere.

It starts both sandboxes, the API and the worker as child processes (the sandboxes are separate programs here,
exactly as the real systems are), pairs the sidecar with them through its own signed API, places a few orders
in the WooCommerce sandbox as a checkout would, and prints each one arriving in NetSuite as a sales order.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from sidecar.config import Config, load_config
from sidecar.security import signed_headers

DEMO_ORDERS = 5


@dataclass
class Demo:
    config: Config
    ns_url: str
    woo_url: str
    api_url: str
    procs: list[subprocess.Popen] = field(default_factory=list)
    http: requests.Session = field(default_factory=requests.Session)

    # -- processes ---------------------------------------------------------------------------------------
    def start(self, args: list[str], env: dict | None = None, log_name: str = "") -> None:
        """Start ``sidecar <args>`` with its output in ``var/<log_name>.log`` so the demo's own lines stay
        readable."""
        cmd = [sys.executable, "-m", "sidecar", *args]
        log = open(self.config.var_dir / f"{log_name or args[0]}.log", "ab")  # noqa: SIM115 - child owns it
        env = {"SIDECAR_LOG_LEVEL": "WARNING", **os.environ, **(env or {})}
        self.procs.append(subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def wait_for(self, url: str, what: str, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if self.http.get(url, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            if any(p.poll() is not None for p in self.procs):
                raise SystemExit(f"demo: a process exited while waiting for {what}")
            time.sleep(0.2)
        raise SystemExit(f"demo: {what} did not answer at {url} within {timeout_s:.0f} s")

    # -- the sidecar's own signed API ----------------------------------------------------------------------
    def api(self, method: str, path: str, body: object | None = None) -> dict:
        raw = b"" if body is None else json.dumps(body).encode()
        headers = {**signed_headers(self.config.shared_secret, method, path, raw), "Content-Type": "application/json"}
        res = self.http.request(method, self.api_url + path, data=raw, headers=headers, timeout=30)
        if res.status_code >= 400:
            raise SystemExit(f"demo: {method} {path} → {res.status_code} {res.text[:300]}")
        return res.json()

    def sandbox(self, base: str, method: str, path: str, body: object | None = None):
        res = self.http.request(method, base + "/_sandbox/" + path, json=body, timeout=30)
        res.raise_for_status()
        return res.json()


def start_processes(demo: Demo, ns_port: int, woo_port: int) -> None:
    demo.start(["sandbox", "netsuite", "--port", str(ns_port), "--seed", "24"], log_name="netsuite-sandbox")
    demo.start(["sandbox", "woocommerce", "--port", str(woo_port)], log_name="woocommerce-sandbox")
    env = {"SIDECAR_NETSUITE_BASE_URL": demo.ns_url}
    demo.start(["serve", "--workers", "2"], env, log_name="sidecar-api")
    demo.start(["worker"], env, log_name="sidecar-worker")
    demo.wait_for(demo.ns_url + "/_sandbox/stats", "the NetSuite sandbox")
    demo.wait_for(demo.woo_url + "/_sandbox/stats", "the WooCommerce sandbox")
    demo.wait_for(demo.api_url + "/healthz", "the sidecar API")


def pair(demo: Demo) -> str:
    """Store the sandboxes' credentials in the sidecar; returns the webhook secret."""
    ns = demo.sandbox(demo.ns_url, "GET", "demo-credentials")
    key = demo.sandbox(demo.woo_url, "POST", "keys", {"permissions": "read_write"})
    webhook_secret = secrets.token_urlsafe(24)
    demo.api("PUT", "/v1/credentials", {
        "netsuite": {"auth": "tba", **ns["tba"]},
        "woocommerce": {"url": demo.woo_url, "consumer_key": key["consumer_key"],
                        "consumer_secret": key["consumer_secret"], "webhook_secret": webhook_secret}})
    result = demo.api("POST", "/v1/credentials/test")
    for system, answer in result.items():
        state = "ok" if answer.get("ok") else f"FAILED: {answer.get('error')}"
        print(f"  connection to {system}: {state}")
    return webhook_secret


def records(demo: Demo, record_type: str) -> list[dict]:
    return demo.sandbox(demo.ns_url, "GET", f"records/{record_type}")


def configure(demo: Demo) -> list[dict]:
    """Map the settings to the seeded NetSuite records; returns the sellable items."""
    subsidiaries, locations = records(demo, "subsidiary"), records(demo, "location")
    ship_items, discounts = records(demo, "shipItem"), records(demo, "discountItem")
    charges, currencies = records(demo, "otherChargeSaleItem"), records(demo, "currency")
    codes = {(c.get("name") or "").upper(): str(c["id"]) for c in currencies}
    demo.api("PUT", "/v1/settings", {
        "store": {"key": "demo"},
        "orders": {"subsidiary_id": str(subsidiaries[0]["id"]), "location_id": str(locations[0]["id"]),
                   "ship_methods": {"flat_rate": str(ship_items[0]["id"]),
                                    "free_shipping": str(ship_items[-1]["id"])},
                   "discount_item_id": str(discounts[0]["id"]), "fee_item_id": str(charges[0]["id"]),
                   "currencies": {k: v for k, v in codes.items() if k in ("USD", "EUR", "GBP")}},
        "customers": {"company": "when_billing_company"}})
    items = [i for i in records(demo, "inventoryItem") if i.get("itemId") and not i.get("matrixType")]
    return items[:8]


def create_products(demo: Demo, items: list[dict]) -> None:
    """Put the NetSuite catalog in the store (the products the demo orders will buy)."""
    from sidecar.clients.woocommerce import WooClient
    from sidecar.store.apilog import record_api_call
    from sidecar.store.runtime import init_runtime
    from sidecar.store.settings import get_settings

    rt_creds = init_runtime(demo.config).credentials
    woo = WooClient.from_credentials(rt_creds.get("woocommerce"), get_settings(), api_log=record_api_call)
    create = [{"name": i.get("displayName") or i["itemId"], "sku": i["itemId"], "type": "simple",
               "regular_price": f"{10 + n * 2.5:.2f}", "manage_stock": True, "stock_quantity": 50}
              for n, i in enumerate(items)]
    woo.batch_products(create=create)
    for topic in ("order.created", "order.updated", "customer.created", "customer.updated"):
        woo.post("webhooks", {"name": f"NetSuite sync {topic}", "topic": topic, "status": "active",
                              "delivery_url": demo.api_url + "/v1/webhooks/woocommerce",
                              "secret": rt_creds.get("woocommerce")["webhook_secret"]})


def demo_orders(items: list[dict]) -> list[dict]:
    """A handful of checkouts: guest, company, coupon-free variety, fee, another currency."""
    sku = [i["itemId"] for i in items]
    person = {"first_name": "Jane", "last_name": "Roe", "address_1": "1 Main St", "city": "Austin",
              "state": "TX", "postcode": "78701", "country": "US", "email": "jane.roe@example.com",
              "phone": "+1 512 555 0100"}
    company = dict(person, first_name="Bob", last_name="Buyer", company="Acme Corp",
                   email="purchasing@acme.example")
    flat = [{"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}]
    free = [{"method_id": "free_shipping", "method_title": "Free shipping", "total": "0.00"}]
    return [
        {"billing": person, "shipping": person, "line_items": [{"sku": sku[0], "quantity": 2}],
         "shipping_lines": flat, "set_paid": True},
        {"billing": company, "shipping": company, "line_items": [{"sku": sku[1], "quantity": 1},
                                                                  {"sku": sku[2], "quantity": 3}],
         "shipping_lines": free, "set_paid": True},
        {"billing": person, "shipping": person, "line_items": [{"sku": sku[3], "quantity": 1}],
         "shipping_lines": flat, "fee_lines": [{"name": "Gift wrap", "total": "2.50"}], "set_paid": True},
        {"billing": company, "shipping": company, "line_items": [{"sku": sku[4], "quantity": 4}],
         "shipping_lines": flat, "currency": "EUR", "set_paid": True},
        {"billing": dict(person, email="sam.lee@example.com", first_name="Sam", last_name="Lee"),
         "line_items": [{"sku": sku[5], "quantity": 1}, {"sku": sku[6], "quantity": 1}],
         "shipping_lines": free, "set_paid": True},
    ][:DEMO_ORDERS]


def place_and_watch(demo: Demo, items: list[dict], timeout_s: float = 60) -> int:
    """Place the orders, then print each as it arrives in NetSuite; returns how many arrived."""
    placed = [demo.sandbox(demo.woo_url, "POST", "orders", body) for body in demo_orders(items)]
    for order in placed:
        print(f"  placed WooCommerce order #{order['number']}: {order['currency']} {order['total']}, "
              f"{len(order['line_items'])} line(s), {order['billing'].get('company') or 'individual'}")
    pending, arrived = {o["id"]: o for o in placed}, 0
    deadline = time.monotonic() + timeout_s
    while pending and time.monotonic() < deadline:
        for woo_id in list(pending):
            state = demo.api("GET", f"/v1/orders/{woo_id}")
            if state["status"] in ("exported", "failed"):
                arrived += _report(demo, pending.pop(woo_id), state)
        time.sleep(0.5)
    for woo_id in pending:
        print(f"  order #{woo_id}: not in NetSuite after {timeout_s:.0f} s — see GET /v1/orders/{woo_id}")
    return arrived


def _report(demo: Demo, order: dict, state: dict) -> int:
    if state["status"] == "failed":
        print(f"  order #{order['id']} FAILED: {state['last_error']}")
        return 0
    so = demo.sandbox(demo.ns_url, "GET", f"records/salesOrder/{state['ns_id']}")
    print(f"  order #{order['id']} → NetSuite sales order {state['ns_number']} (internal id {state['ns_id']}), "
          f"total {so.get('total')}, {len(so.get('item', {}).get('items', []))} line(s), "
          f"customer {so.get('entity', {}).get('id')}")
    return 1


def use_fresh_demo_database(config: Config) -> None:
    """The demo keeps its own database, emptied on every start: the sandboxes start empty too, so links from
    an earlier demo must not survive, and the real database (real credentials) is never touched."""
    path = config.var_dir / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    config.database_url = f"sqlite:///{path}"
    os.environ["SIDECAR_DATABASE_URL"] = config.database_url  # the children use it too


def run(args) -> int:
    config = load_config()
    use_fresh_demo_database(config)
    host = config.host
    demo = Demo(config, ns_url=f"http://{host}:{args.netsuite_port}", woo_url=f"http://{host}:{args.woo_port}",
                api_url=f"http://{config.bind}")
    try:
        print("demo: starting the NetSuite and WooCommerce sandboxes, the sidecar API and the worker …")
        start_processes(demo, args.netsuite_port, args.woo_port)
        print("demo: pairing the sidecar with the sandboxes")
        pair(demo)
        items = configure(demo)
        create_products(demo, items)
        print(f"demo: {len(items)} NetSuite items put in the store as products; placing {DEMO_ORDERS} orders")
        arrived = place_and_watch(demo, items)
        print_where_to_look(demo, arrived, items[0]["itemId"])
        if args.exit_after:
            return 0 if arrived == DEMO_ORDERS else 1
        while all(p.poll() is None for p in demo.procs):
            time.sleep(1)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        demo.stop()


def print_where_to_look(demo: Demo, arrived: int, sku: str) -> None:
    print(f"\ndemo: {arrived} of {DEMO_ORDERS} orders arrived in NetSuite as sales orders.")
    print(f"  sidecar API        {demo.api_url}  (health /healthz, readiness /readyz, metrics /metrics)")
    print("  sidecar status     .venv/bin/sidecar status      (signed GET /v1/status)")
    print(f"  NetSuite sandbox   {demo.ns_url}/_sandbox/records/salesOrder   (what NetSuite holds)")
    print(f"  WooCommerce sandbox {demo.woo_url}/_sandbox/stats")
    print(f"  logs               {demo.config.var_dir}/{{sidecar-api,sidecar-worker,netsuite-sandbox,"
          "woocommerce-sandbox}.log")
    print("Serving until Ctrl-C. Place more orders with:\n"
          f"  curl -s -X POST {demo.woo_url}/_sandbox/orders -H 'Content-Type: application/json' "
          "-d '{\"billing\": {\"email\": \"you@example.com\", \"first_name\": \"You\", \"last_name\": \"Buyer\", "
          "\"address_1\": \"1 Road\", \"city\": \"Austin\", \"postcode\": \"78701\", \"country\": \"US\"}, "
          f"\"line_items\": [{{\"sku\": \"{sku}\", \"quantity\": 1}}]}}'")
