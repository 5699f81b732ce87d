<?php
/**
 * Event envelopes and which WooCommerce hook produces which topic.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class PayloadsTest extends TestCase {

	const UUID4 = '/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/';

	/** @var NSSync_Payloads */
	private $payloads;

	/** @var NSSync_Forwarder */
	private $forwarder;

	protected function setUp(): void {
		nssync_shim_reset();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		$options         = new NSSync_Options();
		$this->payloads  = new NSSync_Payloads();
		$this->forwarder = new NSSync_Forwarder( $options, new NSSync_Sidecar_Client( $options ), $this->payloads );
		nssync_shim_add_order( array( 'id' => 1043, 'status' => 'processing', 'total' => '29.90', 'billing' => array( 'first_name' => 'Zoë' ) ) );
		nssync_shim_add_order( array( 'id' => 1044, 'status' => 'checkout-draft', 'total' => '5.00' ) );
		nssync_shim_add_user( 7, array( 'customer' ), array( 'id' => 7, 'email' => 'ann@example.com' ) );
		nssync_shim_add_user( 1, array( 'administrator' ), array( 'id' => 1, 'email' => 'admin@example.com' ) );
	}

	public function test_order_envelope_has_the_contract_shape() {
		$entry = $this->payloads->new_entry( 'order.created', 1043 );
		$env   = $this->payloads->envelope( $entry );
		$this->assertSame( array( 'id', 'topic', 'resource_id', 'occurred_at', 'payload' ), array_keys( $env ) );
		$this->assertMatchesRegularExpression( self::UUID4, $env['id'] );
		$this->assertSame( 'order.created', $env['topic'] );
		$this->assertSame( 1043, $env['resource_id'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $env['occurred_at'] );
		$this->assertEqualsWithDelta( time(), strtotime( $env['occurred_at'] ), 5 );
		$this->assertSame( 'processing', $env['payload']['status'] );
		$this->assertSame( 'Zoë', $env['payload']['billing']['first_name'] );
		$this->assertSame( $env, json_decode( NSSync_Sidecar_Client::encode( $env ), true ), 'the envelope survives JSON unchanged' );
	}

	public function test_every_event_gets_its_own_id() {
		$ids = array();
		for ( $i = 0; $i < 20; $i++ ) {
			$ids[] = $this->payloads->new_entry( 'order.updated', 1043 )['id'];
		}
		$this->assertCount( 20, array_unique( $ids ) );
	}

	public function test_refund_envelope_names_the_refund_and_customer_envelope_the_user() {
		$env = $this->payloads->envelope( $this->payloads->new_entry( 'order.refunded', 1043, array( 'refund_id' => 2001 ) ) );
		$this->assertSame( 2001, $env['payload']['refund_id'] );
		$this->assertSame( 1043, $env['resource_id'] );

		$env = $this->payloads->envelope( $this->payloads->new_entry( 'customer.updated', 7 ) );
		$this->assertSame( 'customer.updated', $env['topic'] );
		$this->assertSame( 'ann@example.com', $env['payload']['email'] );
	}

	public function test_a_deleted_resource_has_no_envelope_and_an_unknown_topic_is_refused() {
		$this->assertNull( $this->payloads->envelope( $this->payloads->new_entry( 'order.updated', 999 ) ) );
		$this->assertNull( $this->payloads->envelope( $this->payloads->new_entry( 'customer.created', 999 ) ) );
		$this->expectException( InvalidArgumentException::class );
		$this->payloads->new_entry( 'order.deleted', 1043 );
	}

	public function test_the_payload_filter_can_change_the_payload() {
		add_filter(
			'nssync_event_payload',
			function ( $payload ) {
				$payload['extra'] = 'x';
				return $payload;
			}
		);
		$env = $this->payloads->envelope( $this->payloads->new_entry( 'order.updated', 1043 ) );
		$this->assertSame( 'x', $env['payload']['extra'] );
	}

	private function queued_topics() {
		return array_map(
			function ( $a ) {
				return $a['args'][0] . ':' . $a['args'][1];
			},
			nssync_shim_pending( NSSync_Forwarder::HOOK_SEND )
		);
	}

	public function test_hooks_map_to_topics_without_any_http_call() {
		$this->forwarder->on_new_order( 1043 );
		$this->forwarder->on_new_order( 1044 ); // A block-checkout draft: not an order yet.
		$this->forwarder->on_status_changed( 1043, 'pending', 'processing' );
		$this->forwarder->on_status_changed( 1044, 'checkout-draft', 'processing' );
		$this->forwarder->on_status_changed( 1043, 'processing', 'cancelled' );
		$this->forwarder->on_refunded( 1043, 2001 );
		$this->forwarder->on_customer_created( 7 );
		$this->forwarder->on_customer_updated( 7 );
		$this->forwarder->on_customer_updated( 1 ); // An administrator: not a synced role.

		$this->assertSame(
			array( 'order.created:1043', 'order.updated:1043', 'order.created:1044', 'order.cancelled:1043', 'order.refunded:1043', 'customer.created:7', 'customer.updated:7' ),
			$this->queued_topics()
		);
		foreach ( nssync_shim_pending( NSSync_Forwarder::HOOK_SEND ) as $a ) {
			$this->assertSame( NSSync_Forwarder::GROUP, $a['group'] );
		}
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'], 'hooks never call the sidecar' );
	}

	public function test_hooks_registers_the_reliable_order_trigger_and_the_send_action() {
		$plugin = NSSync_Plugin::instance();
		$GLOBALS['nssync_shim']['hooks'] = array();
		( new NSSync_Hooks( $plugin ) )->register();
		$hooks = $GLOBALS['nssync_shim']['hooks'];
		foreach ( array( 'woocommerce_order_status_changed', 'woocommerce_new_order', 'woocommerce_order_refunded', 'woocommerce_created_customer', 'woocommerce_update_customer', NSSync_Forwarder::HOOK_SEND ) as $hook ) {
			$this->assertArrayHasKey( $hook, $hooks, $hook );
		}
		$this->assertSame( array( $plugin->forwarder, 'on_status_changed' ), $hooks['woocommerce_order_status_changed'][0][0] );
		$this->assertSame( 3, $hooks['woocommerce_order_status_changed'][0][1] );
		$this->assertArrayNotHasKey( 'wp_ajax_nopriv_nssync_test_connection', $hooks );
	}
}
