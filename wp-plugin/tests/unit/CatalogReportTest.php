<?php
/**
 * The catalog report page and its CSV download.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class CatalogReportTest extends TestCase {

	/** @var NSSync_Catalog_Report */
	private $report;

	protected function setUp(): void {
		nssync_shim_reset();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			if ( 'format=csv' === parse_url( $url, PHP_URL_QUERY ) ) {
				return nssync_shim_response( 200, "list,sku\nwoo_without_netsuite,A-1\n" );
			}
			// As sidecar/api/reports.py sends it: every list of flows/catalog_report.py (rows of sku, woocommerce_id,
			// netsuite_id, detail), each cut to its first `rows` (50 unless asked), and every count in full.
			parse_str( (string) parse_url( $url, PHP_URL_QUERY ), $q );
			$rows  = isset( $q['rows'] ) ? (int) $q['rows'] : 50;
			$lists = array_fill_keys( array( 'woocommerce_sku_without_netsuite_item', 'netsuite_item_without_product', 'duplicate_sku_woocommerce', 'duplicate_sku_netsuite', 'product_without_sku', 'variations_not_matching_matrix', 'held_back_by_orders' ), array() );
			$lists['woocommerce_sku_without_netsuite_item'] = array_map( function ( $i ) {
				return array( 'sku' => 'SKU-' . $i, 'woocommerce_id' => (string) $i, 'netsuite_id' => '', 'detail' => "no NetSuite item has itemid '<b>SKU-" . $i . "</b>'" );
			}, range( 1, min( 250, $rows ) ) );
			$counts = array_map( 'count', $lists );
			$counts['woocommerce_sku_without_netsuite_item'] = 250;
			return nssync_shim_response( 200, array(
				'generated_at' => gmdate( 'Y-m-d\TH:i:s\Z', time() - 300 ),
				'counts'       => $counts,
				'lists'        => $lists,
			) );
		};
		$this->report = new NSSync_Catalog_Report( new NSSync_Sidecar_Client( new NSSync_Options() ) );
	}

	public function test_counts_lists_and_the_download_link() {
		ob_start();
		$this->report->output();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'Made 5 mins ago.', $html );
		$this->assertStringContainsString( '<td><a href="#nssync-list-woocommerce_sku_without_netsuite_item">Store SKUs with no NetSuite item</a></td><td>250</td>', $html );
		$this->assertStringContainsString( '<th>SKU</th><th>Product ID</th><th>NetSuite internal ID</th><th>Detail</th>', $html, 'columns in words' );
		$this->assertStringContainsString( '&lt;b&gt;SKU-1&lt;/b&gt;', $html );
		$this->assertStringContainsString( 'SKU-200&lt;', $html, 'asks for 200 rows (the sidecar sends 50 unless asked)' );
		$this->assertStringNotContainsString( 'SKU-201&lt;', $html, 'at most 200 rows on the page' );
		$this->assertSame( '/v1/reports/catalog?rows=200', parse_url( $GLOBALS['nssync_shim']['requests'][0]['url'], PHP_URL_PATH ) . '?' . parse_url( $GLOBALS['nssync_shim']['requests'][0]['url'], PHP_URL_QUERY ) );
		$this->assertStringContainsString( 'The first 200 of 250; the CSV has them all.', $html );
		$this->assertStringContainsString( 'admin-post.php?action=nssync_catalog_csv&#038;_wpnonce=nonce-nssync_catalog_csv', $html );
		$this->assertStringContainsString( '<h3 id="nssync-list-duplicate_sku_netsuite">SKUs used by more than one NetSuite item</h3><p>None.</p>', $html );
	}

	public function test_the_csv_is_the_sidecars_bytes_with_a_dated_name() {
		list( $name, $csv ) = $this->report->csv();
		$this->assertSame( 'netsuite-catalog-report-' . gmdate( 'Y-m-d' ) . '.csv', $name );
		$this->assertSame( "list,sku\nwoo_without_netsuite,A-1\n", $csv );
		$req = $GLOBALS['nssync_shim']['requests'][0];
		$this->assertSame( 'text/csv', $req['args']['headers']['Accept'] );
		$this->assertSame( NSSync_Sidecar_Client::sign( 's', $req['args']['headers']['X-NSSync-Timestamp'], 'GET', '/v1/reports/catalog', 'format=csv', '' ), $req['args']['headers']['X-NSSync-Signature'] );
	}

	public function test_the_download_checks_nonce_and_capability_before_any_call() {
		$GLOBALS['nssync_shim']['nonce_ok'] = false;
		try {
			$this->report->download();
			$this->fail( 'downloaded without a nonce' );
		} catch ( RuntimeException $e ) {
			$this->assertSame( 'nonce rejected', $e->getMessage() );
		}
		$GLOBALS['nssync_shim']['nonce_ok'] = true;
		$GLOBALS['nssync_shim']['can']      = false;
		try {
			$this->report->download();
			$this->fail( 'downloaded without manage_woocommerce' );
		} catch ( RuntimeException $e ) {
			$this->assertStringStartsWith( 'wp_die', $e->getMessage() );
		}
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'] );
	}
}
