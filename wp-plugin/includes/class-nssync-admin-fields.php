<?php
/**
 * Field types of our own for WooCommerce's settings arrays (`woocommerce_admin_field_<type>`).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Prints the rows WooCommerce's built-in types cannot: a flow's last run with its Sync now button.
 * Escapes everything it prints.
 */
class NSSync_Admin_Fields {

	/**
	 * `woocommerce_admin_field_nssync_flow`: last run (counts, when, first errors) and Sync now.
	 *
	 * @param array $value Field: flow, sync_now, run (array|null), stale (bool).
	 */
	public function flow_row( $value ) {
		$flow = isset( $value['flow'] ) ? (string) $value['flow'] : '';
		$run  = isset( $value['run'] ) && is_array( $value['run'] ) ? $value['run'] : null;
		echo '<tr valign="top" class="nssync-flow-row" data-flow="' . esc_attr( $flow ) . '"><th scope="row" class="titledesc">' . esc_html( isset( $value['title'] ) ? $value['title'] : '' ) . '</th><td class="forminp">';
		echo self::run_html( $run, ! empty( $value['stale'] ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in run_html().
		if ( ! empty( $value['sync_now'] ) ) {
			echo ' <button type="button" class="button nssync-sync-now" data-flow="' . esc_attr( $flow ) . '">' . esc_html__( 'Sync now', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-progress" aria-live="polite"></span>';
		}
		echo '</td></tr>';
	}

	/**
	 * A run as HTML: result and counts, when (in words, local time on hover), first errors (escaped here).
	 *
	 * @param array|null $run   Run.
	 * @param bool       $stale Shown from the cache while the sidecar does not answer.
	 * @return string
	 */
	public static function run_html( $run, $stale = false ) {
		if ( ! $run ) {
			return '<span class="nssync-run-result">' . esc_html__( 'Not run yet', 'netsuite-sync-for-woocommerce' ) . '</span> <span class="nssync-run-when"></span>';
		}
		$when = isset( $run['finished_at'] ) && $run['finished_at'] ? $run['finished_at'] : ( isset( $run['started_at'] ) ? $run['started_at'] : '' );
		$ago  = NSSync_Format::when_html( $when );
		$html = '<span class="nssync-run-result">' . esc_html( NSSync_Format::run_text( $run ) ) . '</span>' . ( '' !== $ago ? ' · ' : ' ' ) . '<span class="nssync-run-when">' . $ago . '</span>';
		if ( $stale ) {
			$html .= ' <span class="description">' . esc_html__( '(last known)', 'netsuite-sync-for-woocommerce' ) . '</span>';
		}
		$errors = NSSync_Format::run_errors( $run );
		if ( $errors ) {
			$html .= '<ul class="nssync-run-errors">';
			foreach ( $errors as $e ) {
				$html .= '<li>' . esc_html( $e ) . '</li>';
			}
			$html .= '</ul>';
		}
		return $html;
	}
}
