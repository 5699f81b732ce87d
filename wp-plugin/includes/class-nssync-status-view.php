<?php
/**
 * The Status section's markup (escaping and printing only).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Prints the sidecar's status, each flow's last run with Sync now, the plugin's forwarding outbox, the error
 * queue (NSSync_Error_Queue_View) and the API log. Tolerant of missing keys: a panel whose call failed shows
 * why; an unreachable sidecar is said once, at the top, with the time it last answered.
 */
class NSSync_Status_View {

	/**
	 * @param array $data status (`GET /v1/status` or `_error`), runs (flow => run|null), stale (bool), jobs
	 *                    (NSSync_Error_Queue_View data or null), log (`GET /v1/log` or `_error`), summary
	 *                    (NSSync_Forwarder::summary() + entries), contact (NSSync_Options::contact() + url).
	 */
	public function render( $data ) {
		$status = $data['status'];
		echo '<div class="nssync-status">';
		$down = isset( $status['_error'] ) && 0 === (int) $status['_status'];
		if ( $down ) {
			// Said once, here; the panels below do not repeat the transport error.
			echo '<div class="notice notice-error inline nssync-down"><p>' . esc_html( self::down_text( $data['contact'] ) ) . '</p></div>';
		}
		$this->connections( $status, $down );
		$this->runs( $data['runs'], ! empty( $data['stale'] ) );
		$this->forwarding( $data['summary'], $down );
		if ( null !== $data['jobs'] ) {
			( new NSSync_Error_Queue_View() )->render( $data['jobs'], $down );
		}
		$this->log( $data['log'], $down );
		echo '</div>';
	}

	/**
	 * "The sidecar at http://… has not answered since 14:05." (site timezone; a date when not today).
	 *
	 * @param array $contact last_ok, down_since, url.
	 * @return string
	 */
	public static function down_text( $contact ) {
		$since = (int) $contact['last_ok'] ? (int) $contact['last_ok'] : (int) $contact['down_since'];
		if ( ! $since ) {
			/* translators: %s: sidecar URL */
			return sprintf( __( 'The sidecar at %s does not answer. Check that it is running (sidecar serve) and that this URL reaches it.', 'netsuite-sync-for-woocommerce' ), $contact['url'] );
		}
		$format = wp_date( 'Y-m-d', $since ) === wp_date( 'Y-m-d' ) ? get_option( 'time_format', 'H:i' ) : get_option( 'date_format', 'Y-m-d' ) . ' ' . get_option( 'time_format', 'H:i' );
		return sprintf(
			/* translators: 1: sidecar URL, 2: time */
			__( 'The sidecar at %1$s has not answered since %2$s. Check that it is running (sidecar serve) and that this URL reaches it; orders wait in WordPress meanwhile and nothing is lost.', 'netsuite-sync-for-woocommerce' ),
			$contact['url'],
			wp_date( $format, $since )
		);
	}

	/**
	 * @param array $status Status answer.
	 * @param bool  $down   The sidecar does not answer.
	 */
	private function connections( $status, $down ) {
		echo '<h2>' . esc_html__( 'Connections', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		if ( isset( $status['_error'] ) ) {
			self::unavailable( $status, $down );
			return;
		}
		$conns = isset( $status['connections'] ) && is_array( $status['connections'] ) ? $status['connections'] : $status;
		echo '<table class="widefat striped nssync-table"><tbody>';
		echo '<tr><th>' . esc_html__( 'Sidecar', 'netsuite-sync-for-woocommerce' ) . '</th><td><mark class="nssync-state nssync-state-done">' . esc_html__( 'Reachable, signature accepted', 'netsuite-sync-for-woocommerce' ) . '</mark></td></tr>';
		foreach ( array( 'netsuite' => 'NetSuite', 'woocommerce' => 'WooCommerce' ) as $key => $label ) {
			$c = isset( $conns[ $key ] ) ? $conns[ $key ] : null;
			echo '<tr><th>' . esc_html( $label ) . '</th><td>' . wp_kses_post( $this->connection_text( $c ) ) . '</td></tr>';
		}
		$worker = self::worker_html( isset( $status['worker'] ) ? $status['worker'] : null );
		if ( '' !== $worker ) {
			echo '<tr><th>' . esc_html__( 'Worker', 'netsuite-sync-for-woocommerce' ) . '</th><td>' . wp_kses_post( $worker ) . '</td></tr>';
		}
		$hooks = self::webhooks_html( isset( $status['webhooks'] ) ? $status['webhooks'] : null );
		if ( '' !== $hooks ) {
			echo '<tr><th>' . esc_html__( 'WooCommerce webhooks', 'netsuite-sync-for-woocommerce' ) . '</th><td>' . wp_kses_post( $hooks ) . '</td></tr>';
		}
		$queue = $this->first( $status, array( 'queue', 'queue_depth' ) );
		if ( null !== $queue ) {
			echo '<tr><th>' . esc_html__( 'Queue', 'netsuite-sync-for-woocommerce' ) . '</th><td>' . esc_html( self::queue_text( $queue ) ) . '</td></tr>';
		}
		$failed = $this->first( $status, array( 'failed_jobs', 'failed' ) );
		if ( null !== $failed ) {
			echo '<tr><th>' . esc_html__( 'Failed jobs', 'netsuite-sync-for-woocommerce' ) . '</th><td>' . esc_html( $this->flat( $failed ) ) . '</td></tr>';
		}
		$outage = self::outage_text( isset( $status['netsuite_outage'] ) ? $status['netsuite_outage'] : null );
		if ( '' !== $outage ) {
			echo '<tr><th>' . esc_html__( 'Waiting for NetSuite', 'netsuite-sync-for-woocommerce' ) . '</th><td><mark class="nssync-state nssync-state-pending">' . esc_html( $outage ) . '</mark></td></tr>';
		}
		echo '</tbody></table>';
		$broken = isset( $status['flow_load_errors'] ) && is_array( $status['flow_load_errors'] ) ? array_filter( $status['flow_load_errors'], 'is_scalar' ) : array();
		if ( $broken ) {
			echo '<div class="notice notice-warning inline"><p>' . esc_html__( 'These flows of the sidecar could not be loaded, so they do not run:', 'netsuite-sync-for-woocommerce' ) . '</p><ul>';
			foreach ( $broken as $name => $why ) {
				echo '<li><code>' . esc_html( (string) $name ) . '</code>: ' . esc_html( (string) $why ) . '</li>';
			}
			echo '</ul></div>';
		}
	}

	/**
	 * The store's webhooks that deliver to the sidecar, as its watchdog last found them (`GET /v1/status` →
	 * `webhooks`: checked_at, webhooks [{id, name, topic, status, reactivated_at}]); one that is not active
	 * delivers nothing, and orders then wait for the catch-up poll.
	 *
	 * @param mixed $hooks Webhooks summary.
	 * @return string HTML (escaped here), '' before the first check.
	 */
	public static function webhooks_html( $hooks ) {
		if ( ! is_array( $hooks ) || empty( $hooks['checked_at'] ) ) {
			return '';
		}
		$list     = isset( $hooks['webhooks'] ) && is_array( $hooks['webhooks'] ) ? array_filter( $hooks['webhooks'], 'is_array' ) : array();
		$inactive = array();
		foreach ( $list as $hook ) {
			$state = isset( $hook['status'] ) && is_scalar( $hook['status'] ) ? (string) $hook['status'] : '';
			if ( 'active' !== $state ) {
				$inactive[] = ( isset( $hook['topic'] ) && is_scalar( $hook['topic'] ) ? (string) $hook['topic'] : '?' ) . ': ' . $state;
			}
		}
		$ok   = $list && ! $inactive;
		$text = __( 'None delivers to the sidecar: orders reach it through the catch-up poll only.', 'netsuite-sync-for-woocommerce' );
		if ( $list ) {
			/* translators: 1: webhooks that are active, 2: webhooks that deliver to the sidecar */
			$text = sprintf( __( '%1$d of %2$d active', 'netsuite-sync-for-woocommerce' ), count( $list ) - count( $inactive ), count( $list ) );
		}
		$html = '<mark class="nssync-state nssync-state-' . ( $ok ? 'done' : 'failed' ) . '">' . esc_html( $text ) . '</mark>';
		/* translators: %s: time in words */
		$html .= ' <span class="description">' . esc_html( sprintf( __( 'checked %s', 'netsuite-sync-for-woocommerce' ), NSSync_Format::ago( $hooks['checked_at'] ) ) ) . '</span>';
		if ( $inactive ) {
			$html .= ' <span class="nssync-error">' . esc_html( implode( ', ', $inactive ) ) . '</span>';
		}
		return $html;
	}

	/**
	 * Whether the sidecar's worker runs (`GET /v1/status` → `worker`: last_heartbeat, ok — judged by the sidecar
	 * as `/readyz` does). Without it the API answers but nothing is synced, so it is said plainly.
	 *
	 * @param mixed $worker Worker: last_heartbeat (ISO 8601 or null), ok (bool; absent from older answers).
	 * @return string HTML (escaped here), '' when the answer has no worker.
	 */
	public static function worker_html( $worker ) {
		if ( ! is_array( $worker ) ) {
			return '';
		}
		$beat = isset( $worker['last_heartbeat'] ) && is_string( $worker['last_heartbeat'] ) ? $worker['last_heartbeat'] : '';
		$when = '' !== $beat ? ' <span class="description">' . esc_html(
			/* translators: %s: time in words */
			sprintf( __( 'last heartbeat %s', 'netsuite-sync-for-woocommerce' ), NSSync_Format::ago( $beat ) )
		) . '</span>' : '';
		if ( ! array_key_exists( 'ok', $worker ) ) {
			return '' !== $when ? ltrim( $when ) : '';
		}
		if ( $worker['ok'] ) {
			return '<mark class="nssync-state nssync-state-done">' . esc_html__( 'Running', 'netsuite-sync-for-woocommerce' ) . '</mark>' . $when;
		}
		return '<mark class="nssync-state nssync-state-failed">' . esc_html__( 'Not running', 'netsuite-sync-for-woocommerce' ) . '</mark>' . $when
			. ' <span class="nssync-error">' . sprintf(
				/* translators: 1: the command that starts the worker, 2: the command that starts the sidecar's API */
				esc_html__( 'Nothing is synced until it runs: start it with %1$s next to %2$s. Events wait in the sidecar meanwhile; nothing is lost.', 'netsuite-sync-for-woocommerce' ),
				'<code>sidecar worker</code>',
				'<code>sidecar serve</code>'
			) . '</span>'; // The commands as code, like the Connection section's `sidecar serve` (backticks were printed as they are).

	}

	/**
	 * The queue in words: `GET /v1/status` → `queue` is `{depth, pending, running}` (sidecar/api/status.py).
	 *
	 * @param mixed $queue Queue: that object, or a number from an older sidecar.
	 * @return string Plain text.
	 */
	public static function queue_text( $queue ) {
		if ( ! is_array( $queue ) ) {
			return is_scalar( $queue ) ? (string) $queue : '';
		}
		$pending = isset( $queue['pending'] ) ? (int) $queue['pending'] : 0;
		$running = isset( $queue['running'] ) ? (int) $queue['running'] : 0;
		$depth   = isset( $queue['depth'] ) ? (int) $queue['depth'] : $pending + $running;
		return sprintf(
			/* translators: 1: jobs in the queue, 2: of them waiting their turn, 3: of them running now */
			_n( '%1$d job (%2$d waiting, %3$d running)', '%1$d jobs (%2$d waiting, %3$d running)', $depth, 'netsuite-sync-for-woocommerce' ),
			$depth,
			$pending,
			$running
		);
	}

	/**
	 * Jobs waiting out a NetSuite outage spend no attempt; say so, so that a shop owner does not retry by hand.
	 *
	 * @param mixed $outage The status answer's netsuite_outage: array with waiting and since (ISO 8601).
	 * @return string Plain text, empty when nothing waits.
	 */
	public static function outage_text( $outage ) {
		if ( ! is_array( $outage ) || empty( $outage['waiting'] ) ) {
			return '';
		}
		$since = isset( $outage['since'] ) ? strtotime( (string) $outage['since'] ) : false;
		return sprintf(
			/* translators: 1: number of jobs, 2: how long ago NetSuite first failed to answer. */
			_n( '%1$d job is waiting because NetSuite did not answer (first failure %2$s). It is sent by itself when NetSuite answers again; nothing is lost and no attempt is spent.', '%1$d jobs are waiting because NetSuite did not answer (first failure %2$s). They are sent by themselves when it answers again; nothing is lost and no attempt is spent.', (int) $outage['waiting'], 'netsuite-sync-for-woocommerce' ),
			(int) $outage['waiting'],
			false === $since ? __( 'recently', 'netsuite-sync-for-woocommerce' ) : NSSync_Format::ago( $since )
		);
	}

	/**
	 * The sidecar judges each connection (`GET /v1/status` → `connections.<system>`: configured, state
	 * ok|error|unknown, problem, last_call {status, at, error}; sidecar/api/status.py `connection_problem`) and
	 * says why in `problem` — a redirect, refused credentials, no answer. That judgement is shown as it is; only
	 * an older answer without `problem` is judged here from the last call.
	 *
	 * @param mixed $c Connection state: bool, or array with ok/configured/error/state.
	 * @return string HTML (escaped here).
	 */
	private function connection_text( $c ) {
		if ( null === $c ) {
			return esc_html__( 'Unknown', 'netsuite-sync-for-woocommerce' );
		}
		if ( is_bool( $c ) ) {
			$c = array( 'ok' => $c );
		}
		if ( ! is_array( $c ) ) {
			return esc_html( (string) $c );
		}
		$state = isset( $c['state'] ) ? (string) $c['state'] : '';
		if ( isset( $c['ok'] ) ) {
			$state = $c['ok'] ? 'ok' : 'error';
		}
		$configured = isset( $c['configured'] ) ? (bool) $c['configured'] : null;
		$last       = isset( $c['last_call'] ) && is_array( $c['last_call'] ) ? $c['last_call'] : $c;
		$judged     = array_key_exists( 'problem', $c );
		$problem    = $judged && is_scalar( $c['problem'] ) ? (string) $c['problem'] : '';
		if ( 'error' === $state && ! $judged && ! self::is_connection_failure( $last ) ) {
			// A 404 of a lookup that found nothing (or any other answer about data) proves the connection works.
			$state = 'ok';
		}
		if ( 'ok' === $state || 'connected' === $state ) {
			$ok    = true;
			$label = __( 'Connected', 'netsuite-sync-for-woocommerce' );
		} elseif ( 'error' === $state ) {
			$ok    = false;
			$label = __( 'Last call failed', 'netsuite-sync-for-woocommerce' );
		} elseif ( false === $configured ) {
			$ok    = false;
			$label = __( 'Not configured', 'netsuite-sync-for-woocommerce' );
		} else {
			$ok    = (bool) $configured;
			$label = $configured ? __( 'Configured, not used yet', 'netsuite-sync-for-woocommerce' ) : __( 'Unknown', 'netsuite-sync-for-woocommerce' );
		}
		$html = '<mark class="nssync-state nssync-state-' . ( $ok ? 'done' : 'failed' ) . '">' . esc_html( $label ) . '</mark>';
		if ( ! empty( $last['at'] ) ) {
			/* translators: %s: time in words */
			$html .= ' <span class="description">' . esc_html( sprintf( __( 'last call %s', 'netsuite-sync-for-woocommerce' ), NSSync_Format::ago( $last['at'] ) ) ) . '</span>';
		}
		if ( ! $ok && '' !== $problem ) {
			$html .= ' <span class="nssync-error">' . esc_html( $problem ) . '</span>';
		}
		if ( ! $ok ) {
			foreach ( array( 'status' => __( 'HTTP', 'netsuite-sync-for-woocommerce' ), 'error' => __( 'error', 'netsuite-sync-for-woocommerce' ) ) as $key => $name ) {
				if ( ! empty( $last[ $key ] ) && is_scalar( $last[ $key ] ) ) {
					$html .= ' <span class="description">' . esc_html( $name . ': ' . $last[ $key ] ) . '</span>';
				}
			}
		}
		return $html;
	}

	/**
	 * Whether a last call shows a broken connection: no answer (transport), refused credentials (401/403) or
	 * a server error — not an answer about data such as a lookup's 404.
	 *
	 * @param array $last Last call: status, error.
	 * @return bool
	 */
	public static function is_connection_failure( $last ) {
		$status = isset( $last['status'] ) ? (int) $last['status'] : 0;
		if ( 0 === $status ) {
			return true;
		}
		return 401 === $status || 403 === $status || 407 === $status || 429 === $status || $status >= 500;
	}

	/**
	 * Last run of each installed flow: counts, when, first errors, Sync now.
	 *
	 * @param array $runs  flow => run|null.
	 * @param bool  $stale The last known runs (the sidecar does not answer).
	 */
	private function runs( $runs, $stale ) {
		echo '<h2>' . esc_html__( 'Sync runs', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		if ( ! $runs ) {
			echo '<p>' . esc_html__( 'No flow has run yet.', 'netsuite-sync-for-woocommerce' ) . '</p>';
			return;
		}
		echo '<table class="widefat striped nssync-table"><thead><tr>';
		foreach ( array( __( 'Flow', 'netsuite-sync-for-woocommerce' ), __( 'Last run', 'netsuite-sync-for-woocommerce' ), '' ) as $h ) {
			echo '<th>' . esc_html( $h ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		$labels = NSSync_Settings_Schema::group_labels();
		foreach ( $runs as $flow => $run ) {
			$label = isset( $labels[ $flow ] ) ? $labels[ $flow ][0] : ( 'webhooks' === $flow ? __( 'Webhook watchdog', 'netsuite-sync-for-woocommerce' ) : ucfirst( str_replace( '_', ' ', (string) $flow ) ) );
			echo '<tr data-flow="' . esc_attr( $flow ) . '"><td><strong>' . esc_html( $label ) . '</strong></td><td>';
			echo NSSync_Admin_Fields::run_html( is_array( $run ) ? $run : null, $stale ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in run_html().
			echo '</td><td>';
			if ( in_array( $flow, NSSync_Settings_Schema::SYNC_NOW_FLOWS, true ) ) {
				echo '<button type="button" class="button nssync-sync-now" data-flow="' . esc_attr( $flow ) . '">' . esc_html__( 'Sync now', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-progress" aria-live="polite"></span>';
			}
			echo '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * "done · seen 10, changed 2, …" (see NSSync_Format::run_text()).
	 *
	 * @param array $run Run.
	 * @return string
	 */
	public function run_text( $run ) {
		return NSSync_Format::run_text( $run );
	}

	/**
	 * The plugin's own outbox.
	 *
	 * @param array $summary Forwarder summary.
	 * @param bool  $down    The sidecar does not answer (the error is said once, at the top).
	 */
	private function forwarding( $summary, $down ) {
		echo '<h2>' . esc_html__( 'Events waiting in WordPress', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		$h = $summary['health'];
		echo '<p>' . esc_html(
			sprintf(
				/* translators: 1: number of events, 2: number of orders, 3: consecutive failures */
				__( '%1$d waiting (%2$d orders); %3$d failed sends in a row.', 'netsuite-sync-for-woocommerce' ),
				$summary['pending'],
				isset( $summary['orders'] ) ? (int) $summary['orders'] : 0,
				(int) $h['consecutive_failures']
			)
		);
		if ( $h['last_success_at'] ) {
			/* translators: %s: time in words */
			echo ' ' . esc_html( sprintf( __( 'Last accepted by the sidecar: %s.', 'netsuite-sync-for-woocommerce' ), NSSync_Format::ago( (int) $h['last_success_at'] ) ) );
		}
		if ( ! $down && '' !== $h['last_error'] && $h['consecutive_failures'] > 0 ) {
			/* translators: %s: error */
			echo ' <span class="nssync-error">' . esc_html( sprintf( __( 'Last error: %s', 'netsuite-sync-for-woocommerce' ), $h['last_error'] ) ) . '</span>';
		}
		echo '</p>';
		if ( ! $summary['entries'] ) {
			return;
		}
		echo '<table class="widefat striped nssync-table"><thead><tr>';
		foreach ( array( __( 'Event', 'netsuite-sync-for-woocommerce' ), __( 'Resource', 'netsuite-sync-for-woocommerce' ), __( 'Attempts', 'netsuite-sync-for-woocommerce' ), __( 'Next attempt', 'netsuite-sync-for-woocommerce' ), __( 'Last error', 'netsuite-sync-for-woocommerce' ) ) as $col ) {
			echo '<th>' . esc_html( $col ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( array_slice( $summary['entries'], 0, 50 ) as $e ) {
			echo '<tr><td>' . esc_html( $e['topic'] ) . '</td><td>' . esc_html( (string) $e['resource_id'] ) . '</td><td>' . esc_html( (string) $e['attempts'] ) . '</td><td>'
				. esc_html( $e['next_attempt'] > time() ? NSSync_Format::ago( (int) $e['next_attempt'] ) : __( 'now', 'netsuite-sync-for-woocommerce' ) ) . '</td><td>' . esc_html( $down && $e['attempts'] > 0 ? __( 'the sidecar does not answer', 'netsuite-sync-for-woocommerce' ) : (string) $e['last_error'] ) . '</td></tr>';
		}
		echo '</tbody></table>';
		echo '<p><button type="button" class="button" id="nssync-send-pending">' . esc_html__( 'Send waiting events now', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-result" aria-live="polite"></span></p>';
		echo '<p class="description">' . esc_html__( 'Sends them on the next background run, which starts right away when WordPress can call itself, otherwise on the next page load or cron run.', 'netsuite-sync-for-woocommerce' ) . '</p>';
	}

	/**
	 * The API log (already redacted by the sidecar).
	 *
	 * @param array $log  Log answer.
	 * @param bool  $down The sidecar does not answer.
	 */
	private function log( $log, $down ) {
		echo '<h2 id="nssync-api-log">' . esc_html__( 'API log', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		if ( isset( $log['_error'] ) ) {
			self::unavailable( $log, $down );
			return;
		}
		$list = $this->items( $log, array( 'calls', 'entries', 'log', 'items' ) );
		if ( ! $list ) {
			echo '<p>' . esc_html__( 'No API calls logged yet.', 'netsuite-sync-for-woocommerce' ) . '</p>';
			return;
		}
		$cols = array(
			'at'     => __( 'Time', 'netsuite-sync-for-woocommerce' ),
			'system' => __( 'System', 'netsuite-sync-for-woocommerce' ),
			'method' => __( 'Method', 'netsuite-sync-for-woocommerce' ),
			'path'   => __( 'Path', 'netsuite-sync-for-woocommerce' ),
			'status' => __( 'Status', 'netsuite-sync-for-woocommerce' ),
			'ms'     => __( 'ms', 'netsuite-sync-for-woocommerce' ),
			'error'  => __( 'Error', 'netsuite-sync-for-woocommerce' ),
		);
		echo '<table class="widefat striped nssync-table nssync-log"><thead><tr>';
		foreach ( $cols as $label ) {
			echo '<th>' . esc_html( $label ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( array_slice( $list, 0, 50 ) as $row ) {
			echo '<tr>';
			foreach ( array_keys( $cols ) as $key ) {
				$alts = array(
					'at'     => array( 'at', 'created_at', 'time' ),
					'status' => array( 'status', 'status_code' ),
					'ms'     => array( 'ms', 'duration_ms', 'elapsed_ms' ),
				);
				$cell = $this->pick( $row, isset( $alts[ $key ] ) ? $alts[ $key ] : array( $key ) );
				echo '<td>' . ( 'at' === $key ? NSSync_Format::when_html( $cell ) : esc_html( $this->flat( $cell ) ) ) . '</td>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- when_html() escapes.
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * A panel whose call failed: say why (a 404 means this sidecar version has no such endpoint yet; an
	 * unreachable sidecar was said once at the top).
	 *
	 * @param array $answer `['_error', '_status']`.
	 * @param bool  $down   The sidecar does not answer.
	 */
	public static function unavailable( $answer, $down = false ) {
		if ( $down ) {
			echo '<p class="description">' . esc_html__( 'Not available while the sidecar does not answer.', 'netsuite-sync-for-woocommerce' ) . '</p>';
			return;
		}
		$msg = 404 === (int) $answer['_status']
			? __( 'This sidecar version does not provide this yet.', 'netsuite-sync-for-woocommerce' )
			: (string) $answer['_error'];
		echo '<div class="notice notice-warning inline"><p>' . esc_html( $msg ) . '</p></div>';
	}

	/**
	 * @param array $data Answer.
	 * @param array $keys Candidate keys of the list.
	 * @return array
	 */
	private function items( $data, $keys ) {
		foreach ( $keys as $k ) {
			if ( isset( $data[ $k ] ) && is_array( $data[ $k ] ) ) {
				return array_values( array_filter( $data[ $k ], 'is_array' ) );
			}
		}
		unset( $data['_status'] );
		return ( $data && array_keys( $data ) === range( 0, count( $data ) - 1 ) ) ? array_values( array_filter( $data, 'is_array' ) ) : array();
	}

	/**
	 * @param array $data Array.
	 * @param array $keys Candidate keys.
	 * @return mixed|null
	 */
	private function first( $data, $keys ) {
		return $this->pick( $data, $keys );
	}

	/**
	 * @param mixed $data Array.
	 * @param array $keys Candidate keys.
	 * @return mixed|null
	 */
	private function pick( $data, $keys ) {
		if ( ! is_array( $data ) ) {
			return null;
		}
		foreach ( $keys as $k ) {
			if ( isset( $data[ $k ] ) ) {
				return $data[ $k ];
			}
		}
		return null;
	}

	/**
	 * A value as one line of text.
	 *
	 * @param mixed $value Value.
	 * @return string
	 */
	private function flat( $value ) {
		if ( null === $value ) {
			return '';
		}
		if ( is_bool( $value ) ) {
			return $value ? 'yes' : 'no';
		}
		if ( is_scalar( $value ) ) {
			return (string) $value;
		}
		$parts = array();
		foreach ( (array) $value as $k => $v ) {
			$parts[] = ( is_int( $k ) ? '' : $k . ': ' ) . ( is_scalar( $v ) ? (string) $v : wp_json_encode( $v ) );
		}
		return implode( ', ', $parts );
	}
}
