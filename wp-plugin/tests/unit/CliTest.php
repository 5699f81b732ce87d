<?php
/**
 * `wp netsuite …`: the same signed client, readable output, exit code 1 (WP_CLI::error) on failure.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class CliTest extends TestCase {

	/** @var NSSync_CLI */
	private $cli;

	/** @var array Run states returned one by one by GET /v1/runs/5. */
	private $runs = array();

	/** @var int */
	private $slept = 0;

	protected function setUp(): void {
		nssync_shim_reset();
		WP_CLI::$out = array();
		update_option( NSSync_Options::SHARED_SECRET, 'cli-secret' );
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			$path = parse_url( $url, PHP_URL_PATH );
			list( $p, $q ) = NSSync_Sidecar_Client::signed_target( $url, 'http://127.0.0.1:8765' );
			if ( NSSync_Sidecar_Client::sign( 'cli-secret', $args['headers']['X-NSSync-Timestamp'], $args['method'], $p, $q, (string) $args['body'] ) !== $args['headers']['X-NSSync-Signature'] ) {
				return nssync_shim_response( 401, array( 'error' => array( 'code' => 'invalid_signature', 'message' => 'bad' ) ) );
			}
			if ( '/v1/status' === $path ) {
				return nssync_shim_response( 200, array( 'connections' => array( 'netsuite' => array( 'configured' => true, 'state' => 'ok', 'problem' => null, 'last_call' => null ), 'woocommerce' => array( 'configured' => true, 'state' => 'error', 'problem' => 'credentials refused (401)', 'last_call' => array( 'status' => 401, 'at' => gmdate( 'c' ), 'error' => 'woocommerce_rest_cannot_view' ) ) ), 'queue' => array( 'depth' => 2, 'pending' => 2, 'running' => 0 ), 'flows' => array( 'inventory' => array( 'status' => 'done', 'counts' => array( 'seen' => 4 ) ), 'prices' => null ) ) );
			}
			if ( '/v1/sync/inventory' === $path ) {
				return nssync_shim_response( 202, array( 'run_id' => 5 ) );
			}
			if ( '/v1/runs/5' === $path ) {
				return nssync_shim_response( 200, array_shift( $this->runs ) );
			}
			if ( '/v1/jobs' === $path ) {
				return nssync_shim_response( 200, array( 'jobs' => array( array( 'id' => 7, 'topic' => 'order.created', 'resource_id' => 17, 'status' => 'failed', 'attempts' => 8, 'last_error' => 'Unknown SKU' ) ), 'total' => 3 ) );
			}
			if ( preg_match( '#^/v1/jobs/(\d+)/(retry|skip)$#', $path, $m ) ) {
				return '404' === $m[1] ? nssync_shim_response( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'no job 404' ) ) ) : nssync_shim_response( 200, array( 'id' => (int) $m[1], 'status' => 'retry' === $m[2] ? 'pending' : 'skipped' ) );
			}
			return nssync_shim_response( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'no' ) ) );
		};
		$options   = new NSSync_Options();
		$client    = new NSSync_Sidecar_Client( $options );
		$this->cli = new NSSync_CLI( $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ), function () {
			++$this->slept;
		} );
	}

	private function fails( $callable ) {
		try {
			$callable();
		} catch ( NSSync_Shim_CLI_Exit $e ) {
			return $e->getMessage();
		}
		$this->fail( 'the command did not exit with an error' );
	}

	public function test_status() {
		$this->cli->status();
		$out = implode( "\n", WP_CLI::$out );
		$this->assertStringContainsString( 'NetSuite:    ok', $out );
		$this->assertStringContainsString( 'WooCommerce: error (credentials refused (401))', $out, "the sidecar's reason" );
		$this->assertStringContainsString( 'Queue:       depth=2, pending=2, running=0', $out );
		$this->assertStringContainsString( 'Outbox:      0 events (0 orders) waiting in WordPress', $out );
		$this->assertStringContainsString( "inventory\tDone · seen 4", $out );
		$this->assertStringContainsString( "prices\tnot run yet", $out );
	}

	public function test_sync_wait_polls_until_the_run_finishes() {
		$this->runs = array( array( 'id' => 5, 'status' => 'running' ), array( 'id' => 5, 'status' => 'done', 'finished_at' => gmdate( 'c' ), 'counts' => array( 'seen' => 3, 'changed' => 1 ) ) );
		$this->cli->sync( array( 'inventory' ), array( 'wait' => true ) );
		$this->assertSame( 1, $this->slept );
		$this->assertContains( 'Done · seen 3, changed 1', WP_CLI::$out );
		$this->assertSame( 'Success: Run 5 finished.', end( WP_CLI::$out ) );
	}

	public function test_a_failed_run_exits_1() {
		$this->runs = array( array( 'id' => 5, 'status' => 'failed', 'finished_at' => gmdate( 'c' ), 'errors' => array( 'NetSuite said no' ) ) );
		$this->assertSame( 'Run 5 failed.', $this->fails( function () {
			$this->cli->sync( array( 'inventory' ), array( 'wait' => true ) );
		} ) );
		$this->assertContains( 'Warning: NetSuite said no', WP_CLI::$out );
	}

	public function test_an_unknown_flow_exits_1_without_a_call() {
		$this->assertStringContainsString( 'Unknown flow', $this->fails( function () {
			$this->cli->sync( array( '../credentials' ) );
		} ) );
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'] );
	}

	public function test_jobs_retry_and_skip() {
		$this->cli->jobs( array(), array( 'status' => 'failed' ) );
		$this->assertContains( "7\torder.created\t17\tfailed\t8\tUnknown SKU", WP_CLI::$out );
		$this->assertContains( '1 of 3 shown (--limit).', WP_CLI::$out );
		$this->assertSame( '/v1/jobs?status=failed&limit=50', strstr( $GLOBALS['nssync_shim']['requests'][0]['url'], '/v1/' ) );
		$this->cli->retry( array( '7' ) );
		$this->assertContains( 'Job 7: pending', WP_CLI::$out );
		$this->cli->skip( array( '8' ) );
		$this->assertContains( 'Job 8: skipped', WP_CLI::$out );
		$this->assertStringContainsString( 'no job 404', $this->fails( function () {
			$this->cli->retry( array( '404' ) );
		} ) );
		$this->assertStringContainsString( 'Not a job id', $this->fails( function () {
			$this->cli->skip( array( '7/../../x' ) );
		} ) );
	}

	public function test_a_wrong_secret_or_a_down_sidecar_exit_1() {
		update_option( NSSync_Options::SHARED_SECRET, 'wrong' );
		$this->assertStringContainsString( "the shared secret does not match the sidecar's", $this->fails( function () {
			$this->cli->status();
		} ) );
		$GLOBALS['nssync_shim']['http'] = function () {
			return new WP_Error( 'http_request_failed', 'cURL error 7' );
		};
		$this->assertStringContainsString( 'could not be reached', $this->fails( function () {
			$this->cli->jobs();
		} ) );
	}

	/**
	 * In its own process: WP_CLI stays defined once defined.
	 *
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_the_command_is_registered_when_wp_cli_runs() {
		if ( ! defined( 'WP_CLI' ) ) {
			define( 'WP_CLI', true );
		}
		$GLOBALS['nssync_shim']['cli_commands'] = array();
		$plugin = NSSync_Plugin::instance();
		( new NSSync_Hooks( $plugin ) )->register();
		$this->assertInstanceOf( NSSync_CLI::class, $GLOBALS['nssync_shim']['cli_commands']['netsuite'] );
	}
}
