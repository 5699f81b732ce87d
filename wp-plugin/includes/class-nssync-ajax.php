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
		'nssync_jobs_retry'      => 'jobs_retry',
		'nssync_resend_order'    => 'resend_order',
		'nssync_order_state'     => 'order_state',
		'nssync_lookup'          => 'lookup',
		'nssync_send_pending'    => 'send_pending',
	);

	const SYNC_FLOWS = array( 'inventory', 'prices', 'products', 'fulfillments', 'refunds', 'cancellations', 'orders', 'customers', 'reconcile' );

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Forwarder */
	private $forwarder;

	/** @var NSSync_Order_Screen */
	private $order_screen;

	/**
	 * @param NSSync_Options           $options      Options.
	 * @param NSSync_Sidecar_Client    $client       Sidecar client.
	 * @param NSSync_Forwarder         $forwarder    Forwarder.
	 * @param NSSync_Order_Screen|null $order_screen Order box.
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, NSSync_Forwarder $forwarder, $order_screen = null ) {
		$this->options      = $options;
		$this->client       = $client;
		$this->forwarder    = $forwarder;
		$this->order_screen = $order_screen ? $order_screen : new NSSync_Order_Screen( $options, $client, $forwarder );
	}

	/**
	 * Nonce and capability, before anything else; dies with 403 otherwise. Shared by every admin-ajax handler
	 * of the plugin (NSSync_Preview and NSSync_Reconcile_Report too).
	 *
	 * @param string $action Ajax action (= nonce action).
	 */
	public static function guard( $action ) {
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
	public static function relay( $call ) {
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
				$answer         = $this->client->post( '/v1/credentials/test', null, 60 );
				$answer['rows'] = self::test_rows( $answer );
				return $answer;
			}
		);
	}

	/**
	 * The Test connection answer as rows to show: per system, ok, the error and the likely causes the sidecar
	 * diagnosed (`diagnosis.likely_causes`, in the system's half or at the top level).
	 *
	 * @param array $answer `POST /v1/credentials/test` answer.
	 * @return array[] `['system', 'label', 'ok', 'error', 'causes' => string[]]`.
	 */
	public static function test_rows( $answer ) {
		$labels = array(
			'netsuite'    => 'NetSuite',
			'woocommerce' => 'WooCommerce',
		);
		$rows   = array();
		foreach ( $labels as $system => $label ) {
			if ( ! isset( $answer[ $system ] ) || ! is_array( $answer[ $system ] ) ) {
				continue;
			}
			$half   = $answer[ $system ];
			$ok     = ! empty( $half['ok'] );
			$causes = self::causes( isset( $half['diagnosis'] ) ? $half['diagnosis'] : null );
			if ( ! $ok && ! $causes && isset( $answer['diagnosis'] ) ) {
				$causes = self::causes( isset( $answer['diagnosis'][ $system ] ) ? $answer['diagnosis'][ $system ] : $answer['diagnosis'] );
			}
			$rows[] = array(
				'system' => $system,
				'label'  => $label,
				'ok'     => $ok,
				'error'  => isset( $half['error'] ) && is_scalar( $half['error'] ) ? (string) $half['error'] : '',
				'causes' => $ok ? array() : $causes,
			);
		}
		return $rows;
	}

	/**
	 * The likely causes as lines of text. The sidecar sends each as `{"audit_code", "cause"}`
	 * (sidecar/clients/netsuite_diagnosis.py `likely_causes`): the cause, with the code NetSuite's Login Audit
	 * Trail shows for it. A plain string (an older answer) is taken as it is.
	 *
	 * @param mixed $diagnosis `{"likely_causes": [...]}`.
	 * @return string[]
	 */
	private static function causes( $diagnosis ) {
		if ( ! is_array( $diagnosis ) || ! isset( $diagnosis['likely_causes'] ) || ! is_array( $diagnosis['likely_causes'] ) ) {
			return array();
		}
		$out = array();
		foreach ( $diagnosis['likely_causes'] as $cause ) {
			if ( is_scalar( $cause ) ) {
				$out[] = (string) $cause;
			} elseif ( is_array( $cause ) && isset( $cause['cause'] ) && is_scalar( $cause['cause'] ) ) {
				$code  = isset( $cause['audit_code'] ) && is_scalar( $cause['audit_code'] ) ? (string) $cause['audit_code'] : '';
				$out[] = '' === $code ? (string) $cause['cause'] : sprintf(
					/* translators: 1: a likely cause of a refused login, 2: the detail NetSuite's Login Audit Trail shows for it */
					__( '%1$s (Login Audit Trail: %2$s)', 'netsuite-sync-for-woocommerce' ),
					(string) $cause['cause'],
					$code
				);
			}
		}
		return $out;
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
	 * Job ids from a comma-separated field (digits, letters, - and _ only).
	 *
	 * @param string $name Field.
	 * @return string[]
	 */
	private function ids( $name ) {
		$ids = array();
		foreach ( explode( ',', $this->field( $name ) ) as $id ) {
			$id = preg_replace( '/[^A-Za-z0-9_-]/', '', $id );
			if ( '' !== $id ) {
				$ids[] = $id;
			}
		}
		return array_slice( array_values( array_unique( $ids ) ), 0, 500 );
	}

	/**
	 * Retry or Skip the jobs of one row: `POST /v1/jobs/<id>/retry|skip` for one id; several ids are retried
	 * with one `POST /v1/jobs/retry` and skipped one by one.
	 */
	public function job_action() {
		$this->guard( 'nssync_job_action' );
		$ids  = $this->ids( isset( $_POST['job_ids'] ) ? 'job_ids' : 'job_id' ); // phpcs:ignore WordPress.Security.NonceVerification.Missing -- guard() ran.
		$verb = $this->field( 'verb' );
		if ( ! $ids || ! in_array( $verb, array( 'retry', 'skip' ), true ) ) {
			wp_send_json_error( array( 'message' => __( 'Missing job id or action.', 'netsuite-sync-for-woocommerce' ) ), 400 );
		}
		// The sidecar answers the job (its status: pending, skipped) or a count; the row says what happened in words.
		$message = 'retry' === $verb ? __( 'Queued again.', 'netsuite-sync-for-woocommerce' ) : __( 'Skipped.', 'netsuite-sync-for-woocommerce' );
		$this->relay(
			function () use ( $ids, $verb, $message ) {
				if ( 1 === count( $ids ) ) {
					$answer = $this->client->post( '/v1/jobs/' . rawurlencode( $ids[0] ) . '/' . $verb, null, 15 );
				} elseif ( 'retry' === $verb ) {
					$answer = $this->client->post( '/v1/jobs/retry', array( 'ids' => $this->numeric( $ids ) ), 30 );
				} else {
					foreach ( $ids as $id ) {
						$this->client->post( '/v1/jobs/' . rawurlencode( $id ) . '/skip', null, 15 );
					}
					$answer = array( 'skipped' => count( $ids ) );
				}
				return array( 'message' => $message ) + $answer;
			}
		);
	}

	/**
	 * Bulk retry: the selected ids, or every failed job (`{"all": true, "status": "failed"}`) → `{"retried": n}`.
	 */
	public function jobs_retry() {
		$this->guard( 'nssync_jobs_retry' );
		$all  = 'yes' === $this->field( 'all' );
		$ids  = $this->ids( 'job_ids' );
		if ( ! $all && ! $ids ) {
			wp_send_json_error( array( 'message' => __( 'Select the jobs to retry first.', 'netsuite-sync-for-woocommerce' ) ), 400 );
		}
		$body = $all ? array(
			'all'    => true,
			'status' => 'failed',
		) : array( 'ids' => $this->numeric( $ids ) );
		$this->relay(
			function () use ( $body ) {
				return $this->client->post( '/v1/jobs/retry', $body, 30 );
			}
		);
	}

	/**
	 * Ids as numbers where they are numbers (the sidecar's job ids are integers).
	 *
	 * @param string[] $ids Ids.
	 * @return array
	 */
	private function numeric( $ids ) {
		return array_map(
			static function ( $id ) {
				return ctype_digit( $id ) ? (int) $id : $id;
			},
			$ids
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
	 * A picker's search: `GET /v1/netsuite/lookups/<kind>?q=` → `{"kind", "items": [{"id", "name"}]}`.
	 */
	public function lookup() {
		$this->guard( 'nssync_lookup' );
		$kind = sanitize_key( $this->field( 'kind' ) );
		if ( ! in_array( $kind, NSSync_Settings_Schema::LOOKUP_KINDS, true ) ) {
			wp_send_json_error( array( 'message' => __( 'Unknown kind of NetSuite record.', 'netsuite-sync-for-woocommerce' ) ), 400 );
		}
		$q = substr( $this->field( 'q' ), 0, 100 );
		$this->relay(
			function () use ( $kind, $q ) {
				$answer = $this->client->get( NSSync_Sidecar_Client::with_query( '/v1/netsuite/lookups/' . $kind, array( 'q' => $q ) ), 15 );
				$items  = array();
				foreach ( isset( $answer['items'] ) && is_array( $answer['items'] ) ? $answer['items'] : array() as $item ) {
					if ( is_array( $item ) && isset( $item['id'] ) && is_scalar( $item['id'] ) ) {
						$items[] = array(
							'id'   => (string) $item['id'],
							'name' => isset( $item['name'] ) && is_scalar( $item['name'] ) ? (string) $item['name'] : (string) $item['id'],
						);
					}
				}
				return array(
					'kind'  => $kind,
					'items' => $items,
				);
			}
		);
	}

	/**
	 * The order box's content, asked by the browser after the order screen has loaded.
	 */
	public function order_state() {
		$this->guard( 'nssync_order_state' );
		$order_id = absint( $this->field( 'order_id' ) );
		if ( ! $order_id || ! wc_get_order( $order_id ) ) {
			wp_send_json_error( array( 'message' => __( 'Order not found.', 'netsuite-sync-for-woocommerce' ) ), 404 );
		}
		wp_send_json_success( array( 'html' => $this->order_screen->state_html( $order_id ) ) );
	}

	/**
	 * "Send now" in the Status section: every waiting event becomes due immediately.
	 */
	public function send_pending() {
		$this->guard( 'nssync_send_pending' );
		$count = 0;
		foreach ( $this->forwarder->outbox()->entries() as $entry ) {
			$entry['next_attempt'] = 0;
			$this->forwarder->outbox()->update( $entry );
			$args = array( $entry['topic'], (int) $entry['resource_id'] );
			as_unschedule_all_actions( NSSync_Forwarder::HOOK_SEND, $args, NSSync_Forwarder::GROUP );
			as_enqueue_async_action( NSSync_Forwarder::HOOK_SEND, $args, NSSync_Forwarder::GROUP );
			do_action( 'nssync_event_queued', $args[0], $args[1] ); // Sent right after this answer.
			++$count;
		}
		wp_send_json_success( array( 'queued' => $count ) );
	}
}
