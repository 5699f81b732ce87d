"""NetSuite Sync for WooCommerce — the sidecar service.

The sidecar holds credentials, settings, the durable queue and every sync flow; the WordPress plugin only
forwards events to it and shows what it reports.
"""

__version__ = "0.1.0"
