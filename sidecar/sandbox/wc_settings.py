"""Settings groups, the ``tax`` settings group and the payment gateways the sandbox's orders use
(``GET /wc/v3/settings``, ``/settings/<group>``, ``/payment_gateways/<id>``; shapes of WooCommerce 8.2.2).

A connector reads the tax group to know how the store computes the totals it will import (prices entered with or
without tax, which address is taxed, rounding). The values therefore describe what the sandbox really does — see
wc_totals: prices exclusive of tax, taxed by shipping address, rounded per line — and the tax classes it offers.
Groups the sandbox has no behaviour for are listed (a real store lists them) but not served.
"""

from __future__ import annotations

from .wc_api_store import TAX_CLASSES
from .wc_errors import WooError, no_route
from .wc_routes import Ctx, Reply

# Email id → (title, description) of WooCommerce's WC_Email classes.
EMAIL_INFO = {
    "new_order": ("New order", "New order emails are sent to chosen recipient(s) when a new order is received."),
    "cancelled_order": ("Cancelled order", ("Cancelled order emails are sent to chosen recipient(s) when orders have "
                        "been marked cancelled (if they were previously processing or on-hold).")),
    "failed_order": ("Failed order", ("Failed order emails are sent to chosen recipient(s) when orders have been "
                     "marked failed (if they were previously pending or on-hold).")),
    "customer_on_hold_order": ("Order on-hold", ("This is an order notification sent to customers containing order "
                               "details after an order is placed on-hold from Pending, Cancelled or Failed order "
                               "status.")),
    "customer_processing_order": ("Processing order", ("This is an order notification sent to customers containing "
                                  "order details after payment.")),
    "customer_completed_order": ("Completed order", ("Order complete emails are sent to customers when their orders "
                                 "are marked completed and usually indicate that their orders have been shipped.")),
    "customer_refunded_order": ("Refunded order", ("Order refunded emails are sent to customers when their orders "
                                "are refunded.")),
    "customer_invoice": ("Customer invoice / Order details", ("Customer invoice emails can be sent to customers "
                         "containing their order information and payment links.")),
    "customer_note": ("Customer note", "Customer note emails are sent when you add a note to an order."),
    "customer_reset_password": ("Reset password", ("Customer \"reset password\" emails are sent when customers "
                                "reset their passwords.")),
    "customer_new_account": ("New account", ("Customer \"new account\" emails are sent to the customer when a "
                             "customer signs up via checkout or account pages.")),
}
EMAILS = list(EMAIL_INFO)
TOP_GROUPS = [("wc_admin", "WooCommerce Admin", "Settings for WooCommerce admin reporting."),
              ("general", "General", ""),
              ("products", "Products", ""), ("tax", "Tax", ""), ("shipping", "Shipping", ""),
              ("checkout", "Payments", ""), ("account", "Accounts &amp; Privacy", ""), ("email", "Emails", ""),
              ("integration", "Integration", ""), ("advanced", "Advanced", "")]
INCL_EXCL = {"incl": "Including tax", "excl": "Excluding tax"}


def _href(ctx: Ctx, path: str) -> list[dict]:
    return [{"href": f"{ctx.home_url}/wp-json/wc/v3/{path}"}]


def settings_groups() -> list[tuple[str, str, str, str, list[str]]]:
    """(id, label, description, parent_id, sub_groups): the top groups, then one sub-group per email."""
    groups = [(gid, label, text, "", [f"email_{e}" for e in EMAILS] if gid == "email" else [])
              for gid, label, text in TOP_GROUPS]
    return groups + [(f"email_{e}", title, text, "email", []) for e, (title, text) in EMAIL_INFO.items()]


def list_groups(ctx: Ctx) -> Reply:
    return Reply(200, [{"id": gid, "label": label, "description": text, "parent_id": parent, "sub_groups": subs,
                        "_links": {"options": _href(ctx, f"settings/{gid}")}}
                       for gid, label, text, parent, subs in settings_groups()])


def tax_settings(store) -> list[dict]:
    """The tax group's options with the values the sandbox computes with (see the module docstring)."""
    classes = {"inherit": "Shipping tax class based on cart items", "": "Standard"}
    classes.update({slug: name for slug, name in TAX_CLASSES if slug != "standard"})
    rows = [
        ("woocommerce_prices_include_tax", "Prices entered with tax", "", "radio", "no",
         {"yes": "Yes, I will enter prices inclusive of tax", "no": "No, I will enter prices exclusive of tax"},
         ("This option is important as it will affect how you input prices. Changing it will not update existing "
         "products."), "no"),
        ("woocommerce_tax_based_on", "Calculate tax based on", "", "select", "shipping",
         {"shipping": "Customer shipping address", "billing": "Customer billing address",
          "base": "Shop base address"}, "This option determines which address is used to calculate tax.", "shipping"),
        ("woocommerce_shipping_tax_class", "Shipping tax class",
         ("Optionally control which tax class shipping gets, or leave it so shipping tax is based on the cart items "
         "themselves."), "select", "inherit", classes, None, "inherit"),
        ("woocommerce_tax_round_at_subtotal", "Rounding", "Round tax at subtotal level, instead of rounding per line",
         "checkbox", "no", None, False, "no"),
        ("woocommerce_tax_classes", "Additional tax classes", "", "textarea", "",
         None, ("List additional tax classes you need below (1 per line, e.g. Reduced Rates). These are in addition "
         "to \"Standard rate\" which exists by default."), ""),  # classes live in their own table since 3.7
        ("woocommerce_tax_display_shop", "Display prices in the shop", "", "select", "excl", INCL_EXCL, False, "excl"),
        ("woocommerce_tax_display_cart", "Display prices during cart and checkout", "", "select", "excl", INCL_EXCL,
         False, "excl"),
        ("woocommerce_price_display_suffix", "Price display suffix", "", "text", "", None,
         ("Define text to show after your product prices. This could be, for example, \"inc. Vat\" to explain your "
         "pricing. You can also have prices substituted here using one of the following: {price_including_tax}, "
         "{price_excluding_tax}."), ""),
        ("woocommerce_tax_total_display", "Display tax totals", "", "select", "itemized",
         {"single": "As a single total", "itemized": "Itemized"}, False, "itemized"),
    ]
    return [_setting(*row) for row in rows]


def _setting(sid, label, description, kind, default, options, tip, value) -> dict:
    """One option as WC_REST_Setting_Options_Controller renders it: ``tip`` is the description when it is None
    (desc_tip = true), absent when False; ``options`` only for choice types."""
    out = {"id": sid, "label": label, "description": description, "type": kind, "default": default}
    if options is not None:
        out["options"] = options
    if tip is not False:
        out["tip"] = description if tip is None else tip
    out["value"] = value
    return out


def get_group(ctx: Ctx, group_id: str) -> Reply:
    """``GET settings/<group>``: the tax group (the one whose options change what the sandbox computes)."""
    if group_id not in {g[0] for g in settings_groups()}:
        raise WooError("rest_setting_setting_group_invalid", "Invalid setting group.", 404)
    if group_id != "tax":
        raise no_route()  # as for every endpoint the sandbox does not simulate
    base = "settings/tax"
    return Reply(200, [{**s, "_links": {"self": _href(ctx, f"{base}/{s['id']}"), "collection": _href(ctx, base)}}
                       for s in tax_settings(ctx.store)])


CHEQUE = {"id": "cheque", "title": "Check payments",
          "description": "Please send a check to Store Name, Store Street, Store Town, Store State / County, "
                         "Store Postcode.",
          "method_title": "Check payments",
          "method_description": "Take payments in person via checks. This offline gateway can also be useful to "
                                "test purchases.",
          "fields": [("title", "Title", "This controls the title which the user sees during checkout.", "safe_text",
                      "Check payments"),
                     ("instructions", "Instructions", ("Instructions that will be added to the thank you page and "
                                                      "emails."), "textarea", "")]}
GATEWAYS = {"cheque": CHEQUE}


def get_gateway(ctx: Ctx, gateway_id: str) -> Reply:
    """``GET payment_gateways/<id>``: the offline cheque gateway the sandbox's orders are paid with."""
    gateway = GATEWAYS.get(gateway_id)
    if gateway is None:
        raise WooError("woocommerce_rest_payment_gateway_invalid", "Resource does not exist.", 404)
    settings = {fid: {"id": fid, "label": label, "description": text, "type": kind, "value": default,
                      "default": default, "tip": text, "placeholder": ""}
                for fid, label, text, kind, default in gateway["fields"]}
    body = {"id": gateway["id"], "title": gateway["title"], "description": gateway["description"], "order": "",
            "enabled": True, "method_title": gateway["method_title"],
            "method_description": gateway["method_description"], "method_supports": ["products"],
            "settings": settings, "needs_setup": False, "post_install_scripts": [],
            "settings_url": f"{ctx.home_url}/wp-admin/admin.php?page=wc-settings&tab=checkout&section={gateway_id}",
            "connection_url": None, "setup_help_text": None, "required_settings_keys": [],
            "_links": {"self": _href(ctx, f"payment_gateways/{gateway_id}"),
                       "collection": _href(ctx, "payment_gateways")}}
    return Reply(200, body)
