<?php
/**
 * Plugin Name:          NetSuite Sync for WooCommerce
 * Plugin URI:           https://github.com/nssync/netsuite-sync-for-woocommerce
 * Description:          Connects WooCommerce to Oracle NetSuite through the NetSuite Sync sidecar: forwards orders, refunds and customers, and shows sync status in wp-admin.
 * Version:              0.1.0
 * Author:               NetSuite Sync contributors
 * License:              GPL-2.0-or-later
 * License URI:          https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:          netsuite-sync-for-woocommerce
 * Domain Path:          /languages
 * Requires at least:    6.4
 * Requires PHP:         7.4
 * Requires Plugins:     woocommerce
 * WC requires at least: 8.2
 * WC tested up to:      8.2
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

define( 'NSSYNC_VERSION', '0.1.0' );
define( 'NSSYNC_PLUGIN_FILE', __FILE__ );
define( 'NSSYNC_PLUGIN_DIR', __DIR__ );

require_once __DIR__ . '/includes/class-nssync-plugin.php';

// HPOS (custom order tables): the plugin reads and writes orders only through WC_Order / wc_get_order().
add_action(
	'before_woocommerce_init',
	static function () {
		if ( class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', NSSYNC_PLUGIN_FILE, true );
		}
	}
);

register_activation_hook( __FILE__, array( 'NSSync_Plugin', 'activate' ) );
add_action( 'plugins_loaded', array( 'NSSync_Plugin', 'boot' ) );
