<?php
/**
 * What to do about a failed job, in plain words.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * The sidecar's own `hint` when a job carries one; otherwise a fix matched from the error text. Pure.
 */
class NSSync_Error_Hints {

	/**
	 * The fix to show beside a job's reason ('' when none is known).
	 *
	 * @param array $job Job (`hint`, `last_error`/`error`).
	 * @return string
	 */
	public static function for_job( $job ) {
		if ( isset( $job['hint'] ) && is_scalar( $job['hint'] ) && '' !== trim( (string) $job['hint'] ) ) {
			return (string) $job['hint'];
		}
		$error = '';
		foreach ( array( 'last_error', 'error', 'reason' ) as $k ) {
			if ( isset( $job[ $k ] ) && is_scalar( $job[ $k ] ) ) {
				$error = (string) $job[ $k ];
				break;
			}
		}
		foreach ( self::patterns() as $pattern => $hint ) {
			if ( preg_match( $pattern, $error ) ) {
				return $hint;
			}
		}
		return '';
	}

	/**
	 * Error pattern => fix.
	 *
	 * @return array
	 */
	private static function patterns() {
		return array(
			'/unknown sku|no netsuite item|item not found/i'         => __( 'Create the item in NetSuite, or set the product\'s SKU in WooCommerce to the NetSuite item\'s name (Sync → Match SKU to), then Retry.', 'netsuite-sync-for-woocommerce' ),
			'/subsidiary/i'                                          => __( 'Choose the subsidiary under Sync → Orders (OneWorld accounts need one), then Retry.', 'netsuite-sync-for-woocommerce' ),
			'/ship(ping)? ?(method|item)/i'                          => __( 'Map this shipping method to a NetSuite ship item under Mappings, or set a default shipping item, then Retry.', 'netsuite-sync-for-woocommerce' ),
			'/payment ?method/i'                                     => __( 'Map the payment gateway to a NetSuite payment method under Sync → Orders → Payment methods, then Retry.', 'netsuite-sync-for-woocommerce' ),
			'/refunds?\.item_id|refund item/i'                       => __( 'Choose the refund item under Sync → Refunds, then Retry.', 'netsuite-sync-for-woocommerce' ),
			'/invalid_login|401|unauthori[sz]ed|invalid signature/i' => __( 'NetSuite or WooCommerce refused the credentials: check them under Connection and run Test connection, then Retry.', 'netsuite-sync-for-woocommerce' ),
			'/permission|insufficient|not allowed/i'                 => __( 'The NetSuite role used by the integration lacks a permission for this record: add it in NetSuite, then Retry.', 'netsuite-sync-for-woocommerce' ),
			'/location/i'                                            => __( 'Check the locations chosen under Sync, then Retry.', 'netsuite-sync-for-woocommerce' ),
			'/timed? ?out|429|too many|5\d\d|unavailable/i'          => __( 'A temporary problem on the other side: Retry later.', 'netsuite-sync-for-woocommerce' ),
		);
	}
}
