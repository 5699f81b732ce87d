<?php
/**
 * The Status section: connections, each installed flow's last run from /v1/runs (all counts, first errors),
 * the outbox, the error queue and the API log; a sidecar that does not answer is said once, at the top, with
 * the time it last answered, and the last known runs stay.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class StatusViewTest extends TestCase {

	/** @var bool */
	private $up = true;

	/** @var array The `webhooks` of the faked `GET /v1/status` (sidecar/api/status.py `_webhooks`). */
	private $webhooks = array( 'checked_at' => null, 'webhooks' => array() );

	/** @var array The `flow_load_errors` of the faked `GET /v1/status` (flow => why). */
	private $load_errors = array();

	/** @var array The `worker` of the faked `GET /v1/status`. */
	private $worker = array( 'last_heartbeat' => null, 'ok' => true, 'max_age_s' => 60 );

	/** @var array|null The `connections` of the faked `GET /v1/status` (null: the default below). */
	private $connections = null;

	/** @var NSSync_Status_Panel */
	private $panel;

	/** @var NSSync_Options */
	private $options;

	protected function setUp(): void {
		nssync_shim_reset();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		update_option( 'timezone_string', 'Europe/Berlin' );
		update_option( 'time_format', 'H:i' );
		$this->options = new NSSync_Options();
		$client        = new NSSync_Sidecar_Client( $this->options );
		$forwarder     = new NSSync_Forwarder( $this->options, $client, new NSSync_Payloads() );
		$this->panel   = new NSSync_Status_Panel( $this->options, $client, $forwarder );
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			if ( ! $this->up ) {
				return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect to 127.0.0.1 port 8765' );
			}
			$path = parse_url( $url, PHP_URL_PATH );
			parse_str( (string) parse_url( $url, PHP_URL_QUERY ), $q );
			switch ( $path ) {
				case '/v1/status':
					return nssync_shim_response( 200, array(
						'queue'       => array( 'depth' => 2, 'pending' => 1, 'running' => 1 ),
						'worker'      => $this->worker,
						'webhooks'    => $this->webhooks,
						'flow_load_errors' => $this->load_errors,
						'netsuite_outage' => array( 'waiting' => 3, 'since' => gmdate( 'c', time() - 1200 ) ),
						// Each installed flow's last run, rendered as /v1/runs renders it (sidecar/api/sync.py render).
						'flows'       => array(
							'orders'    => null,
							'inventory' => array( 'id' => 7, 'flow' => 'inventory', 'trigger' => 'manual', 'status' => 'done', 'seen' => 10, 'changed' => 2, 'failed' => 0, 'counts' => array( 'seen' => 10, 'changed' => 2, 'failed' => 0, 'unchanged' => 7, 'unmatched' => 1, 'held_back' => 0, 'drift' => 3 ), 'errors' => array( 'SKU <X> unmatched' ), 'cursor_before' => null, 'cursor_after' => null, 'created_at' => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 601 ), 'started_at' => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 600 ), 'finished_at' => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 590 ) ),
							'webhooks'  => null,
							'reconcile' => null,
						),
						// As sidecar/api/status.py judges them: a lookup's 404 is a working connection, a 401 is not.
						'connections' => $this->connections ? $this->connections : array(
							'netsuite'    => array( 'configured' => true, 'state' => 'ok', 'problem' => null, 'last_call' => array( 'status' => 404, 'at' => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 120 ), 'error' => 'RCRD_DSNT_EXIST' ) ),
							'woocommerce' => array( 'configured' => true, 'state' => 'error', 'problem' => 'credentials refused (401)', 'last_call' => array( 'status' => 401, 'at' => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 60 ), 'error' => 'woocommerce_rest_cannot_view' ) ),
						),
					) );
				case '/v1/jobs':
					return nssync_shim_response( 200, array( 'jobs' => array( array( 'id' => 14, 'topic' => 'order.refunded', 'resource_id' => 15, 'status' => 'failed', 'attempts' => 1, 'last_error' => 'No flow handles <order.refunded>' ) ), 'total' => 1 ) );
				case '/v1/log':
					return nssync_shim_response( 200, array( 'calls' => array( array( 'system' => 'netsuite', 'method' => 'POST', 'path' => '/services/rest/record/v1/salesOrder', 'status' => 204, 'ms' => 6 ) ) ) );
			}
			return nssync_shim_response( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'no' ) ) );
		};
	}

	private function render( $get = array() ) {
		ob_start();
		$this->panel->output( $get );
		return ob_get_clean();
	}

	public function test_connections_runs_from_v1_runs_queue_and_log() {
		$html = $this->render();
		$this->assertStringContainsString( 'Connected', $html, "NetSuite's lookup 404 does not make it look broken" );
		$this->assertSame( 1, substr_count( $html, 'Last call failed' ), 'only WooCommerce (401)' );
		$this->assertStringNotContainsString( 'RCRD_DSNT_EXIST', $html );
		$this->assertStringContainsString( 'woocommerce_rest_cannot_view', $html );
		$this->assertStringContainsString( '<th>Queue</th><td>2 jobs (1 waiting, 1 running)</td>', $html, 'in words, not the answer\'s keys' );
		$this->assertStringContainsString( 'Done · seen 10, changed 2, unchanged 7, unmatched 1, failed 0, drift 3</span>', $html, 'hand edits overwritten are said; held back 0 is not' );
		$this->assertStringContainsString( '10 mins ago', $html );
		$this->assertStringContainsString( 'SKU &lt;X&gt; unmatched', $html );
		$this->assertStringContainsString( 'Not run yet', $html, 'orders is installed but has not run' );
		$this->assertSame( 3, substr_count( $html, 'class="button nssync-sync-now"' ), 'orders, inventory, reconcile' );
		$this->assertStringContainsString( '<strong>Webhook watchdog</strong>', $html, 'every flow by name, not its key' );
		$this->assertStringContainsString( '<strong>Reconciliation</strong>', $html );
		$this->assertStringContainsString( 'No flow handles &lt;order.refunded&gt;', $html );
		$this->assertStringContainsString( '/services/rest/record/v1/salesOrder', $html );
		$paths = array_map( function ( $r ) {
			return parse_url( $r['url'], PHP_URL_PATH ) . '?' . parse_url( $r['url'], PHP_URL_QUERY );
		}, $GLOBALS['nssync_shim']['requests'] );
		$this->assertSame( array( '/v1/status?', '/v1/jobs?status=failed&limit=20&offset=0&group=order', '/v1/log?' ), $paths, 'the last runs come with /v1/status: no call per flow' );
	}

	public function test_jobs_waiting_out_a_netsuite_outage_are_said_with_how_long() {
		$html = $this->render();
		$this->assertStringContainsString( 'Waiting for NetSuite', $html );
		$this->assertStringContainsString( '3 jobs are waiting because NetSuite did not answer (first failure 20 mins ago)', $html );
		$this->assertSame( '', NSSync_Status_View::outage_text( array( 'waiting' => 0, 'since' => null ) ), 'nothing waits: no row' );
		$this->assertSame( '', NSSync_Status_View::outage_text( null ), 'an older sidecar without the field' );
	}

	public function test_sidecar_down_is_said_once_with_the_time_and_the_runs_stay() {
		$this->render(); // Seen up once: runs cached, contact recorded.
		$this->options->record_contact( true, mktime( 12, 5, 0, 6, 1, 2030 ) ); // 14:05 in Berlin (summer).
		update_option( NSSync_Options::CONTACT, array( 'last_ok' => mktime( 12, 5, 0, 6, 1, 2030 ), 'down_since' => 0 ) );
		$this->up = false;
		nssync_shim_add_order( array( 'id' => 3, 'status' => 'processing' ) );
		$html = $this->render();
		$this->assertStringContainsString( 'The sidecar at http://127.0.0.1:8765 has not answered since', $html );
		$this->assertStringContainsString( '14:05', $html, 'site timezone' );
		$this->assertSame( 0, substr_count( $html, 'cURL error 7' ), 'the raw transport error is not repeated in every panel' );
		$this->assertSame( 1, substr_count( $html, 'has not answered since' ) );
		$this->assertStringContainsString( 'unmatched 1', $html, 'last known run kept' );
		$this->assertStringContainsString( '(last known)', $html );
	}

	public function test_the_webhooks_the_watchdog_found_and_flows_that_did_not_load() {
		$this->assertStringNotContainsString( 'WooCommerce webhooks', $this->render(), 'not checked yet: no row' );
		$this->webhooks    = array(
			'checked_at' => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 300 ),
			'webhooks'   => array(
				array( 'id' => 1, 'name' => 'order.created', 'topic' => 'order.created', 'status' => 'active', 'reactivated_at' => null ),
				array( 'id' => 2, 'name' => 'order.updated', 'topic' => 'order.updated', 'status' => 'disabled', 'reactivated_at' => null ),
			),
		);
		$this->load_errors = array( 'custom_sync' => "ImportError: No module named 'x<y>'" );
		$html              = $this->render();
		$this->assertStringContainsString( '<th>WooCommerce webhooks</th><td><mark class="nssync-state nssync-state-failed">1 of 2 active</mark> <span class="description">checked 5 mins ago</span> <span class="nssync-error">order.updated: disabled</span>', $html );
		$this->assertStringContainsString( '<li><code>custom_sync</code>: ImportError: No module named &#039;x&lt;y&gt;&#039;</li>', $html );
	}

	public function test_a_worker_that_does_not_run_is_said_plainly() {
		$this->worker = array( 'last_heartbeat' => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 600 ), 'ok' => false, 'max_age_s' => 60 );
		$html         = $this->render();
		$this->assertMatchesRegularExpression( '#<th>Worker</th><td><mark class="nssync-state nssync-state-failed">Not running</mark> <span class="description">last heartbeat 10 mins ago</span> <span class="nssync-error">Nothing is synced until it runs#', $html );
		$this->assertStringContainsString( 'start it with <code>sidecar worker</code> next to <code>sidecar serve</code>.', $html, 'the commands as code, not markdown backticks' );
		$this->assertStringNotContainsString( '`', $html );
		$this->worker = array( 'last_heartbeat' => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 5 ), 'ok' => true, 'max_age_s' => 60 );
		$this->assertStringContainsString( '<th>Worker</th><td><mark class="nssync-state nssync-state-done">Running</mark>', $this->render() );
		$this->assertSame( '', NSSync_Status_View::worker_html( null ), 'an older sidecar without the field: no row' );
	}

	public function test_the_sidecars_judgement_of_a_connection_is_shown_with_its_reason() {
		// A store URL that redirects (http → https, a moved site): the sidecar says the connection is broken.
		$this->connections = array(
			'netsuite'    => array( 'configured' => false, 'state' => 'unknown', 'problem' => null, 'last_call' => null ),
			'woocommerce' => array( 'configured' => true, 'state' => 'error', 'problem' => "redirected (301): the URL is not the API's", 'last_call' => array( 'status' => 301, 'at' => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 60 ), 'error' => null ) ),
		);
		$html = $this->render();
		$this->assertStringNotContainsString( 'Connected', $html, 'a redirect is not a working connection' );
		$this->assertStringContainsString( 'Last call failed</mark>', $html );
		$this->assertStringContainsString( 'redirected (301): the URL is not the API&#039;s', $html, "the sidecar's reason" );
		$this->assertStringContainsString( 'Not configured', $html );

		// An older sidecar (no `problem`) said error for any failed call: a lookup's 404 is still not shown as broken.
		$this->connections = array( 'netsuite' => array( 'configured' => true, 'state' => 'error', 'last_call' => array( 'status' => 404, 'error' => 'RCRD_DSNT_EXIST' ) ) );
		$this->assertStringContainsString( 'Connected', $this->render() );
	}

	public function test_a_lookup_404_is_not_a_broken_connection_but_401_and_5xx_are() {
		$this->assertFalse( NSSync_Status_View::is_connection_failure( array( 'status' => 404, 'error' => 'customer not found' ) ) );
		$this->assertFalse( NSSync_Status_View::is_connection_failure( array( 'status' => 400 ) ) );
		$this->assertTrue( NSSync_Status_View::is_connection_failure( array( 'status' => 401 ) ) );
		$this->assertTrue( NSSync_Status_View::is_connection_failure( array( 'status' => 503 ) ) );
		$this->assertTrue( NSSync_Status_View::is_connection_failure( array( 'status' => 0, 'error' => 'timed out' ) ) );
	}

	public function test_a_404_panel_says_the_sidecar_lacks_it() {
		$GLOBALS['nssync_shim']['http'] = function () {
			return nssync_shim_response( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'no' ) ) );
		};
		$html = $this->render();
		$this->assertGreaterThanOrEqual( 2, substr_count( $html, 'This sidecar version does not provide this yet.' ) );
	}

	public function test_the_outbox_lists_waiting_events() {
		$this->up = false;
		nssync_shim_add_order( array( 'id' => 14, 'status' => 'processing' ) );
		$forwarder = new NSSync_Forwarder( $this->options, new NSSync_Sidecar_Client( $this->options ), new NSSync_Payloads() );
		$forwarder->queue( 'order.created', 14 );
		$forwarder->send( 'order.created', 14 );
		$html = $this->render();
		$this->assertStringContainsString( '1 waiting (1 orders); 1 failed sends in a row.', $html );
		$this->assertStringContainsString( 'id="nssync-send-pending"', $html );
		$this->assertStringContainsString( '<td>order.created</td><td>14</td><td>1</td>', $html );
	}
}
