"""Sync options and mappings (DESIGN.md §3, ``PUT /v1/settings``): schema, defaults, merge and storage.

One marshmallow schema per section; unknown keys are refused so that a typo is a 422 naming the field, never a
silently ignored option. Stored one row per section in ``Setting``; ``get_settings()`` always returns the full
effective settings with defaults filled in.
"""

from __future__ import annotations

import copy
import logging
import re
import string
from typing import Any

from croniter import croniter
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from sidecar.store.models import Setting, utcnow
from sidecar.store.settings_errors import all_errors, first_error  # noqa: F401 - part of this module's API

log = logging.getLogger(__name__)

WOO_ORDER_STATUSES = ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed",
                      "checkout-draft"]
FLOWS = ["orders", "customers", "refunds", "cancellations", "fulfillments", "inventory", "prices", "products"]
NS_ID = validate.Regexp(r"^\d+$", error="must be a NetSuite internal id (digits)")
NS_FIELD = validate.Regexp(r"^[a-z][A-Za-z0-9_]*$", error="must be a NetSuite field id such as memo or custbody_x")


# The placeholders ``orders.memo`` may name; sidecar/mapping/orders.py fills exactly these (``header``).
MEMO_PLACEHOLDERS = ("number", "id")


def check_template(value: str, allowed: tuple[str, ...] = MEMO_PLACEHOLDERS) -> None:
    """Refuse a template the mapping could not fill: an unknown ``{name}``, a positional ``{}``, attribute or
    index access, a format spec or conversion, or an unbalanced brace (``{{`` and ``}}`` are literal braces)."""
    names = ", ".join("{" + name + "}" for name in allowed)
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValidationError(f"is not a valid template ({exc}); placeholders are {names}, and {{{{ or }}}} "
                              "writes a brace") from None
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed:
            raise ValidationError(f"names an unknown placeholder {{{name}}}; the placeholders are {names}")
        if spec or conversion:
            raise ValidationError(f"placeholder {{{name}}} takes no format or conversion; write it as {{{name}}}")


class Strict(Schema):
    class Meta:
        unknown = RAISE


def _ns_id(**kw) -> fields.Field:
    return fields.String(validate=NS_ID, allow_none=True, load_default=None, **kw)


class RuleSchema(Strict):
    """``if`` a WooCommerce field matches, ``set`` NetSuite body fields (applied after the field map)."""

    field = fields.String(required=True, validate=validate.Length(min=1))
    equals = fields.Raw(load_default=None)
    in_ = fields.List(fields.Raw(), data_key="in", load_default=None)
    matches = fields.String(load_default=None)
    set = fields.Dict(keys=fields.String(validate=NS_FIELD), values=fields.Raw(), required=True,
                      validate=validate.Length(min=1))

    @validates("matches")
    def _regex(self, value, **_):
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValidationError(f"is not a valid regular expression: {exc}") from exc

    @validates_schema
    def _one_condition(self, data, **_):
        given = [k for k in ("equals", "in_", "matches") if data.get(k) is not None]
        if len(given) != 1:
            raise ValidationError("give exactly one of equals, in, matches", "equals")


class OrdersSchema(Strict):
    export_statuses = fields.List(fields.String(validate=validate.OneOf(WOO_ORDER_STATUSES)),
                                  load_default=lambda: ["processing", "completed"],
                                  validate=validate.Length(min=1))
    subsidiary_id = _ns_id()
    location_id = _ns_id()
    department_id = _ns_id()
    class_id = _ns_id()
    guest_customer = fields.String(load_default="create", validate=validate.Regexp(
        r"^(create|\d+)$", error='must be "create" or a NetSuite customer internal id'))
    shipping_as = fields.String(load_default="shipping_cost",
                                validate=validate.OneOf(["shipping_cost", "line_item"]))
    shipping_item_id = _ns_id()
    ship_methods = fields.Dict(keys=fields.String(validate=validate.Length(min=1)),
                               values=fields.String(validate=NS_ID), load_default=dict)
    discount_as = fields.String(load_default="line", validate=validate.OneOf(["line", "header"]))
    discount_item_id = _ns_id()
    fee_item_id = _ns_id()
    taxes = fields.String(load_default="netsuite", validate=validate.OneOf(["netsuite", "woocommerce"]))
    tax_item_id = _ns_id()
    currencies = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[A-Z]{3}$",
                             error="must be an ISO 4217 code such as USD")),
                             values=fields.String(validate=NS_ID), load_default=dict)
    memo = fields.String(load_default="WooCommerce order {number}",
                         validate=[validate.Length(max=999), check_template])  # NetSuite's memo holds 999
    field_map = fields.Dict(keys=fields.String(validate=validate.Length(min=1)),
                            values=fields.String(validate=NS_FIELD), load_default=dict)
    rules = fields.List(fields.Nested(RuleSchema), load_default=list)
    update_after_export = fields.Boolean(load_default=True)
    # Cash sales (issue 13): a paid order (date_paid set) as a cashSale, its gateway → NetSuite payment method.
    record = fields.String(load_default="salesOrder", validate=validate.OneOf(["salesOrder", "cashSale"]))
    payment_methods = fields.Dict(keys=fields.String(validate=validate.Length(min=1)),
                                  values=fields.String(validate=NS_ID), load_default=dict)


class CustomersSchema(Strict):
    roles = fields.List(fields.String(validate=validate.Length(min=1)), load_default=lambda: ["customer"])
    company = fields.String(load_default="when_billing_company",
                            validate=validate.OneOf(["when_billing_company", "always", "never"]))
    subsidiary_id = _ns_id()


class ItemsSchema(Strict):
    match_by = fields.String(load_default="itemid", validate=validate.Regexp(
        r"^(itemid|upccode|externalid|custitem[a-z0-9_]+)$",
        error="must be itemid, upccode, externalid or a custom item field id (custitem_…)"))


class InventorySchema(Strict):
    locations = fields.Raw(load_default="all")
    safety_buffer = fields.Integer(load_default=0, validate=validate.Range(min=0))
    hold_unexported_orders = fields.Boolean(load_default=True)  # issue 20: no oversell window
    overlap_minutes = fields.Integer(load_default=10, validate=validate.Range(min=0, max=1440))

    @validates("locations")
    def _locations(self, value, **_):
        if value == "all":
            return
        if not isinstance(value, list) or not value or not all(
                isinstance(v, (str, int)) and re.fullmatch(r"\d+", str(v)) for v in value):
            raise ValidationError('must be "all" or a non-empty list of NetSuite location internal ids')
        if len(value) > 1000:  # the stock reads put them in one SuiteQL IN (…): at most 1000 (spec §8.3)
            raise ValidationError('at most 1000 locations; choose "all" to use every location')


class PricesSchema(Strict):
    price_level_id = fields.String(load_default="1", validate=NS_ID)
    currency_id = fields.String(load_default="1", validate=NS_ID)
    sale_price_level_id = _ns_id()
    decimals = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=6))


# -- products (issue 14): the catalog import, NetSuite → WooCommerce --------------------------------------------
PRODUCT_ITEM_TYPES = ["InvtPart", "NonInvtPart", "Kit", "Assembly", "Service", "OthCharge", "GiftCert"]
PRODUCT_FIELD_MODES = ["create_only", "create_and_update"]
PRODUCT_FIELDS = {"name": "create_and_update", "description": "create_only", "short_description": "create_only",
                  "weight": "create_and_update", "regular_price": "create_and_update",
                  "stock_quantity": "create_and_update", "status": "create_only"}


class ProductsSchema(Strict):
    create_missing = fields.Boolean(load_default=False)
    item_types = fields.List(fields.String(validate=validate.OneOf(PRODUCT_ITEM_TYPES)),
                             load_default=lambda: ["InvtPart", "NonInvtPart"], validate=validate.Length(min=1))
    only_online = fields.Boolean(load_default=False)
    new_status = fields.String(load_default="draft",
                               validate=validate.OneOf(["draft", "pending", "private", "publish"]))
    fields_ = fields.Dict(data_key="fields", keys=fields.String(validate=validate.OneOf(list(PRODUCT_FIELDS))),
                          values=fields.String(validate=validate.OneOf(PRODUCT_FIELD_MODES)), load_default=dict)
    matrix_options = fields.Dict(keys=fields.String(validate=validate.Regexp(
        r"^custitem[a-z0-9_]+$", error="must be a custom item field id (custitem_…)")),
        values=fields.String(validate=validate.Length(min=1, max=28)), load_default=dict)
    weight_unit = fields.String(load_default="kg", validate=validate.OneOf(["kg", "g", "lbs", "oz"]))

    @post_load
    def _every_field_mode(self, data, **_):
        """A partial ``fields`` keeps the defaults of the fields it does not name."""
        data["fields"] = {**PRODUCT_FIELDS, **data.pop("fields_", {})}
        return data


class FulfillmentsSchema(Strict):
    complete_order = fields.Boolean(load_default=True)
    notify_customer = fields.Boolean(load_default=True)
    tracking_meta = fields.Boolean(load_default=True)  # _wc_shipment_tracking_items (Shipment Tracking format)
    carriers = fields.Dict(keys=fields.String(validate=NS_ID), values=fields.String(validate=validate.Length(
        min=1, max=60)), load_default=dict)  # NetSuite ship item id → carrier name (UPS, FedEx, …)


class RefundsSchema(Strict):
    record = fields.String(load_default="creditMemo", validate=validate.OneOf(["creditMemo", "cashRefund"]))
    item_id = _ns_id()  # the item an amount-only refund is recorded with
    refund_item_id = _ns_id()  # older name of item_id, still read when item_id is unset


class CancellationsSchema(Strict):
    from_netsuite = fields.Boolean(load_default=True)


class ReconcileSchema(Strict):
    tolerance = fields.Decimal(load_default="0.01", as_string=True, places=4,
                               validate=validate.Range(min=0, max=1000))
    lookback_days = fields.Integer(load_default=7, validate=validate.Range(min=1, max=366))
    stock = fields.Boolean(load_default=True)  # the stock drift section (a catalog scan and a full stock read)


class StoreSchema(Strict):
    key = fields.String(load_default="store", validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9-]{0,39}$", error="must be lower-case letters, digits and dashes (used in external ids)"))


class NetSuiteSchema(Strict):
    concurrency_limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=100))
    timeout_s = fields.Float(load_default=60.0, validate=validate.Range(min=1, max=600))


class WooCommerceSchema(Strict):
    query_string_auth = fields.Boolean(load_default=False)
    timeout_s = fields.Float(load_default=30.0, validate=validate.Range(min=1, max=600))


class JobsSchema(Strict):
    max_attempts = fields.Integer(load_default=8, validate=validate.Range(min=1, max=50))


class RetrySchema(Strict):
    # How long a job waits out NetSuite being unavailable (no connection, timeout, 5xx, 429) before it is marked
    # failed; those failures spend none of jobs.max_attempts meanwhile (sidecar/pipeline/outage.py).
    outage_hours = fields.Float(load_default=24.0, validate=validate.Range(min=0.1, max=720))


def _cron(default: str) -> fields.Field:
    def check(value: str) -> None:
        if value != "off" and not croniter.is_valid(value):
            raise ValidationError('must be a cron expression such as "*/15 * * * *" or "off"')
    return fields.String(load_default=default, validate=check)


class SchedulesSchema(Strict):
    orders = _cron("*/10 * * * *")
    customers = _cron("off")
    cancellations = _cron("*/15 * * * *")
    fulfillments = _cron("*/5 * * * *")
    refunds = _cron("*/15 * * * *")
    inventory = _cron("*/5 * * * *")  # incremental runs; a run is full when inventory_full fell due since the last
    inventory_full = _cron("30 2 * * *")  # ... full one (never a flow of its own: one inventory run at a time)
    prices = _cron("0 3 * * *")
    products = _cron("off")
    reconcile = _cron("0 2 * * *")


class SettingsSchema(Strict):
    store = fields.Nested(StoreSchema, load_default=dict)
    orders = fields.Nested(OrdersSchema, load_default=dict)
    customers = fields.Nested(CustomersSchema, load_default=dict)
    items = fields.Nested(ItemsSchema, load_default=dict)
    inventory = fields.Nested(InventorySchema, load_default=dict)
    prices = fields.Nested(PricesSchema, load_default=dict)
    products = fields.Nested(ProductsSchema, load_default=dict)
    fulfillments = fields.Nested(FulfillmentsSchema, load_default=dict)
    refunds = fields.Nested(RefundsSchema, load_default=dict)
    cancellations = fields.Nested(CancellationsSchema, load_default=dict)
    netsuite = fields.Nested(NetSuiteSchema, load_default=dict)
    woocommerce = fields.Nested(WooCommerceSchema, load_default=dict)
    jobs = fields.Nested(JobsSchema, load_default=dict)
    retry = fields.Nested(RetrySchema, load_default=dict)
    schedules = fields.Nested(SchedulesSchema, load_default=dict)
    reconcile = fields.Nested(ReconcileSchema, load_default=dict)

    @pre_load
    def _every_section(self, data, **_):
        """Load absent sections as ``{}`` so that their defaults are filled in too."""
        if isinstance(data, dict):
            data = {**{name: {} for name in self.fields}, **data}
        return data


SECTIONS = list(SettingsSchema().fields)


def defaults() -> dict:
    return SettingsSchema().load({})


def deep_merge(base: dict, update: dict) -> dict:
    """Merge ``update`` into a copy of ``base``: dicts merge key by key, anything else replaces."""
    out = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in _REPLACED_WHOLE:
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# Mapping tables are replaced whole on PUT, so that removing an entry is possible.
_REPLACED_WHOLE = {"ship_methods", "field_map", "currencies", "payment_methods", "carriers", "matrix_options"}


def _stored() -> dict:
    return {row.key: row.value for row in Setting.select()}


def _dump(loaded: dict) -> dict:
    """Loaded settings back to their JSON shape (``in_`` → ``in`` in rules)."""
    out = copy.deepcopy(loaded)
    for rule in out.get("orders", {}).get("rules", []):
        if "in_" in rule:
            rule["in"] = rule.pop("in_")
        for k in ("equals", "in", "matches"):
            if rule.get(k) is None:
                rule.pop(k, None)
    return out


def get_settings() -> dict:
    """The full effective settings: stored values over defaults."""
    return _dump(_usable(_stored()))


def _usable(stored: dict) -> dict:
    """Stored settings loaded as they validate today. A value stored before a check existed (a memo naming an
    unknown placeholder) gets its default here, with a warning, rather than failing every reader — the API, the
    schedules and every job. ``PUT /v1/settings`` still names it (422) until it is fixed."""
    for _ in range(4):
        try:
            return SettingsSchema().load(stored)
        except ValidationError as exc:
            bad = ", ".join(field for field, _ in all_errors(exc.messages))
            log.warning("stored settings that no longer validate are replaced by their defaults: %s", bad)
            stored = _without(stored, exc.messages)
    return SettingsSchema().load({})


def _without(stored: dict, messages: dict) -> dict:
    """``stored`` less each setting that ``messages`` finds fault with (a whole mapping table, a whole section
    when the section itself is wrong)."""
    out = copy.deepcopy(stored)
    for section, problem in messages.items():
        if isinstance(problem, dict) and isinstance(out.get(section), dict) and "_schema" not in problem:
            for name in problem:
                out[section].pop(name, None)
        else:
            out.pop(section, None)
    return out


def validate_settings(data: Any) -> dict:
    """Validate a complete or partial settings document; raise ValidationError naming the first bad field."""
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["settings must be a JSON object"]})
    return _dump(SettingsSchema().load(data))


def update_settings(patch: Any) -> dict:
    """Merge a partial settings document over what is stored, validate the result, store and return it."""
    if not isinstance(patch, dict):
        raise ValidationError({"_schema": ["settings must be a JSON object"]})
    merged = deep_merge(_stored(), patch)
    effective = validate_settings(merged)
    for section in patch:
        Setting.insert(key=section, value=effective[section], updated_at=utcnow()).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: effective[section], Setting.updated_at: utcnow()}
        ).execute()
    return effective
