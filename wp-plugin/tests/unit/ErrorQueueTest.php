<?php
/**
 * The error queue: filters validated into the sidecar query, rows grouped by order with a link, the fix
 * beside the reason, Skip asking first, page links; bulk retry through admin-ajax.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class ErrorQueueTest extends TestCase {

	protected function setUp(): void {
		nssync_shim_reset();
	}

	private function render( $answer, $filters = array(), $failed = null ) {
		ob_start();
		( new NSSync_Error_Queue_View() )->render(
			array(
				'answer'   => $answer,
				'filters'  => NSSync_Error_Queue_View::filters( $filters ),
				'base_url' => 'http://shop.test/wp-admin/admin.php?page=wc-settings&tab=nssync&section=status',
				'failed'   => $failed,
			)
		);
		return ob_get_clean();
	}

	public function test_filters_are_validated_and_become_the_sidecar_query() {
		$f = NSSync_Error_Queue_View::filters( array( 'nssync_flow' => 'orders', 'nssync_topic' => 'order.created', 'nssync_since' => '2026-12-01', 'nssync_until' => 'yesterday', 'nssync_page' => '3' ) );
		$this->assertSame( '/v1/jobs?status=failed&flow=orders&topic=order.created&since=2026-12-01&limit=20&offset=40&group=order', NSSync_Error_Queue_View::path( $f ) );
		$f = NSSync_Error_Queue_View::filters( array( 'nssync_flow' => '../x', 'nssync_topic' => 'evil', 'nssync_page' => '-2' ) );
		$this->assertSame( '', $f['flow'] );
		$this->assertSame( '', $f['topic'] );
		$this->assertSame( 1, $f['page'] );
	}

	/**
	 * A job as `GET /v1/jobs?group=order` sends it (sidecar/api/jobs.py `render` + `_grouped`).
	 */
	private static function job( $id, $topic, $resource_id, $attempts, $error, $job_ids, $hint = null ) {
		$kind = strtok( $topic, '.' );
		return array(
			'id'                    => $id,
			'topic'                 => $topic,
			'resource_id'           => (string) $resource_id,
			'source'                => 'plugin',
			'status'                => 'failed',
			'attempts'              => $attempts,
			'last_error'            => $error,
			'hint'                  => $hint,
			'resource'              => array( 'kind' => $kind, 'woo_id' => (string) $resource_id ),
			'outcome'               => null,
			'next_attempt_at'       => null,
			'netsuite_outage_since' => null,
			'occurred_at'           => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 900 ),
			'created_at'            => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 900 ),
			'updated_at'            => gmdate( 'Y-m-d\TH:i:s+00:00', time() - 300 ),
			'jobs_in_group'         => count( $job_ids ),
			'job_ids'               => $job_ids,
		);
	}

	public function test_jobs_of_one_order_are_one_row_linked_to_the_order_with_the_fix() {
		// Order 17 has two failed jobs (41, 42): the sidecar sends its newest with both ids.
		$jobs = array(
			self::job( 44, 'customer.created', 3, 2, 'x', array( 44 ), 'Set the <subsidiary>.' ),
			self::job( 42, 'order.updated', 17, 8, 'Unknown SKU TEST-CAP-003', array( 41, 42 ) ),
		);
		$html = $this->render( array( 'jobs' => $jobs, 'total' => 2, 'limit' => 20, 'offset' => 0 ), array(), 3 );
		$this->assertStringContainsString( 'data-confirm="Retry all 3 failed jobs?"', $html, 'total counts rows (2 records); the failed jobs are 3' );
		$this->assertSame( 1, substr_count( $html, 'Order #17' ), 'one row per order' );
		$this->assertStringContainsString( 'href="http://shop.test/wp-admin/post.php?post=17&#038;action=edit"', $html );
		$this->assertStringContainsString( 'data-job-ids="41,42" data-verb="retry"', $html, "Retry acts on every failed job of the order, not only its newest" );
		$this->assertStringContainsString( 'data-job-ids="41,42" data-verb="skip"', $html );
		$this->assertStringContainsString( 'class="nssync-check" value="41,42"', $html );
		$this->assertStringContainsString( '8 attempts · 2 failed jobs', $html );
		$this->assertStringContainsString( 'Customer #3', $html, 'a customer job names its customer' );
		$this->assertStringContainsString( 'data-job-ids="44" data-verb="retry"', $html );
		$this->assertStringContainsString( 'Create the item in NetSuite', $html, 'a fix matched from the reason' );
		$this->assertStringContainsString( 'Set the &lt;subsidiary&gt;.', $html, "the sidecar's own hint wins" );
		$this->assertMatchesRegularExpression( '/data-verb="skip" data-confirm="Skip this job\?/', $html );
		$this->assertStringContainsString( 'id="nssync-retry-selected"', $html );
		$this->assertStringContainsString( 'id="nssync-retry-all"', $html );
	}

	public function test_an_ungrouped_answer_still_makes_one_row_per_order() {
		$jobs = array(
			array( 'id' => 41, 'topic' => 'order.created', 'resource_id' => '17', 'attempts' => 8, 'last_error' => 'e' ),
			array( 'id' => 42, 'topic' => 'order.updated', 'resource_id' => '17', 'attempts' => 3, 'last_error' => 'e' ),
		);
		$this->assertCount( 1, NSSync_Error_Queue_View::group( $jobs ) );
		$html = $this->render( array( 'jobs' => $jobs, 'total' => 2 ) );
		$this->assertStringContainsString( 'data-job-ids="41,42" data-verb="retry"', $html );
		$this->assertStringContainsString( 'Order created, Order updated', $html, 'the topics in words, not their keys' );
		$this->assertStringContainsString( '<option value="order.refunded">Order refunded</option>', $html );
	}

	public function test_paging_links_keep_the_filters() {
		$jobs = array_map( function ( $i ) {
			return array( 'id' => $i, 'topic' => 'order.created', 'resource_id' => $i, 'last_error' => 'e' );
		}, range( 1, 20 ) );
		$html = $this->render( array( 'jobs' => $jobs, 'total' => 45 ), array( 'nssync_flow' => 'orders', 'nssync_page' => '2' ) );
		$this->assertStringContainsString( 'Page 2 of 3 (45 records with failed jobs)', $html );
		$this->assertStringContainsString( 'nssync_flow=orders&#038;nssync_page=1', $html );
		$this->assertStringContainsString( 'nssync_flow=orders&#038;nssync_page=3', $html );
		$this->assertStringContainsString( "<option value=\"orders\" selected='selected'>", $html );
	}

	public function test_no_failed_jobs() {
		$this->assertStringContainsString( 'No failed jobs.', $this->render( array( 'jobs' => array(), 'total' => 0 ) ) );
	}
}
