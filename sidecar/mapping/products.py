"""NetSuite items → WooCommerce products and variations (issue 14), pure: rows in, request bodies out.

| WooCommerce            | NetSuite (SuiteQL ``item``)                                          |
| ---------------------- | -------------------------------------------------------------------- |
| ``sku``                | the ``items.match_by`` column (``itemid`` by default)                |
| ``name``               | ``displayname``, else ``itemid``                                     |
| ``description``        | ``storedetaileddescription``, else ``salesdescription``              |
| ``short_description``  | ``storedescription``                                                 |
| ``weight``             | ``weight`` in ``weightunit``, converted to ``products.weight_unit``  |
| ``regular_price``      | price level ``prices.price_level_id`` in ``prices.currency_id``      |
| ``stock_quantity``     | available over ``inventory.locations`` − ``inventory.safety_buffer`` |
| ``status``             | ``products.new_status`` (``draft``: nothing goes live unseen)       |
| ``attributes``         | a matrix parent's option fields (``products.matrix_options``)        |

NetSuite has no standard item dimension fields, so ``dimensions`` are left to WooCommerce. A matrix parent is a
``variable`` product whose attributes list the values its children use; each child is a variation with one value
of each attribute. Without ``products.matrix_options`` a child is told apart by one attribute, ``Option``, whose
value is the child's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sidecar.mapping.common import fingerprint

FALLBACK_ATTRIBUTE = "Option"
# one unit of each NetSuite weight unit, in grams (NetSuite: lb, oz, kg, g; WooCommerce: kg, g, lbs, oz)
GRAMS = {"lb": Decimal("453.59237"), "lbs": Decimal("453.59237"), "oz": Decimal("28.349523125"),
         "kg": Decimal(1000), "g": Decimal(1)}
ALWAYS_SENT = ("sku", "type", "attributes", "manage_stock")  # structure: written on every update
VARIATION_ALWAYS_SENT = (*ALWAYS_SENT, "status")


@dataclass
class Item:
    """One NetSuite item as the products flow reads it."""

    id: str
    sku: str
    name: str
    item_type: str
    matrix_type: str | None = None  # PARENT, CHILD or None
    parent: str | None = None
    description: str = ""
    short_description: str = ""
    weight: str | None = None
    weight_unit: str | None = None
    options: dict[str, str] = field(default_factory=dict)  # WooCommerce attribute name → value
    lastmodified: str | None = None


def item_from_row(row: dict, matrix_options: dict[str, str]) -> Item:
    """A SuiteQL row (lower-case keys, string values, nulls left out) as an Item; ``sku`` is the match key,
    option columns are ``opt_<field>``."""
    options = {name: row[f"opt_{fid}"] for fid, name in matrix_options.items() if row.get(f"opt_{fid}")}
    return Item(id=str(row["id"]), sku=str(row.get("sku") or "").strip(),
                name=row.get("displayname") or row.get("itemid") or "", item_type=row.get("itemtype") or "",
                matrix_type=row.get("matrixtype"), parent=str(row["parent"]) if row.get("parent") else None,
                description=row.get("storedetaileddescription") or row.get("salesdescription") or "",
                short_description=row.get("storedescription") or "", weight=row.get("weight"),
                weight_unit=row.get("weightunit"), options=options, lastmodified=row.get("lastmodified"))


def weight(item: Item, unit: str) -> str:
    """The item's weight in the store's unit, as WooCommerce's decimal string ("" when NetSuite has none)."""
    if item.weight in (None, ""):
        return ""
    grams = Decimal(str(item.weight)) * GRAMS.get((item.weight_unit or unit).lower(), GRAMS[unit])
    value = (grams / GRAMS[unit]).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()
    return format(value, "f")


def price(value: str | None) -> str:
    """A NetSuite unit price as WooCommerce's money string ("" when the item has no price at that level)."""
    if value in (None, ""):
        return ""
    return format(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")


def _stock(stock: int | None) -> dict:
    """Inventory items manage stock; others (no stock in NetSuite) do not."""
    return {"manage_stock": False} if stock is None else {"manage_stock": True, "stock_quantity": stock}


def simple_product(item: Item, regular_price: str | None, stock: int | None, settings: dict) -> dict:
    """The full body of a simple product (create); ``update_body`` trims it for an update."""
    return {"type": "simple", "sku": item.sku, "name": item.name, "description": item.description,
            "short_description": item.short_description, "status": settings["products"]["new_status"],
            "weight": weight(item, settings["products"]["weight_unit"]), "regular_price": price(regular_price),
            **_stock(stock)}


def variation_options(child: Item) -> dict[str, str]:
    """The attribute values of a child: its matrix options, else the fallback attribute."""
    return dict(child.options) or {FALLBACK_ATTRIBUTE: child.name or child.sku}


def variable_product(parent: Item, children: list[Item], settings: dict,
                     before: list[dict] | None = None) -> dict:
    """The full body of a variable product: attributes list every value the children use. Values keep the order
    they had in ``before`` (the attributes last written), new ones follow in first-seen order, so a child that
    comes or goes does not reshuffle — and rewrite — the parent."""
    values: dict[str, list[str]] = {}
    used = {(k, v) for child in children for k, v in variation_options(child).items()}
    for attr in before or []:
        values[attr["name"]] = [v for v in attr["options"] if (attr["name"], v) in used]
    for child in children:
        for name, value in variation_options(child).items():
            if value not in values.setdefault(name, []):
                values[name].append(value)
    attributes = [{"name": name, "options": opts, "variation": True, "visible": True, "position": n}
                  for n, (name, opts) in enumerate((k, v) for k, v in values.items() if v)]
    return {"type": "variable", "sku": parent.sku, "name": parent.name, "description": parent.description,
            "short_description": parent.short_description, "status": settings["products"]["new_status"],
            "attributes": attributes}


def variation(child: Item, regular_price: str | None, stock: int | None, settings: dict) -> dict:
    """The full body of a variation. Its status is ``publish``: the parent's status decides visibility."""
    return {"sku": child.sku, "status": "publish", "regular_price": price(regular_price),
            "weight": weight(child, settings["products"]["weight_unit"]), "description": child.description,
            "attributes": [{"name": k, "option": v} for k, v in variation_options(child).items()], **_stock(stock)}


def update_body(full: dict, modes: dict[str, str], always: tuple[str, ...] = ALWAYS_SENT) -> dict:
    """What an update may change: fields set to ``create_and_update`` plus structure; ``create_only`` fields
    (the merchant's own description, the status they published) are left as WooCommerce has them. A variation
    always carries its status (``publish``, or back from ``private`` when its child returns)."""
    keep = {name for name, mode in modes.items() if mode == "create_and_update"}
    body = {k: v for k, v in full.items() if k in keep or k in always}
    if "stock_quantity" not in keep:
        body.pop("manage_stock", None)
    return body


def digest(full: dict) -> str:
    """The fingerprint kept in the binder: any change to the mapped item means a write is due."""
    return fingerprint(full)


GONE = "gone"  # the fingerprint of a variation set to private because its child left NetSuite
