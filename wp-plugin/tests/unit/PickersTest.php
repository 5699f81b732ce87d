<?php
/**
 * NetSuite pickers: every NetSuite reference is a searchable select filled from the sidecar's lookups (a typed
 * id still accepted); the ship-method and payment-method maps are tables of the store's methods.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

if ( ! function_exists( 'get_woocommerce_currency' ) ) {
	/** The store's currency, as WooCommerce answers it (a stand-in: the shim has no WooCommerce). */
	function get_woocommerce_currency() {
		return 'EUR';
	}
}

class PickersTest extends TestCase {

	/** @var NSSync_Settings_Map */
	private $map;

	protected function setUp(): void {
		nssync_shim_reset();
		$_POST     = array();
		$this->map = new NSSync_Settings_Map();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
	}

	private function field( $fields, $id ) {
		foreach ( $fields as $f ) {
			if ( isset( $f['id'] ) && $id === $f['id'] ) {
				return $f;
			}
		}
		$this->fail( 'no field ' . $id );
	}

	public function test_every_netsuite_reference_is_a_picker() {
		$sync     = ( new NSSync_Settings_Fields( $this->map ) )->sidecar_section( 'sync' );
		$mappings = ( new NSSync_Settings_Fields( $this->map ) )->sidecar_section( 'mappings' );
		foreach ( NSSync_Settings_Schema::LOOKUPS as $path => $kind ) {
			$id = $this->map->id( $path );
			$f  = $this->field( array_merge( $sync, $mappings ), $id );
			$this->assertSame( $kind, $f['nssync_lookup'], $path );
			if ( 'nssync_map_table' !== $f['type'] ) {
				$this->assertSame( 'nssync-lookup', $f['class'], $path );
				$this->assertSame( $kind, $f['custom_attributes']['data-nssync-lookup'], $path );
				$this->assertContains( $f['type'], array( 'select', 'multiselect' ), $path );
			}
		}
		$this->assertSame( 'multiselect', $this->field( $sync, 'nssync_inventory__locations' )['type'] );
		$this->assertArrayHasKey( 'create', $this->field( $sync, 'nssync_orders__guest_customer' )['options'] );
	}

	public function test_the_current_value_is_an_option_and_a_typed_id_is_saved() {
		$fields = new NSSync_Settings_Fields( $this->map );
		$filled = $fields->fill( $fields->sidecar_section( 'sync' ), array( 'nssync_orders__subsidiary_id' => '12', 'nssync_inventory__locations' => array( '3', '4' ) ), array() );
		$this->assertSame( '#12', $this->field( $filled, 'nssync_orders__subsidiary_id' )['options']['12'] );
		$this->assertSame( array( 'all', '3', '4' ), array_map( 'strval', array_keys( $this->field( $filled, 'nssync_inventory__locations' )['options'] ) ) );

		list( $patch ) = $this->map->patch_from_post( 'sync', array( 'nssync_orders__subsidiary_id' => ' 77 ', 'nssync_inventory__locations' => array( '3', '9' ), 'nssync_orders__guest_customer' => 'create' ) );
		$this->assertSame( '77', $patch['orders']['subsidiary_id'] );
		$this->assertSame( array( '3', '9' ), $patch['inventory']['locations'] );
		list( $patch ) = $this->map->patch_from_post( 'sync', array( 'nssync_inventory__locations' => array( 'all', '3' ) ) );
		$this->assertSame( 'all', $patch['inventory']['locations'] );
	}

	public function test_the_lookup_ajax_asks_the_sidecar_with_the_typed_text() {
		$GLOBALS['nssync_shim']['http'] = function ( $url ) {
			return nssync_shim_response( 200, array( 'kind' => 'location', 'items' => array( array( 'id' => 12, 'name' => 'Main <Warehouse>' ), array( 'name' => 'no id' ) ) ) );
		};
		$options = new NSSync_Options();
		$client  = new NSSync_Sidecar_Client( $options );
		$ajax    = new NSSync_Ajax( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) );
		$_POST   = array( 'kind' => 'location', 'q' => 'ware house' );
		try {
			$ajax->lookup();
			$this->fail( 'no answer' );
		} catch ( NSSync_Shim_Json $sent ) {
			$this->assertSame( array( array( 'id' => '12', 'name' => 'Main <Warehouse>' ) ), $sent->data['items'], 'escaped by the browser as text' );
		}
		$this->assertSame( 'http://127.0.0.1:8765/v1/netsuite/lookups/location?q=ware%20house', $GLOBALS['nssync_shim']['requests'][0]['url'] );
		$_POST = array( 'kind' => 'credentials', 'q' => '' );
		try {
			$ajax->lookup();
		} catch ( NSSync_Shim_Json $sent ) {
			$this->assertFalse( $sent->success );
			$this->assertCount( 1, $GLOBALS['nssync_shim']['requests'], 'an unknown kind never reaches the sidecar' );
		}
	}

	public function test_the_ship_method_map_is_a_table_of_the_stores_methods() {
		$f          = $this->field( ( new NSSync_Settings_Fields( $this->map ) )->sidecar_section( 'mappings' ), 'nssync_orders__ship_methods' );
		$f['rows']  = array( 'flat_rate:1' => 'United States — Flat rate', 'free_shipping:2' => 'United States — Free shipping' );
		$f['value'] = array( 'flat_rate:1' => '1234', 'flat_rate' => '77' );
		$f['error'] = 'flat_rate:1: must be a NetSuite internal id (digits)';
		ob_start();
		( new NSSync_Admin_Fields() )->map_table( $f );
		$html = ob_get_clean();
		$this->assertStringContainsString( 'United States — Flat rate <code>flat_rate:1</code>', $html );
		$this->assertStringContainsString( 'name="nssync_orders__ship_methods[flat_rate:1]" class="nssync-lookup" data-nssync-lookup="shipitem"', $html );
		$this->assertStringContainsString( '<option value="1234" selected="selected">#1234</option>', $html );
		$this->assertStringContainsString( 'name="nssync_orders__ship_methods[free_shipping:2]"', $html );
		$this->assertStringContainsString( '(not a shipping method of this store now) <code>flat_rate</code>', $html, 'a mapped key not in the store stays editable' );
		$this->assertSame( 1, substr_count( $html, '<tr class="nssync-has-error">' ), 'the refused line is marked' );
		$this->assertStringContainsString( 'flat_rate:1: must be a NetSuite internal id (digits)', $html );

		list( $patch ) = $this->map->patch_from_post( 'mappings', array( 'nssync_orders__ship_methods' => array( 'flat_rate:1' => '1234', 'free_shipping:2' => '' ) ) );
		$this->assertSame( array( 'flat_rate:1' => '1234' ), $patch['orders']['ship_methods'] );
	}

	public function test_the_currency_map_is_a_table_of_the_stores_currencies() {
		$this->assertSame( array( get_woocommerce_currency() ), array_keys( NSSync_Settings_Fields::currencies() ) );
		$add = function ( $currencies ) {
			return $currencies + array( 'GBP' => 'GBP — Pound sterling' );
		};
		add_filter( 'nssync_store_currencies', $add );
		$this->assertArrayHasKey( 'GBP', NSSync_Settings_Fields::currencies(), 'a multi-currency extension adds its own' );
		$f = $this->field( ( new NSSync_Settings_Fields( $this->map ) )->sidecar_section( 'mappings' ), 'nssync_orders__currencies' );
		$this->assertSame( 'nssync_map_table', $f['type'] );
		$this->assertSame( 'currency', $f['nssync_lookup'] );
		$f['value'] = array( 'JPY' => '2' );
		ob_start();
		( new NSSync_Admin_Fields() )->map_table( $f );
		$html = ob_get_clean();
		$this->assertStringContainsString( '(not a currency of this store now) <code>JPY</code>', $html, 'a currency mapped earlier is named a currency, not a method' );
		$this->assertStringNotContainsString( 'method', $html );
		list( $patch ) = $this->map->patch_from_post( 'mappings', array( 'nssync_orders__currencies' => array( 'EUR' => '2', 'GBP' => '' ) ) );
		$this->assertSame( array( 'EUR' => '2' ), $patch['orders']['currencies'] );
	}

	protected function tearDown(): void {
		$_POST = array();
	}
}
