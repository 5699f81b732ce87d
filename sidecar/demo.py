"""``sidecar demo`` — what ``make run`` does when no real credentials are stored: the main job end to end on
this machine with no account anywhere.

It starts both sandboxes and the API as child processes (the sandboxes are separate programs here, exactly as
the real systems are), pairs the sidecar with them through its own signed API, and only then starts the worker:
a worker started earlier would run its first scheduled catch-up against credentials still being stored (a
WooCommerce 401 and a failed run in ``sidecar status``). It then places a few orders in the WooCommerce sandbox
as a checkout would, prints each one arriving in NetSuite as a sales order, runs the first catch-up (which also
checks the store's webhooks) and prints the runs, the status and where the logs are.

Each child runs in a process group of its own, so a Ctrl-C in the terminal reaches the demo only; the demo then
stops every group as a whole (SIGTERM, and SIGKILL for whatever is left after ``STOP_GRACE_S``), gunicorn's
worker processes included.
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from sidecar.config import Config, load_config
from sidecar.demo_processes import Demo

DEMO_ORDERS = 5
LOGS = ("sidecar-api", "sidecar-worker", "netsuite-sandbox", "woocommerce-sandbox")


def check_ports(demo: Demo, ns_port: int, woo_port: int) -> None:
    """Refuse to start, in one line naming the address, when one of the demo's ports is taken."""
    from sidecar.ports import check_free, split_bind

    host = demo.config.host
    for (h, port), hint in ((split_bind(demo.config.bind), "set SIDECAR_BIND"),
                            ((host, ns_port), "pass --netsuite-port"), ((host, woo_port), "pass --woo-port")):
        taken = check_free(h, port, hint)
        if taken:
            raise SystemExit(f"demo: {taken}")


def start_processes(demo: Demo, ns_port: int, woo_port: int) -> None:
    """The sandboxes and the API; the worker comes later (``start_worker``), once credentials are stored."""
    check_ports(demo, ns_port, woo_port)
    demo.start(["sandbox", "netsuite", "--port", str(ns_port), "--seed", "24"], log_name="netsuite-sandbox")
    demo.start(["sandbox", "woocommerce", "--port", str(woo_port)], log_name="woocommerce-sandbox")
    demo.start(["serve", "--workers", "2"], {"SIDECAR_NETSUITE_BASE_URL": demo.ns_url}, log_name="sidecar-api")
    demo.wait_for(demo.ns_url + "/_sandbox/stats", "the NetSuite sandbox")
    demo.wait_for(demo.woo_url + "/_sandbox/stats", "the WooCommerce sandbox")
    demo.wait_for(demo.api_url + "/healthz", "the sidecar API")


def start_worker(demo: Demo) -> None:
    """Start the worker once the credentials are stored and tested, and wait for its first heartbeat."""
    demo.start(["worker"], {"SIDECAR_NETSUITE_BASE_URL": demo.ns_url}, log_name="sidecar-worker")
    demo.wait_for(demo.api_url + "/readyz", "the worker's first heartbeat", ok_only=True)


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
    # WooCommerce sends webhooks with wp_safe_remote_request, which refuses 127.0.0.1 on a port other than
    # 80/443/8080; the plugin's filters let exactly the sidecar's host:port through, and so does the demo store
    demo.sandbox(demo.woo_url, "POST", "config", {"webhook_allowed_hosts": [urlsplit(demo.api_url).netloc]})
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


def place_and_watch(demo: Demo, items: list[dict], timeout_s: float = 60) -> dict[int, str]:
    """Place the orders, then print each as it arrives in NetSuite; returns {woo id: sales order number}."""
    placed = [demo.sandbox(demo.woo_url, "POST", "orders", body) for body in demo_orders(items)]
    for order in placed:
        print(f"  placed WooCommerce order #{order['number']}: {order['currency']} {order['total']}, "
              f"{len(order['line_items'])} line(s), {order['billing'].get('company') or 'individual'}")
    pending, exported = {o["id"]: o for o in placed}, {}
    deadline = time.monotonic() + timeout_s
    while pending and time.monotonic() < deadline:
        for woo_id in list(pending):
            state = demo.api("GET", f"/v1/orders/{woo_id}")
            if state["status"] in ("exported", "failed") and _report(demo, pending.pop(woo_id), state):
                exported[woo_id] = state["ns_number"]
        time.sleep(0.5)
    for woo_id in pending:
        print(f"  order #{woo_id}: not in NetSuite after {timeout_s:.0f} s — see GET /v1/orders/{woo_id}")
    return exported


def _report(demo: Demo, order: dict, state: dict) -> bool:
    if state["status"] == "failed":
        print(f"  order #{order['id']} FAILED: {state['last_error']}")
        return False
    so = demo.sandbox(demo.ns_url, "GET", f"records/salesOrder/{state['ns_id']}")
    print(f"  order #{order['id']} → NetSuite sales order {state['ns_number']} (internal id {state['ns_id']}), "
          f"total {so.get('total')}, {len(so.get('item', {}).get('items', []))} line(s), "
          f"customer {so.get('entity', {}).get('id')}")
    return True


def first_catch_up(demo: Demo, flow: str, timeout_s: float = 60) -> dict:
    """Run a flow once by hand, as "Sync now" does, and return the finished run. ``orders`` checks the store's
    webhooks and polls for orders they missed (none, normally); ``webhooks`` is that check alone."""
    run_id = demo.api("POST", f"/v1/sync/{flow}")["run_id"]
    deadline = time.monotonic() + timeout_s
    while True:
        run = demo.api("GET", f"/v1/runs/{run_id}")
        if run["status"] not in ("pending", "running") or time.monotonic() > deadline:
            return run
        time.sleep(0.3)


def describe_run(run: dict) -> str:
    text = (f"run {run['id']} {run['flow']} ({run['trigger']}): {run['status']} — seen {run['seen']}, "
            f"changed {run['changed']}, failed {run['failed']}")
    return text + "".join(f"\n      {error}" for error in run.get("errors") or [])


def print_summary(demo: Demo, exported: dict[int, str]) -> None:
    """What happened, from the sidecar's own API: orders, runs, queue, webhooks, connections."""
    status = demo.api("GET", "/v1/status")
    runs = demo.api("GET", "/v1/runs").get("runs", [])
    print(f"\ndemo: {len(exported)} of {DEMO_ORDERS} orders arrived in NetSuite as sales orders.")
    for woo_id, number in exported.items():
        print(f"  WooCommerce order #{woo_id} → NetSuite {number}")
    print("  runs:")
    for run in reversed(runs):
        print(f"    {describe_run(run)}")
    queue = status.get("queue", {})
    print(f"  jobs: {queue.get('pending', 0)} pending, {queue.get('running', 0)} running, "
          f"{status.get('failed', 0)} failed")
    hooks = status.get("webhooks", {}).get("webhooks", [])
    listed = ", ".join(f"{hook.get('topic')} {hook.get('status')}" for hook in hooks) or "none"
    print(f"  store webhooks to this sidecar: {len(hooks)} ({listed})")
    for system, conn in status.get("connections", {}).items():
        print(f"  {system}: configured {conn.get('configured')}, last call {conn.get('state')}")


def use_fresh_demo_database(config: Config) -> None:
    """The demo keeps its own database, emptied on every start: the sandboxes start empty too, so links from
    an earlier demo must not survive, and the real database (real credentials) is never touched."""
    path = config.var_dir / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    config.database_url = f"sqlite:///{path}"
    os.environ["SIDECAR_DATABASE_URL"] = config.database_url  # the children use it too


def _interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run(args) -> int:
    config = load_config()
    host = config.host
    demo = Demo(config, ns_url=f"http://{host}:{args.netsuite_port}", woo_url=f"http://{host}:{args.woo_port}",
                api_url=f"http://{config.bind}")
    check_ports(demo, args.netsuite_port, args.woo_port)  # before emptying the database another demo may use
    use_fresh_demo_database(config)
    for sig in (signal.SIGTERM, signal.SIGHUP):  # stopped by a process manager or a closed terminal: clean up too
        signal.signal(sig, _interrupt)
    try:
        print("demo: starting the NetSuite and WooCommerce sandboxes and the sidecar API …", flush=True)
        start_processes(demo, args.netsuite_port, args.woo_port)
        print("demo: pairing the sidecar with the sandboxes", flush=True)
        pair(demo)
        items = configure(demo)
        create_products(demo, items)
        print("demo: credentials stored and tested, settings mapped; starting the worker", flush=True)
        start_worker(demo)
        print(f"demo: {len(items)} NetSuite items put in the store as products; placing {DEMO_ORDERS} orders",
              flush=True)
        exported = place_and_watch(demo, items)
        flows = sorted(demo.api("GET", "/v1/status").get("flows") or {}, key=lambda f: (f != "orders", f))
        print(f"demo: first full sync — Sync now of every flow ({', '.join(flows)}); the orders catch-up also checks "
              "the store's webhooks", flush=True)
        for flow in flows:
            first_catch_up(demo, flow)
        print_summary(demo, exported)
        print_where_to_look(demo, items[0]["itemId"])
        if args.exit_after:
            return 0 if len(exported) == DEMO_ORDERS else 1
        while all(p.poll() is None for p in demo.procs):
            time.sleep(1)
        gone = next(p for p in demo.procs if p.poll() is not None)
        print(f"demo: {demo.exited(gone)}; stopping the rest", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndemo: stopping the sidecar, the worker and the sandboxes …", flush=True)
        return 0
    finally:
        demo.stop()


def print_where_to_look(demo: Demo, sku: str) -> None:
    print(f"  sidecar API        {demo.api_url}  (health /healthz, readiness /readyz, metrics /metrics)")
    print("  sidecar status     .venv/bin/sidecar status      (signed GET /v1/status; also: runs, jobs, log)")
    print(f"  NetSuite sandbox   {demo.ns_url}/_sandbox/records/salesOrder   (what NetSuite holds)")
    print(f"  WooCommerce sandbox {demo.woo_url}/_sandbox/stats")
    print(f"  database           {demo.config.database_url}  (emptied at every demo start)")
    print("  logs:")
    for name in LOGS:
        print(f"    {demo.log_path(name)}")
    print("Serving until Ctrl-C. Place more orders with:\n"
          f"  curl -s -X POST {demo.woo_url}/_sandbox/orders -H 'Content-Type: application/json' "
          "-d '{\"billing\": {\"email\": \"you@example.com\", \"first_name\": \"You\", \"last_name\": \"Buyer\", "
          "\"address_1\": \"1 Road\", \"city\": \"Austin\", \"postcode\": \"78701\", \"country\": \"US\"}, "
          f"\"line_items\": [{{\"sku\": \"{sku}\", \"quantity\": 1}}]}}'", flush=True)
