<?php
/**
 * After checkout the send starts at once without slowing the customer: a response finisher then a send in the
 * same process, or a non-blocking signed loopback; the outbox stays the fallback.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class ImmediateSendTest extends TestCase {

	/** @var NSSync_Forwarder */
	private $forwarder;

	/** @var array */
	private $events = array();

	protected function setUp(): void {
		nssync_shim_reset();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		$options         = new NSSync_Options();
		$this->forwarder = new NSSync_Forwarder( $options, new NSSync_Sidecar_Client( $options ), new NSSync_Payloads() );
		nssync_shim_add_order( array( 'id' => 51, 'status' => 'processing' ) );
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			if ( false !== strpos( $url, '/v1/events' ) ) {
				$this->events[] = json_decode( $args['body'], true );
				return nssync_shim_response( 202, array( 'status' => 'pending' ) );
			}
			return nssync_shim_response( 200, array() );
		};
	}

	private function checkout( NSSync_Immediate_Send $immediate ) {
		add_action( 'nssync_event_queued', array( $immediate, 'note' ), 10, 2 );
		$this->forwarder->on_new_order( 51 );
		$this->assertSame( array(), $this->events, 'nothing is sent while the customer waits' );
	}

	public function test_with_a_response_finisher_the_event_is_sent_after_the_response() {
		$finished  = 0;
		$immediate = new NSSync_Immediate_Send( $this->forwarder, function () use ( &$finished ) {
			$finished++;
			$this->assertSame( array(), $this->events, 'the response is finished before the send' );
		} );
		$this->checkout( $immediate );
		$this->assertSame( 'sent', $immediate->on_shutdown() );
		$this->assertSame( 1, $finished );
		$this->assertSame( 'order.created', $this->events[0]['topic'] );
		$this->assertNull( $this->forwarder->outbox()->get( 'order.created', 51 ), 'delivered' );
		$this->assertSame( 'nothing', $immediate->on_shutdown(), 'once' );
	}

	public function test_without_one_a_non_blocking_signed_loopback_sends_it() {
		$immediate = new NSSync_Immediate_Send( $this->forwarder, null );
		$this->checkout( $immediate );
		$this->assertSame( 'loopback', $immediate->on_shutdown() );
		$loop = $GLOBALS['nssync_shim']['requests'][0];
		$this->assertSame( 'http://shop.test/wp-admin/admin-ajax.php', $loop['url'] );
		$this->assertFalse( $loop['args']['blocking'] );
		$this->assertLessThanOrEqual( 1, $loop['args']['timeout'] );
		$this->assertSame( NSSync_Immediate_Send::ACTION, $loop['args']['body']['action'] );
		$this->assertSame( array(), $this->events );

		// The loopback request itself.
		$this->assertSame( 1, $immediate->handle_loopback( $loop['args']['body'] ) );
		$this->assertSame( 'order.created', $this->events[0]['topic'] );
	}

	public function test_a_forged_or_stale_loopback_sends_nothing() {
		$immediate = new NSSync_Immediate_Send( $this->forwarder, null );
		$this->checkout( $immediate );
		$t = time();
		$this->assertSame( -1, $immediate->handle_loopback( array( 't' => $t, 'sig' => 'forged' ) ) );
		$this->assertSame( -1, $immediate->handle_loopback( array( 't' => $t - 600, 'sig' => NSSync_Immediate_Send::token( $t - 600 ) ) ) );
		$this->assertSame( array(), $this->events );
		$this->assertNotNull( $this->forwarder->outbox()->get( 'order.created', 51 ), 'still in the outbox for Action Scheduler' );
		$this->assertCount( 1, nssync_shim_pending( NSSync_Forwarder::HOOK_SEND ) );
	}

	public function test_a_failed_immediate_send_leaves_the_event_to_action_scheduler() {
		$GLOBALS['nssync_shim']['http'] = function () {
			return new WP_Error( 'http_request_failed', 'down' );
		};
		$immediate = new NSSync_Immediate_Send( $this->forwarder, function () {
		} );
		$this->checkout( $immediate );
		$immediate->on_shutdown();
		$entry = $this->forwarder->outbox()->get( 'order.created', 51 );
		$this->assertSame( 1, $entry['attempts'] );
		$this->assertNotEmpty( nssync_shim_pending( NSSync_Forwarder::HOOK_SEND ), 'retried with back-off as before' );
	}
}
