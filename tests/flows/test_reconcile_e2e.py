"""Issue 16, reconciliation: plant each kind of difference in the sandboxes and find it; the report reads and
never writes; a missing order's one-click fix re-queues it and the next report is clean."""

from __future__ import annotations

import datetime as dt

from tests.flows.test_orders_e2e import FLAT, guest
from tests.flows.test_preview_e2e import writes


def window(stock: bool = False) -> dict:
    now = dt.datetime.now(dt.UTC)
    return {"from": (now - dt.timedelta(days=1)).isoformat(), "to": (now + dt.timedelta(hours=1)).isoformat(),
            "stock": stock}


def reconcile(stack, stock: bool = False) -> dict:
    res = stack.api.post("/v1/reports/reconcile", window(stock))
    assert res.status_code == 202, res.get_json()
    report_id = res.get_json()["report_id"]
    stack.settle()
    report = stack.api.get(f"/v1/reports/{report_id}").get_json()
    assert report["status"] == "done", report
    return report


def kinds(report) -> dict[str, list]:
    out: dict[str, list] = {}
    for finding in report["findings"]:
        out.setdefault(finding["kind"], []).append(finding)
    return out


def place_exported(stack, n: int) -> list[dict]:
    sku = min(s for s, i in stack.items.items() if not i.get("matrixType"))
    orders = [stack.place({"billing": guest(40 + k), "line_items": [{"sku": sku, "quantity": 1 + k}],
                           "shipping_lines": FLAT, "set_paid": True}) for k in range(n)]
    stack.settle()
    return orders


def sync_stock(stack) -> None:
    assert stack.api.post("/v1/sync/inventory").status_code in (200, 202)
    stack.settle()


def test_a_clean_store_reconciles_with_no_finding_and_the_counts_reach_metrics(stack):
    orders = place_exported(stack, 3)
    sync_stock(stack)
    report = reconcile(stack, stock=True)
    assert report["counts"]["orders"] == 3 and report["counts"]["sales_orders"] == 3
    assert report["findings"] == []
    listed = stack.api.get("/v1/reports?kind=reconcile&limit=1").get_json()
    assert [r["id"] for r in listed["reports"]] == [report["id"]] and listed["total"] == 1
    assert "findings" not in listed["reports"][0] and listed["reports"][0]["counts"]["orders"] == 3
    assert stack.api.get("/v1/reports?kind=weather").status_code == 422
    metrics = stack.api.client.get("/metrics").get_data(as_text=True)
    assert 'nssync_reconcile_findings{kind="missing_in_netsuite"} 0.0' in metrics
    assert "nssync_reconcile_orders 3.0" in metrics
    assert all(stack.sales_order_for(o["id"]) for o in orders)


def test_every_planted_difference_is_found_and_the_report_writes_nothing(stack):
    missing, twice, total, customer, completed, fulfilled, clean = place_exported(stack, 7)
    so = {o["id"]: stack.sales_order_for(o["id"]) for o in (missing, twice, total, customer, completed, fulfilled)}
    stack.ns_control("PATCH", f"records/salesOrder/{so[missing['id']]['id']}",
                     {"externalId": "made-by-hand-1", "otherRefNum": "PO-77"})
    twin = {k: v for k, v in so[twice["id"]].items() if k not in ("id", "externalId", "tranId", "links")}
    stack.ns_control("POST", "records/salesOrder", twin)
    stack.ns_control("PATCH", f"records/salesOrder/{so[total['id']]['id']}", {"total": 1.23})
    other = next(c for c in stack.records("customer") if str(c["id"]) != so[customer["id"]]["entity"]["id"])
    stack.ns_control("PATCH", f"records/salesOrder/{so[customer['id']]['id']}", {"entity": {"id": str(other["id"])}})
    stack.woo_client().update_order(completed["id"], {"status": "completed"})
    stack.ns_control("POST", "fulfill", {"salesOrderId": so[fulfilled["id"]]["id"], "trackingNumbers": ["1Z9"]})
    stack.settle()

    before = writes(stack)
    report = reconcile(stack)
    assert writes(stack) == before
    found = kinds(report)
    assert [f["woo_id"] for f in found["missing_in_netsuite"]] == [missing["id"]]
    assert found["missing_in_netsuite"][0]["fix"] == "requeue"
    assert [f["woo_id"] for f in found["in_netsuite_twice"]] == [twice["id"]]
    assert [f["woo_id"] for f in found["total_differs"]] == [total["id"]]
    assert "1.23" in found["total_differs"][0]["detail"]
    assert [f["woo_id"] for f in found["customer_differs"]] == [customer["id"]]
    assert [f["woo_id"] for f in found["completed_in_woo_unfulfilled_in_netsuite"]] == [completed["id"]]
    assert [f["woo_id"] for f in found["fulfilled_in_netsuite_open_in_woo"]] == [fulfilled["id"]]
    assert clean["id"] not in {f["woo_id"] for f in report["findings"]}
    assert all(f["check"] for f in report["findings"] if not f["fix"])  # says what to check instead

    csv_text = stack.api.get(f"/v1/reports/{report['id']}?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("kind,number,woo_id")
    assert len(csv_text.strip().splitlines()) == 1 + len(report["findings"])


def test_the_one_click_fix_requeues_a_missing_order_and_the_next_report_is_clean(stack):
    (order,) = place_exported(stack, 1)
    so = stack.sales_order_for(order["id"])
    stack.ns_control("PATCH", f"records/salesOrder/{so['id']}", {"status": {"id": "C"}, "externalId": "gone-1",
                                                                   "otherRefNum": "x"})
    stack.api.put("/v1/settings", {"store": {"key": "e2e"}})
    from sidecar.store.models import Link

    Link.delete().where((Link.entity == "order") & (Link.woo_id == str(order["id"]))).execute()  # as if lost
    report = reconcile(stack)
    index = next(i for i, f in enumerate(report["findings"]) if f["kind"] == "missing_in_netsuite")
    bad = stack.api.post(f"/v1/reports/{report['id']}/fix", {"findings": [len(report["findings"]) + 5]})
    assert bad.get_json()["refused"] and not bad.get_json()["fixed"]
    res = stack.api.post(f"/v1/reports/{report['id']}/fix", {"findings": [index]})
    assert res.get_json()["fixed"] == [index]
    stack.settle()
    assert stack.sales_order_for(order["id"]) is not None
    assert kinds(reconcile(stack)).get("missing_in_netsuite") is None


def test_a_drifted_stock_is_found_and_its_one_click_fix_pushes_netsuites_figure(stack):
    place_exported(stack, 1)
    sync_stock(stack)
    sku = max(s for s, i in stack.items.items() if not i.get("matrixType"))
    woo = stack.woo_client()
    product = woo.get("products", params={"sku": sku})[0]
    woo.put(f"products/{product['id']}", {"stock_quantity": 999, "manage_stock": True})  # edited by hand
    before = writes(stack)
    report = reconcile(stack, stock=True)
    assert writes(stack) == before  # the report read the store and NetSuite, and wrote to neither
    drift = kinds(report)["stock_drift"]
    assert [f["sku"].casefold() for f in drift] == [sku.casefold()] and "WooCommerce 999" in drift[0]["detail"]
    index = report["findings"].index(drift[0])
    assert stack.api.post(f"/v1/reports/{report['id']}/fix", {"findings": [index]}).get_json()["fixed"] == [index]
    stack.settle()
    assert woo.get(f"products/{product['id']}")["stock_quantity"] == drift[0]["expected"]
    assert "stock_drift" not in kinds(reconcile(stack, stock=True))


def test_a_report_whose_run_netsuite_did_not_answer_is_made_by_the_next_run(stack, monkeypatch):
    """The report is marked running before it is read; a NetSuite outage failed the run and left it running for
    good — no later run picked it up, and nobody was told. It now waits as pending, saying why, and the next run
    makes it."""
    from sidecar.clients.netsuite import NetSuiteClient
    from sidecar.clients.netsuite_errors import NetSuiteServerError

    place_exported(stack, 1)
    real = NetSuiteClient.suiteql_keyset

    def down(self, *args, **kwargs):
        raise NetSuiteServerError("netsuite 503: service unavailable", status=503)
        yield  # a generator, as the real one

    monkeypatch.setattr(NetSuiteClient, "suiteql_keyset", down)
    res = stack.api.post("/v1/reports/reconcile", window())
    stack.settle()
    report_id = res.get_json()["report_id"]
    waiting = stack.api.get(f"/v1/reports/{report_id}").get_json()
    assert waiting["status"] == "pending" and "503" in (waiting["error"] or ""), waiting
    assert stack.api.get(f"/v1/runs/{res.get_json()['run_id']}").get_json()["status"] == "failed"

    monkeypatch.setattr(NetSuiteClient, "suiteql_keyset", real)
    assert stack.api.post("/v1/sync/reconcile").status_code == 202
    stack.settle()
    made = stack.api.get(f"/v1/reports/{report_id}").get_json()
    assert made["status"] == "done" and made["error"] is None and made["counts"]["sales_orders"] == 1, made


def test_bad_windows_are_refused_naming_the_field(stack):
    now = dt.datetime.now(dt.UTC)
    res = stack.api.post("/v1/reports/reconcile", {"from": now.isoformat(), "to": now.isoformat()})
    assert res.status_code == 422 and res.get_json()["error"]["field"] == "to"
    res = stack.api.post("/v1/reports/reconcile", {"to": now.isoformat()})
    assert res.status_code == 422 and res.get_json()["error"]["field"] == "from"
    assert stack.api.get("/v1/reports/999").status_code == 404


def test_five_thousand_orders_are_read_from_netsuite_in_five_suiteql_pages(stack):
    """⌈5,000 / 1,000⌉ SuiteQL pages for the sales orders, counted by the NetSuite sandbox."""
    (first,) = place_exported(stack, 1)
    template = stack.sales_order_for(first["id"])
    woo = stack.woo_client()
    for hook in woo.get("webhooks"):  # the seeded history is not exported: only the report reads NetSuite
        woo.put(f"webhooks/{hook['id']}", {"status": "paused"})
    stack.woo_control("POST", "seed", {"products": 3, "variable_share": 0, "customers": 0, "orders": 4999,
                                       "seed": 4})
    statuses = ["processing", "completed", "on-hold"]  # every seeded order is in an export status
    assert stack.api.put("/v1/settings", {"orders": {"export_statuses": statuses}}).status_code == 200
    orders = [o for o in woo.iter_orders(status=statuses) if o["id"] != first["id"]]
    assert len(orders) == 4999
    base = {k: v for k, v in template.items() if k not in ("id", "externalId", "tranId", "links", "otherRefNum")}
    for start in range(0, len(orders), 1000):
        chunk = orders[start:start + 1000]
        stack.ns_control("POST", "records/salesOrder/bulk", {"records": [
            dict(base, externalId=f"woo-e2e-order-{o['id']}", otherRefNum=str(o["number"]), total=float(o["total"]))
            for o in chunk]})
    before = stack.http.get(f"{stack.ns.url}/_sandbox/stats", timeout=10).json()["by_method_path"]
    report = reconcile(stack)
    after = stack.http.get(f"{stack.ns.url}/_sandbox/stats", timeout=10).json()["by_method_path"]
    pages = sum(n for label, n in after.items() if "suiteql" in label) - \
        sum(n for label, n in before.items() if "suiteql" in label)
    assert report["counts"]["orders"] == report["counts"]["sales_orders"] == 5000
    assert pages == 5
    assert report["counts"]["missing_in_netsuite"] == 0
