"""``GET /wc/v3/system_status`` and ``GET /wc/v3/system_status/tools`` (WooCommerce 8.2.2's
WC_REST_System_Status_V2_Controller and its tools controller, shapes as in fixtures 07-meta).

Connectors read system_status to learn the WooCommerce version, the store URLs, currency settings and how much
data a store holds before a first sync. What the sandbox has state for is derived from that state (URLs from the
request, currency, HPOS order placeholders, product/variation/coupon post counts, the webhooks table); the rest
describes a plain single-site WordPress 6.4 + WooCommerce 8.2.2 install, because a real store reports those too.
"""

from __future__ import annotations

from .wc_api_store import CURRENCIES
from .wc_routes import Ctx, Reply

WC_VERSION = "8.2.2"
MB = 1024 * 1024

# Tables of a WooCommerce 8.2 install with HPOS (section "woocommerce" = WC's own, "other" = the rest).
WC_TABLES = ["sessions", "api_keys", "attribute_taxonomies", "downloadable_product_permissions", "order_items",
             "order_itemmeta", "tax_rates", "tax_rate_locations", "shipping_zones", "shipping_zone_locations",
             "shipping_zone_methods", "payment_tokens", "payment_tokenmeta", "log"]
OTHER_TABLES = ["actionscheduler_actions", "actionscheduler_claims", "actionscheduler_groups", "actionscheduler_logs",
                "commentmeta", "comments", "links", "options", "postmeta", "posts", "termmeta", "terms",
                "term_relationships", "term_taxonomy", "usermeta", "users", "wc_admin_notes", "wc_admin_note_actions",
                "wc_category_lookup", "wc_customer_lookup", "wc_download_log", "wc_orders", "wc_orders_meta",
                "wc_order_addresses", "wc_order_coupon_lookup", "wc_order_operational_data",
                "wc_order_product_lookup", "wc_order_stats", "wc_order_tax_lookup", "wc_product_attributes_lookup",
                "wc_product_download_directories", "wc_product_meta_lookup", "wc_rate_limits", "wc_reserved_stock",
                "wc_tax_rate_classes", "wc_webhooks"]
# Posts a fresh WordPress + WooCommerce install creates: the WooCommerce placeholder image, the sample and
# privacy pages plus WooCommerce's shop/cart/checkout/my-account/refund pages, and the sample post.
INSTALL_POSTS = {"attachment": 1, "page": 7, "post": 1}
PAGES = [("Shop base", "5", "", ""), ("Cart", "6", "[woocommerce_cart]", "woocommerce/cart"),
         ("Checkout", "7", "[woocommerce_checkout]", "woocommerce/checkout"),
         ("My account", "8", "[woocommerce_my_account]", ""), ("Terms and conditions", "", "", "")]
TOOLS = [
    ("clear_transients", "WooCommerce transients", "Clear transients",
     "This tool will clear the product/shop transients cache."),
    ("clear_expired_transients", "Expired transients", "Clear transients",
     "This tool will clear ALL expired transients from WordPress."),
    ("delete_orphaned_variations", "Orphaned variations", "Delete orphaned variations",
     "This tool will delete all variations which have no parent."),
    ("clear_expired_download_permissions", "Used-up download permissions", "Clean up download permissions",
     "This tool will delete expired download permissions and permissions with 0 remaining downloads."),
    ("regenerate_product_lookup_tables", "Product lookup tables", "Regenerate",
     "This tool will regenerate product lookup table data. This process may take a while."),
    ("recount_terms", "Term counts", "Recount terms",
     ("This tool will recount product terms - useful when changing your settings in a way which hides products "
     "from the catalog.")),
    ("reset_roles", "Capabilities", "Reset capabilities",
     ("This tool will reset the admin, customer and shop_manager roles to default. Use this if your users cannot "
     "access all of the WooCommerce admin pages.")),
    ("clear_sessions", "Clear customer sessions", "Clear",
     ("<strong class=\"red\">Note:</strong> This tool will delete all customer session data from the database, "
     "including current carts and saved carts in the database.")),
    ("clear_template_cache", "Clear template cache", "Clear",
     "<strong class=\"red\">Note:</strong> This tool will empty the template cache."),
    ("install_pages", "Create default WooCommerce pages", "Create pages",
     ("<strong class=\"red\">Note:</strong> This tool will install all the missing WooCommerce pages. Pages "
     "already defined and set up will not be replaced.")),
    ("delete_taxes", "Delete WooCommerce tax rates", "Delete tax rates",
     ("<strong class=\"red\">Note:</strong> This option will delete ALL of your tax rates, use with caution. "
     "This action cannot be reversed.")),
    ("regenerate_thumbnails", "Regenerate shop thumbnails", "Regenerate",
     "This will regenerate all shop thumbnails to match your theme and/or image settings."),
    ("db_update_routine", "Update database", "Update database",
     ("<strong class=\"red\">Note:</strong> This tool will update your WooCommerce database to the latest version. "
     "Please ensure you make sufficient backups before proceeding.")),
    ("verify_db_tables", "Verify base database tables", "Verify database",
     "Verify if all base database tables are present."),
    ("regenerate_product_attributes_lookup_table", "Regenerate the product attributes lookup table", "Regenerate",
     ("This tool will regenerate the product attributes lookup table data from existing product(s) data. This "
     "process may take a while.")),
    ("clear_woocommerce_analytics_cache", "Clear analytics cache", "Clear",
     ("This tool will reset the cached values used in WooCommerce Analytics. If numbers still look off, try <a "
     "href=\"{home}/wp-admin/admin.php?page=wc-admin&#038;path=/analytics/settings\">Reimporting Historical "
     "Data</a>.")),
    ("delete_custom_orders_table", "Delete the custom orders tables", "Delete",
     ("<strong class=\"red\">Note:</strong> This will delete the custom orders tables. The tables can be deleted "
     "only if the \"High-Performance order storage\" is not authoritative and sync is disabled (via Settings > "
     "Advanced > Features).")),
]


def post_type_counts(store) -> list[dict]:
    """``SELECT post_type, count(1) FROM wp_posts GROUP BY post_type``: products and variations are posts
    (trashed ones too), each HPOS order and refund keeps a ``shop_order_placehold`` post, coupons are posts."""
    counts = dict(INSTALL_POSTS)
    for record in store.products.values():
        kind = "product_variation" if record["type"] == "variation" else "product"
        counts[kind] = counts.get(kind, 0) + 1
    counts["shop_coupon"] = len(store.coupons)
    counts["shop_order_placehold"] = len(store.orders) + len(store.refunds)
    return [{"type": kind, "count": str(n)} for kind, n in sorted(counts.items()) if n]


def _table_sizes(store) -> dict:
    """Per-table data/index MB as MySQL reports them: a 16 KB page minimum, growing with the sandbox's rows."""
    rows = {"wc_orders": len(store.orders) + len(store.refunds), "posts": len(store.products) + len(store.coupons),
            "wc_webhooks": len(store.webhooks), "api_keys": len(store.keys), "tax_rates": len(store.taxes),
            "users": len(store.customers) + 1, "comments": len(store.notes)}

    def size(name: str) -> dict:
        data = 0.02 + 0.0003 * rows.get(name, 0)  # ~300 bytes a row, in MB
        return {"data": f"{data:.2f}", "index": "0.02", "engine": "InnoDB"}

    return {"woocommerce": {f"wp_woocommerce_{t}": size(t) for t in WC_TABLES},
            "other": {f"wp_{t}": size(t) for t in OTHER_TABLES}}


def database(store) -> dict:
    """The database section; ``database_size`` sums the table sizes as WooCommerce does (floats)."""
    tables = _table_sizes(store)
    every = [t for section in tables.values() for t in section.values()]
    return {"wc_database_version": WC_VERSION, "database_prefix": "wp_", "maxmind_geoip_database": "",
            "database_tables": tables,
            "database_size": {"data": sum(float(t["data"]) for t in every),
                              "index": sum(float(t["index"]) for t in every)}}


def environment(ctx: Ctx) -> dict:
    """Software versions and PHP limits of the simulated host; URLs are the ones this request reached."""
    return {"home_url": ctx.home_url, "site_url": ctx.home_url, "version": WC_VERSION,
            "log_directory": "/var/www/html/wp-content/uploads/wc-logs/", "log_directory_writable": True,
            "wp_version": "6.4.1", "wp_multisite": False, "wp_memory_limit": 256 * MB, "wp_debug_mode": False,
            "wp_cron": True, "language": "en_US", "external_object_cache": None,
            "server_info": "Apache/2.4.57 (Debian)", "php_version": "8.2.12", "php_post_max_size": 8 * MB,
            "php_max_execution_time": 30, "php_max_input_vars": 1000, "curl_version": "7.88.1, OpenSSL/3.0.11",
            "suhosin_installed": False, "max_upload_size": 2 * MB, "mysql_version": "8.0.35",
            "mysql_version_string": "8.0.35", "default_timezone": "UTC", "fsockopen_or_curl_enabled": True,
            "soapclient_enabled": False, "domdocument_enabled": True, "gzip_enabled": True,
            "mbstring_enabled": True, "remote_post_successful": False, "remote_post_response": "",
            "remote_get_successful": False, "remote_get_response": ""}


def settings(store) -> dict:
    """The settings section: the store currency and WooCommerce's fixed taxonomies; HPOS on, sync off."""
    currency = store.options.get("currency", "USD")
    return {"api_enabled": False, "force_ssl": False, "currency": currency,
            "currency_symbol": CURRENCIES.get(currency, (currency, currency))[1], "currency_position": "left",
            "thousand_separator": ",", "decimal_separator": ".", "number_of_decimals": 2,
            "geolocation_enabled": False,
            "taxonomies": {t: t for t in ("external", "grouped", "simple", "variable")},
            "product_visibility_terms": {t: t for t in ("exclude-from-catalog", "exclude-from-search", "featured",
                                                        "outofstock", "rated-1", "rated-2", "rated-3", "rated-4",
                                                        "rated-5")},
            "woocommerce_com_connected": "no", "enforce_approved_download_dirs": True,
            "order_datastore": "Automattic\\WooCommerce\\Internal\\DataStores\\Orders\\OrdersTableDataStore",
            "HPOS_feature_screen_enabled": True, "HPOS_enabled": True, "HPOS_sync_enabled": False}


def pages() -> list[dict]:
    """WooCommerce's pages; the cart and checkout pages use shortcodes, so the blocks are reported missing."""
    out = []
    for name, page_id, shortcode, block in PAGES:
        exists = bool(page_id)
        out.append({"page_name": name, "page_id": page_id, "page_set": exists, "page_exists": exists,
                    "page_visible": exists, "shortcode": shortcode, "block": block,
                    "shortcode_required": bool(shortcode), "shortcode_present": bool(shortcode),
                    "block_present": False, "block_required": bool(block)})
    return out


def theme() -> dict:
    """The default theme; ``version_latest`` is 0 because the wordpress.org lookup fails offline, as the
    remote_get checks above say (WooCommerce's get_latest_theme_version starts from 0)."""
    return {"name": "Twenty Twenty-Four", "version": "1.0", "version_latest": 0,
            "author_url": "https://wordpress.org", "is_child_theme": False, "has_woocommerce_support": True,
            "has_woocommerce_file": False, "has_outdated_templates": False, "overrides": [], "parent_name": "",
            "parent_version": "", "parent_version_latest": "", "parent_author_url": ""}


def get_system_status(ctx: Ctx) -> Reply:
    """The whole report; only WooCommerce itself is installed, with no drop-ins or must-use plugins."""
    store = ctx.store
    plugin = {"plugin": "woocommerce/woocommerce.php", "name": "WooCommerce", "version": WC_VERSION,
              "version_latest": WC_VERSION, "url": "https://woocommerce.com/", "author_name": "Automattic",
              "author_url": "https://woocommerce.com", "network_activated": False}
    return Reply(200, {"environment": environment(ctx), "database": database(store), "active_plugins": [plugin],
                       "inactive_plugins": [], "dropins_mu_plugins": {"dropins": [], "mu_plugins": []},
                       "theme": theme(), "settings": settings(store),
                       "security": {"secure_connection": ctx.home_url.startswith("https:"), "hide_errors": True},
                       "pages": pages(), "post_type_counts": post_type_counts(store)})


def list_tools(ctx: Ctx) -> Reply:
    """The maintenance tools WooCommerce 8.2 offers (listed only: the sandbox runs none of them)."""
    base = f"{ctx.home_url}/wp-json/wc/v3/system_status/tools"
    return Reply(200, [{"id": tid, "name": name, "action": action, "description": text.replace("{home}", ctx.home_url),
                        "_links": {"item": [{"embeddable": True, "href": f"{base}/{tid}"}]}}
                       for tid, name, action, text in TOOLS])
