<?php
/**
 * Contract script: the plugin's own client (signing + HTTP) against a real sidecar, through the shim's real
 * HTTP transport. Run by tests/test_plugin_contract.py:
 *
 *   php sidecar-call.php <sidecar url> <shared secret> <step> [<argument>...]
 *
 * Steps print one JSON object: get-settings, put-settings, put-invalid, wrong-secret, round-trip, event, and
 * (second release) status, status-view, runs, jobs, error-queue, job-action <verb> <ids>, jobs-retry-all, catalog, catalog-view, catalog-csv, order-box, credentials-oauth2,
 * save-wrong-secret, test-connection, lookup, cli-status, and (dry run and reconciliation) preview-order <woo id>,
 * preview-settings, reconcile-start <from Y-m-d> <to Y-m-d>, reconcile-report <report id>. Those four run the
 * plugin's own admin-ajax handlers (the shim's wp_send_json_* throws what would be sent) and print it.
 *
 * @package NSSync
 */

require_once dirname( __DIR__ ) . '/bootstrap.php';

list( , $url, $secret, $step ) = $argv;
$args = array_slice( $argv, 4 );

/**
 * Run an admin-ajax handler of the plugin with these POST fields; what it would send as JSON.
 *
 * @param callable $handler Handler.
 * @param array    $post    POST fields.
 * @return array success, data.
 */
function nssync_contract_ajax( $handler, $post ) {
	$_POST = $post;
	try {
		call_user_func( $handler );
	} catch ( NSSync_Shim_Json $sent ) {
		return array( 'success' => $sent->success, 'data' => $sent->data, 'status' => $sent->status );
	}
	throw new RuntimeException( 'the handler sent no JSON' );
}
update_option( NSSync_Options::SIDECAR_URL, $url );
update_option( NSSync_Options::SHARED_SECRET, $secret );
$client = new NSSync_Sidecar_Client( new NSSync_Options() );

try {
	switch ( $step ) {
		case 'get-settings':
		case 'wrong-secret':
			$answer = $client->get( '/v1/settings', 10 );
			break;
		case 'put-settings':
			$answer = $client->put( '/v1/settings', array( 'inventory' => array( 'safety_buffer' => 3 ), 'orders' => array( 'memo' => 'Bestellung {number} – Zoë/Köln' ) ), 10 );
			break;
		case 'put-invalid':
			$answer = $client->put( '/v1/settings', array( 'orders' => array( 'subsidiary_id' => 'abc' ) ), 10 );
			break;
		case 'round-trip':
			// The settings page's own save path: the form as shown, one field changed, PUT back.
			$map      = new NSSync_Settings_Map();
			$options  = new NSSync_Options();
			$page     = new NSSync_Settings_Save( $options, $client, $map );
			$settings = $client->get( '/v1/settings', 10 );
			$post     = $map->form_values( 'sync', $settings );
			if ( 'yes' !== $post['nssync_fulfillments__complete_order'] ) {
				unset( $post['nssync_fulfillments__complete_order'] );
			}
			$post['nssync_inventory__locations'] = array( '3', '4' ); // As the picker posts it.
			$post['nssync_schedules__refunds']   = '0 * * * *'; // Set in wp-admin like every flow's schedule.
			$ok     = $page->save_sidecar_section( 'sync', $post );
			$answer = array(
				'saved'  => $ok,
				'errors' => NSSync_Settings_Save::field_errors(),
				'after'  => $client->get( '/v1/settings', 10 ),
			);
			$post['nssync_orders__guest_customer'] = 'nobody';
			$answer['bad_saved']  = $page->save_sidecar_section( 'sync', $post );
			$answer['bad_errors'] = NSSync_Settings_Save::field_errors();
			break;
		case 'event':
			// The forwarding path: hook → outbox → Action Scheduler (shim) → signed POST /v1/events, then the
			// same envelope again (a retry after a lost answer) must be recognised as a duplicate.
			nssync_shim_add_order( array( 'id' => 1043, 'status' => 'processing', 'total' => '29.90', 'billing' => array( 'first_name' => 'Zoë' ) ) );
			$options   = new NSSync_Options();
			$payloads  = new NSSync_Payloads();
			$forwarder = new NSSync_Forwarder( $options, $client, $payloads );
			add_action( NSSync_Forwarder::HOOK_SEND, array( $forwarder, 'send' ), 10, 2 );
			$forwarder->on_status_changed( 1043, 'pending', 'processing' );
			$entry    = $forwarder->outbox()->get( 'order.updated', 1043 );
			$envelope = $payloads->envelope( $entry );
			nssync_shim_run_due( time() );
			$answer = array(
				'event_id'     => $entry['id'],
				'outbox_after' => count( $forwarder->outbox()->entries() ),
				'state'        => $GLOBALS['nssync_shim']['orders'][1043]->meta['_nssync_state']['state'],
				'again'        => $client->post( '/v1/events', $envelope, 10 ),
				'order'        => $client->get( '/v1/orders/1043', 10 ),
			);
			break;
		case 'status':
			$answer = $client->get( '/v1/status', 10 );
			break;
		case 'status-view':
			// The Status section as wp-admin prints it (connections, runs, error queue, API log).
			$options = new NSSync_Options();
			ob_start();
			( new NSSync_Status_Panel( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) ) )->output( array() );
			$answer = array(
				'status' => $client->get( '/v1/status', 10 ),
				'html'   => ob_get_clean(),
			);
			break;
		case 'runs':
			// What the Status section asks for each installed flow.
			$answer = $client->get( NSSync_Sidecar_Client::with_query( '/v1/runs', array( 'flow' => 'inventory', 'limit' => 1 ) ), 10 );
			break;
		case 'jobs':
			// The error queue's first page with every filter set: flow, topic, dates, paging, grouped by order.
			$filters = NSSync_Error_Queue_View::filters( array( 'nssync_flow' => 'orders', 'nssync_topic' => 'order.created', 'nssync_since' => '2020-01-01', 'nssync_until' => '2100-01-01' ) );
			$answer  = $client->get( NSSync_Error_Queue_View::path( $filters ), 10 );
			break;
		case 'error-queue':
			// The error queue as the Status section prints it (first page, no filter, grouped by order).
			$filters = NSSync_Error_Queue_View::filters( array() );
			$jobs    = $client->get( NSSync_Error_Queue_View::path( $filters ), 10 );
			ob_start();
			( new NSSync_Error_Queue_View() )->render(
				array(
					'answer'   => $jobs,
					'filters'  => $filters,
					'base_url' => NSSync_Admin::settings_url( 'status' ),
					'failed'   => $client->get( '/v1/status', 10 )['failed'], // As NSSync_Status_Panel hands it in.
				)
			);
			$answer = array(
				'jobs' => $jobs,
				'html' => ob_get_clean(),
			);
			break;
		case 'job-action':
			// A row's Retry or Skip button: admin-ajax nssync_job_action with the row's data-job-ids.
			$options = new NSSync_Options();
			$ajax    = new NSSync_Ajax( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) );
			$answer  = array( 'ajax' => nssync_contract_ajax( array( $ajax, 'job_action' ), array( 'verb' => $args[0], 'job_ids' => $args[1] ) ) );
			break;
		case 'jobs-retry-all':
			$answer = $client->post( '/v1/jobs/retry', array( 'all' => true, 'status' => 'failed' ), 10 );
			break;
		case 'catalog':
			$answer = $client->get( '/v1/reports/catalog', 30 );
			break;
		case 'catalog-view':
			// The catalog report page as wp-admin prints it.
			ob_start();
			( new NSSync_Catalog_Report( $client ) )->output();
			$answer = array( 'html' => ob_get_clean() );
			break;
		case 'catalog-csv':
			list( $name, $csv ) = ( new NSSync_Catalog_Report( $client ) )->csv();
			$answer             = array( 'filename' => $name, 'csv' => $csv );
			break;
		case 'order-box':
			// The order box's content as the browser receives it (order 1043 after the `event` step, or the given one).
			$order_id  = isset( $args[0] ) ? (int) $args[0] : 1043;
			$options   = new NSSync_Options();
			$forwarder = new NSSync_Forwarder( $options, $client, new NSSync_Payloads() );
			$answer    = array(
				'state' => $client->get( '/v1/orders/' . $order_id, 10 ),
				'html'  => ( new NSSync_Order_Screen( $options, $client, $forwarder ) )->state_html( $order_id ),
			);
			break;
		case 'credentials-oauth2':
			// The Connection save of an OAuth 2.0 M2M setup, then what the sidecar says it holds.
			$saver = new NSSync_Connection_Save( new NSSync_Options(), $client );
			$ok    = $saver->save(
				array(
					'nssync_sidecar_url'        => $url,
					'nssync_ns_account_id'      => '1234567_SB1',
					'nssync_ns_auth'            => 'oauth2',
					'nssync_ns_auth_was'        => 'tba',
					'nssync_ns_client_id'       => 'contract-client-id',
					'nssync_ns_certificate_id'  => 'contract-certificate-id',
					'nssync_ns_private_key_pem' => "-----BEGIN " . "PRIVATE KEY-----\r\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\r\n-----END " . "PRIVATE KEY-----\r\n",
					'nssync_wc_webhook_secret'  => 'wh <%41>  "x\'\\ü',
				)
			);
			$answer = array(
				'saved'  => $ok,
				'errors' => NSSync_Settings_Save::field_errors(),
				'view'   => $client->get( '/v1/credentials', 10 ),
			);
			break;
		case 'save-wrong-secret':
			// A secret the sidecar refuses: not stored, nothing sent.
			update_option( NSSync_Options::SHARED_SECRET, $secret );
			$options = new NSSync_Options();
			$ok      = ( new NSSync_Connection_Save( $options, $client ) )->save(
				array(
					'nssync_sidecar_url'   => $url,
					'nssync_shared_secret' => 'not-the-sidecars-secret',
					'nssync_ns_account_id' => '7654321',
				)
			);
			$answer  = array(
				'saved'         => $ok,
				'errors'        => NSSync_Settings_Save::field_errors(),
				'secret_stored' => $options->shared_secret() === $secret,
			);
			break;
		case 'test-connection':
			// Connection → Test connection: the admin-ajax handler's answer (rows with the likely causes).
			$options = new NSSync_Options();
			$ajax    = new NSSync_Ajax( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) );
			$answer  = array( 'ajax' => nssync_contract_ajax( array( $ajax, 'test_connection' ), array() ) );
			break;
		case 'lookup':
			$answer = $client->get( NSSync_Sidecar_Client::with_query( '/v1/netsuite/lookups/location', array( 'q' => 'ware house' ) ), 15 );
			break;
		case 'cli-status':
			require_once dirname( __DIR__ ) . '/shim/wp-cli-shim.php';
			require_once dirname( __DIR__, 2 ) . '/includes/class-nssync-cli.php';
			$options = new NSSync_Options();
			( new NSSync_CLI( $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) ) )->status();
			$answer = array( 'lines' => WP_CLI::$out );
			break;
		case 'preview-order':
			// The order box's "Preview NetSuite sales order": the handler's answer, and the raw preview.
			nssync_shim_add_order( array( 'id' => (int) $args[0], 'status' => 'processing' ) );
			$options = new NSSync_Options();
			$answer  = array( 'ajax' => nssync_contract_ajax( array( new NSSync_Preview( $options, $client ), 'preview_order' ), array( 'order_id' => $args[0] ) ) );
			if ( $answer['ajax']['success'] ) {
				$answer['raw'] = $client->post( '/v1/preview/orders/' . (int) $args[0], null, 45 );
			}
			break;
		case 'preview-settings':
			// Mappings → "Try these settings": the form as shown with one unsaved change, then one the sidecar refuses.
			$options = new NSSync_Options();
			$map     = new NSSync_Settings_Map();
			$preview = new NSSync_Preview( $options, $client, $map );
			$before  = $client->get( '/v1/settings', 10 );
			$post    = $map->form_values( 'mappings', $before );
			$post['nssync_orders__field_map'] = 'customer_note = memo';
			$post['nssync_rules_mode']        = 'json';
			$post['limit']                    = '2';
			$good                             = nssync_contract_ajax( array( $preview, 'preview_settings' ), $post );
			$post['nssync_orders__shipping_item_id'] = 'abc';
			$answer = array(
				'good'      => $good,
				'bad'       => nssync_contract_ajax( array( $preview, 'preview_settings' ), $post ),
				'unchanged' => $client->get( '/v1/settings', 10 ) === $before,
			);
			break;
		case 'reconcile-start':
			$options = new NSSync_Options();
			$answer  = array(
				'ajax'        => nssync_contract_ajax( array( new NSSync_Reconcile_Report( $options, $client ), 'start' ), array( 'from' => $args[0], 'to' => $args[1] ) ),
				'last_report' => $options->last_report(),
			);
			break;
		case 'reconcile-report':
			// The report as the section follows it, its CSV, then the one-click fix of every finding that offers one.
			$options = new NSSync_Options();
			$section = new NSSync_Reconcile_Report( $options, $client );
			$report  = nssync_contract_ajax( array( $section, 'report' ), array( 'report_id' => $args[0] ) );
			$raw     = $client->get( '/v1/reports/' . (int) $args[0], 10 );
			$fixable = array();
			foreach ( $raw['findings'] as $i => $finding ) {
				if ( null !== $finding['fix'] ) {
					$fixable[] = $i;
				}
			}
			list( $name, $csv ) = $section->csv( (int) $args[0] );
			$answer             = array(
				'ajax'     => $report,
				'raw'      => $raw,
				'filename' => $name,
				'csv'      => $csv,
				'fix'      => $fixable ? nssync_contract_ajax( array( $section, 'fix' ), array( 'report_id' => $args[0], 'findings' => implode( ',', $fixable ) ) ) : null,
			);
			break;
		default:
			throw new InvalidArgumentException( 'unknown step ' . $step );
	}
	echo json_encode( array( 'ok' => true, 'status' => $answer['_status'] ?? 200, 'body' => $answer ), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ), "\n";
} catch ( NSSync_Sidecar_Exception $e ) {
	echo json_encode(
		array(
			'ok'      => false,
			'status'  => $e->get_status(),
			'code'    => $e->get_error_code(),
			'field'   => $e->get_field(),
			'errors'  => $e->get_errors(),
			'message' => $e->getMessage(),
		),
		JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES
	), "\n";
}
