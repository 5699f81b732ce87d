"""Writing planned products and variations to WooCommerce in batches of 100, and binding what was written.

A plan is one NetSuite item with its full WooCommerce body and fingerprint. Unchanged plans (fingerprint as
bound) cost nothing; a plan whose only changes are in ``create_only`` fields is re-bound without a write. A
create refused because the SKU is taken adopts the WooCommerce product that has it when it is the same kind of
thing (our simple product, our variable product, a variation of our parent), and fails alone otherwise. Each
batch's links commit together, so a run stopped half-way leaves every written product bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import EXCLUDED

from sidecar.clients.errors import RemoteError
from sidecar.mapping.products import Item, digest
from sidecar.store.models import Link, utcnow
from sidecar.store.txn import write_transaction

BATCH = 100
PRODUCT, VARIATION = "catalog.product", "catalog.variation"


@dataclass
class Plan:
    """One NetSuite item on its way to WooCommerce: what to create, what an update may send, its link."""

    item: Item
    full: dict  # the body of a create
    update: dict  # the body of an update (create_only fields left out)
    link: Link | None = None
    woo_id: int | None = None
    error: str | None = None
    extra: dict = field(default_factory=dict)  # kept in the link's data (the parent of a variation)

    @property
    def digest(self) -> str:
        return digest(self.full)


@dataclass
class Tally:
    """What a run did: products and variations written, and the items that failed (with ``Plan.error``)."""

    changed: int = 0
    failed: list[Plan] = field(default_factory=list)

    def fail(self, plan: Plan, reason: str) -> None:
        plan.error = reason
        self.failed.append(plan)


def triage(plans: list[Plan], entity: str) -> tuple[list[Plan], list[Plan]]:
    """(to create, to update); plans bound with the same fingerprint and update body just learn their WooCommerce
    id, and those whose update body is what was last sent (a create_only field changed) are re-bound unwritten."""
    creates, updates, rebind = [], [], []
    for plan in plans:
        if plan.link is None:
            creates.append(plan)
            continue
        plan.woo_id = int(plan.link.woo_id)
        same_update = (plan.link.data or {}).get("sent") == digest(plan.update)  # also moves with products.fields
        if plan.link.fingerprint == plan.digest and same_update:
            continue
        (rebind if same_update else updates).append(plan)
    _bind(rebind, entity)
    return creates, updates


def write(entity: str, plans: list[Plan], send: Callable[..., dict], tally: Tally,
          adopt: Callable[[Plan, int], bool], gone: list[dict] | None = None) -> None:
    """Create and update ``plans`` (and set ``gone`` variations private) through ``send(create=, update=)``,
    ≤ BATCH objects a call; results are bound per call. Adopted products are updated after the creates."""
    creates, updates = triage(plans, entity)
    adopted = _send(entity, creates, updates, gone or [], send, tally, adopt)
    if adopted:
        _send(entity, [], adopted, [], send, tally, lambda plan, rid: False)


def _send(entity: str, creates: list[Plan], updates: list[Plan], gone: list[dict], send: Callable[..., dict],
          tally: Tally, adopt: Callable[[Plan, int], bool]) -> list[Plan]:
    ops = [("create", p) for p in creates] + [("update", p) for p in updates] + [("gone", g) for g in gone]
    adopted: list[Plan] = []
    for start in range(0, len(ops), BATCH):
        chunk = ops[start:start + BATCH]
        try:
            answer = send(create=[p.full for op, p in chunk if op == "create"],
                          update=[_update_of(op, p) for op, p in chunk if op != "create"])
        except RemoteError as exc:
            if exc.retryable:
                raise
            for op, p in chunk:
                if op != "gone":
                    tally.fail(p, f"WooCommerce refused the batch: {exc}")
            continue
        adopted += _settle(entity, chunk, answer, tally, adopt)
    return adopted


def _update_of(op: str, item) -> dict:
    return item if op == "gone" else {"id": item.woo_id, **item.update}


def _settle(entity: str, chunk: list, answer: dict, tally: Tally, adopt: Callable[[Plan, int], bool]) -> list[Plan]:
    """Read one batch answer in request order: bind successes, adopt taken SKUs, fail the rest alone."""
    results = {"create": iter(answer.get("create") or []), "update": iter(answer.get("update") or [])}
    done, gone_done, adopted = [], [], []
    for op, plan in chunk:
        result = next(results["create" if op == "create" else "update"], None)
        if not isinstance(result, dict) or not (result.get("error") or result.get("id")):
            result = {"error": {"code": "no_result", "message": "WooCommerce's batch answer had no result for it"}}
        error = result.get("error")
        if op == "gone":
            if not error:
                gone_done.append(plan["id"])
            continue
        if not error:
            plan.woo_id = int(result["id"])
            done.append(plan)
            continue
        data = error.get("data") if isinstance(error.get("data"), dict) else {}
        if op == "create" and error.get("code") == "product_invalid_sku" and data.get("resource_id") \
                and adopt(plan, int(data["resource_id"])):
            adopted.append(plan)
            continue
        if op == "update" and str(error.get("code", "")).endswith("_invalid_id"):
            _unlink(entity, plan.woo_id)
            tally.fail(plan, f"its WooCommerce product {plan.woo_id} no longer exists; it is created again on the "
                             "next run")
            continue
        owner = f", used by WooCommerce product {data['resource_id']}" if data.get("resource_id") else ""
        tally.fail(plan, f"WooCommerce: {error.get('message') or error.get('code')} ({error.get('code')}{owner})")
    _bind(done, entity)
    _mark_gone(gone_done)
    tally.changed += len(done) + len(gone_done)
    return adopted


def _bind(plans: list[Plan], entity: str) -> None:
    """Link each written plan: (entity, WooCommerce id) ↔ NetSuite item id, with both fingerprints — one upsert
    per batch (a first import binds thousands of products)."""
    if not plans:
        return
    now = utcnow()
    rows = [{"entity": entity, "woo_id": str(plan.woo_id), "ns_id": plan.item.id, "fingerprint": plan.digest,
             "data": _data(plan), "created_at": now, "updated_at": now} for plan in plans]
    with write_transaction():
        (Link.insert_many(rows).on_conflict(
            conflict_target=[Link.entity, Link.woo_id],
            update={Link.ns_id: EXCLUDED.ns_id, Link.fingerprint: EXCLUDED.fingerprint, Link.data: EXCLUDED.data,
                    Link.updated_at: EXCLUDED.updated_at}).execute())


def _data(plan: Plan) -> dict:
    """What a link keeps besides the fingerprint: the update body's digest, the SKU, a variation's parent, a
    variable product's attributes (their order is kept on the next write)."""
    data = {"sent": digest(plan.update), "sku": plan.item.sku, **plan.extra}
    if plan.full.get("type") == "variable":
        data["attributes"] = [{"name": a["name"], "options": a["options"]} for a in plan.full["attributes"]]
    return data


def _unlink(entity: str, woo_id: int | None) -> None:
    """Forget a link whose WooCommerce product was deleted there (by someone else: this flow never deletes)."""
    with write_transaction():
        Link.delete().where((Link.entity == entity) & (Link.woo_id == str(woo_id))).execute()


def _mark_gone(woo_ids: list[int]) -> None:
    if woo_ids:
        from sidecar.mapping.products import GONE

        (Link.update(fingerprint=GONE, updated_at=utcnow())
         .where((Link.entity == VARIATION) & Link.woo_id.in_([str(i) for i in woo_ids])).execute())
