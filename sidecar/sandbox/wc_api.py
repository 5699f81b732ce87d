"""The route table of the simulated ``wc/v3`` namespace: path patterns, verbs, handlers, permission kinds."""

from __future__ import annotations

from . import wc_api_misc as misc
from . import wc_api_orders as orders
from . import wc_api_products as products
from . import wc_api_store as shop
from . import wc_api_variations as variations
from . import wc_settings as settings
from . import wc_status as status
from .wc_index import index_handler
from .wc_routes import EDITABLE, Router

V3 = "/wc/v3"
ID = r"(?P<{}>\d+)"


def build_router() -> Router:
    r = Router()
    pid, vid, oid = ID.format("pid"), ID.format("vid"), ID.format("oid")
    r.add(("GET",), "/?", misc.wp_index, "public")
    r.add(("GET",), f"{V3}/products", products.list_products, "list")
    r.add(("POST",), f"{V3}/products", products.post_product, "create")
    r.add(EDITABLE, f"{V3}/products/batch", products.batch_products, "batch")
    r.add(("GET",), f"{V3}/products/attributes", misc.list_attributes, "list")
    r.add(("POST",), f"{V3}/products/attributes", misc.post_attribute, "create")
    r.add(("GET",), f"{V3}/products/attributes/{ID.format('aid')}/terms", misc.list_terms, "list")
    r.add(("POST",), f"{V3}/products/attributes/{ID.format('aid')}/terms", misc.post_term, "create")
    r.add(("GET",), f"{V3}/products/{pid}", products.get_one, "view")
    r.add(EDITABLE, f"{V3}/products/{pid}", products.put_product, "edit")
    r.add(("DELETE",), f"{V3}/products/{pid}", products.delete_one, "delete")
    r.add(("GET",), f"{V3}/products/{pid}/variations", variations.list_variations, "list")
    r.add(("POST",), f"{V3}/products/{pid}/variations", variations.post_variation, "create")
    r.add(EDITABLE, f"{V3}/products/{pid}/variations/batch", variations.batch_variations, "batch")
    r.add(("GET",), f"{V3}/products/{pid}/variations/{vid}", variations.get_one_variation, "view")
    r.add(EDITABLE, f"{V3}/products/{pid}/variations/{vid}", variations.put_variation, "edit")
    r.add(("DELETE",), f"{V3}/products/{pid}/variations/{vid}", variations.delete_variation, "delete")
    _orders(r, oid)
    _misc(r)
    _meta(r)
    r.add(("GET",), V3, index_handler(r), "public")  # lists the rows above, so it is bound last
    return r


def _orders(r: Router, oid: str) -> None:
    nid, rid = ID.format("nid"), ID.format("rid")
    r.add(("GET",), f"{V3}/orders", orders.list_orders, "list")
    r.add(("POST",), f"{V3}/orders", orders.post_order, "create")
    r.add(EDITABLE, f"{V3}/orders/batch", orders.batch_orders, "batch")
    r.add(("GET",), f"{V3}/orders/{oid}", orders.get_one_order, "view")
    r.add(EDITABLE, f"{V3}/orders/{oid}", orders.put_order, "edit")
    r.add(("DELETE",), f"{V3}/orders/{oid}", orders.delete_one_order, "delete")
    r.add(("GET",), f"{V3}/orders/{oid}/notes", orders.list_notes, "list")
    r.add(("POST",), f"{V3}/orders/{oid}/notes", orders.post_note, "create")
    r.add(("GET",), f"{V3}/orders/{oid}/notes/{nid}", orders.get_note, "view")
    r.add(("DELETE",), f"{V3}/orders/{oid}/notes/{nid}", orders.delete_note, "delete")
    r.add(("GET",), f"{V3}/orders/{oid}/refunds", orders.list_refunds, "list")
    r.add(("POST",), f"{V3}/orders/{oid}/refunds", orders.post_refund, "create")
    r.add(("GET",), f"{V3}/orders/{oid}/refunds/{rid}", orders.get_refund, "view")
    r.add(("DELETE",), f"{V3}/orders/{oid}/refunds/{rid}", orders.delete_refund_route, "delete")


def _misc(r: Router) -> None:
    cid, wid = ID.format("cid"), ID.format("wid")
    r.add(("GET",), f"{V3}/customers", misc.list_customers, "list")
    r.add(("POST",), f"{V3}/customers", misc.post_customer, "create")
    r.add(("GET",), f"{V3}/customers/{cid}", misc.get_one_customer, "view")
    r.add(EDITABLE, f"{V3}/customers/{cid}", misc.put_customer, "edit")
    r.add(("DELETE",), f"{V3}/customers/{cid}", misc.delete_customer, "delete")
    r.add(("GET",), f"{V3}/coupons", misc.list_coupons, "list")
    r.add(("POST",), f"{V3}/coupons", misc.post_coupon, "create")
    r.add(("GET",), f"{V3}/coupons/{cid}", misc.get_coupon, "view")
    r.add(("GET",), f"{V3}/webhooks", misc.list_webhooks, "list")
    r.add(("POST",), f"{V3}/webhooks", misc.post_webhook, "create")
    r.add(("GET",), f"{V3}/webhooks/{wid}", misc.get_one_webhook, "view")
    r.add(EDITABLE, f"{V3}/webhooks/{wid}", misc.put_webhook, "edit")
    r.add(("DELETE",), f"{V3}/webhooks/{wid}", misc.delete_webhook, "delete")
    r.add(("GET",), f"{V3}/taxes", misc.list_taxes, "list")
    r.add(("POST",), f"{V3}/taxes", misc.post_tax, "create")
    r.add(("GET",), f"{V3}/settings/general/woocommerce_calc_taxes", misc.calc_taxes_setting, "list")
    r.add(EDITABLE, f"{V3}/settings/general/woocommerce_calc_taxes", misc.calc_taxes_setting, "edit")
    r.add(("GET",), f"{V3}/settings/general/woocommerce_price_num_decimals", misc.price_decimals_setting, "list")
    r.add(("GET",), f"{V3}/taxes/classes", shop.tax_classes, "list")
    r.add(("GET",), f"{V3}/data/currencies/current", shop.current_currency, "view")
    r.add(("POST",), f"{V3}/shipping/zones", shop.post_zone, "create")
    r.add(EDITABLE, f"{V3}/shipping/zones/{ID.format('zid')}/locations", shop.put_locations, "edit")
    r.add(("POST",), f"{V3}/shipping/zones/{ID.format('zid')}/methods", shop.post_method, "create")


def _meta(r: Router) -> None:
    """Store-level reads: system status, its tools list, settings groups, the tax group, payment gateways."""
    r.add(("GET",), f"{V3}/settings", settings.list_groups, "list")
    r.add(("GET",), rf"{V3}/settings/(?P<group_id>[\w-]+)", settings.get_group, "list")
    r.add(("GET",), f"{V3}/system_status", status.get_system_status, "list")
    r.add(("GET",), f"{V3}/system_status/tools", status.list_tools, "list")
    r.add(("GET",), rf"{V3}/payment_gateways/(?P<gateway_id>[\w-]+)", settings.get_gateway, "view")
