<?php
/**
 * The catalog report: what does not match between the store's catalog and NetSuite's, as a page and a CSV.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Shows `GET /v1/reports/catalog` (`{"generated_at", "counts": {list: n}, "lists": {list: [rows]}}`) as a
 * count per list and a table per list, and streams `GET /v1/reports/catalog?format=csv` to the browser as a
 * download through admin-post.php (nonce + manage_woocommerce).
 */
class NSSync_Catalog_Report {

	const ACTION   = 'nssync_catalog_csv';
	const MAX_ROWS = 200;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/**
	 * @param NSSync_Sidecar_Client $client Sidecar client.
	 */
	public function __construct( NSSync_Sidecar_Client $client ) {
		$this->client = $client;
	}

	/**
	 * The download link (admin-post, with its nonce).
	 *
	 * @return string
	 */
	public static function csv_url() {
		return wp_nonce_url( admin_url( 'admin-post.php?action=' . self::ACTION ), self::ACTION );
	}

	/**
	 * Print the page.
	 */
	public function output() {
		try {
			// The sidecar sends the first `rows` of each list (50 unless asked) and every count.
			$report = $this->client->get( NSSync_Sidecar_Client::with_query( '/v1/reports/catalog', array( 'rows' => self::MAX_ROWS ) ), 30 );
		} catch ( NSSync_Sidecar_Exception $e ) {
			NSSync_Status_View::unavailable(
				array(
					'_error'  => $e->getMessage(),
					'_status' => $e->get_status(),
				)
			);
			return;
		}
		$this->render( $report );
	}

	/**
	 * The report's markup.
	 *
	 * @param array $report Report.
	 */
	public function render( $report ) {
		$counts = isset( $report['counts'] ) && is_array( $report['counts'] ) ? $report['counts'] : array();
		$lists  = isset( $report['lists'] ) && is_array( $report['lists'] ) ? $report['lists'] : array();
		echo '<h2>' . esc_html__( 'Catalog report', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		echo '<p>' . esc_html__( 'Products and NetSuite items that do not match, so stock, prices and orders cannot flow for them.', 'netsuite-sync-for-woocommerce' );
		if ( ! empty( $report['generated_at'] ) ) {
			/* translators: %s: time in words */
			echo ' ' . esc_html( sprintf( __( 'Made %s.', 'netsuite-sync-for-woocommerce' ), NSSync_Format::ago( $report['generated_at'] ) ) );
		}
		echo '</p><p><a class="button" href="' . esc_url( self::csv_url() ) . '">' . esc_html__( 'Download CSV', 'netsuite-sync-for-woocommerce' ) . '</a></p>';
		if ( ! $counts && ! $lists ) {
			echo '<p>' . esc_html__( 'The report is empty.', 'netsuite-sync-for-woocommerce' ) . '</p>';
			return;
		}
		echo '<table class="widefat striped nssync-table nssync-catalog-counts"><thead><tr><th>' . esc_html__( 'List', 'netsuite-sync-for-woocommerce' ) . '</th><th>' . esc_html__( 'Count', 'netsuite-sync-for-woocommerce' ) . '</th></tr></thead><tbody>';
		foreach ( array_unique( array_merge( array_keys( $counts ), array_keys( $lists ) ) ) as $name ) {
			$n = isset( $counts[ $name ] ) ? (int) $counts[ $name ] : ( isset( $lists[ $name ] ) && is_array( $lists[ $name ] ) ? count( $lists[ $name ] ) : 0 );
			echo '<tr><td><a href="#nssync-list-' . esc_attr( sanitize_html_class( (string) $name ) ) . '">' . esc_html( self::label( $name ) ) . '</a></td><td>' . esc_html( (string) $n ) . '</td></tr>';
		}
		echo '</tbody></table>';
		foreach ( $lists as $name => $rows ) {
			$this->list_table( (string) $name, is_array( $rows ) ? array_values( array_filter( $rows, 'is_array' ) ) : array(), isset( $counts[ $name ] ) ? (int) $counts[ $name ] : null );
		}
	}

	/**
	 * One list as a table, its columns the union of its rows' keys.
	 *
	 * @param string   $name  List name.
	 * @param array[]  $rows  Rows.
	 * @param int|null $count The list's full count.
	 */
	private function list_table( $name, $rows, $count ) {
		echo '<h3 id="nssync-list-' . esc_attr( sanitize_html_class( $name ) ) . '">' . esc_html( self::label( $name ) ) . '</h3>';
		if ( ! $rows ) {
			echo '<p>' . esc_html__( 'None.', 'netsuite-sync-for-woocommerce' ) . '</p>';
			return;
		}
		$cols = array();
		foreach ( $rows as $row ) {
			$cols = array_unique( array_merge( $cols, array_keys( $row ) ) );
		}
		echo '<table class="widefat striped nssync-table"><thead><tr>';
		foreach ( $cols as $col ) {
			echo '<th>' . esc_html( self::label( $col ) ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		$rows = array_slice( $rows, 0, self::MAX_ROWS );
		foreach ( $rows as $row ) {
			echo '<tr>';
			foreach ( $cols as $col ) {
				// woocommerce_id may be a variation's, which has no edit screen of its own: shown, not linked.
				$v = isset( $row[ $col ] ) ? $row[ $col ] : '';
				echo '<td>' . esc_html( is_scalar( $v ) ? (string) $v : (string) wp_json_encode( $v ) ) . '</td>';
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
		$total = null === $count ? count( $rows ) : $count;
		if ( $total > count( $rows ) ) {
			/* translators: 1: rows shown, 2: rows in all */
			echo '<p class="description">' . esc_html( sprintf( __( 'The first %1$d of %2$d; the CSV has them all.', 'netsuite-sync-for-woocommerce' ), count( $rows ), $total ) ) . '</p>';
		}
	}

	/**
	 * A list or column of the report in words: the lists and columns of sidecar/flows/catalog_report.py (`LISTS`,
	 * `row()`); a name a newer sidecar adds reads as its key ("new_list" → "New list").
	 *
	 * @param string $name Key.
	 * @return string
	 */
	private static function label( $name ) {
		$labels = array(
			'woocommerce_sku_without_netsuite_item' => __( 'Store SKUs with no NetSuite item', 'netsuite-sync-for-woocommerce' ),
			'netsuite_item_without_product'         => __( 'NetSuite items with no product in the store', 'netsuite-sync-for-woocommerce' ),
			'duplicate_sku_woocommerce'             => __( 'SKUs used by more than one product in the store', 'netsuite-sync-for-woocommerce' ),
			'duplicate_sku_netsuite'                => __( 'SKUs used by more than one NetSuite item', 'netsuite-sync-for-woocommerce' ),
			'product_without_sku'                   => __( 'Products and variations without a SKU', 'netsuite-sync-for-woocommerce' ),
			'variations_not_matching_matrix'        => __( 'Variable products whose variations are not one matrix item\'s children', 'netsuite-sync-for-woocommerce' ),
			'held_back_by_orders'                   => __( 'Stock held back by orders not yet in NetSuite', 'netsuite-sync-for-woocommerce' ),
			'sku'                                   => __( 'SKU', 'netsuite-sync-for-woocommerce' ),
			'woocommerce_id'                        => __( 'Product ID', 'netsuite-sync-for-woocommerce' ),
			'netsuite_id'                           => __( 'NetSuite internal ID', 'netsuite-sync-for-woocommerce' ),
			'detail'                                => __( 'Detail', 'netsuite-sync-for-woocommerce' ),
		);
		return isset( $labels[ $name ] ) ? $labels[ $name ] : ucfirst( str_replace( '_', ' ', (string) $name ) );
	}

	/**
	 * `admin_post_nssync_catalog_csv`: nonce and capability, then the CSV as a download.
	 */
	public function download() {
		check_admin_referer( self::ACTION );
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to download this report.', 'netsuite-sync-for-woocommerce' ), 403 );
		}
		try {
			list( $filename, $csv ) = $this->csv();
		} catch ( NSSync_Sidecar_Exception $e ) {
			wp_die( esc_html__( 'The sidecar did not send the report:', 'netsuite-sync-for-woocommerce' ) . ' ' . esc_html( $e->getMessage() ), '', array( 'response' => 502 ) );
			return;
		}
		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="' . $filename . '"' );
		header( 'X-Content-Type-Options: nosniff' );
		echo $csv; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- a CSV file sent as a download, not HTML.
		exit;
	}

	/**
	 * The file name and the CSV from the sidecar.
	 *
	 * @return string[] [ filename, csv ]
	 * @throws NSSync_Sidecar_Exception When the sidecar does not send it.
	 */
	public function csv() {
		$csv = $this->client->get_raw( '/v1/reports/catalog?format=csv', 'text/csv', 60 );
		return array( 'netsuite-catalog-report-' . gmdate( 'Y-m-d' ) . '.csv', $csv );
	}
}
