<?php
/**
 * What uninstall.php runs (a class so that it can be tested).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

require_once __DIR__ . '/class-nssync-options.php';
require_once __DIR__ . '/class-nssync-outbox.php';
require_once __DIR__ . '/class-nssync-forwarder.php';

/**
 * Removes the plugin's options, the outbox table, its scheduled actions and its order meta (legacy posts
 * storage and HPOS `wc_orders_meta`, whichever exist).
 */
class NSSync_Uninstaller {

	/**
	 * Order meta keys the plugin writes.
	 *
	 * @var string[]
	 */
	const ORDER_META_KEYS = array( '_nssync_state' );

	/**
	 * Remove everything.
	 */
	public function run() {
		( new NSSync_Options() )->delete_all();
		( new NSSync_Outbox() )->drop();
		$this->delete_order_meta();
		if ( function_exists( 'as_unschedule_all_actions' ) ) {
			as_unschedule_all_actions( '', array(), NSSync_Forwarder::GROUP );
		}
	}

	/**
	 * Delete the plugin's order meta from postmeta and, when the HPOS tables exist, from wc_orders_meta.
	 *
	 * @return int Rows deleted.
	 */
	public function delete_order_meta() {
		global $wpdb;
		$deleted = 0;
		$hpos    = $wpdb->prefix . 'wc_orders_meta';
		$tables  = array( $wpdb->postmeta );
		if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $hpos ) ) ) === $hpos ) {
			$tables[] = $hpos;
		}
		foreach ( $tables as $table ) {
			foreach ( self::ORDER_META_KEYS as $key ) {
				$deleted += (int) $wpdb->delete( $table, array( 'meta_key' => $key ), array( '%s' ) ); // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key
			}
		}
		return $deleted;
	}
}
