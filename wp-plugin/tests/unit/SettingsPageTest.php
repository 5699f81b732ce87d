<?php
/**
 * The settings tab itself: WooCommerce's settings arrays per section (no sidecar call to build them), the
 * output of each section and the tab kept out of WooCommerce's REST settings API.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class SettingsPageTest extends TestCase {

	/** @var NSSync_Settings_Page */
	private $page;

	protected function setUp(): void {
		nssync_shim_reset();
		NSSync_Settings_Save::reset();
		update_option( NSSync_Options::SHARED_SECRET, 'the-stored-secret' );
		$options    = new NSSync_Options();
		$this->page = new NSSync_Settings_Page( $options, new NSSync_Sidecar_Client( $options ), new NSSync_Settings_Map() );
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			$path = parse_url( $url, PHP_URL_PATH );
			if ( '/v1/credentials' === $path ) {
				return nssync_shim_response( 200, array( 'netsuite' => array( 'account_id' => '123_SB1', 'set' => array( 'consumer_key' => true ) ) ) );
			}
			if ( '/v1/settings' === $path ) {
				return nssync_shim_response( 200, array( 'inventory' => array( 'safety_buffer' => 4, 'locations' => 'all' ) ) );
			}
			return nssync_shim_response( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'no' ) ) );
		};
	}

	private function ids( $fields ) {
		return array_values( array_filter( array_map( function ( $f ) {
			return in_array( $f['type'], array( 'title', 'sectionend' ), true ) ? null : $f['id'];
		}, $fields ) ) );
	}

	public function test_each_section_is_a_woocommerce_settings_array_built_without_a_call() {
		$connection = $this->page->get_settings_for_section( '' );
		$this->assertContains( 'nssync_sidecar_url', $this->ids( $connection ) );
		$this->assertContains( 'nssync_ns_token_secret', $this->ids( $connection ) );
		$sync = $this->page->get_settings_for_section( 'sync' );
		$this->assertContains( 'nssync_inventory__safety_buffer', $this->ids( $sync ) );
		$this->assertContains( 'nssync_orders__ship_methods', $this->ids( $this->page->get_settings_for_section( 'mappings' ) ) );
		$this->assertSame( array(), $this->page->get_settings_for_section( 'status' ) );
		$this->assertSame( 'title', $sync[0]['type'] );
		$this->assertSame( 'sectionend', end( $sync )['type'] );
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'], 'building the arrays asks nothing of the sidecar' );
		// The arrays pass through WooCommerce's own filter, so other code can add fields.
		add_filter( 'woocommerce_get_settings_nssync', function ( $settings, $section ) {
			$settings[] = array( 'id' => 'extra_' . $section, 'type' => 'text' );
			return $settings;
		}, 10, 2 );
		$this->assertContains( 'extra_sync', $this->ids( $this->page->get_settings_for_section( 'sync' ) ) );
	}

	public function test_connection_output_fills_values_but_never_a_secret() {
		$GLOBALS['current_section'] = '';
		ob_start();
		$this->page->output();
		$html   = ob_get_clean();
		$fields = array();
		foreach ( $GLOBALS['nssync_shim']['output_fields'] as $f ) {
			if ( isset( $f['id'] ) ) {
				$fields[ $f['id'] ] = $f;
			}
		}
		$this->assertSame( '', $fields['nssync_shared_secret']['value'] );
		$this->assertStringContainsString( 'leave empty to keep', $fields['nssync_shared_secret']['placeholder'] );
		$this->assertSame( '123_SB1', $fields['nssync_ns_account_id']['value'] );
		$this->assertStringContainsString( 'Stored in the sidecar', $fields['nssync_ns_consumer_key']['desc'] );
		$this->assertStringNotContainsString( 'the-stored-secret', serialize( $GLOBALS['nssync_shim']['output_fields'] ) . $html );
		$this->assertStringContainsString( 'id="nssync-test-connection"', $html );
	}

	public function test_sync_output_shows_the_sidecar_values() {
		$GLOBALS['current_section'] = 'sync';
		ob_start();
		$this->page->output();
		ob_end_clean();
		$values = array();
		foreach ( $GLOBALS['nssync_shim']['output_fields'] as $f ) {
			if ( isset( $f['value'] ) ) {
				$values[ $f['id'] ] = $f['value'];
			}
		}
		$this->assertSame( '4', $values['nssync_inventory__safety_buffer'] );
		$this->assertSame( array( 'all' ), $values['nssync_inventory__locations'] );
	}

	public function test_the_tab_is_hidden_from_the_rest_settings_api() {
		$hooks  = new NSSync_Hooks( null );
		$groups = $hooks->hide_rest_settings_group( array( array( 'id' => 'general' ), array( 'id' => 'nssync' ) ) );
		$this->assertSame( array( array( 'id' => 'general' ) ), $groups );
		$this->assertSame( array(), $hooks->hide_rest_settings( array( array( 'id' => 'nssync_shared_secret' ) ) ) );
	}

	protected function tearDown(): void {
		unset( $GLOBALS['current_section'] );
	}
}
