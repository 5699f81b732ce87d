"""Shared steps of the stock, price and report end-to-end tests: run a flow as the worker would, read the
store's stock, set NetSuite stock, count WooCommerce writes."""

from __future__ import annotations

import requests

from sidecar.pipeline.runs import start_run
from tests.pipeline_handlers import drain


def run_flow(stack, flow: str, trigger: str = "manual") -> dict:
    """Start a run (manual = "Sync now", through the signed API; schedule = as the schedule tick does), let the
    worker run it, and return ``GET /v1/runs/<id>``."""
    if trigger == "manual":
        answer = stack.api.post(f"/v1/sync/{flow}")
        assert answer.status_code == 202, answer.get_json()
        run_id = answer.get_json()["run_id"]
    else:
        run_id = start_run(flow, trigger)[0].id
    drain(settle_s=0.1)
    run = stack.api.get(f"/v1/runs/{run_id}").get_json()
    assert run["status"] == "done", run
    return run


def woo_stock(stack, sku: str) -> dict:
    return requests.get(f"{stack.woo.url}/_sandbox/stock", params={"sku": sku}, timeout=10).json()


def woo_writes(stack) -> int:
    return stack.woo_control("GET", "stats")["write_calls"]


def set_ns_stock(stack, item_id, location_id, available: float) -> None:
    stack.ns_control("POST", f"items/{item_id}/quantity", {"location_id": location_id,
                                                           "quantityavailable": available})


def ns_available(stack, item_id, locations=None) -> float:
    item = stack.ns_control("GET", f"records/inventoryItem/{item_id}")
    return sum(float(line.get("quantityAvailable") or 0) for line in item["locations"]["items"]
               if locations is None or int(line["location"]["id"]) in {int(x) for x in locations})


def plain_items(stack) -> list[dict]:
    return [i for i in stack.items.values() if not i.get("matrixType")]


def children(stack) -> list[dict]:
    return [i for i in stack.items.values() if (i.get("matrixType") or {}).get("id") == "CHILD"][:3]


def locations(stack) -> list[str]:
    return [str(r["id"]) for r in stack.records("location")]
