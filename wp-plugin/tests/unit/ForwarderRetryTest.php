<?php
/**
 * Forwarding through Action Scheduler: signed sends, back-off re-scheduling while the sidecar is down,
 * de-duplication of pending sends, nothing dropped, and the backlog alert.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class ForwarderRetryTest extends TestCase {

	const SECRET = 'test-shared-secret-0123456789';

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Forwarder */
	private $forwarder;

	/** @var bool */
	private $sidecar_up = false;

	/** @var array Events the fake sidecar accepted, by id. */
	private $accepted = array();

	protected function setUp(): void {
		nssync_shim_reset();
		update_option( NSSync_Options::SHARED_SECRET, self::SECRET );
		update_option( NSSync_Options::SIDECAR_URL, 'http://127.0.0.1:8765' );
		$this->options   = new NSSync_Options();
		$this->forwarder = new NSSync_Forwarder( $this->options, new NSSync_Sidecar_Client( $this->options ), new NSSync_Payloads() );
		add_action( NSSync_Forwarder::HOOK_SEND, array( $this->forwarder, 'send' ), 10, 2 );
		nssync_shim_add_order( array( 'id' => 1043, 'status' => 'processing' ) );
		nssync_shim_add_order( array( 'id' => 1050, 'status' => 'processing' ) );

		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			if ( ! $this->sidecar_up ) {
				return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect to 127.0.0.1 port 8765' );
			}
			// The fake sidecar checks the signature as sidecar/security.py verify() does.
			$h = $args['headers'];
			list( $path, $query ) = NSSync_Sidecar_Client::signed_target( $url, 'http://127.0.0.1:8765' );
			if ( NSSync_Sidecar_Client::sign( self::SECRET, $h['X-NSSync-Timestamp'], $args['method'], $path, $query, (string) $args['body'] ) !== $h['X-NSSync-Signature'] ) {
				return nssync_shim_response( 401, array( 'error' => array( 'code' => 'invalid_signature', 'message' => 'bad' ) ) );
			}
			$event = json_decode( $args['body'], true );
			$again = isset( $this->accepted[ $event['id'] ] );
			$this->accepted[ $event['id'] ] = $event;
			return nssync_shim_response( $again ? 200 : 202, array( 'event_id' => $event['id'], 'status' => 'pending' ) );
		};
	}

	private function pending_sends() {
		return nssync_shim_pending( NSSync_Forwarder::HOOK_SEND );
	}

	public function test_backoff_doubles_from_a_minute_up_to_an_hour() {
		$this->assertSame( array( 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600 ), array_map( array( 'NSSync_Forwarder', 'backoff' ), range( 1, 9 ) ) );
		$this->assertSame( 3600, NSSync_Forwarder::backoff( 500 ) );
	}

	public function test_sidecar_down_reschedules_with_backoff_and_delivers_once_up() {
		$this->forwarder->on_status_changed( 1043, 'pending', 'processing' );
		$this->assertCount( 1, $this->pending_sends() );
		$event_id = $this->forwarder->outbox()->get( 'order.updated', 1043 )['id'];

		$now    = time();
		$delays = array();
		for ( $attempt = 1; $attempt <= 7; $attempt++ ) {
			$this->assertSame( 1, nssync_shim_run_due( $now + 100000 * $attempt ), 'exactly one send is due' );
			$next = $this->pending_sends();
			$this->assertCount( 1, $next, 'a failed send schedules exactly one retry' );
			$delays[] = $next[0]['when'] - time();
			$entry    = $this->forwarder->outbox()->get( 'order.updated', 1043 );
			$this->assertSame( $attempt, $entry['attempts'] );
			$this->assertStringContainsString( 'Failed to connect', $entry['last_error'] );
			$this->assertSame( $event_id, $entry['id'], 'a retry keeps the event id so the sidecar can de-duplicate' );
		}
		foreach ( array( 60, 120, 240, 480, 960, 1920, 3600 ) as $i => $expected ) {
			$this->assertEqualsWithDelta( $expected, $delays[ $i ], 2 );
		}
		$this->assertSame( 7, $this->options->health()['consecutive_failures'] );
		$summary = $this->forwarder->summary();
		$this->assertTrue( $summary['alert'], 'a persistent failure raises the admin notice' );
		$this->assertSame( 1, $summary['failing'] );
		$this->assertSame( 1, $summary['orders'] );
		$this->assertSame( 'retrying', $GLOBALS['nssync_shim']['orders'][1043]->meta['_nssync_state']['state'] );

		$this->sidecar_up = true;
		$this->assertSame( 1, nssync_shim_run_due( $now + 10000000 ) );
		$this->assertSame( array(), $this->pending_sends() );
		$this->assertNull( $this->forwarder->outbox()->get( 'order.updated', 1043 ), 'delivered: the outbox entry is gone' );
		$this->assertArrayHasKey( $event_id, $this->accepted );
		$this->assertSame( 'order.updated', $this->accepted[ $event_id ]['topic'] );
		$this->assertSame( 0, $this->options->health()['consecutive_failures'] );
		$this->assertFalse( $this->forwarder->summary()['alert'] );
		$this->assertSame( 'sent', $GLOBALS['nssync_shim']['orders'][1043]->meta['_nssync_state']['state'] );
	}

	public function test_a_second_change_while_pending_joins_the_pending_send_and_is_sent_once_more() {
		$this->assertTrue( $this->forwarder->queue( 'order.updated', 1043 ) );
		$this->assertFalse( $this->forwarder->queue( 'order.updated', 1043 ) );
		$this->assertFalse( $this->forwarder->queue( 'order.updated', 1043 ) );
		$this->assertCount( 1, $this->pending_sends(), 'one pending send per topic and resource' );
		$this->assertCount( 1, $this->forwarder->outbox()->entries() );

		$this->sidecar_up = true;
		nssync_shim_run_due( time() );
		// It changed while pending, so after the first send a fresh event (new id) follows once.
		$this->assertCount( 1, $this->pending_sends() );
		nssync_shim_run_due( time() );
		$this->assertSame( array(), $this->pending_sends() );
		$this->assertCount( 2, $this->accepted );
		$this->assertSame( array(), $this->forwarder->outbox()->entries() );
	}

	public function test_different_resources_and_topics_are_not_merged() {
		$this->forwarder->queue( 'order.updated', 1043 );
		$this->forwarder->queue( 'order.updated', 1050 );
		$this->forwarder->queue( 'order.cancelled', 1043 );
		$this->assertCount( 3, $this->pending_sends() );
		$this->sidecar_up = true;
		nssync_shim_run_due( time() );
		$this->assertCount( 3, $this->accepted );
	}

	public function test_a_lost_action_is_re_enqueued_by_the_sweep_and_nothing_is_dropped() {
		$this->forwarder->queue( 'order.updated', 1043 );
		as_unschedule_all_actions( NSSync_Forwarder::HOOK_SEND ); // e.g. deleted from Scheduled Actions.
		$this->assertSame( array(), $this->pending_sends() );
		$this->assertSame( 1, $this->forwarder->sweep() );
		$this->assertSame( 0, $this->forwarder->sweep(), 'the sweep itself does not duplicate' );
		$this->sidecar_up = true;
		nssync_shim_run_due( time() );
		$this->assertCount( 1, $this->accepted );
	}

	public function test_a_rejected_signature_is_retried_not_dropped() {
		$this->sidecar_up = true;
		update_option( NSSync_Options::SHARED_SECRET, 'a-wrong-secret' );
		$this->forwarder->queue( 'order.updated', 1043 );
		nssync_shim_run_due( time() );
		$entry = $this->forwarder->outbox()->get( 'order.updated', 1043 );
		$this->assertSame( 1, $entry['attempts'] );
		$this->assertStringStartsWith( "The shared secret does not match the sidecar's", $entry['last_error'] );
		$this->assertCount( 1, $this->pending_sends() );
		$this->assertSame( array(), $this->accepted );

		update_option( NSSync_Options::SHARED_SECRET, self::SECRET );
		nssync_shim_run_due( time() + 3600 );
		$this->assertCount( 1, $this->accepted );
	}

	public function test_a_deleted_order_is_dropped_from_the_outbox_without_a_call() {
		$this->forwarder->queue( 'order.updated', 1043 );
		unset( $GLOBALS['nssync_shim']['orders'][1043] );
		$this->sidecar_up = true;
		$this->assertSame( 'gone', $this->forwarder->send( 'order.updated', 1043 ) );
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'] );
		$this->assertSame( array(), $this->forwarder->outbox()->entries() );
	}

	public function test_a_large_backlog_raises_the_alert() {
		for ( $i = 1; $i <= NSSync_Forwarder::BACKLOG_ALERT; $i++ ) {
			nssync_shim_add_order( array( 'id' => 5000 + $i, 'status' => 'processing' ) );
			$this->forwarder->queue( 'order.created', 5000 + $i );
		}
		$summary = $this->forwarder->summary();
		$this->assertSame( NSSync_Forwarder::BACKLOG_ALERT, $summary['pending'] );
		$this->assertTrue( $summary['alert'] );
	}

	public function test_uninstall_removes_every_option_the_outbox_table_and_the_actions() {
		$this->forwarder->queue( 'order.updated', 1043 );
		$this->options->set_customer_roles( array( 'customer' ) );
		( new NSSync_Uninstaller() )->run();
		$this->assertSame( array(), $GLOBALS['nssync_shim']['options'] );
		$this->assertFalse( $GLOBALS['wpdb']->has_table( 'wp_nssync_outbox' ) );
		$this->assertSame( array(), $this->pending_sends() );
	}
}
