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
			return nssync_shim_response( 200, array(
				'generated_at' => gmdate( 'c', time() - 300 ),
				'counts'       => array( 'woo_without_netsuite' => 250, 'duplicate_skus' => 0 ),
				'lists'        => array(
					'woo_without_netsuite' => array_map( function ( $i ) {
						return array( 'sku' => 'SKU-' . $i, 'woo_id' => $i, 'name' => '<b>P' . $i . '</b>' );
					}, range( 1, 201 ) ),
					'duplicate_skus'       => array(),
				),
			) );
		};
		$this->report = new NSSync_Catalog_Report( new NSSync_Sidecar_Client( new NSSync_Options() ) );
	}

	public function test_counts_lists_and_the_download_link() {
		ob_start();
		$this->report->output();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'Made 5 mins ago.', $html );
		$this->assertStringContainsString( '<td><a href="#nssync-list-woo_without_netsuite">Woo without netsuite</a></td><td>250</td>', $html );
		$this->assertStringContainsString( '<th>Sku</th><th>Woo id</th><th>Name</th>', $html );
		$this->assertStringContainsString( '&lt;b&gt;P1&lt;/b&gt;', $html );
		$this->assertStringNotContainsString( 'SKU-201<', $html, 'at most 200 rows on the page' );
		$this->assertStringContainsString( 'The first 200 of 250; the CSV has them all.', $html );
		$this->assertStringContainsString( 'admin-post.php?action=nssync_catalog_csv&#038;_wpnonce=nonce-nssync_catalog_csv', $html );
		$this->assertStringContainsString( '<h3 id="nssync-list-duplicate_skus">Duplicate skus</h3><p>None.</p>', $html );
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
