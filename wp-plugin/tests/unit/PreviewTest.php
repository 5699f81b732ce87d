<?php
/**
 * Dry runs from wp-admin: the order box's "Preview NetSuite sales order" and the Mappings section's "Try these
 * settings" (the unsaved form converted exactly as Save converts it, 422 errors on their fields, nothing saved).
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class PreviewTest extends TestCase {

	/** @var NSSync_Preview */
	private $preview;

	/** @var array [status, body] the fake sidecar answers to a preview call. */
	private $answer;

	protected function setUp(): void {
		nssync_shim_reset();
		NSSync_Settings_Save::reset();
		$_POST = array();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		nssync_shim_add_order( array( 'id' => 13, 'status' => 'processing' ) );
		$this->answer = array( 200, self::preview() );
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			if ( $this->answer instanceof WP_Error ) {
				return $this->answer;
			}
			return nssync_shim_response( $this->answer[0], $this->answer[1] );
		};
		$options       = new NSSync_Options();
		$this->preview = new NSSync_Preview( $options, new NSSync_Sidecar_Client( $options ) );
	}

	private static function preview( $extra = array() ) {
		return array_merge(
			array(
				'order_id'    => 13,
				'number'      => '13',
				'status'      => 'processing',
				'ok'          => true,
				'would'       => 'create',
				'sales_order' => array(
					'externalId'  => 'woo-store-order-13',
					'otherRefNum' => '13',
					'memo'        => 'Web order <13>',
					'item'        => array(
						'items' => array(
							array( 'item' => array( 'id' => '501' ), 'quantity' => 3.0, 'rate' => 12.5, 'amount' => 37.5, 'description' => 'Mug & <b>Cup</b>' ),
							array( 'item' => array( 'id' => '90' ), 'quantity' => 1.0, 'rate' => 5.0, 'amount' => 5.0, 'description' => 'Flat rate' ),
						),
					),
				),
				'customer'    => array( 'action' => 'create', 'id' => null, 'body' => array( 'firstName' => 'Jane', 'lastName' => 'Tester', 'email' => 'jane@example.com' ) ),
				'problems'    => array(),
			),
			$extra
		);
	}

	private function call( $method, $post = array() ) {
		$_POST = $post;
		try {
			$this->preview->$method();
		} catch ( NSSync_Shim_Json $sent ) {
			return $sent;
		}
		$this->fail( $method . ' ended without a JSON answer' );
	}

	private function requests( $method = null ) {
		return array_values(
			array_filter(
				$GLOBALS['nssync_shim']['requests'],
				function ( $r ) use ( $method ) {
					return null === $method || $method === $r['args']['method'];
				}
			)
		);
	}

	public function test_the_order_box_offers_the_preview_without_calling_the_sidecar() {
		$options = new NSSync_Options();
		$client  = new NSSync_Sidecar_Client( $options );
		ob_start();
		( new NSSync_Order_Screen( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) ) )->render_box( wc_get_order( 13 ) );
		$html = ob_get_clean();
		$this->assertStringContainsString( '<button type="button" class="button nssync-preview-order" data-order-id="13">Preview NetSuite sales order</button>', $html );
		$this->assertStringContainsString( '<div class="nssync-preview" aria-live="polite"></div>', $html );
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'] );
	}

	public function test_an_order_preview_shows_what_would_happen_the_customer_the_lines_and_the_body() {
		$sent = $this->call( 'preview_order', array( 'order_id' => '13' ) );
		$this->assertTrue( $sent->success );
		$this->assertTrue( $sent->data['ok'] );
		$req = $this->requests()[0];
		$this->assertSame( 'POST', $req['args']['method'] );
		$this->assertSame( '/v1/preview/orders/13', parse_url( $req['url'], PHP_URL_PATH ) );
		$this->assertSame( NSSync_Sidecar_Client::sign( 's', $req['args']['headers']['X-NSSync-Timestamp'], 'POST', '/v1/preview/orders/13', '', '{}' ), $req['args']['headers']['X-NSSync-Signature'] );
		$html = $sent->data['html'];
		$this->assertStringContainsString( 'Would go through</mark> Exporting would create this sales order in NetSuite.', $html );
		$this->assertStringContainsString( 'A new NetSuite customer would be created: Jane Tester jane@example.com.', $html );
		$this->assertStringContainsString( '<td>501</td><td>Mug &amp; &lt;b&gt;Cup&lt;/b&gt;</td><td>3</td><td>12.5</td><td>37.5</td>', $html );
		$this->assertStringContainsString( '<details class="nssync-preview-json"><summary>', $html );
		$this->assertStringContainsString( "{\n  &quot;externalId&quot;: &quot;woo-store-order-13&quot;,", $html, 'pretty JSON, two spaces' );
		$this->assertStringContainsString( "\n  &quot;memo&quot;: &quot;Web order &lt;13&gt;&quot;", $html, 'escaped' );
		$this->assertStringContainsString( "\n  &quot;item&quot;: {\n    &quot;items&quot;: [\n      {", $html, 'nested levels keep their depth' );
		$this->assertStringNotContainsString( '<b>Cup', $html );
		$this->assertStringContainsString( 'nothing was sent to NetSuite', $html );
	}

	public function test_every_problem_is_listed_and_an_exported_order_says_nothing_would_be_sent() {
		$this->answer = array(
			200,
			self::preview(
				array(
					'ok'          => false,
					'sales_order' => null,
					'customer'    => array( 'action' => 'use', 'id' => '77', 'source' => 'linked customer' ),
					'problems'    => array(
						array( 'field' => 'items.match_by', 'message' => 'SKU PREVIEW-NOPE-1 has no NetSuite item (matched by itemid)' ),
						array( 'field' => null, 'message' => "line 'Cap' (product 12) has no SKU; give the product a SKU in WooCommerce" ),
					),
				)
			),
		);
		$sent = $this->call( 'preview_order', array( 'order_id' => '13' ) );
		$this->assertFalse( $sent->data['ok'] );
		$this->assertSame( 2, $sent->data['problems'] );
		$html = $sent->data['html'];
		$this->assertStringContainsString( '2 problems</mark>', $html );
		$this->assertStringContainsString( '<li><code>items.match_by</code> SKU PREVIEW-NOPE-1 has no NetSuite item (matched by itemid)</li>', $html );
		$this->assertStringContainsString( '<li>line &#039;Cap&#039; (product 12) has no SKU; give the product a SKU in WooCommerce</li>', $html );
		$this->assertStringContainsString( 'NetSuite customer 77 (linked customer).', $html );
		$this->assertStringContainsString( 'No sales order could be built', $html );

		$this->answer = array( 200, self::preview( array( 'would' => 'nothing: already exported as SO1043' ) ) );
		$html         = $this->call( 'preview_order', array( 'order_id' => '13' ) )->data['html'];
		$this->assertStringContainsString( 'Nothing would be sent: already exported as SO1043.', $html );
	}

	public function test_a_sidecar_that_is_down_or_fails_is_said_in_plain_words() {
		$this->answer = new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' );
		$sent         = $this->call( 'preview_order', array( 'order_id' => '13' ) );
		$this->assertFalse( $sent->success );
		$this->assertSame( 'The sidecar does not answer, so no preview can be made now. Check that it is running; nothing was sent.', $sent->data['message'] );

		$this->answer = array( 502, array( 'error' => array( 'code' => 'remote_error', 'message' => 'woocommerce could not be read for the preview: 401 woocommerce_rest_cannot_view' ) ) );
		$sent         = $this->call( 'preview_order', array( 'order_id' => '13' ) );
		$this->assertSame( 'The sidecar could not make the preview: woocommerce could not be read for the preview: 401 woocommerce_rest_cannot_view', $sent->data['message'] );

		$sent = $this->call( 'preview_order', array( 'order_id' => '999' ) );
		$this->assertSame( 404, $sent->status );
		$this->assertCount( 2, $this->requests(), 'an unknown order is not asked for' );
	}

	private function mappings_post() {
		return array(
			'nssync_orders__shipping_item_id' => ' 90 ',
			'nssync_orders__ship_methods'     => array( 'flat_rate:1' => '91', 'free_shipping:2' => '' ),
			'nssync_orders__discount_item_id' => '',
			'nssync_orders__field_map'        => "customer_note = memo\n# a comment\n_po = otherrefnum",
			'nssync_rules_mode'               => 'json',
			'nssync_orders__rules'            => '[{"field": "payment_method", "equals": "cod", "set": {"custbody_terms": "3"}}]',
			'limit'                           => '3',
			'_wpnonce'                        => 'x',
		);
	}

	public function test_try_these_settings_sends_the_unsaved_form_as_save_converts_it_and_saves_nothing() {
		$this->answer = array(
			200,
			array(
				'saved'    => false,
				'problems' => 1,
				'orders'   => array(
					self::preview(),
					self::preview( array( 'order_id' => 12, 'number' => '12', 'ok' => false, 'sales_order' => null, 'problems' => array( array( 'field' => 'orders.ship_methods', 'message' => 'no ship item for free_shipping:2' ) ) ) ),
				),
			),
		);
		$post = $this->mappings_post();
		$sent = $this->call( 'preview_settings', $post );
		$this->assertTrue( $sent->success, wp_json_encode( $sent->data ) );
		$this->assertCount( 1, $this->requests() );
		$this->assertSame( array(), $this->requests( 'PUT' ), 'nothing saved' );
		$req = $this->requests()[0];
		$this->assertSame( '/v1/preview/settings', parse_url( $req['url'], PHP_URL_PATH ) );
		$body = json_decode( $req['args']['body'], true );
		$this->assertSame( 3, $body['limit'] );
		list( $patch ) = ( new NSSync_Settings_Map() )->patch_from_post( 'mappings', $post );
		$this->assertSame( json_decode( wp_json_encode( $patch ), true ), $body['settings'], 'the same conversion as Save' );
		$this->assertSame( '90', $body['settings']['orders']['shipping_item_id'] );
		$this->assertSame( array( 'flat_rate:1' => '91' ), $body['settings']['orders']['ship_methods'] );
		$this->assertSame( array( 'customer_note' => 'memo', '_po' => 'otherrefnum' ), $body['settings']['orders']['field_map'] );
		$this->assertSame( 'cod', $body['settings']['orders']['rules'][0]['equals'] );
		$html = $sent->data['html'];
		$this->assertStringContainsString( 'Tried on 2 orders: 1 would go through, 1 would fail.', $html );
		$this->assertStringContainsString( 'Nothing was saved or sent.', $html );
		$this->assertStringContainsString( '<li><code>orders.ship_methods</code> no ship item for free_shipping:2</li>', $html );
		$this->assertStringContainsString( '>#12</a>', $html );
	}

	public function test_rules_edited_as_rows_are_tried_as_they_would_be_saved() {
		$this->answer = array( 200, array( 'saved' => false, 'orders' => array(), 'problems' => 0 ) );
		$post         = $this->mappings_post();
		$post['nssync_rules_mode'] = 'rows';
		$post['nssync_rules_rows'] = array(
			'1' => array( 'field' => 'shipping_method', 'op' => 'in', 'value' => 'local_pickup, flat_rate', 'set_field' => 'custbody_pickup', 'set_value' => 'T' ),
		);
		$this->call( 'preview_settings', $post );
		$body = json_decode( $this->requests()[0]['args']['body'], true );
		$this->assertSame(
			array( array( 'field' => 'shipping_method', 'in' => array( 'local_pickup', 'flat_rate' ), 'set' => array( 'custbody_pickup' => 'T' ) ) ),
			$body['settings']['orders']['rules'],
			'the rows win over the JSON view, as on Save'
		);
	}

	public function test_the_limit_is_kept_between_1_and_50() {
		$this->answer = array( 200, array( 'saved' => false, 'orders' => array(), 'problems' => 0 ) );
		$post         = $this->mappings_post();
		$post['limit'] = '500';
		$sent          = $this->call( 'preview_settings', $post );
		$this->assertSame( 50, json_decode( $this->requests()[0]['args']['body'], true )['limit'] );
		$this->assertStringContainsString( 'No order in the export statuses to try these settings on yet.', $sent->data['html'] );
		unset( $post['limit'] );
		$this->call( 'preview_settings', $post );
		$this->assertSame( 10, json_decode( $this->requests()[1]['args']['body'], true )['limit'] );
	}

	public function test_a_value_that_cannot_be_read_is_marked_without_asking_the_sidecar() {
		$post                             = $this->mappings_post();
		$post['nssync_orders__field_map'] = "customer_note memo";
		$sent                             = $this->call( 'preview_settings', $post );
		$this->assertFalse( $sent->success );
		$this->assertSame( array( 'nssync_orders__field_map' => 'Line 1: write it as key = value.' ), $sent->data['field_errors'] );
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'] );
	}

	public function test_a_422_lands_on_its_fields_as_a_save_would_show_it() {
		$this->answer = array(
			422,
			array(
				'error' => array(
					'code'    => 'invalid_field',
					'message' => 'orders.shipping_item_id: must be a NetSuite internal id (digits)',
					'field'   => 'orders.shipping_item_id',
					'errors'  => array(
						array( 'field' => 'orders.shipping_item_id', 'message' => 'orders.shipping_item_id: must be a NetSuite internal id (digits)' ),
						array( 'field' => 'orders.ship_methods.flat_rate:1', 'message' => 'must be a NetSuite internal id (digits)' ),
					),
				),
			),
		);
		$sent = $this->call( 'preview_settings', $this->mappings_post() );
		$this->assertFalse( $sent->success );
		$this->assertSame(
			array(
				'nssync_orders__shipping_item_id' => 'must be a NetSuite internal id (digits)',
				'nssync_orders__ship_methods'     => 'flat_rate:1: must be a NetSuite internal id (digits)',
			),
			$sent->data['field_errors']
		);
		$this->assertStringStartsWith( 'The sidecar refused these settings (nothing was saved):', $sent->data['message'] );
		$this->assertNull( NSSync_Settings_Save::rejected(), 'the saved form state is untouched' );
	}

	public function test_the_try_block_is_on_the_mappings_section() {
		ob_start();
		NSSync_Preview::try_block();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'id="nssync-try-settings" data-label="Try these settings on the last %d orders">Try these settings on the last 10 orders</button>', $html );
		$this->assertStringContainsString( 'id="nssync-try-limit" class="small-text" min="1" max="50" value="10"', $html );
	}

	protected function tearDown(): void {
		$_POST = array();
	}
}
