<?php
/**
 * The order box (rendered without a sidecar call, filled over admin-ajax, no order meta written on view,
 * export / fulfillments / refunds / cancellation in words) and the orders-list column.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class OrderScreenTest extends TestCase {

	/** @var NSSync_Order_Screen */
	private $screen;

	/** @var NSSync_Forwarder */
	private $forwarder;

	/** @var NSSync_Ajax */
	private $ajax;

	/** @var array|null Answer of the fake sidecar to GET /v1/orders/<id>: [status, body]. */
	private $answer;

	protected function setUp(): void {
		nssync_shim_reset();
		$_POST = array();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		update_option( 'timezone_string', 'Europe/Berlin' );
		$options         = new NSSync_Options();
		$client          = new NSSync_Sidecar_Client( $options );
		$this->forwarder = new NSSync_Forwarder( $options, $client, new NSSync_Payloads() );
		$this->screen    = new NSSync_Order_Screen( $options, $client, $this->forwarder );
		$this->ajax      = new NSSync_Ajax( $options, $client, $this->forwarder, $this->screen );
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			return nssync_shim_response( $this->answer[0], $this->answer[1] );
		};
	}

	private function box( $order ) {
		ob_start();
		$this->screen->render_box( $order );
		return ob_get_clean();
	}

	private function cell( $order ) {
		ob_start();
		$this->screen->render_hpos_column( 'nssync', $order );
		return ob_get_clean();
	}

	private function state( $order_id ) {
		$_POST = array( 'order_id' => (string) $order_id );
		try {
			$this->ajax->order_state();
		} catch ( NSSync_Shim_Json $sent ) {
			return $sent;
		}
		$this->fail( 'no JSON sent' );
	}

	public function test_the_box_renders_without_asking_the_sidecar_and_is_filled_over_ajax() {
		$order = nssync_shim_add_order( array( 'id' => 13, 'status' => 'processing' ) );
		$html  = $this->box( $order );
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'], 'the order screen does not wait on the sidecar' );
		$this->assertStringContainsString( 'data-order-id="13"', $html );
		$this->assertStringContainsString( 'Asking the sidecar', $html );
		$this->assertStringContainsString( 'Send to NetSuite again', $html );

		$this->answer = array( 200, array(
			'woo_id'       => 13,
			'ns_id'        => '1',
			'ns_number'    => 'SO1',
			'status'       => 'exported',
			'exported_at'  => gmdate( 'Y-m-d\TH:i:s.u+00:00', time() - 120 ),
			'fulfillments' => array( array( 'ns_id' => '70', 'ns_number' => 'IF7', 'carrier' => 'UPS', 'tracking' => array( '1Z<9>' ), 'shipped' => array(), 'note' => null, 'synced_at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 60 ) ) ),
			// As flows/refunds.py refunds_of() records it: no status (a failed refund is a failed job, not a row here).
			'refunds'      => array( array( 'refund_id' => 45, 'ns_id' => '9', 'ns_number' => 'CM2', 'record' => 'creditMemo', 'source' => 'from invoice 7', 'amount' => '5.00', 'ns_total' => 5.0, 'external_id' => 'woo-refund-45', 'synced_at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 90 ) ) ),
			'cancellation' => array( 'by' => 'netsuite', 'state' => 'closed', 'shipped' => false, 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 30 ) ),
			'history'      => array( array( 'topic' => 'order.created', 'status' => 'done', 'at' => gmdate( 'c', time() - 130 ) ) ),
		) );
		$sent = $this->state( 13 );
		$this->assertTrue( $sent->success );
		$box = $sent->data['html'];
		$this->assertStringContainsString( 'Exported as SO1</mark> · <time', $box );
		$this->assertStringContainsString( '>2 mins ago</time>', $box, 'human time, not raw ISO with microseconds' );
		$this->assertStringNotContainsString( '.000000', strip_tags( $box ) );
		$this->assertStringContainsString( '(internal id 1)', $box );
		$this->assertStringContainsString( 'IF7 · UPS · 1Z&lt;9&gt;', $box );
		$this->assertStringContainsString( 'CM2 · credit memo · 5.00 · refund #45 · <time', $box, 'a refund says which one and when, not "Unknown"' );
		$this->assertStringNotContainsString( 'Unknown', $box );
		$this->assertStringContainsString( 'Sales order closed in NetSuite; this order was cancelled · <time', $box );
		$this->assertSame( '/v1/orders/13', parse_url( $GLOBALS['nssync_shim']['requests'][0]['url'], PHP_URL_PATH ) );
		$this->assertSame( 0, $order->meta_saves, 'viewing an order writes no order meta' );
		$this->assertSame( array(), $order->meta );
	}

	public function test_a_retried_export_shows_when_it_was_exported_not_when_the_order_was_placed() {
		// The sidecar's own answer (GET /v1/orders/<id>): synced_at, history newest first.
		nssync_shim_add_order( array( 'id' => 14, 'status' => 'on-hold' ) );
		$this->answer = array( 200, array(
			'woo_id'     => 14,
			'ns_id'      => '48',
			'ns_number'  => 'SO48',
			'status'     => 'exported',
			'last_error' => null,
			'synced_at'  => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 60 ),
			'history'    => array(
				array( 'topic' => 'order.updated', 'status' => 'done', 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 60 ) ),
				array( 'topic' => 'order.created', 'status' => 'failed', 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 600 ) ),
			),
		) );
		$box = $this->state( 14 )->data['html'];
		$this->assertMatchesRegularExpression( '#Exported as SO48</mark> · <time[^>]*>1 min ago</time>#', $box );
	}

	public function test_the_history_shows_the_newest_events_as_the_sidecar_lists_them() {
		// GET /v1/orders/<id> lists up to 50 events newest first (sidecar/api/orders.py); the box shows the 8 newest.
		nssync_shim_add_order( array( 'id' => 17, 'status' => 'processing' ) );
		$history = array();
		for ( $i = 12; $i >= 1; $i-- ) {
			$history[] = array(
				'event_id' => $i,
				'topic'    => 'order.updated',
				'source'   => 'plugin',
				'status'   => 'done',
				'attempts' => 1,
				'outcome'  => 'Event ' . $i . ' handled.',
				'error'    => null,
				'at'       => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 60 * ( 13 - $i ) ),
			);
		}
		$history[0]['outcome'] = 'Not exported yet: status on-hold is not one of orders.export_statuses';
		$this->answer = array( 200, array( 'woo_id' => 17, 'ns_id' => null, 'ns_number' => null, 'status' => 'not_exported', 'last_error' => null, 'synced_at' => null, 'history' => $history, 'record' => null, 'fulfillments' => array(), 'refunds' => array(), 'cancellation' => null ) );
		$box = $this->state( 17 )->data['html'];
		$this->assertStringContainsString( 'Order updated · Done · Not exported yet: status on-hold', $box, 'the newest event, with what the sidecar did' );
		$this->assertStringContainsString( 'Event 5 handled.', $box );
		$this->assertStringNotContainsString( 'Event 4 handled.', $box, 'only the 8 newest' );
		$this->assertLessThan( strpos( $box, 'Event 5 handled.' ), strpos( $box, 'Not exported yet' ), 'newest first' );
		$this->assertMatchesRegularExpression( '#Not exported yet</mark> · <time[^>]*>1 min ago</time>#', $box, 'the time of the latest event' );
	}

	/**
	 * Seen on a real store: with HPOS every look at the order saves it (the edit lock), each save is an
	 * order.updated webhook, and the sidecar answers "Already up to date." (flows/orders.py, after_sale.py):
	 * the History filled with such rows. Consecutive ones are one line saying how many checks found nothing.
	 */
	public function test_the_history_folds_consecutive_checks_that_found_nothing_to_change() {
		nssync_shim_add_order( array( 'id' => 1, 'status' => 'cancelled' ) );
		$row     = function ( $id, $topic, $status, $outcome, $ago, $error = null ) {
			return array( 'event_id' => $id, 'topic' => $topic, 'source' => 'woocommerce', 'status' => $status, 'attempts' => 1, 'outcome' => $outcome, 'error' => $error, 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - $ago ) );
		};
		$history = array( $row( 30, 'order.updated', 'done', 'Already up to date.', 1 ) );
		for ( $i = 29; $i >= 10; $i-- ) {
			$history[] = $row( $i, 'order.cancelled', 'done', 'Already up to date.', 60 * ( 31 - $i ) );
		}
		$history[] = $row( 9, 'order.updated', 'failed', null, 1700, 'NetSuite did not answer' );
		$history[] = $row( 8, 'order.updated', 'done', 'Already up to date.', 1710 );
		$history[] = $row( 7, 'order.created', 'done', 'Created SO1 (internal id 1).', 1720 );
		$this->answer = array( 200, array( 'woo_id' => 1, 'ns_id' => '1', 'ns_number' => 'SO1', 'status' => 'exported', 'export_status' => 'exported', 'failure' => null, 'last_error' => null, 'history' => $history ) );
		$box   = $this->state( 1 )->data['html'];
		$items = explode( '<li>', explode( '</ul>', explode( '<ul class="nssync-history">', $box )[1] )[0] );
		array_shift( $items );
		$shown = array_map(
			function ( $li ) {
				return preg_replace( '# · <time.*#', '', $li );
			},
			$items
		);
		$this->assertSame(
			array(
				'Order updated, Order cancelled · 21 checks found nothing to change',
				'Order updated · Failed · NetSuite did not answer',
				'Order updated · Done · Already up to date.',
				'Order created · Done · Created SO1 (internal id 1).',
			),
			$shown,
			'21 looks are one line; a single check stays as the sidecar wrote it; the export is not pushed out'
		);
		$this->assertMatchesRegularExpression( '#21 checks found nothing to change · <time[^>]*>1 second ago</time>#', $box, 'when the newest check ran' );
	}

	public function test_the_export_time_is_exported_at_not_the_later_close_recorded_on_the_link() {
		// Seen on a real store: a NetSuite close 2 minutes after the export moved synced_at, and the box said
		// "Exported as SO5 · just now". exported_at (GET /v1/orders/<id>) is when the sales order was made.
		nssync_shim_add_order( array( 'id' => 21, 'status' => 'cancelled' ) );
		$this->answer = array( 200, array(
			'woo_id'       => 21,
			'ns_id'        => '7',
			'ns_number'    => 'SO5',
			'status'       => 'exported',
			'exported_at'  => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 120 ),
			'synced_at'    => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 5 ),
			'cancellation' => array( 'by' => 'netsuite', 'state' => 'closed', 'shipped' => false, 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 5 ) ),
		) );
		$box = $this->state( 21 )->data['html'];
		$this->assertMatchesRegularExpression( '#Exported as SO5</mark> · <time[^>]*>2 mins ago</time>#', $box );
		$this->assertStringContainsString( 'this order was cancelled · <time', $box );
	}

	/**
	 * Every cancellation record the sidecar writes (sidecar/flows/cancellations.py, `_remember`), in words.
	 */
	public function test_each_cancellation_the_sidecar_records_reads_as_what_happened() {
		$cases = array(
			array( array( 'by' => 'woocommerce', 'state' => 'closed', 'lines' => 2 ), 'Cancelled here; every open line of the sales order was closed in NetSuite' ),
			array( array( 'by' => 'woocommerce', 'state' => 'reported', 'message' => 'x' ), 'Cancelled here; the sales order was left as it is in NetSuite' ),
			array( array( 'by' => 'netsuite', 'state' => 'closed' ), 'Sales order closed in NetSuite; this order was cancelled' ),
			array( array( 'by' => 'netsuite', 'state' => 'cancelled', 'woo' => 'already cancelled' ), 'Sales order cancelled in NetSuite; this order was cancelled' ),
			array( array( 'by' => 'netsuite', 'state' => 'closed', 'shipped' => true ), 'Sales order closed in NetSuite after part of it shipped; this order was left as it is' ),
			array( array( 'by' => 'netsuite', 'state' => 'closed', 'shipped' => false ), 'Sales order closed in NetSuite; this order was cancelled' ),
			array( array( 'by' => 'netsuite', 'state' => 'closed', 'woo' => 'completed' ), 'Sales order closed in NetSuite; this order was already completed and was left as it is' ),
			array( array( 'by' => 'netsuite', 'state' => 'cancelled', 'woo' => 'refunded' ), 'Sales order cancelled in NetSuite; this order was already refunded and was left as it is' ),
			array( array( 'state' => 'closed' ), 'Cancellation recorded' ),
		);
		foreach ( $cases as $case ) {
			$this->assertSame( $case[1], NSSync_Order_Box_View::cancellation_text( $case[0] ), wp_json_encode( $case[0] ) );
		}

		nssync_shim_add_order( array( 'id' => 16, 'status' => 'cancelled' ) );
		$this->answer = array( 200, array(
			'woo_id'       => 16,
			'ns_number'    => 'SO16',
			'status'       => 'exported',
			'fulfillments' => array( array( 'ns_number' => 'IF9', 'carrier' => 'UPS', 'tracking' => array(), 'synced_at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 180 ) ) ),
			'cancellation' => array( 'by' => 'woocommerce', 'state' => 'reported', 'message' => 'Cancelled in WooCommerce after NetSuite shipped part of <SO16>', 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 60 ) ),
		) );
		$box = $this->state( 16 )->data['html'];
		$this->assertStringContainsString( 'IF9 · UPS · <time', $box, 'a shipment shows when it was told to the store (synced_at)' );
		$this->assertStringContainsString( 'the sales order was left as it is in NetSuite · <time', $box );
		$this->assertStringContainsString( 'shipped part of &lt;SO16&gt;', $box, 'the reason, escaped' );
	}

	/**
	 * Seen on a real store: a refund failed (refunds.item_id not set) and the box said "Failed SO3", though SO3
	 * was fine. The answer as sidecar/api/orders.py sends it: `status` failed (the newest event failed, kept for
	 * older plugins), `export_status` exported, `failure` the jobs last_error is about. The box keeps
	 * "Exported as SO3" and shows the failure as its own line, with the fix and the Retry its hint names.
	 */
	public function test_a_failed_refund_keeps_the_export_and_shows_its_own_failure_with_retry() {
		nssync_shim_add_order( array( 'id' => 3, 'status' => 'refunded' ) );
		$error        = 'Refund 18: an amount-only refund needs a NetSuite item: set refunds.item_id';
		$this->answer = array( 200, array(
			'woo_id'        => 3,
			'ns_id'         => '3',
			'ns_number'     => 'SO3',
			'external_id'   => 'woo-order-3',
			'status'        => 'failed',
			'export_status' => 'exported',
			'failure'       => array( 'job_ids' => array( 7, 8 ), 'topics' => array( 'order.refunded', 'order.updated' ), 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 16 ) ),
			'last_error'    => $error,
			'hint'          => 'Fill in the setting named in the reason on the NetSuite settings tab, save, then press Retry.',
			'synced_at'     => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 23 ),
			'exported_at'   => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 23 ),
			'history'       => array(
				array( 'event_id' => 8, 'topic' => 'order.updated', 'source' => 'plugin', 'status' => 'failed', 'attempts' => 1, 'outcome' => null, 'error' => $error, 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 16 ) ),
				array( 'event_id' => 7, 'topic' => 'order.refunded', 'source' => 'plugin', 'status' => 'failed', 'attempts' => 1, 'outcome' => null, 'error' => $error, 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 16 ) ),
				array( 'event_id' => 6, 'topic' => 'order.created', 'source' => 'plugin', 'status' => 'done', 'attempts' => 1, 'outcome' => 'Created sales order SO3.', 'error' => null, 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 23 ) ),
			),
			'record'        => 'salesOrder',
			'fulfillments'  => array(),
			'refunds'       => array(),
			'cancellation'  => null,
		) );
		$box    = $this->state( 3 )->data['html'];
		$export = explode( '</p>', $box, 2 )[0];
		$this->assertStringContainsString( 'Exported as SO3</mark> · <time', $export, 'the sales order is still exported' );
		$this->assertStringNotContainsString( 'Failed', $export );
		$this->assertStringContainsString( '<mark class="nssync-state nssync-state-failed">Failed</mark> order.refunded, order.updated · <time', $box );
		$this->assertStringContainsString( '<p class="nssync-error">' . $error . '</p>', $box );
		$this->assertStringContainsString( 'then press Retry.', $box );
		$this->assertMatchesRegularExpression( '#<p class="nssync-job-actions"><button type="button" class="button nssync-job" data-job-ids="7,8" data-verb="retry">Retry</button>#', $box, 'the Retry the hint names' );
	}

	public function test_a_failed_export_shows_failed_with_its_fix_and_retry() {
		nssync_shim_add_order( array( 'id' => 4, 'status' => 'processing' ) );
		$this->answer = array( 200, array(
			'woo_id'        => 4,
			'ns_id'         => null,
			'ns_number'     => null,
			'status'        => 'failed',
			'export_status' => 'failed',
			'failure'       => array( 'job_ids' => array( 9 ), 'topics' => array( 'order.created' ), 'at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 60 ) ),
			'last_error'    => 'SKU CAP-3 has no NetSuite item (matched by itemid)',
			'hint'          => null,
		) );
		$box = $this->state( 4 )->data['html'];
		$this->assertStringContainsString( '<mark class="nssync-state nssync-state-failed">Failed</mark>', $box );
		$this->assertSame( 1, substr_count( $box, 'nssync-state-failed' ), 'the export failed: one Failed, not two' );
		$this->assertStringContainsString( 'SKU CAP-3 has no NetSuite item', $box );
		$this->assertStringContainsString( 'Create the item in NetSuite', $box );
		$this->assertStringContainsString( 'data-job-ids="9" data-verb="retry">Retry</button>', $box );
	}

	public function test_the_box_renders_an_older_answer_without_the_new_parts() {
		nssync_shim_add_order( array( 'id' => 14, 'status' => 'processing' ) );
		$this->answer = array( 200, array( 'woo_id' => 14, 'status' => 'failed', 'last_error' => 'Unknown SKU <b>X-1</b>', 'fulfillments' => 'nonsense', 'cancellation' => null ) );
		$box          = $this->state( 14 )->data['html'];
		$this->assertStringContainsString( 'nssync-state-failed', $box );
		$this->assertStringContainsString( 'Unknown SKU &lt;b&gt;X-1&lt;/b&gt;', $box, 'the sidecar error is escaped' );
		$this->assertStringContainsString( 'Create the item in NetSuite', $box, 'with the fix' );
		$this->assertStringNotContainsString( 'Fulfillments', $box );
	}

	public function test_the_box_is_the_sidecars_state_only() {
		$order = nssync_shim_add_order( array( 'id' => 15, 'status' => 'processing' ) );
		$order->update_meta_data( '_netsuite_sales_order_number', 'SO-FROM-ANOTHER-SIDECAR' );
		$this->answer = array( 200, array( 'woo_id' => 15, 'status' => 'failed', 'last_error' => 'x' ) );
		$this->assertStringNotContainsString( 'SO-FROM-ANOTHER-SIDECAR', $this->state( 15 )->data['html'] );
	}

	public function test_box_when_the_sidecar_does_not_know_the_order_yet_or_is_down() {
		nssync_shim_add_order( array( 'id' => 20, 'status' => 'processing' ) );
		$this->forwarder->queue( 'order.created', 20 );
		$this->answer = array( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'no such order' ) ) );
		$box          = $this->state( 20 )->data['html'];
		$this->assertStringContainsString( 'no record of this order yet', $box );
		$this->assertStringContainsString( 'Queued for the sidecar', $box );
		$GLOBALS['nssync_shim']['http'] = function () {
			return new WP_Error( 'http_request_failed', 'cURL error 7' );
		};
		$this->assertStringContainsString( 'does not answer', $this->state( 20 )->data['html'] );
	}

	public function test_the_box_is_high_in_the_sidebar() {
		$GLOBALS['nssync_shim']['meta_boxes'] = array();
		$this->screen->add_meta_box();
		$this->assertSame( array( 'side', 'high' ), array_slice( $GLOBALS['nssync_shim']['meta_boxes'][0], 4, 2 ) );
	}

	public function test_column_prefers_pending_then_written_back_number() {
		$order = nssync_shim_add_order( array( 'id' => 30, 'status' => 'processing' ) );
		$this->assertStringContainsString( '&ndash;', $this->cell( $order ) );

		$order->update_meta_data( '_netsuite_sales_order_number', 'SO7' );
		$this->assertStringContainsString( '>SO7<', $this->cell( $order ) );

		$this->forwarder->queue( 'order.updated', 30 );
		$this->assertStringContainsString( 'Queued', $this->cell( $order ) );
		$this->answer = array( 503, array( 'error' => array( 'code' => 'unavailable', 'message' => 'down' ) ) );
		$this->forwarder->send( 'order.updated', 30 );
		$cell = $this->cell( $order );
		$this->assertStringContainsString( 'Retrying', $cell );
		$this->assertStringContainsString( 'title="down"', $cell );
	}

	public function test_column_is_added_after_the_status_column() {
		$cols = $this->screen->add_column( array( 'cb' => '', 'order_number' => 'Order', 'order_status' => 'Status', 'order_total' => 'Total' ) );
		$this->assertSame( array( 'cb', 'order_number', 'order_status', 'nssync', 'order_total' ), array_keys( $cols ) );
	}

	protected function tearDown(): void {
		$_POST = array();
	}
}
