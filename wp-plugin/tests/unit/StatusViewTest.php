<?php
/**
 * The Status section renders the sidecar's real answer shapes (sidecar/api/status.py, jobs.py, log.py).
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class StatusViewTest extends TestCase {

	private function render( $status, $jobs, $log, $summary = null ) {
		$summary = $summary ? $summary : array(
			'pending' => 0,
			'entries' => array(),
			'failing' => array(),
			'health'  => array( 'consecutive_failures' => 0, 'last_error' => '', 'last_failure_at' => 0, 'last_success_at' => 0 ),
			'alert'   => false,
		);
		ob_start();
		( new NSSync_Status_View() )->render( $status, $jobs, $log, $summary, array( 'inventory', 'orders' ) );
		return ob_get_clean();
	}

	public function test_the_sidecar_status_jobs_and_log() {
		$status = array(
			'queue'       => array( 'depth' => 2, 'pending' => 1, 'running' => 1 ),
			'failed'      => 1,
			'flows'       => array(
				'orders'    => array( 'id' => 3, 'flow' => 'orders', 'status' => 'done', 'seen' => 4, 'changed' => 1, 'failed' => 0, 'finished_at' => '2026-11-28T03:37:00+00:00' ),
				'inventory' => null,
			),
			'connections' => array(
				'netsuite'    => array( 'configured' => true, 'state' => 'ok', 'last_call' => array( 'status' => 200, 'at' => '2026-11-28T03:36:28+00:00', 'error' => null ) ),
				'woocommerce' => array( 'configured' => true, 'state' => 'error', 'last_call' => array( 'status' => 401, 'at' => '2026-11-28T03:36:29+00:00', 'error' => 'woocommerce_rest_cannot_view' ) ),
			),
		);
		$jobs   = array( 'jobs' => array( array( 'id' => 14, 'topic' => 'order.refunded', 'resource_id' => '15', 'status' => 'failed', 'attempts' => 1, 'last_error' => 'No flow handles <order.refunded>' ) ) );
		$log    = array( 'calls' => array( array( 'id' => 1, 'system' => 'netsuite', 'method' => 'POST', 'path' => '/services/rest/record/v1/salesOrder', 'status' => 204, 'ms' => 6, 'error' => null, 'at' => '2026-11-28T03:36:28+00:00' ) ) );
		$html   = $this->render( $status, $jobs, $log );

		$this->assertStringContainsString( 'Connected', $html );
		$this->assertStringContainsString( 'Last call failed', $html );
		$this->assertStringContainsString( 'woocommerce_rest_cannot_view', $html );
		$this->assertStringContainsString( 'depth: 2, pending: 1, running: 1', $html );
		$this->assertStringContainsString( 'done · seen 4, changed 1, failed 0', $html );
		$this->assertStringContainsString( 'never run', $html );
		$this->assertStringContainsString( 'data-job-id="14" data-verb="retry"', $html );
		$this->assertStringContainsString( 'data-job-id="14" data-verb="skip"', $html );
		$this->assertStringContainsString( 'No flow handles &lt;order.refunded&gt;', $html );
		$this->assertStringContainsString( '/services/rest/record/v1/salesOrder', $html );
		$this->assertSame( 2, substr_count( $html, 'class="button nssync-sync-now"' ) );
	}

	public function test_a_failed_call_shows_why_and_a_404_says_the_sidecar_lacks_it() {
		$html = $this->render(
			array( '_error' => 'The sidecar could not be reached: refused', '_status' => 0 ),
			array( '_error' => 'not found', '_status' => 404 ),
			array( '_error' => 'not found', '_status' => 404 ),
			array(
				'pending' => 1,
				'entries' => array( array( 'topic' => 'order.created', 'resource_id' => 14, 'attempts' => 3, 'next_attempt' => 1795837109, 'last_error' => 'refused' ) ),
				'failing' => array(),
				'health'  => array( 'consecutive_failures' => 3, 'last_error' => 'refused', 'last_failure_at' => 1, 'last_success_at' => 0 ),
				'alert'   => false,
			)
		);
		$this->assertStringContainsString( 'The sidecar could not be reached: refused', $html );
		$this->assertSame( 2, substr_count( $html, 'This sidecar version does not provide this yet.' ) );
		$this->assertStringContainsString( '1 waiting; 3 failed sends in a row.', $html );
		$this->assertStringContainsString( 'id="nssync-send-pending"', $html );
		$this->assertStringContainsString( '<td>order.created</td><td>14</td><td>3</td>', $html );
	}
}
