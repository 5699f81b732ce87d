<?php
/**
 * Plugin Name:          NetSuite Sync for WooCommerce
 * Plugin URI:           https://github.com/nssync/netsuite-sync-for-woocommerce
 * Description:          Connects WooCommerce to Oracle NetSuite through the NetSuite Sync sidecar: forwards orders, refunds and customers, and shows sync status in wp-admin.
 * Version:              0.3.0
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

// A second copy of the plugin (another folder) is active: say so instead of a fatal "Cannot declare class".
if ( defined( 'NSSYNC_PLUGIN_FILE' ) || class_exists( 'NSSync_Plugin', false ) ) {
	$nssync_duplicate = __FILE__;
	add_action(
		'before_woocommerce_init',
		static function () use ( $nssync_duplicate ) {
			if ( class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
				\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', $nssync_duplicate, true );
			}
		}
	);
	add_action(
		'admin_notices',
		static function () use ( $nssync_duplicate ) {
			if ( ! current_user_can( 'activate_plugins' ) ) {
				return;
			}
			$running = defined( 'NSSYNC_PLUGIN_FILE' ) ? NSSYNC_PLUGIN_FILE : '';
			printf(
				'<div class="notice notice-error"><p><strong>%1$s</strong> %2$s</p></div>',
				esc_html__( 'NetSuite Sync for WooCommerce is installed twice.', 'netsuite-sync-for-woocommerce' ),
				esc_html(
					sprintf(
						/* translators: 1: folder of the copy in use, 2: folder of the copy ignored */
						__( 'The copy in %1$s is running; the copy in %2$s is ignored. Deactivate and delete one of them under Plugins.', 'netsuite-sync-for-woocommerce' ),
						'' === $running ? '?' : plugin_basename( dirname( $running ) ),
						plugin_basename( dirname( $nssync_duplicate ) )
					)
				)
			);
		}
	);
	return;
}

define( 'NSSYNC_VERSION', '0.3.0' );
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
