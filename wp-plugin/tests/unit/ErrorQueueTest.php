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

	private function render( $answer, $filters = array() ) {
		ob_start();
		( new NSSync_Error_Queue_View() )->render(
			array(
				'answer'   => $answer,
				'filters'  => NSSync_Error_Queue_View::filters( $filters ),
				'base_url' => 'http://shop.test/wp-admin/admin.php?page=wc-settings&tab=nssync&section=status',
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

	public function test_jobs_of_one_order_are_one_row_linked_to_the_order_with_the_fix() {
		$jobs = array(
			array( 'id' => 41, 'topic' => 'order.created', 'resource_id' => 17, 'attempts' => 8, 'last_error' => 'Unknown SKU TEST-CAP-003' ),
			array( 'id' => 42, 'topic' => 'order.updated', 'resource_id' => 17, 'attempts' => 3, 'last_error' => 'Unknown SKU TEST-CAP-003' ),
			array( 'id' => 44, 'topic' => 'customer.created', 'flow' => 'customers', 'resource_id' => 3, 'attempts' => 2, 'last_error' => 'x', 'hint' => 'Set the <subsidiary>.' ),
		);
		$this->assertCount( 2, NSSync_Error_Queue_View::group( $jobs ) );
		$html = $this->render( array( 'jobs' => $jobs, 'total' => 3 ) );
		$this->assertSame( 1, substr_count( $html, 'Order #17' ), 'two jobs of order 17, one row' );
		$this->assertStringContainsString( 'href="http://shop.test/wp-admin/post.php?post=17&#038;action=edit"', $html );
		$this->assertStringContainsString( 'order.created, order.updated', $html );
		$this->assertStringContainsString( '8 attempts', $html );
		$this->assertStringContainsString( 'data-job-ids="41,42" data-verb="retry"', $html );
		$this->assertStringContainsString( 'Create the item in NetSuite', $html, 'a fix matched from the reason' );
		$this->assertStringContainsString( 'Set the &lt;subsidiary&gt;.', $html, "the sidecar's own hint wins" );
		$this->assertMatchesRegularExpression( '/data-verb="skip" data-confirm="Skip this job\?/', $html );
		$this->assertStringContainsString( 'id="nssync-retry-selected"', $html );
		$this->assertStringContainsString( 'id="nssync-retry-all"', $html );
	}

	public function test_paging_links_keep_the_filters() {
		$jobs = array_map( function ( $i ) {
			return array( 'id' => $i, 'topic' => 'order.created', 'resource_id' => $i, 'last_error' => 'e' );
		}, range( 1, 20 ) );
		$html = $this->render( array( 'jobs' => $jobs, 'total' => 45 ), array( 'nssync_flow' => 'orders', 'nssync_page' => '2' ) );
		$this->assertStringContainsString( 'Page 2 of 3 (45 failed)', $html );
		$this->assertStringContainsString( 'nssync_flow=orders&#038;nssync_page=1', $html );
		$this->assertStringContainsString( 'nssync_flow=orders&#038;nssync_page=3', $html );
		$this->assertStringContainsString( "<option value=\"orders\" selected='selected'>", $html );
	}

	public function test_no_failed_jobs() {
		$this->assertStringContainsString( 'No failed jobs.', $this->render( array( 'jobs' => array(), 'total' => 0 ) ) );
	}
}
