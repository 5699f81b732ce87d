<?php
/**
 * Every admin-ajax handler checks its nonce and manage_woocommerce before doing anything.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class AjaxTest extends TestCase {

	/** @var NSSync_Ajax */
	private $ajax;

	protected function setUp(): void {
		nssync_shim_reset();
		$_POST = array();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		$options    = new NSSync_Options();
		$client     = new NSSync_Sidecar_Client( $options );
		$this->ajax = new NSSync_Ajax( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) );
		nssync_shim_add_order( array( 'id' => 13, 'status' => 'processing' ) );
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			$path = parse_url( $url, PHP_URL_PATH );
			if ( '/v1/sync/inventory' === $path ) {
				return nssync_shim_response( 202, array( 'run_id' => 41, 'status' => 'pending' ) );
			}
			if ( '/v1/jobs/retry' === $path ) {
				$body = json_decode( $args['body'], true );
				return nssync_shim_response( 200, array( 'retried' => isset( $body['all'] ) ? 99 : count( $body['ids'] ) ) );
			}
			if ( preg_match( '#^/v1/jobs/(\d+)/skip$#', $path, $m ) ) {
				return nssync_shim_response( 200, array( 'id' => (int) $m[1], 'status' => 'skipped' ) );
			}
			if ( '/v1/runs/41' === $path ) {
				return nssync_shim_response( 200, array( 'id' => 41, 'status' => 'done', 'seen' => 10, 'changed' => 2, 'failed' => 0 ) );
			}
			return nssync_shim_response( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'no route ' . $path ) ) );
		};
	}

	private function call( $method, $post = array() ) {
		$_POST = $post;
		try {
			$this->ajax->$method();
		} catch ( NSSync_Shim_Json $sent ) {
			return $sent;
		}
		$this->fail( $method . ' ended without a JSON answer' );
	}

	public function test_every_handler_refuses_a_bad_nonce_and_a_missing_capability() {
		$post = array( 'flow' => 'inventory', 'run_id' => '41', 'job_id' => '7', 'job_ids' => '7', 'verb' => 'retry', 'order_id' => '13', 'all' => 'yes', 'kind' => 'location', 'q' => 'a' );
		foreach ( NSSync_Ajax::ACTIONS as $action => $method ) {
			foreach ( array( 'nonce_ok', 'can' ) as $switch ) {
				nssync_shim_reset();
				update_option( NSSync_Options::SHARED_SECRET, 's' );
				nssync_shim_add_order( array( 'id' => 13, 'status' => 'processing' ) );
				$GLOBALS['nssync_shim'][ $switch ] = false;
				$sent                              = $this->call( $method, $post );
				$this->assertFalse( $sent->success, "$action without $switch" );
				$this->assertSame( 403, $sent->status, "$action without $switch" );
				$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'], "$action made a call without $switch" );
				$this->assertSame( array(), $GLOBALS['nssync_shim']['actions'], "$action queued something without $switch" );
			}
		}
	}

	public function test_sync_now_starts_a_run_and_the_run_can_be_polled() {
		$sent = $this->call( 'sync_now', array( 'flow' => 'inventory' ) );
		$this->assertTrue( $sent->success );
		$this->assertSame( 41, $sent->data['run_id'] );
		$this->assertArrayNotHasKey( '_status', $sent->data );
		$this->assertSame( '{}', $GLOBALS['nssync_shim']['requests'][0]['args']['body'] );

		$sent = $this->call( 'run_status', array( 'run_id' => '41' ) );
		$this->assertSame( 'done', $sent->data['status'] );
		$this->assertSame( 2, $sent->data['changed'] );
	}

	public function test_an_unknown_flow_and_a_sidecar_error_are_answered_as_errors() {
		$sent = $this->call( 'sync_now', array( 'flow' => '../../v1/credentials' ) );
		$this->assertFalse( $sent->success );
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'] );

		$sent = $this->call( 'job_action', array( 'job_id' => '7', 'verb' => 'retry' ) );
		$this->assertFalse( $sent->success );
		$this->assertSame( 404, $sent->data['status'] );
		$this->assertSame( '/v1/jobs/7/retry', parse_url( $GLOBALS['nssync_shim']['requests'][0]['url'], PHP_URL_PATH ) );
	}

	public function test_bulk_retry_sends_the_ids_or_all_failed() {
		$sent = $this->call( 'jobs_retry', array( 'job_ids' => '41,42,x-1' ) );
		$this->assertSame( 3, $sent->data['retried'] );
		$this->assertSame( '{"ids":[41,42,"x-1"]}', $GLOBALS['nssync_shim']['requests'][0]['args']['body'] );
		$sent = $this->call( 'jobs_retry', array( 'all' => 'yes' ) );
		$this->assertSame( 99, $sent->data['retried'] );
		$this->assertSame( '{"all":true,"status":"failed"}', $GLOBALS['nssync_shim']['requests'][1]['args']['body'] );
		$this->assertFalse( $this->call( 'jobs_retry', array() )->success, 'nothing selected' );
	}

	public function test_a_row_of_several_jobs_is_retried_in_one_call_and_skipped_one_by_one() {
		$this->call( 'job_action', array( 'job_ids' => '41,42', 'verb' => 'retry' ) );
		$this->assertSame( '/v1/jobs/retry', parse_url( $GLOBALS['nssync_shim']['requests'][0]['url'], PHP_URL_PATH ) );
		$sent = $this->call( 'job_action', array( 'job_ids' => '41,42', 'verb' => 'skip' ) );
		$this->assertSame( 2, $sent->data['skipped'] );
		$this->assertSame( 'Skipped.', $sent->data['message'], 'the row says what happened in words' );
		$this->assertSame( array( '/v1/jobs/41/skip', '/v1/jobs/42/skip' ), array_map( function ( $r ) {
			return parse_url( $r['url'], PHP_URL_PATH );
		}, array_slice( $GLOBALS['nssync_shim']['requests'], 1 ) ) );
	}

	public function test_resend_queues_a_fresh_event_without_calling_the_sidecar() {
		$sent = $this->call( 'resend_order', array( 'order_id' => '13' ) );
		$this->assertTrue( $sent->success );
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'] );
		$this->assertCount( 1, nssync_shim_pending( NSSync_Forwarder::HOOK_SEND ) );
		$this->assertFalse( $this->call( 'resend_order', array( 'order_id' => '999' ) )->success );
	}

	protected function tearDown(): void {
		$_POST = array();
	}
}
