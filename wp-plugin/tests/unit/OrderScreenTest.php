<?php
/**
 * The order box and the orders-list column.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class OrderScreenTest extends TestCase {

	/** @var NSSync_Order_Screen */
	private $screen;

	/** @var NSSync_Forwarder */
	private $forwarder;

	/** @var array|null Answer of the fake sidecar to GET /v1/orders/<id>: [status, body]. */
	private $answer;

	protected function setUp(): void {
		nssync_shim_reset();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		$options         = new NSSync_Options();
		$client          = new NSSync_Sidecar_Client( $options );
		$this->forwarder = new NSSync_Forwarder( $options, $client, new NSSync_Payloads() );
		$this->screen    = new NSSync_Order_Screen( $options, $client, $this->forwarder );
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			return nssync_shim_response( $this->answer[0], $this->answer[1] );
		};
	}

	private function box( $order ) {
		ob_start();
		$this->screen->render_box( $order );
		return ob_get_clean();
	}

	private function cell( $order ) {
		ob_start();
		$this->screen->render_hpos_column( 'nssync', $order );
		return ob_get_clean();
	}

	public function test_box_shows_the_sales_order_state_error_and_resend_button() {
		$order        = nssync_shim_add_order( array( 'id' => 13, 'status' => 'processing' ) );
		$this->answer = array( 200, array( 'woo_id' => 13, 'ns_id' => '1', 'ns_number' => 'SO1', 'status' => 'failed', 'last_error' => 'Unknown SKU <b>X-1</b>', 'history' => array( array( 'topic' => 'order.updated', 'status' => 'failed', 'at' => '2026-11-28T03:36:28Z' ) ) ) );
		$html         = $this->box( $order );
		$this->assertStringContainsString( 'SO1', $html );
		$this->assertStringContainsString( '(internal id 1)', $html );
		$this->assertStringContainsString( 'nssync-state-failed', $html );
		$this->assertStringContainsString( 'Unknown SKU &lt;b&gt;X-1&lt;/b&gt;', $html, 'the sidecar error is escaped' );
		$this->assertStringNotContainsString( '<b>X-1</b>', $html );
		$this->assertStringContainsString( 'data-order-id="13"', $html );
		$this->assertStringContainsString( 'Send to NetSuite again', $html );
		$this->assertSame( '/v1/orders/13', parse_url( $GLOBALS['nssync_shim']['requests'][0]['url'], PHP_URL_PATH ) );
		$this->assertSame( 'failed', $order->meta['_nssync_state']['state'], 'the state is remembered for the list column' );
		$this->assertStringContainsString( 'Failed', $this->cell( $order ) );
	}

	public function test_box_when_the_sidecar_does_not_know_the_order_yet() {
		$order        = nssync_shim_add_order( array( 'id' => 20, 'status' => 'processing' ) );
		$this->answer = array( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'no such order' ) ) );
		$this->forwarder->queue( 'order.created', 20 );
		$html = $this->box( $order );
		$this->assertStringContainsString( 'no record of this order yet', $html );
		$this->assertStringContainsString( 'Queued for the sidecar', $html );
	}

	public function test_column_prefers_pending_then_written_back_number() {
		$order = nssync_shim_add_order( array( 'id' => 30, 'status' => 'processing' ) );
		$this->assertStringContainsString( '&ndash;', $this->cell( $order ) );

		$order->update_meta_data( '_netsuite_sales_order_number', 'SO7' );
		$this->assertStringContainsString( '>SO7<', $this->cell( $order ) );

		$this->forwarder->queue( 'order.updated', 30 );
		$this->assertStringContainsString( 'Queued', $this->cell( $order ) );
		$this->answer = array( 503, array( 'error' => array( 'code' => 'unavailable', 'message' => 'down' ) ) );
		$this->forwarder->send( 'order.updated', 30 );
		$cell = $this->cell( $order );
		$this->assertStringContainsString( 'Retrying', $cell );
		$this->assertStringContainsString( 'title="down"', $cell );
	}

	public function test_column_is_added_after_the_status_column() {
		$cols = $this->screen->add_column( array( 'cb' => '', 'order_number' => 'Order', 'order_status' => 'Status', 'order_total' => 'Total' ) );
		$this->assertSame( array( 'cb', 'order_number', 'order_status', 'nssync', 'order_total' ), array_keys( $cols ) );
	}
}
