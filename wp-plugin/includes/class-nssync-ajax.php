<?php
/**
 * admin-ajax handlers behind the Test connection, Sync now, Retry / Skip and Send again buttons.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Every handler starts with guard(): a per-action nonce and the `manage_woocommerce` capability. Handlers only
 * relay to the sidecar and answer JSON; sidecar errors come back as `{"success": false, "data": {"message"}}`.
 */
class NSSync_Ajax {

	/**
	 * admin-ajax action => method. The nonce action equals the ajax action.
	 *
	 * @var array
	 */
	const ACTIONS = array(
		'nssync_test_connection' => 'test_connection',
		'nssync_sync_now'        => 'sync_now',
		'nssync_run_status'      => 'run_status',
		'nssync_job_action'      => 'job_action',
		'nssync_resend_order'    => 'resend_order',
		'nssync_send_pending'    => 'send_pending',
	);

	const SYNC_FLOWS = array( 'inventory', 'prices', 'products', 'fulfillments', 'refunds', 'cancellations', 'orders', 'customers' );

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Forwarder */
	private $forwarder;

	/**
	 * @param NSSync_Options        $options   Options.
	 * @param NSSync_Sidecar_Client $client    Sidecar client.
	 * @param NSSync_Forwarder      $forwarder Forwarder.
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, NSSync_Forwarder $forwarder ) {
		$this->options   = $options;
		$this->client    = $client;
		$this->forwarder = $forwarder;
	}

	/**
	 * Nonce and capability, before anything else; dies with 403 otherwise.
	 *
	 * @param string $action Ajax action (= nonce action).
	 */
	private function guard( $action ) {
		if ( ! check_ajax_referer( $action, 'nonce', false ) ) {
			wp_send_json_error( array( 'message' => __( 'Your session has expired: reload the page and try again.', 'netsuite-sync-for-woocommerce' ) ), 403 );
		}
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_send_json_error( array( 'message' => __( 'You are not allowed to do this.', 'netsuite-sync-for-woocommerce' ) ), 403 );
		}
	}

	/**
	 * A sanitized POST field.
	 *
	 * @param string $name Field.
	 * @return string
	 */
	private function field( $name ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- guard() ran first in every handler.
		return isset( $_POST[ $name ] ) ? sanitize_text_field( wp_unslash( $_POST[ $name ] ) ) : '';
	}

	/**
	 * Relay a sidecar call; answer its result or its error.
	 *
	 * @param callable $call Makes the call, returns data to send.
	 */
	private function relay( $call ) {
		try {
			$data = call_user_func( $call );
		} catch ( NSSync_Sidecar_Exception $e ) {
			wp_send_json_error(
				array(
					'message' => $e->getMessage(),
					'code'    => $e->get_error_code(),
					'status'  => $e->get_status(),
				)
			);
			return;
		}
		unset( $data['_status'] );
		wp_send_json_success( $data );
	}

	/**
	 * `POST /v1/credentials/test`: one result per system.
	 */
	public function test_connection() {
		$this->guard( 'nssync_test_connection' );
		$this->relay(
			function () {
				return $this->client->post( '/v1/credentials/test', null, 60 );
			}
		);
	}

	/**
	 * `POST /v1/sync/<flow>`: start a run, answer its run_id.
	 */
	public function sync_now() {
		$this->guard( 'nssync_sync_now' );
		$flow = sanitize_key( $this->field( 'flow' ) );
		if ( ! in_array( $flow, self::SYNC_FLOWS, true ) ) {
			wp_send_json_error( array( 'message' => __( 'Unknown flow.', 'netsuite-sync-for-woocommerce' ) ), 400 );
		}
		$this->relay(
			function () use ( $flow ) {
				return $this->client->post( '/v1/sync/' . $flow, null, 15 );
			}
		);
	}

	/**
	 * `GET /v1/runs/<id>`: progress and result of a run.
	 */
	public function run_status() {
		$this->guard( 'nssync_run_status' );
		$run_id = preg_replace( '/[^A-Za-z0-9_-]/', '', $this->field( 'run_id' ) );
		if ( '' === $run_id ) {
			wp_send_json_error( array( 'message' => __( 'Missing run id.', 'netsuite-sync-for-woocommerce' ) ), 400 );
		}
		$this->relay(
			function () use ( $run_id ) {
				return $this->client->get( '/v1/runs/' . rawurlencode( $run_id ), 10 );
			}
		);
	}

	/**
	 * `POST /v1/jobs/<id>/retry|skip`.
	 */
	public function job_action() {
		$this->guard( 'nssync_job_action' );
		$job_id = preg_replace( '/[^A-Za-z0-9_-]/', '', $this->field( 'job_id' ) );
		$verb   = $this->field( 'verb' );
		if ( '' === $job_id || ! in_array( $verb, array( 'retry', 'skip' ), true ) ) {
			wp_send_json_error( array( 'message' => __( 'Missing job id or action.', 'netsuite-sync-for-woocommerce' ) ), 400 );
		}
		$this->relay(
			function () use ( $job_id, $verb ) {
				return $this->client->post( '/v1/jobs/' . rawurlencode( $job_id ) . '/' . $verb, null, 15 );
			}
		);
	}

	/**
	 * "Send to NetSuite again": queue a fresh order.updated event (sent by Action Scheduler).
	 */
	public function resend_order() {
		$this->guard( 'nssync_resend_order' );
		$order_id = absint( $this->field( 'order_id' ) );
		if ( ! $order_id || ! wc_get_order( $order_id ) ) {
			wp_send_json_error( array( 'message' => __( 'Order not found.', 'netsuite-sync-for-woocommerce' ) ), 404 );
		}
		$this->forwarder->resend_order( $order_id );
		wp_send_json_success( array( 'queued' => true ) );
	}

	/**
	 * "Send now" in the Status section: every waiting event becomes due immediately.
	 */
	public function send_pending() {
		$this->guard( 'nssync_send_pending' );
		$count = 0;
		foreach ( $this->options->outbox_entries() as $entry ) {
			$entry['next_attempt'] = 0;
			$this->options->update_outbox_entry( $entry );
			$args = array( $entry['topic'], (int) $entry['resource_id'] );
			as_unschedule_all_actions( NSSync_Forwarder::HOOK_SEND, $args, NSSync_Forwarder::GROUP );
			as_enqueue_async_action( NSSync_Forwarder::HOOK_SEND, $args, NSSync_Forwarder::GROUP );
			++$count;
		}
		wp_send_json_success( array( 'queued' => $count ) );
	}
}
