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
		$this->assertStringContainsString( 'has not answered since', $html );
		$this->assertStringNotContainsString( 'cURL', $html, 'plain words, not the transport error' );
	}

	public function test_a_sidecar_that_answers_but_refuses_shows_its_reason() {
		$GLOBALS['nssync_shim']['http'] = function () {
			return nssync_shim_response( 401, array( 'error' => array( 'code' => 'invalid_signature', 'message' => 'the request signature does not match' ) ) );
		};
		$this->forwarder->on_new_order( 1 );
		$this->forwarder->send( 'order.created', 1 );
		$html = $this->notice();
		$this->assertStringContainsString( '1 order is waiting to be sent to the sidecar.', $html );
		$this->assertStringContainsString( "Last error: The shared secret does not match the sidecar&#039;s", $html );
	}

	public function test_sidecar_down_is_one_notice_with_the_time_and_the_orders_waiting() {
		update_option( 'time_format', 'H:i' );
		update_option( NSSync_Options::CONTACT, array( 'last_ok' => mktime( 9, 30, 0, 1, 15, 2030 ), 'down_since' => mktime( 9, 31, 0, 1, 15, 2030 ) ) );
		$this->forwarder->on_new_order( 1 );
		$html = $this->notice();
		$this->assertSame( 1, substr_count( $html, 'class="notice' ) );
		$this->assertStringContainsString( 'The sidecar at http://127.0.0.1:8765 has not answered since', $html );
		$this->assertStringContainsString( '09:30', $html );
		$this->assertStringContainsString( '1 order is waiting to be sent to the sidecar.', $html );
		$_GET = array( 'tab' => 'nssync', 'section' => 'status' );
		$this->assertSame( '', $this->notice(), 'the Status section says it itself' );
		$_GET = array();
	}

	public function test_the_sweep_looks_again_and_the_notice_ends_when_the_sidecar_is_back() {
		update_option( NSSync_Options::CONTACT, array( 'last_ok' => 0, 'down_since' => time() - 600 ) );
		$GLOBALS['nssync_shim']['http'] = function () {
			return nssync_shim_response( 200, array( 'flows' => array() ) );
		};
		$this->forwarder->sweep();
		$this->assertSame( 0, ( new NSSync_Options() )->contact()['down_since'] );
		$this->assertSame( '', $this->notice() );
	}

	public function test_not_paired_says_so_instead() {
		update_option( NSSync_Options::SHARED_SECRET, '' );
		$this->assertStringContainsString( 'not paired', $this->notice() );
	}
}
