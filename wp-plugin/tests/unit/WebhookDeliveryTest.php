<?php
/**
 * WooCommerce's webhooks reach the paired sidecar: WordPress's own URL check (wp_http_validate_url, taken from
 * Debian's wordpress package as it is) with the filters the plugin registers.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class WebhookDeliveryTest extends TestCase {

	/**
	 * WordPress's wp_http_validate_url() under another name: http.php as a whole would redeclare the shim's HTTP
	 * functions, so the one function is read from the file and declared alone.
	 */
	public static function setUpBeforeClass(): void {
		if ( function_exists( 'nssync_test_wp_http_validate_url' ) ) {
			return;
		}
		$source = (string) file_get_contents( NSSYNC_WP_INCLUDES . '/http.php' );
		if ( ! preg_match( '/^function wp_http_validate_url\( \$url \) \{\n.*?^\}\n/ms', $source, $m ) ) {
			throw new RuntimeException( 'wp_http_validate_url() not found in ' . NSSYNC_WP_INCLUDES . '/http.php' );
		}
		eval( str_replace( 'function wp_http_validate_url(', 'function nssync_test_wp_http_validate_url(', $m[0] ) ); // phpcs:ignore Squiz.PHP.Eval.Discouraged -- WordPress's own code, see above.
	}

	protected function setUp(): void {
		nssync_shim_reset();
		update_option( 'home', 'https://shop.example.com' );
	}

	/**
	 * @param string $sidecar Sidecar URL saved in the settings.
	 * @param bool   $paired  Whether a shared secret is saved.
	 */
	private function register( $sidecar, $paired = true ) {
		update_option( NSSync_Options::SIDECAR_URL, $sidecar );
		if ( $paired ) {
			update_option( NSSync_Options::SHARED_SECRET, 'secret' );
		}
		( new NSSync_Hooks( NSSync_Plugin::instance() ) )->register();
	}

	public function test_without_the_plugin_wordpress_refuses_a_local_sidecar_as_the_real_store_did() {
		$this->assertFalse( nssync_test_wp_http_validate_url( 'http://127.0.0.1:8775/v1/webhooks/woocommerce' ) );
		$this->assertFalse( nssync_test_wp_http_validate_url( 'http://10.0.0.5/v1/webhooks/woocommerce' ) );
		$this->assertFalse( nssync_test_wp_http_validate_url( 'http://93.184.216.34:8765/v1/webhooks/woocommerce' ), 'a port other than 80, 443, 8080' );
	}

	public function test_the_paired_sidecar_on_loopback_and_its_own_port_is_allowed() {
		$this->register( 'http://127.0.0.1:8775' );
		$url = 'http://127.0.0.1:8775/v1/webhooks/woocommerce';
		$this->assertSame( $url, nssync_test_wp_http_validate_url( $url ) );
	}

	public function test_a_private_sidecar_without_a_port_is_allowed_and_its_neighbours_are_not() {
		$this->register( 'https://10.0.0.5/' );
		$this->assertSame( 'https://10.0.0.5/v1/webhooks/woocommerce', nssync_test_wp_http_validate_url( 'https://10.0.0.5/v1/webhooks/woocommerce' ) );
		$this->assertFalse( nssync_test_wp_http_validate_url( 'http://10.0.0.6/v1/webhooks/woocommerce' ), 'another private host' );
		$this->assertFalse( nssync_test_wp_http_validate_url( 'http://10.0.0.5:8775/' ), 'another port of the sidecar host' );
	}

	public function test_only_the_sidecars_host_gets_its_port() {
		$this->register( 'http://127.0.0.1:8775' );
		$this->assertFalse( nssync_test_wp_http_validate_url( 'http://127.0.0.1:3306/' ), 'another port on the same host' );
		$this->assertFalse( nssync_test_wp_http_validate_url( 'http://192.168.1.20:8775/' ), 'the same port on another private host' );
		$this->assertFalse( nssync_test_wp_http_validate_url( 'http://93.184.216.34:8775/' ), 'the same port on a public host' );
		$this->assertSame( 'https://93.184.216.34/x', nssync_test_wp_http_validate_url( 'https://93.184.216.34/x' ), 'public URLs as before' );
	}

	public function test_nothing_is_allowed_before_the_plugin_is_paired() {
		$this->register( 'http://127.0.0.1:8775', false );
		$this->assertFalse( nssync_test_wp_http_validate_url( 'http://127.0.0.1:8775/v1/webhooks/woocommerce' ) );
	}

	public function test_host_names_compare_without_case_or_a_trailing_dot() {
		update_option( NSSync_Options::SHARED_SECRET, 'secret' );
		update_option( NSSync_Options::SIDECAR_URL, 'http://Sidecar.internal:8765' );
		$delivery = new NSSync_Webhook_Delivery( new NSSync_Options() );
		$this->assertTrue( $delivery->host_is_external( false, 'sidecar.internal.' ) );
		$this->assertFalse( $delivery->host_is_external( false, 'other.internal' ) );
		$this->assertSame( array( 80, 443, 8080, 8765 ), $delivery->safe_ports( array( 80, 443, 8080 ), 'SIDECAR.internal' ) );
		$this->assertSame( array( 80, 443, 8080 ), $delivery->safe_ports( array( 80, 443, 8080 ), 'other.internal' ) );
	}
}
