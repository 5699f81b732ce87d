<?php
/**
 * Settings ↔ sidecar: the form shows GET /v1/settings, saving PUTs the same document back, a 422 lands next
 * to its field, and credentials go to the sidecar only.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class SettingsRoundTripTest extends TestCase {

	/** @var array The fake sidecar's settings (a subset of sidecar/settings.py defaults plus mappings). */
	private $stored;

	/** @var array|null Next PUT answer override: [status, body]. */
	private $put_answer = null;

	/** @var NSSync_Settings_Map */
	private $map;

	/** @var NSSync_Settings_Save */
	private $saver;

	/** @var NSSync_Settings_Fields */
	private $fields;

	/** @var NSSync_Options */
	private $options;

	protected function setUp(): void {
		nssync_shim_reset();
		update_option( NSSync_Options::SHARED_SECRET, 'test-shared-secret-0123456789' );
		$this->stored  = array(
			'orders'       => array(
				'export_statuses'  => array( 'processing', 'completed' ),
				'subsidiary_id'    => '1',
				'location_id'      => null,
				'guest_customer'   => 'create',
				'shipping_item_id' => '77',
				'ship_methods'     => array( 'flat_rate' => '1234', 'local_pickup' => '1240' ),
				'discount_item_id' => null,
				'field_map'        => array( 'customer_note' => 'memo' ),
				'rules'            => array( array( 'field' => 'payment_method', 'equals' => 'cod', 'set' => array( 'custbody_terms' => '3' ) ) ),
			),
			'customers'    => array( 'roles' => array( 'customer', 'subscriber' ) ),
			'items'        => array( 'match_by' => 'custitem_woo_sku' ),
			'inventory'    => array( 'locations' => array( '1', '5' ), 'safety_buffer' => 2 ),
			'prices'       => array( 'price_level_id' => '1', 'currency_id' => '2' ),
			'refunds'      => array( 'record' => 'cashRefund' ),
			'fulfillments' => array( 'complete_order' => false ),
			'schedules'    => array( 'orders' => '*/10 * * * *', 'customers' => 'off', 'refunds' => '*/15 * * * *', 'cancellations' => '*/15 * * * *', 'fulfillments' => '*/15 * * * *', 'inventory' => '*/5 * * * *', 'inventory_full' => '30 2 * * *', 'prices' => '0 3 * * *', 'products' => 'off', 'reconcile' => '0 2 * * *' ),
			'reconcile'    => array( 'tolerance' => '0.0100', 'lookback_days' => 7 ),
		);
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			if ( 'GET' === $args['method'] && '/v1/settings' === parse_url( $url, PHP_URL_PATH ) ) {
				return nssync_shim_response( 200, $this->stored );
			}
			if ( 'PUT' === $args['method'] && null !== $this->put_answer ) {
				return nssync_shim_response( $this->put_answer[0], $this->put_answer[1] );
			}
			return nssync_shim_response( 200, json_decode( $args['body'], true ) );
		};
		$this->options = new NSSync_Options();
		$this->map     = new NSSync_Settings_Map();
		$this->saver   = new NSSync_Settings_Save( $this->options, new NSSync_Sidecar_Client( $this->options ), $this->map );
		$this->fields  = new NSSync_Settings_Fields( $this->map );
		NSSync_Settings_Save::reset();
	}

	/** What a browser posts back for an untouched form (unchecked checkboxes are absent). */
	private function untouched_post( $section ) {
		$values = $this->map->form_values( $section, $this->stored );
		foreach ( $this->map->fields( $section ) as $id => $def ) {
			if ( 'bool' === $def[1] && 'yes' !== $values[ $id ] ) {
				unset( $values[ $id ] );
			}
		}
		return $values;
	}

	private function last_put() {
		$puts = array_values( array_filter( $GLOBALS['nssync_shim']['requests'], function ( $r ) {
			return 'PUT' === $r['args']['method'];
		} ) );
		return $puts ? end( $puts ) : null;
	}

	public function test_an_untouched_form_puts_back_exactly_what_it_showed() {
		foreach ( array( 'sync', 'mappings' ) as $section ) {
			$this->assertTrue( $this->saver->save_sidecar_section( $section, $this->untouched_post( $section ) ), $section );
			$sent = json_decode( $this->last_put()['args']['body'], true );
			foreach ( $this->map->fields( $section ) as $def ) {
				if ( 0 === strpos( $def[0], 'schedules.' ) || null !== $this->map->lookup( $this->stored, $def[0] ) ) {
					$this->assertSame( $this->map->lookup( $this->stored, $def[0] ), $this->map->lookup( $sent, $def[0] ), $def[0] );
				}
			}
		}
		$this->assertSame( array( 'customer', 'subscriber' ), $this->options->customer_roles(), 'the roles filter follows the sidecar' );
	}

	public function test_form_values_render_each_kind() {
		$v = $this->map->form_values( 'mappings', $this->stored );
		$this->assertSame( array( 'flat_rate' => '1234', 'local_pickup' => '1240' ), $v['nssync_orders__ship_methods'] );
		$this->assertSame( 'customer_note = memo', $v['nssync_orders__field_map'] );
		$this->assertSame( 'cod', json_decode( $v['nssync_orders__rules'], true )[0]['equals'] );
		$v = $this->map->form_values( 'sync', $this->stored );
		$this->assertSame( array( '1', '5' ), $v['nssync_inventory__locations'] );
		$this->assertSame( 'no', $v['nssync_fulfillments__complete_order'] );
		$this->assertSame( '', $v['nssync_orders__location_id'] );
	}

	public function test_edits_become_the_sidecar_types() {
		$post = $this->untouched_post( 'sync' );
		$post['nssync_inventory__locations']       = 'all';
		$post['nssync_inventory__safety_buffer']   = ' 7 ';
		$post['nssync_orders__subsidiary_id']      = '';
		$post['nssync_fulfillments__complete_order'] = 'yes';
		$this->assertTrue( $this->saver->save_sidecar_section( 'sync', $post ) );
		$sent = json_decode( $this->last_put()['args']['body'], true );
		$this->assertSame( 'all', $sent['inventory']['locations'] );
		$this->assertSame( 7, $sent['inventory']['safety_buffer'] );
		$this->assertNull( $sent['orders']['subsidiary_id'] );
		$this->assertTrue( $sent['fulfillments']['complete_order'] );

		$post = $this->untouched_post( 'mappings' );
		$post['nssync_orders__ship_methods'] = array( 'flat_rate' => '', 'local_pickup' => ' ' );
		$post['nssync_orders__field_map']    = "# comment\n\n billing_company = custbody_company \n";
		$this->assertTrue( $this->saver->save_sidecar_section( 'mappings', $post ) );
		$body = $this->last_put()['args']['body'];
		$this->assertStringContainsString( '"ship_methods":{}', $body, 'an emptied map is sent as {} (the sidecar wants an object)' );
		$this->assertSame( array( 'billing_company' => 'custbody_company' ), json_decode( $body, true )['orders']['field_map'] );
	}

	public function test_a_422_is_shown_next_to_its_field_with_the_typed_value() {
		$this->put_answer = array( 422, array( 'error' => array( 'code' => 'invalid_field', 'message' => 'orders.subsidiary_id: must be a NetSuite internal id (digits)', 'field' => 'orders.subsidiary_id' ) ) );
		$post                                 = $this->untouched_post( 'sync' );
		$post['nssync_orders__subsidiary_id'] = 'abc';
		$this->assertFalse( $this->saver->save_sidecar_section( 'sync', $post ) );
		$this->assertSame( array( 'nssync_orders__subsidiary_id' => 'must be a NetSuite internal id (digits)' ), NSSync_Settings_Save::field_errors() );
		$this->assertNotEmpty( $GLOBALS['nssync_shim']['admin_errors'] );

		// The form is rendered again with the error beside the field and the rejected value kept.
		$fields = $this->map->admin_fields( 'sync', array( 'nssync_orders__subsidiary_id' => 'abc' ), NSSync_Settings_Save::field_errors(), array() );
		$field  = array_values( array_filter( $fields, function ( $f ) {
			return 'nssync_orders__subsidiary_id' === $f['id'];
		} ) )[0];
		$this->assertStringContainsString( 'nssync-field-error', $field['desc'] );
		$this->assertStringContainsString( 'must be a NetSuite internal id', $field['desc'] );
		$this->assertSame( 'abc', $field['value'] );
	}

	public function test_a_422_with_several_errors_shows_them_all_naming_the_line() {
		$this->put_answer = array( 422, array( 'error' => array(
			'code'    => 'invalid_field',
			'message' => 'orders.ship_methods.flat_rate:1: must be a NetSuite internal id (digits)',
			'field'   => 'orders.ship_methods.flat_rate:1',
			'errors'  => array(
				array( 'field' => 'orders.ship_methods.flat_rate:1', 'message' => 'orders.ship_methods.flat_rate:1: must be a NetSuite internal id (digits)' ),
				array( 'field' => 'orders.ship_methods.local_pickup', 'message' => 'unknown ship item 99' ),
				array( 'field' => 'orders.discount_item_id', 'message' => 'orders.discount_item_id: must be digits' ),
				array( 'field' => 'inventory.safety_buffer', 'message' => 'must be ≥ 0' ),
			),
		) ) );
		$this->assertFalse( $this->saver->save_sidecar_section( 'mappings', $this->untouched_post( 'mappings' ) ) );
		$errors = NSSync_Settings_Save::field_errors();
		$this->assertSame( 'flat_rate:1: must be a NetSuite internal id (digits) local_pickup: unknown ship item 99', $errors['nssync_orders__ship_methods'] );
		$this->assertSame( 'must be digits', $errors['nssync_orders__discount_item_id'] );
		$this->assertStringContainsString( 'inventory.safety_buffer: must be ≥ 0', implode( ' ', $GLOBALS['nssync_shim']['admin_errors'] ), 'an error for another section is still shown' );
	}

	public function test_a_nested_422_field_lands_on_its_table_field() {
		$this->assertSame( 'nssync_orders__ship_methods', $this->map->field_for_path( 'mappings', 'orders.ship_methods.flat_rate' ) );
		$this->assertSame( 'nssync_orders__rules', $this->map->field_for_path( 'mappings', 'orders.rules.0.set' ) );
		$this->assertNull( $this->map->field_for_path( 'sync', 'orders.rules.0.set' ) );
		$this->assertNull( $this->map->field_for_path( 'sync', 'orders.subsidiary' ), 'a prefix that is not a path segment does not match' );
	}

	public function test_unparseable_text_is_refused_locally_without_a_call() {
		$post                          = $this->untouched_post( 'mappings' );
		$post['nssync_orders__rules']  = '[{"field": "x", ';
		$post['nssync_orders__ship_methods'] = "flat_rate 1234";
		$this->assertFalse( $this->saver->save_sidecar_section( 'mappings', $post ) );
		$this->assertNull( $this->last_put() );
		$errors = NSSync_Settings_Save::field_errors();
		$this->assertStringContainsString( 'not valid JSON', $errors['nssync_orders__rules'] );
		$this->assertStringContainsString( 'Line 1', $errors['nssync_orders__ship_methods'] );
	}

	public function test_credentials_go_to_the_sidecar_and_never_into_wp_options() {
		$post = array(
			'nssync_sidecar_url'        => 'http://127.0.0.1:8765/',
			'nssync_shared_secret'      => 'new-shared-secret',
			'nssync_ns_account_id'      => '1234567_SB1',
			'nssync_ns_consumer_key'    => 'CK-SECRET-VALUE',
			'nssync_ns_consumer_secret' => 'CS-SECRET-VALUE',
			'nssync_ns_token_id'        => '',
			'nssync_ns_token_secret'    => '',
			'nssync_wc_url'             => 'http://shop.test',
			'nssync_wc_consumer_key'    => 'ck_WOOKEY',
			'nssync_wc_consumer_secret' => '',
		);
		$this->assertTrue( $this->saver->save_connection( $post ) );
		$put = $this->last_put();
		$this->assertSame( 'http://127.0.0.1:8765/v1/credentials', $put['url'] );
		$this->assertSame(
			array(
				'netsuite'    => array( 'account_id' => '1234567_SB1', 'consumer_key' => 'CK-SECRET-VALUE', 'consumer_secret' => 'CS-SECRET-VALUE', 'auth' => 'tba' ),
				'woocommerce' => array( 'url' => 'http://shop.test', 'consumer_key' => 'ck_WOOKEY' ),
			),
			json_decode( $put['args']['body'], true ),
			'empty fields keep the stored value: they are not sent'
		);
		$this->assertSame( 'http://127.0.0.1:8765', $this->options->sidecar_url() );
		$this->assertSame( 'new-shared-secret', $this->options->shared_secret() );
		$stored = serialize( $GLOBALS['nssync_shim']['options'] );
		foreach ( array( 'CK-SECRET-VALUE', 'CS-SECRET-VALUE', 'ck_WOOKEY', '1234567_SB1' ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $stored );
		}
		// Signed with the secret just saved.
		$h = $put['args']['headers'];
		$this->assertSame( NSSync_Sidecar_Client::sign( 'new-shared-secret', $h['X-NSSync-Timestamp'], 'PUT', '/v1/credentials', '', $put['args']['body'] ), $h['X-NSSync-Signature'] );
	}

	public function test_stored_credentials_show_as_stored_and_a_credentials_422_lands_on_its_field() {
		$view   = array(
			'netsuite'    => array( 'account_id' => '1234567_SB1', 'auth' => 'tba', 'set' => array( 'consumer_key' => true, 'consumer_secret' => true, 'token_id' => false, 'token_secret' => false ), 'configured' => false ),
			'woocommerce' => array( 'url' => 'http://shop.test', 'set' => array( 'consumer_key' => true ), 'configured' => false ),
		);
		$fields = array();
		$connection = new NSSync_Connection_Fields();
		foreach ( $connection->fill_connection( $connection->fields(), $view, $this->options->sidecar_url(), true, array() ) as $f ) {
			$fields[ $f['id'] ] = $f;
		}
		$this->assertSame( '1234567_SB1', $fields['nssync_ns_account_id']['value'] );
		$this->assertStringContainsString( 'Stored in the sidecar', $fields['nssync_ns_consumer_key']['desc'] );
		$this->assertSame( '', $fields['nssync_ns_consumer_key']['value'], 'a secret is never echoed back' );
		$this->assertStringNotContainsString( 'Stored in the sidecar', $fields['nssync_ns_token_id']['desc'] );
		$this->assertSame( 'password', $fields['nssync_ns_token_secret']['type'] );

		$this->put_answer = array( 422, array( 'error' => array( 'code' => 'invalid_field', 'message' => 'netsuite.account_id: must be a NetSuite account id such as 1234567 or 1234567_SB1', 'field' => 'netsuite.account_id' ) ) );
		$this->assertFalse( $this->saver->save_connection( array( 'nssync_sidecar_url' => 'http://127.0.0.1:8765', 'nssync_ns_account_id' => 'not an id' ) ) );
		$this->assertSame( array( 'nssync_ns_account_id' => 'must be a NetSuite account id such as 1234567 or 1234567_SB1' ), NSSync_Settings_Save::field_errors() );
	}

	public function test_save_checks_nonce_and_capability_first() {
		$GLOBALS['nssync_shim']['nonce_ok'] = false;
		try {
			$this->saver->handle( '' );
			$this->fail( 'save() ran without a valid nonce' );
		} catch ( RuntimeException $e ) {
			$this->assertSame( 'nonce rejected', $e->getMessage() );
		}
		$GLOBALS['nssync_shim']['nonce_ok'] = true;
		$GLOBALS['nssync_shim']['can']      = false;
		try {
			$this->saver->handle( '' );
			$this->fail( 'save() ran without manage_woocommerce' );
		} catch ( RuntimeException $e ) {
			$this->assertStringStartsWith( 'wp_die', $e->getMessage() );
		}
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'] );
	}
}
