<?php
/**
 * The backlog notice: shown after the first failed send while something waits, counting orders.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class AdminNoticeTest extends TestCase {

	/** @var NSSync_Forwarder */
	private $forwarder;

	/** @var NSSync_Admin */
	private $admin;

	protected function setUp(): void {
		nssync_shim_reset();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		$options         = new NSSync_Options();
		$client          = new NSSync_Sidecar_Client( $options );
		$this->forwarder = new NSSync_Forwarder( $options, $client, new NSSync_Payloads() );
		$this->admin     = new NSSync_Admin( $options, $client, $this->forwarder );
		$GLOBALS['nssync_shim']['http'] = function () {
			return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' );
		};
		foreach ( array( 1, 2 ) as $id ) {
			nssync_shim_add_order( array( 'id' => $id, 'status' => 'processing' ) );
		}
	}

	private function notice() {
		ob_start();
		$this->admin->forwarding_notice();
		return ob_get_clean();
	}

	public function test_no_notice_while_nothing_failed_then_one_counting_orders_after_the_first_failed_send() {
		$this->forwarder->on_new_order( 1 );
		$this->forwarder->on_status_changed( 1, 'pending', 'processing' );
		$this->forwarder->on_new_order( 2 );
		$this->assertSame( '', $this->notice(), 'queued, not failed yet: no notice' );

		$this->forwarder->send( 'order.created', 1 );
		$html = $this->notice();
		$this->assertStringContainsString( '2 orders are waiting to be sent to the sidecar.', $html, 'three events, two orders' );
		$this->assertStringContainsString( 'Failed to connect', $html );
	}

	public function test_not_paired_says_so_instead() {
		update_option( NSSync_Options::SHARED_SECRET, '' );
		$this->assertStringContainsString( 'not paired', $this->notice() );
	}
}
