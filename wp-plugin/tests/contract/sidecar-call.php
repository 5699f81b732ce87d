<?php
/**
 * Contract script: the plugin's own client (signing + HTTP) against a real sidecar, through the shim's real
 * HTTP transport. Run by tests/test_plugin_contract.py:
 *
 *   php sidecar-call.php <sidecar url> <shared secret> <step>
 *
 * Steps print one JSON object: get-settings, put-settings, put-invalid, wrong-secret, event.
 *
 * @package NSSync
 */

require_once dirname( __DIR__ ) . '/bootstrap.php';

list( , $url, $secret, $step ) = $argv;
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
			$post['nssync_inventory__locations'] = '3, 4';
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
		default:
			throw new InvalidArgumentException( 'unknown step ' . $step );
	}
	echo json_encode( array( 'ok' => true, 'status' => $answer['_status'] ?? 200, 'body' => $answer ), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ), "\n";
} catch ( NSSync_Sidecar_Exception $e ) {
	echo json_encode(
		array(
			'ok'     => false,
			'status' => $e->get_status(),
			'code'   => $e->get_error_code(),
			'field'  => $e->get_field(),
			'message' => $e->getMessage(),
		),
		JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES
	), "\n";
}
