<?php
/**
 * The Reconciliation section: the window sent for two dates, following a report until it is done, the counts
 * and findings in plain words with their one-click fix, a refused fix's reason, the CSV download, and the
 * reconcile flow's block in the Sync section.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

// Script loading is not in the shared shim: record what NSSync_Admin::enqueue_assets() hands the browser.
if ( ! function_exists( 'wp_enqueue_style' ) ) {
	function wp_enqueue_style( ...$args ) {
	}
}
if ( ! function_exists( 'wp_enqueue_script' ) ) {
	function wp_enqueue_script( ...$args ) {
	}
}
if ( ! function_exists( 'wp_localize_script' ) ) {
	function wp_localize_script( $handle, $name, $data ) {
		$GLOBALS['nssync_shim']['localized'][ $name ] = $data;
		return true;
	}
}
if ( ! function_exists( 'plugins_url' ) ) {
	function plugins_url( $path = '', $plugin = '' ) {
		return 'http://shop.test/wp-content/plugins/netsuite-sync-for-woocommerce/' . $path;
	}
}

class ReconcileReportTest extends TestCase {

	/** @var NSSync_Reconcile_Report */
	private $section;

	/** @var array path => [status, body] answers of the fake sidecar. */
	private $answers;

	protected function setUp(): void {
		nssync_shim_reset();
		$_POST = array();
		$_GET  = array();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		update_option( 'timezone_string', 'Europe/Berlin' );
		$this->answers                  = array(
			'/v1/reports/reconcile' => array( 202, array( 'report_id' => 12, 'run_id' => 40, 'status' => 'pending' ) ),
			'/v1/reports/12'        => array( 200, self::report() ),
			'/v1/reports/12/fix'    => array( 200, array( 'fixed' => array( 0 ), 'refused' => array() ) ),
		);
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			$path = parse_url( $url, PHP_URL_PATH );
			if ( 'format=csv' === parse_url( $url, PHP_URL_QUERY ) ) {
				return nssync_shim_response( 200, "kind,number,woo_id\nmissing_in_netsuite,1043,1043\n" );
			}
			if ( ! isset( $this->answers[ $path ] ) ) {
				return nssync_shim_response( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'there is no report' ) ) );
			}
			$answer = $this->answers[ $path ];
			return $answer instanceof WP_Error ? $answer : nssync_shim_response( $answer[0], $answer[1] );
		};
		$options       = new NSSync_Options();
		$this->section = new NSSync_Reconcile_Report( $options, new NSSync_Sidecar_Client( $options ) );
	}

	private static function report( $extra = array() ) {
		return array_merge(
			array(
				'id'          => 12,
				'kind'        => 'reconcile',
				'status'      => 'done',
				'params'      => array( 'from' => '2026-11-26T23:00:00', 'to' => '2026-12-04T23:00:00' ),
				'counts'      => array( 'orders' => 40, 'sales_orders' => 39, 'missing_in_netsuite' => 1, 'in_netsuite_twice' => 0, 'total_differs' => 1, 'tax_differs' => 0, 'customer_differs' => 0, 'completed_in_woo_unfulfilled_in_netsuite' => 0, 'fulfilled_in_netsuite_open_in_woo' => 0 ),
				'findings'    => array(
					array( 'kind' => 'missing_in_netsuite', 'number' => '1043', 'woo_id' => 1043, 'tranid' => null, 'ns_id' => null, 'detail' => 'order 1043 (processing) has no sales order', 'fix' => 'requeue', 'check' => null ),
					array( 'kind' => 'total_differs', 'number' => '1044', 'woo_id' => 1044, 'tranid' => 'SO77', 'ns_id' => '901', 'detail' => 'WooCommerce 29.90 vs NetSuite <1.23>', 'fix' => null, 'check' => 'Compare the lines, discounts and shipping of both; a price or tax setting may differ.' ),
					array( 'kind' => 'stock_drift', 'number' => null, 'woo_id' => null, 'tranid' => null, 'ns_id' => null, 'sku' => 'MUG-1', 'detail' => 'WooCommerce 4, NetSuite 9', 'fix' => 'push_stock', 'check' => null ),
					array( 'kind' => 'missing_in_netsuite', 'number' => '1045', 'woo_id' => 1045, 'tranid' => null, 'ns_id' => null, 'detail' => 'order 1045 (completed) has no sales order', 'fix' => 'requeue', 'check' => null, 'fixed' => 'requeued' ),
				),
				'error'       => null,
				'run_id'      => 40,
				'created_at'  => gmdate( 'Y-m-d\TH:i:s', time() - 600 ),
				'finished_at' => gmdate( 'Y-m-d\TH:i:s', time() - 300 ),
			),
			$extra
		);
	}

	private function call( $method, $post = array() ) {
		$_POST = $post;
		try {
			$this->section->$method();
		} catch ( NSSync_Shim_Json $sent ) {
			return $sent;
		}
		$this->fail( $method . ' ended without a JSON answer' );
	}

	public function test_two_dates_become_whole_days_in_the_sites_timezone() {
		$this->assertSame(
			array( 'from' => '2026-11-27T00:00:00+01:00', 'to' => '2026-12-05T00:00:00+01:00' ),
			NSSync_Reconcile_Report::window( '2026-11-27', '2026-12-04' )
		);
		$this->assertSame( array( 'from' => '2026-03-29T00:00:00+01:00', 'to' => '2026-03-30T00:00:00+02:00' ), NSSync_Reconcile_Report::window( '2026-03-29', '2026-03-29' ), 'one day, across the DST change' );
		$this->assertSame( 'The last day is before the first one.', NSSync_Reconcile_Report::window( '2026-12-04', '2026-12-03' ) );
		$this->assertSame( 'Pick both dates.', NSSync_Reconcile_Report::window( '2026-02-30', '2026-12-03' ) );
		$this->assertSame( 'Pick both dates.', NSSync_Reconcile_Report::window( '', '2026-12-03' ) );
	}

	public function test_start_sends_the_window_and_remembers_the_report() {
		$sent = $this->call( 'start', array( 'from' => '2026-11-27', 'to' => '2026-12-04' ) );
		$this->assertTrue( $sent->success );
		$this->assertSame( 12, $sent->data['report_id'] );
		$req = $GLOBALS['nssync_shim']['requests'][0];
		$this->assertSame( 'POST', $req['args']['method'] );
		$this->assertSame( '/v1/reports/reconcile', parse_url( $req['url'], PHP_URL_PATH ) );
		$this->assertSame( '{"from":"2026-11-27T00:00:00+01:00","to":"2026-12-05T00:00:00+01:00"}', $req['args']['body'] );
		$this->assertSame( 12, ( new NSSync_Options() )->last_report() );
		$this->assertStringContainsString( 'Waiting for the sidecar&#039;s worker to start the report', $sent->data['html'] );

		$sent = $this->call( 'start', array( 'from' => '2026-12-04', 'to' => '2026-12-01' ) );
		$this->assertSame( 400, $sent->status );
		$this->assertCount( 1, $GLOBALS['nssync_shim']['requests'], 'a bad window is not sent' );

		$this->answers['/v1/reports/reconcile'] = array( 422, array( 'error' => array( 'code' => 'invalid_field', 'message' => 'to: a report covers at most 366 days', 'field' => 'to' ) ) );
		$sent                                   = $this->call( 'start', array( 'from' => '2020-01-01', 'to' => '2026-12-01' ) );
		$this->assertSame( 'to: a report covers at most 366 days', $sent->data['message'] );
	}

	public function test_a_report_is_followed_until_it_is_done() {
		$this->answers['/v1/reports/12'] = array( 200, self::report( array( 'status' => 'running', 'findings' => array(), 'counts' => array() ) ) );
		$sent                            = $this->call( 'report', array( 'report_id' => '12' ) );
		$this->assertFalse( $sent->data['finished'] );
		$this->assertSame( 'Reading both systems and comparing…', $sent->data['progress'] );
		$this->answers['/v1/reports/12'] = array( 200, self::report() );
		$sent                            = $this->call( 'report', array( 'report_id' => '12' ) );
		$this->assertTrue( $sent->data['finished'] );
		$this->assertStringContainsString( 'nssync-findings', $sent->data['html'] );
		$this->answers['/v1/reports/12'] = array( 200, self::report( array( 'status' => 'failed', 'error' => 'NetSuite refused the query: <401>' ) ) );
		$sent                            = $this->call( 'report', array( 'report_id' => '12' ) );
		$this->assertTrue( $sent->data['finished'] );
		$this->assertStringContainsString( 'The report failed: NetSuite refused the query: &lt;401&gt;', $sent->data['html'] );
	}

	public function test_counts_by_kind_and_findings_in_plain_words_with_their_fix() {
		$html = ( new NSSync_Reconcile_View() )->render( self::report() );
		$this->assertStringContainsString( '<tr><th>WooCommerce orders compared</th><td>40</td></tr><tr><th>NetSuite sales orders read</th><td>39</td></tr>', $html );
		$this->assertStringContainsString( '<tr class="nssync-has-findings"><th>Missing in NetSuite</th><td><strong class="nssync-bad">1</strong></td></tr>', $html );
		$this->assertStringContainsString( '<tr class="nssync-no-findings"><th>Completed in WooCommerce, not fulfilled in NetSuite</th><td>0</td></tr>', $html );
		$this->assertStringContainsString( '<th>Stock differs</th><td><strong class="nssync-bad">1</strong></td>', $html, 'a kind found but not counted is counted' );
		// Re-queue on the missing order, with the finding's index in the report.
		$this->assertMatchesRegularExpression( '#<tr data-index="0"[^>]*><td>Missing in NetSuite</td><td><a href="[^"]*1043[^"]*">\#1043</a></td>.*?data-report-id="12" data-findings="0"[^>]*>Re-queue</button>#', $html );
		// No safe fix: what to check, and the difference escaped.
		$this->assertStringContainsString( '<td>SO77 <span class="description">(internal id 901)</span></td><td>WooCommerce 29.90 vs NetSuite &lt;1.23&gt;</td><td><span class="nssync-check">Compare the lines, discounts and shipping of both; a price or tax setting may differ.</span></td>', $html );
		$this->assertMatchesRegularExpression( '#<tr data-index="2"[^>]*><td>Stock differs</td><td>SKU <code>MUG-1</code></td>.*?data-findings="2"[^>]*>Push stock</button>#', $html );
		$this->assertStringContainsString( 'Re-queued: the order is being sent to NetSuite again.', $html, 'a fix already applied says so' );
		$this->assertStringNotContainsString( 'Re-queue all', $html, 'only one missing order is left to re-queue' );
		$this->assertStringContainsString( 'admin-post.php?action=nssync_reconcile_csv&#038;report=12&#038;_wpnonce=nonce-nssync_reconcile_csv', $html );
		$this->assertStringContainsString( 'Report 12 · 2026-11-27 – 2026-12-04 · made 5 mins ago', $html, 'whole days in the site timezone, the exclusive end shown as the last day' );
		$this->assertStringContainsString( 'made 5 mins ago', $html );

		$clean = ( new NSSync_Reconcile_View() )->render( self::report( array( 'findings' => array() ) ) );
		$this->assertStringContainsString( 'Both sides agree', $clean );
	}

	public function test_a_window_that_is_not_whole_days_is_shown_with_its_times() {
		update_option( 'date_format', 'M j, Y' );
		update_option( 'time_format', 'H:i' );
		$this->assertSame( 'Nov 27, 2026 – Dec 4, 2026', NSSync_Reconcile_View::period( '2026-11-26T23:00:00', '2026-12-04T23:00:00' ) );
		$this->assertSame( 'Nov 27, 2026 03:15 – Dec 4, 2026 03:15', NSSync_Reconcile_View::period( '2026-11-27T02:15:00', '2026-12-04T02:15:00' ) );
		$this->assertSame( '', NSSync_Reconcile_View::period( '', '2026-12-04T02:15:00' ) );
	}

	public function test_several_missing_orders_can_be_requeued_at_once() {
		$report                                = self::report();
		$report['findings'][3]['fixed']        = null;
		$html                                  = ( new NSSync_Reconcile_View() )->render( $report );
		$this->assertStringContainsString( 'data-report-id="12" data-findings="0,3">Re-queue all 2 missing orders</button>', $html );
	}

	public function test_a_fix_is_sent_by_index_and_a_refusal_shows_the_sidecars_reason() {
		$sent = $this->call( 'fix', array( 'report_id' => '12', 'findings' => '0' ) );
		$this->assertTrue( $sent->success );
		$this->assertSame( array( 0 ), $sent->data['fixed'] );
		$this->assertSame( 'Done: 1 fix applied.', $sent->data['message'] );
		$req = $GLOBALS['nssync_shim']['requests'][0];
		$this->assertSame( '/v1/reports/12/fix', parse_url( $req['url'], PHP_URL_PATH ) );
		$this->assertSame( '{"findings":[0]}', $req['args']['body'] );

		$this->answers['/v1/reports/12/fix'] = array( 200, array( 'fixed' => array(), 'refused' => array( array( 'finding' => 2, 'reason' => 'no safe one-click fix for this finding' ) ) ) );
		$sent                                = $this->call( 'fix', array( 'report_id' => '12', 'findings' => '2, x, 2' ) );
		$this->assertSame( '{"findings":[2]}', $GLOBALS['nssync_shim']['requests'][1]['args']['body'] );
		$this->assertSame( array( array( 'finding' => 2, 'reason' => 'no safe one-click fix for this finding' ) ), $sent->data['refused'] );
		$this->assertSame( 'Refused by the sidecar: no safe one-click fix for this finding', $sent->data['message'] );

		$this->assertSame( 400, $this->call( 'fix', array( 'report_id' => '12', 'findings' => '' ) )->status );
	}

	public function test_the_section_shows_the_last_report_or_says_why_not() {
		ob_start();
		$this->section->output();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'No report yet', $html );
		$this->assertSame( array( 'http://127.0.0.1:8765/v1/reports?kind=reconcile&limit=1' ), array_column( $GLOBALS['nssync_shim']['requests'], 'url' ) );
		$this->assertStringContainsString( 'id="nssync-reconcile-from" value="' . wp_date( 'Y-m-d', time() - 7 * DAY_IN_SECONDS ) . '"', $html );
		$this->assertStringContainsString( 'id="nssync-reconcile-to" value="' . wp_date( 'Y-m-d' ) . '"', $html );

		( new NSSync_Options() )->set_last_report( 12 );
		ob_start();
		$this->section->output();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'data-report-id="12" data-status="done"', $html );
		$this->assertStringContainsString( 'nssync-findings', $html );

		ob_start();
		$this->section->output( 99 );
		$html = ob_get_clean();
		$this->assertStringContainsString( 'The sidecar has no report 99 (any more): start a new one.', $html );

		$this->answers['/v1/reports/12'] = new WP_Error( 'http_request_failed', 'down' );
		ob_start();
		$this->section->output();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'The sidecar does not answer, so no report can be started or read now.', $html );

		// The nightly report (made by the sidecar, never started here) is the one shown when it is the newest.
		$this->answers['/v1/reports/12'] = array( 200, self::report() );
		$this->answers['/v1/reports']    = array( 200, array( 'reports' => array( array( 'id' => 12 ) ), 'total' => 1 ) );
		( new NSSync_Options() )->set_last_report( 3 );
		ob_start();
		$this->section->output();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'data-report-id="12" data-status="done"', $html );
	}

	public function test_the_csv_is_the_sidecars_bytes_and_its_download_checks_nonce_and_capability_first() {
		list( $name, $csv ) = $this->section->csv( 12 );
		$this->assertSame( 'netsuite-reconciliation-12-' . gmdate( 'Y-m-d' ) . '.csv', $name );
		$this->assertSame( "kind,number,woo_id\nmissing_in_netsuite,1043,1043\n", $csv );
		$req = $GLOBALS['nssync_shim']['requests'][0];
		$this->assertSame( NSSync_Sidecar_Client::sign( 's', $req['args']['headers']['X-NSSync-Timestamp'], 'GET', '/v1/reports/12', 'format=csv', '' ), $req['args']['headers']['X-NSSync-Signature'] );
		$GLOBALS['nssync_shim']['requests'] = array();
		$_GET                               = array( 'report' => '12' );
		foreach ( array( 'nonce_ok', 'can' ) as $switch ) {
			$GLOBALS['nssync_shim']['nonce_ok'] = 'nonce_ok' !== $switch;
			$GLOBALS['nssync_shim']['can']      = 'can' !== $switch;
			try {
				$this->section->download();
				$this->fail( 'downloaded without ' . $switch );
			} catch ( RuntimeException $e ) {
				$this->assertMatchesRegularExpression( '/^(nonce rejected|wp_die)/', $e->getMessage() );
			}
		}
		$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'] );
	}

	public function test_every_new_handler_refuses_a_bad_nonce_and_a_missing_capability() {
		$post     = array( 'order_id' => '13', 'limit' => '3', 'from' => '2026-11-27', 'to' => '2026-12-04', 'report_id' => '12', 'findings' => '0' );
		$options  = new NSSync_Options();
		$client   = new NSSync_Sidecar_Client( $options );
		$handlers = array(
			array( new NSSync_Preview( $options, $client ), NSSync_Preview::ACTIONS ),
			array( $this->section, NSSync_Reconcile_Report::ACTIONS ),
		);
		foreach ( $handlers as list( $handler, $actions ) ) {
			foreach ( $actions as $action => $method ) {
				foreach ( array( 'nonce_ok', 'can' ) as $switch ) {
					$GLOBALS['nssync_shim']['requests'] = array();
					$GLOBALS['nssync_shim']['nonce_ok'] = 'nonce_ok' !== $switch;
					$GLOBALS['nssync_shim']['can']      = 'can' !== $switch;
					nssync_shim_add_order( array( 'id' => 13, 'status' => 'processing' ) );
					$_POST = $post;
					try {
						$handler->$method();
						$this->fail( "$action answered nothing" );
					} catch ( NSSync_Shim_Json $sent ) {
						$this->assertFalse( $sent->success, "$action without $switch" );
						$this->assertSame( 403, $sent->status, "$action without $switch" );
					}
					$this->assertSame( array(), $GLOBALS['nssync_shim']['requests'], "$action made a call without $switch" );
				}
			}
		}
		$this->assertSame( 0, ( new NSSync_Options() )->last_report() );
	}

	public function test_the_new_handlers_are_hooked_for_logged_in_users_only_with_their_nonces() {
		$plugin                          = NSSync_Plugin::instance();
		$GLOBALS['nssync_shim']['hooks'] = array();
		( new NSSync_Hooks( $plugin ) )->register();
		$hooks = $GLOBALS['nssync_shim']['hooks'];
		$this->assertSame( array( $plugin->preview, 'preview_order' ), $hooks['wp_ajax_nssync_preview_order'][0][0] );
		$this->assertSame( array( $plugin->preview, 'preview_settings' ), $hooks['wp_ajax_nssync_preview_settings'][0][0] );
		foreach ( NSSync_Reconcile_Report::ACTIONS as $action => $method ) {
			$this->assertSame( array( $plugin->reconcile, $method ), $hooks[ 'wp_ajax_' . $action ][0][0] );
			$this->assertArrayNotHasKey( 'wp_ajax_nopriv_' . $action, $hooks );
		}
		$this->assertSame( array( $plugin->reconcile, 'download' ), $hooks['admin_post_nssync_reconcile_csv'][0][0] );
		$this->assertSame( array( $plugin->ajax, 'sync_now' ), $hooks['wp_ajax_nssync_sync_now'][0][0], 'the existing handlers stay' );
	}

	public function test_the_settings_tab_gets_a_nonce_for_every_new_action() {
		$_GET    = array( 'tab' => 'nssync', 'section' => 'reconcile' );
		$options = new NSSync_Options();
		$client  = new NSSync_Sidecar_Client( $options );
		( new NSSync_Admin( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) ) )->enqueue_assets( 'woocommerce_page_wc-settings' );
		$nonces = $GLOBALS['nssync_shim']['localized']['nssyncAdmin']['nonces'];
		foreach ( array_keys( NSSync_Preview::ACTIONS + NSSync_Reconcile_Report::ACTIONS ) as $action ) {
			$this->assertSame( 'nonce-' . $action, $nonces[ $action ], $action );
		}
		$this->assertArrayHasKey( 'nssync_sync_now', $nonces );
	}

	public function test_the_reconcile_flow_has_its_block_in_the_sync_section_when_the_sidecar_runs_it() {
		$map  = new NSSync_Settings_Map();
		$defs = $map->fields( 'sync' );
		$this->assertSame( array( 'reconcile.tolerance', 'text' ), array( $defs['nssync_reconcile__tolerance'][0], $defs['nssync_reconcile__tolerance'][1] ) );
		$this->assertSame( 'int', $defs['nssync_reconcile__lookback_days'][1] );
		$this->assertSame( 'schedules.reconcile', $defs['nssync_schedules__reconcile'][0] );
		$this->assertContains( 'reconcile', NSSync_Settings_Schema::offered_groups( array( 'orders', 'reconcile' ) ) );
		$this->assertNotContains( 'reconcile', NSSync_Settings_Schema::offered_groups( array( 'orders' ) ) );
		$this->assertContains( 'reconcile', NSSync_Ajax::SYNC_FLOWS, 'Sync now starts a report over the look-back days' );
		$values = $map->form_values( 'sync', array( 'reconcile' => array( 'tolerance' => '0.0100', 'lookback_days' => 7 ), 'schedules' => array( 'reconcile' => '0 2 * * *' ) ) );
		$this->assertSame( array( '0.0100', '7', '0 2 * * *' ), array( $values['nssync_reconcile__tolerance'], $values['nssync_reconcile__lookback_days'], $values['nssync_schedules__reconcile'] ) );
		$values['nssync_reconcile__lookback_days'] = '14';
		list( $patch, $errors ) = $map->patch_from_post( 'sync', $values, array( 'general', 'reconcile' ) );
		$this->assertSame( array(), $errors );
		$this->assertSame( array( 'tolerance' => '0.0100', 'lookback_days' => 14 ), $patch['reconcile'] );
		$this->assertSame( array( 'reconcile' => '0 2 * * *' ), $patch['schedules'] );
		$this->assertArrayNotHasKey( 'orders', $patch );
	}

	protected function tearDown(): void {
		$_POST = array();
		$_GET  = array();
	}
}
