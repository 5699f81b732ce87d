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

	/**
	 * The label of a mapped key the store no longer has, in the words of what the table maps: the currency table
	 * said "(not a method of this store now)" beside EUR.
	 *
	 * @param string $choices What the rows are: shipping_methods, currencies or gateways.
	 * @return string
	 */
	public static function gone_label( $choices ) {
		switch ( $choices ) {
			case 'shipping_methods':
				return __( '(not a shipping method of this store now)', 'netsuite-sync-for-woocommerce' );
			case 'currencies':
				return __( '(not a currency of this store now)', 'netsuite-sync-for-woocommerce' );
			case 'gateways':
				return __( '(not a payment method of this store now)', 'netsuite-sync-for-woocommerce' );
			default:
				return __( '(not in this store now)', 'netsuite-sync-for-woocommerce' );
		}
	}

	/**
	 * `woocommerce_admin_field_nssync_map_table`: one row per store method (and per mapped key no longer in the
	 * store), each with a NetSuite picker; a line the sidecar refused is marked.
	 *
	 * @param array $value Field: id, title, desc, value (key => NetSuite id), rows (key => label), nssync_lookup,
	 *                     error (message naming the refused lines).
	 */
	public function map_table( $value ) {
		$id      = (string) $value['id'];
		$current = is_array( $value['value'] ) ? $value['value'] : array();
		$rows    = isset( $value['rows'] ) && is_array( $value['rows'] ) ? $value['rows'] : array();
		$gone    = self::gone_label( isset( $value['nssync_choices'] ) ? (string) $value['nssync_choices'] : '' );
		foreach ( array_keys( $current ) as $key ) {
			if ( ! isset( $rows[ $key ] ) ) {
				$rows[ $key ] = $gone;
			}
		}
		$error = isset( $value['error'] ) ? (string) $value['error'] : '';
		echo '<tr valign="top"><th scope="row" class="titledesc">' . esc_html( $value['title'] ) . '</th><td class="forminp">';
		if ( '' !== $error ) {
			echo '<span class="nssync-field-error" role="alert">' . esc_html( $error ) . '</span>';
		}
		if ( ! $rows ) {
			echo '<p class="description">' . esc_html__( 'This store has none yet.', 'netsuite-sync-for-woocommerce' ) . '</p></td></tr>';
			return;
		}
		echo '<table class="widefat striped nssync-map-table"><tbody>';
		foreach ( $rows as $key => $label ) {
			$key  = (string) $key;
			$cur  = isset( $current[ $key ] ) ? (string) $current[ $key ] : '';
			$bad  = '' !== $error && false !== strpos( $error, $key . ': ' );
			echo '<tr class="' . ( $bad ? 'nssync-has-error' : '' ) . '"><td>' . esc_html( $label ) . ' <code>' . esc_html( $key ) . '</code></td><td>';
			echo '<select name="' . esc_attr( $id . '[' . $key . ']' ) . '" class="nssync-lookup" data-nssync-lookup="' . esc_attr( $value['nssync_lookup'] ) . '" data-placeholder="' . esc_attr__( 'Search NetSuite, or type an internal id', 'netsuite-sync-for-woocommerce' ) . '" style="width:320px">';
			echo '<option value=""></option>';
			if ( '' !== $cur ) {
				echo '<option value="' . esc_attr( $cur ) . '" selected="selected">#' . esc_html( $cur ) . '</option>';
			}
			echo '</select></td></tr>';
		}
		echo '</tbody></table>';
		if ( ! empty( $value['desc'] ) ) {
			echo '<p class="description">' . wp_kses_post( $value['desc'] ) . '</p>';
		}
		echo '</td></tr>';
	}
}
