<?php
/**
 * Seconds, not "when cron runs": events queued in a request are sent right after its response has gone out.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Action Scheduler runs on WP-Cron, i.e. on the next page load: a quiet store could hold an order for minutes.
 * So at the end of a request that queued events (checkout, an order edit), this class starts their send at
 * once without making the customer wait:
 *
 * - where PHP can finish the response first (PHP-FPM's fastcgi_finish_request(), LiteSpeed's
 *   litespeed_finish_request()), it does that and then sends them in the same process (short timeout);
 * - otherwise it makes a non-blocking loopback request to admin-ajax (`nssync_send_now`, signed with a key of
 *   this site) that sends them in another process.
 *
 * The outbox and its Action Scheduler action stay as they are: if the immediate send fails, the action sends
 * the event later (the sidecar recognises a repeat by the event id, so nothing is processed twice).
 */
class NSSync_Immediate_Send {

	const ACTION       = 'nssync_send_now';
	const SEND_TIMEOUT = 5;
	const MAX_EVENTS   = 20;
	const TOKEN_TTL    = 60;

	/** @var NSSync_Forwarder */
	private $forwarder;

	/**
	 * Events queued in this request: "topic|id" => [topic, id].
	 *
	 * @var array
	 */
	private $queued = array();

	/** @var callable|null Finishes the response (fastcgi_finish_request); null when PHP cannot. */
	private $finish;

	/**
	 * @param NSSync_Forwarder $forwarder Sends one outbox entry.
	 * @param callable|null    $finish    Response finisher (default: the one this PHP has, if any).
	 */
	public function __construct( NSSync_Forwarder $forwarder, $finish = false ) {
		$this->forwarder = $forwarder;
		if ( false === $finish ) {
			$finish = function_exists( 'fastcgi_finish_request' ) ? 'fastcgi_finish_request' : ( function_exists( 'litespeed_finish_request' ) ? 'litespeed_finish_request' : null );
		}
		$this->finish = $finish;
	}

	/**
	 * `nssync_event_queued`: remember it (not while Action Scheduler or WP-CLI runs: they send anyway).
	 *
	 * @param string $topic       Topic.
	 * @param int    $resource_id Resource id.
	 */
	public function note( $topic, $resource_id ) {
		if ( ( defined( 'DOING_CRON' ) && DOING_CRON ) || ( defined( 'WP_CLI' ) && WP_CLI ) || doing_action( 'action_scheduler_run_queue' ) ) {
			return;
		}
		$this->queued[ $topic . '|' . $resource_id ] = array( (string) $topic, (int) $resource_id );
	}

	/**
	 * `shutdown`: finish the response and send, or hand the send to a loopback request.
	 *
	 * @return string What was done: nothing, sent, loopback.
	 */
	public function on_shutdown() {
		if ( ! $this->queued ) {
			return 'nothing';
		}
		$queued       = $this->queued;
		$this->queued = array();
		if ( $this->finish ) {
			call_user_func( $this->finish );
			foreach ( array_slice( $queued, 0, self::MAX_EVENTS ) as $event ) {
				$this->forwarder->send( $event[0], $event[1] );
			}
			return 'sent';
		}
		$this->loopback();
		return 'loopback';
	}

	/**
	 * A non-blocking POST to this site's admin-ajax: returns as soon as the request is written.
	 */
	public function loopback() {
		$t = time();
		wp_remote_post(
			admin_url( 'admin-ajax.php' ),
			array(
				'blocking'  => false,
				'timeout'   => 0.5,
				'sslverify' => apply_filters( 'https_local_ssl_verify', false ),
				'body'      => array(
					'action' => self::ACTION,
					't'      => (string) $t,
					'sig'    => self::token( $t ),
				),
			)
		);
	}

	/**
	 * The loopback's signature: an HMAC of the time with a key of this site (wp_salt), so nobody else can
	 * start sends (which would be harmless anyway: they only send what is already queued).
	 *
	 * @param int $t Unix time.
	 * @return string
	 */
	public static function token( $t ) {
		return hash_hmac( 'sha256', self::ACTION . '|' . (int) $t, wp_salt( 'nonce' ) );
	}

	/**
	 * `wp_ajax(_nopriv)_nssync_send_now`: check the signature and age, then send what is due.
	 *
	 * @param array|null $post The request's POST fields (default $_POST).
	 * @return int Events sent (or -1 when refused).
	 */
	public function handle_loopback( $post = null ) {
		$post = null === $post ? wp_unslash( $_POST ) : $post; // phpcs:ignore WordPress.Security.NonceVerification.Missing -- signed with wp_salt below, instead of a user nonce (the customer's session is not the sender).
		$t    = isset( $post['t'] ) ? (int) $post['t'] : 0;
		$sig  = isset( $post['sig'] ) ? (string) $post['sig'] : '';
		if ( ! $t || abs( time() - $t ) > self::TOKEN_TTL || ! hash_equals( self::token( $t ), $sig ) ) {
			return -1;
		}
		ignore_user_abort( true );
		$sent = 0;
		foreach ( $this->forwarder->outbox()->due( time(), self::MAX_EVENTS ) as $entry ) {
			if ( 0 === (int) $entry['attempts'] ) {
				$this->forwarder->send( $entry['topic'], (int) $entry['resource_id'] );
				++$sent;
			}
		}
		return $sent;
	}

	/**
	 * The admin-ajax callback: handle, then end the request.
	 */
	public function ajax() {
		$sent = $this->handle_loopback();
		wp_send_json( array( 'sent' => $sent ), $sent < 0 ? 403 : 200 );
	}
}
