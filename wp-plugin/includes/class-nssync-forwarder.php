<?php
/**
 * Event forwarding: WooCommerce hooks → durable outbox → Action Scheduler → signed `POST /v1/events`.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * The hook callbacks never make an HTTP call: they add an outbox entry (one row of the nssync_outbox table per
 * topic and resource, so a second change while one is pending joins it) and enqueue an async action. The action sends
 * the event; on failure it re-schedules itself with exponential back-off (Action Scheduler never retries a
 * single action), so nothing is dropped while the sidecar is down. A recurring sweep re-enqueues any entry
 * whose action was lost.
 */
class NSSync_Forwarder {

	const HOOK_SEND      = 'nssync_send_event';
	const HOOK_SWEEP     = 'nssync_sweep_outbox';
	const GROUP          = 'netsuite-sync';
	const BASE_DELAY     = 60;
	const MAX_DELAY      = 3600;
	const ALERT_ATTEMPTS = 5;
	const BACKLOG_ALERT  = 50;
	const SWEEP_INTERVAL = 600;
	const SEND_TIMEOUT   = 15;

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Payloads */
	private $payloads;

	/** @var NSSync_Outbox */
	private $outbox;

	/**
	 * @param NSSync_Options        $options  Health storage.
	 * @param NSSync_Sidecar_Client $client   The sidecar.
	 * @param NSSync_Payloads       $payloads Envelope builder.
	 * @param NSSync_Outbox|null    $outbox   The outbox table.
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, NSSync_Payloads $payloads, $outbox = null ) {
		$this->options  = $options;
		$this->client   = $client;
		$this->payloads = $payloads;
		$this->outbox   = $outbox ? $outbox : new NSSync_Outbox();
	}

	/**
	 * The outbox table.
	 *
	 * @return NSSync_Outbox
	 */
	public function outbox() {
		return $this->outbox;
	}

	// ---- WooCommerce / WordPress hook callbacks (no HTTP here) -------------------------------------------

	/**
	 * `woocommerce_new_order`: a new order (block-checkout drafts are skipped; they arrive as a status change).
	 *
	 * @param int           $order_id Order id.
	 * @param WC_Order|null $order    Order.
	 */
	public function on_new_order( $order_id, $order = null ) {
		$order = $order ? $order : wc_get_order( $order_id );
		if ( $order && 'checkout-draft' === $order->get_status() ) {
			return;
		}
		$this->queue( 'order.created', $order_id );
	}

	/**
	 * `woocommerce_order_status_changed`: the trigger that fires on both checkouts and for every gateway.
	 *
	 * @param int    $order_id Order id.
	 * @param string $from     Old status (without wc-).
	 * @param string $to       New status.
	 */
	public function on_status_changed( $order_id, $from, $to ) {
		if ( 'checkout-draft' === $to ) {
			return;
		}
		if ( 'cancelled' === $to ) {
			$topic = 'order.cancelled';
		} elseif ( 'checkout-draft' === $from ) {
			$topic = 'order.created';
		} else {
			$topic = 'order.updated';
		}
		$this->queue( $topic, $order_id );
	}

	/**
	 * `woocommerce_order_refunded`.
	 *
	 * @param int $order_id  Order id.
	 * @param int $refund_id Refund id.
	 */
	public function on_refunded( $order_id, $refund_id = 0 ) {
		$this->queue( 'order.refunded', $order_id, array( 'refund_id' => absint( $refund_id ) ) );
	}

	/**
	 * `woocommerce_created_customer` / `woocommerce_new_customer`.
	 *
	 * @param int $customer_id User id.
	 */
	public function on_customer_created( $customer_id ) {
		$this->queue( 'customer.created', $customer_id );
	}

	/**
	 * `woocommerce_update_customer` / `profile_update`: only users with a synced role.
	 *
	 * @param int $customer_id User id.
	 */
	public function on_customer_updated( $customer_id ) {
		$user = get_userdata( $customer_id );
		if ( ! $user || ! array_intersect( (array) $user->roles, $this->options->customer_roles() ) ) {
			return;
		}
		$this->queue( 'customer.updated', $customer_id );
	}

	// ---- queue, send, retry ------------------------------------------------------------------------------

	/**
	 * Record an event and enqueue its send, unless one is already pending for the same topic and resource;
	 * then the pending send takes it (its payload is read at send time) and is repeated once after success.
	 *
	 * @param string $topic       Topic.
	 * @param int    $resource_id Order or customer id.
	 * @param array  $extra       Extra hints for the entry.
	 * @return bool True when a new event was queued, false when it joined a pending one.
	 */
	public function queue( $topic, $resource_id, $extra = array() ) {
		$resource_id = absint( $resource_id );
		if ( ! $resource_id ) {
			return false;
		}
		$entry = $this->payloads->new_entry( $topic, $resource_id, $extra );
		if ( $this->outbox->add( $entry ) ) {
			as_enqueue_async_action( self::HOOK_SEND, array( $topic, $resource_id ), self::GROUP );
			/**
			 * An event was queued: NSSync_Immediate_Send starts its send once the response has gone out.
			 *
			 * @param string $topic       Topic.
			 * @param int    $resource_id Resource id.
			 */
			do_action( 'nssync_event_queued', $topic, $resource_id );
			return true;
		}
		$pending = $this->outbox->get( $topic, $resource_id );
		if ( $pending ) {
			$pending['changed'] = true;
			$pending            = array_merge( $pending, $extra );
			$this->outbox->update( $pending );
		}
		if ( ! as_has_scheduled_action( self::HOOK_SEND, array( $topic, $resource_id ), self::GROUP ) ) {
			as_enqueue_async_action( self::HOOK_SEND, array( $topic, $resource_id ), self::GROUP );
		}
		return false;
	}

	/**
	 * The Action Scheduler callback: send one pending event; on failure schedule the next attempt.
	 *
	 * @param string $topic       Topic.
	 * @param int    $resource_id Resource id.
	 * @return string Outcome: sent, gone, nothing, retry.
	 */
	public function send( $topic, $resource_id ) {
		$entry = $this->outbox->get( $topic, $resource_id );
		if ( ! $entry ) {
			return 'nothing';
		}
		$envelope = $this->payloads->envelope( $entry );
		if ( null === $envelope ) {
			$this->outbox->delete( $topic, $resource_id );
			return 'gone';
		}
		try {
			$answer = $this->client->post( '/v1/events', $envelope, self::SEND_TIMEOUT );
		} catch ( NSSync_Sidecar_Exception $e ) {
			$this->failed(
				$entry,
				$e->is_bad_secret()
					? __( 'The shared secret does not match the sidecar\'s: paste the sidecar\'s secret under WooCommerce → Settings → NetSuite.', 'netsuite-sync-for-woocommerce' )
					: $e->getMessage()
			);
			return 'retry';
		}
		$this->succeeded( $entry, $answer );
		return 'sent';
	}

	/**
	 * Seconds to wait before attempt number $attempts + 1: 60 s doubling up to one hour.
	 *
	 * @param int $attempts Failed attempts so far (≥ 1).
	 * @return int
	 */
	public static function backoff( $attempts ) {
		$attempts = max( 1, (int) $attempts );
		return (int) min( self::MAX_DELAY, self::BASE_DELAY * ( 2 ** min( 12, $attempts - 1 ) ) );
	}

	/**
	 * @param array  $entry   Entry that failed.
	 * @param string $message Why.
	 */
	private function failed( $entry, $message ) {
		$entry['attempts']     = (int) $entry['attempts'] + 1;
		$entry['last_error']   = $message;
		$entry['next_attempt'] = time() + self::backoff( $entry['attempts'] );
		$this->outbox->update( $entry );
		as_schedule_single_action( $entry['next_attempt'], self::HOOK_SEND, array( $entry['topic'], (int) $entry['resource_id'] ), self::GROUP );

		$health                         = $this->options->health();
		$health['consecutive_failures'] = (int) $health['consecutive_failures'] + 1;
		$health['last_error']           = $message;
		$health['last_failure_at']      = time();
		$this->options->set_health( $health );
		$this->remember_order_state( $entry, 'retrying', $message );
	}

	/**
	 * @param array $entry  Entry that was accepted.
	 * @param array $answer Sidecar answer (`event_id`, `status`).
	 */
	private function succeeded( $entry, $answer ) {
		$current = $this->outbox->get( $entry['topic'], $entry['resource_id'] );
		if ( $current && ! empty( $current['changed'] ) ) {
			// The resource changed while this send was pending or running: send it once more as a new event.
			$next = $this->payloads->new_entry( $entry['topic'], $entry['resource_id'] );
			$this->outbox->update( $next );
			as_enqueue_async_action( self::HOOK_SEND, array( $entry['topic'], (int) $entry['resource_id'] ), self::GROUP );
		} else {
			$this->outbox->delete( $entry['topic'], $entry['resource_id'] );
		}
		$health                         = $this->options->health();
		$health['consecutive_failures'] = 0;
		$health['last_success_at']      = time();
		$this->options->set_health( $health );
		$this->remember_order_state( $entry, 'sent', isset( $answer['status'] ) ? (string) $answer['status'] : '' );
	}

	/**
	 * Keep a small display state on the order (for the orders-list column).
	 *
	 * @param array  $entry  Entry.
	 * @param string $state  sent or retrying.
	 * @param string $detail Sidecar status or last error.
	 */
	private function remember_order_state( $entry, $state, $detail ) {
		if ( 0 !== strpos( $entry['topic'], 'order.' ) ) {
			return;
		}
		$order = wc_get_order( $entry['resource_id'] );
		if ( ! $order ) {
			return;
		}
		$old = $order->get_meta( '_nssync_state' );
		$order->update_meta_data(
			'_nssync_state',
			array(
				'state'     => $state,
				'ns_number' => ( is_array( $old ) && isset( $old['ns_number'] ) ) ? (string) $old['ns_number'] : '',
				'detail'    => substr( $detail, 0, 300 ),
				'event_id'  => $entry['id'],
				'at'        => time(),
			)
		);
		$order->save_meta_data();
	}

	/**
	 * Recurring sweep: enqueue any outbox entry that is overdue and has no pending action (its action was
	 * lost, e.g. a fatal error or a deleted action).
	 *
	 * @return int Entries re-enqueued.
	 */
	public function sweep() {
		if ( (int) $this->options->contact()['down_since'] > 0 && $this->options->is_paired() ) {
			// The sidecar was last seen down: look again, so the admin notice ends when it is back.
			try {
				$this->client->get( '/v1/status', 5 );
			} catch ( NSSync_Sidecar_Exception $e ) {
				unset( $e ); // Still down: the notice stays.
			}
		}
		$count = 0;
		foreach ( $this->outbox->due( time() ) as $entry ) {
			$args = array( $entry['topic'], (int) $entry['resource_id'] );
			if ( ! as_has_scheduled_action( self::HOOK_SEND, $args, self::GROUP ) ) {
				as_enqueue_async_action( self::HOOK_SEND, $args, self::GROUP );
				++$count;
			}
		}
		return $count;
	}

	/**
	 * Make sure the recurring sweep is scheduled (called on `init`, once Action Scheduler is ready).
	 */
	public function ensure_sweep_scheduled() {
		if ( function_exists( 'as_has_scheduled_action' ) && ! as_has_scheduled_action( self::HOOK_SWEEP, array(), self::GROUP ) ) {
			as_schedule_recurring_action( time() + self::SWEEP_INTERVAL, self::SWEEP_INTERVAL, self::HOOK_SWEEP, array(), self::GROUP );
		}
	}

	/**
	 * "Send to NetSuite again" on the order screen: a fresh order.updated event.
	 *
	 * @param int $order_id Order id.
	 * @return bool
	 */
	public function resend_order( $order_id ) {
		$this->queue( 'order.updated', $order_id );
		return true;
	}

	/**
	 * The pending outbox entry of an order, if any (the most troubled one first).
	 *
	 * @param int $order_id Order id.
	 * @return array|null
	 */
	public function pending_for_order( $order_id ) {
		$found = null;
		foreach ( array( 'order.created', 'order.updated', 'order.refunded', 'order.cancelled' ) as $topic ) {
			$entry = $this->outbox->get( $topic, $order_id );
			if ( $entry && ( null === $found || $entry['attempts'] > $found['attempts'] ) ) {
				$found = $entry;
			}
		}
		return $found;
	}

	/**
	 * What the admin notice and the Status section show about forwarding, in one indexed query.
	 *
	 * @return array pending (events), orders (distinct orders waiting), failing (entries with ≥ ALERT_ATTEMPTS
	 *               failed attempts), oldest (unix time), health, alert (bool).
	 */
	public function summary() {
		$counts = $this->outbox->counts( self::ALERT_ATTEMPTS );
		$health = $this->options->health();
		// Alert after the first failed cycle while something waits, on a persistent failure, or on a backlog.
		$alert = $counts['pending'] > 0 && (
			(int) $health['consecutive_failures'] >= 1
			|| $counts['failing'] > 0
			|| $counts['pending'] >= self::BACKLOG_ALERT
		);
		return array_merge(
			$counts,
			array(
				'health' => $health,
				'alert'  => $alert,
			)
		);
	}
}
