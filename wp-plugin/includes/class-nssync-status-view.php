<?php
/**
 * The Status section's markup (escaping and printing only).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Prints the sidecar's status, the Sync now buttons, the plugin's forwarding outbox, the failed jobs with
 * Retry / Skip, and the API log. Tolerant of missing keys: a panel whose call failed shows why.
 */
class NSSync_Status_View {

	/**
	 * @param array $status  `GET /v1/status` (or `_error`).
	 * @param array $jobs    `GET /v1/jobs?status=failed` (or `_error`).
	 * @param array $log     `GET /v1/log` (or `_error`).
	 * @param array $summary NSSync_Forwarder::summary().
	 * @param array $flows   Flows with a Sync now button.
	 */
	public function render( $status, $jobs, $log, $summary, $flows ) {
		echo '<div class="nssync-status">';
		$this->connections( $status );
		$this->runs( $status, $flows );
		$this->forwarding( $summary );
		$this->jobs( $jobs );
		$this->log( $log );
		echo '</div>';
	}

	/**
	 * @param array $status Status answer.
	 */
	private function connections( $status ) {
		echo '<h2>' . esc_html__( 'Connections', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		if ( isset( $status['_error'] ) ) {
			$this->unavailable( $status );
			return;
		}
		$conns = isset( $status['connections'] ) && is_array( $status['connections'] ) ? $status['connections'] : $status;
		echo '<table class="widefat striped nssync-table"><tbody>';
		echo '<tr><th>' . esc_html__( 'Sidecar', 'netsuite-sync-for-woocommerce' ) . '</th><td><mark class="nssync-state nssync-state-done">' . esc_html__( 'Reachable, signature accepted', 'netsuite-sync-for-woocommerce' ) . '</mark></td></tr>';
		foreach ( array( 'netsuite' => 'NetSuite', 'woocommerce' => 'WooCommerce' ) as $key => $label ) {
			$c = isset( $conns[ $key ] ) ? $conns[ $key ] : null;
			echo '<tr><th>' . esc_html( $label ) . '</th><td>' . wp_kses_post( $this->connection_text( $c ) ) . '</td></tr>';
		}
		$queue = $this->first( $status, array( 'queue', 'queue_depth' ) );
		if ( null !== $queue ) {
			echo '<tr><th>' . esc_html__( 'Queue', 'netsuite-sync-for-woocommerce' ) . '</th><td>' . esc_html( $this->flat( $queue ) ) . '</td></tr>';
		}
		$failed = $this->first( $status, array( 'failed_jobs', 'failed' ) );
		if ( null !== $failed ) {
			echo '<tr><th>' . esc_html__( 'Failed jobs', 'netsuite-sync-for-woocommerce' ) . '</th><td>' . esc_html( $this->flat( $failed ) ) . '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
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
		$last = isset( $c['last_call'] ) && is_array( $c['last_call'] ) ? $c['last_call'] : $c;
		foreach ( array( 'at' => __( 'last call', 'netsuite-sync-for-woocommerce' ), 'status' => __( 'HTTP', 'netsuite-sync-for-woocommerce' ), 'error' => __( 'error', 'netsuite-sync-for-woocommerce' ) ) as $key => $name ) {
			if ( ! empty( $last[ $key ] ) && is_scalar( $last[ $key ] ) ) {
				$html .= ' <span class="description">' . esc_html( $name . ': ' . $last[ $key ] ) . '</span>';
			}
		}
		return $html;
	}

	/**
	 * Last run of each flow, with its Sync now button and a live progress cell.
	 *
	 * @param array $status Status answer.
	 * @param array $flows  Flows.
	 */
	private function runs( $status, $flows ) {
		echo '<h2>' . esc_html__( 'Sync runs', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		$runs = isset( $status['_error'] ) ? array() : $this->first( $status, array( 'last_runs', 'runs', 'flows' ) );
		$runs = is_array( $runs ) ? $runs : array();
		echo '<table class="widefat striped nssync-table"><thead><tr>';
		foreach ( array( __( 'Flow', 'netsuite-sync-for-woocommerce' ), __( 'Last run', 'netsuite-sync-for-woocommerce' ), __( 'Result', 'netsuite-sync-for-woocommerce' ), '' ) as $h ) {
			echo '<th>' . esc_html( $h ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $flows as $flow ) {
			$run = $this->run_for( $runs, $flow );
			echo '<tr data-flow="' . esc_attr( $flow ) . '"><td><strong>' . esc_html( 'orders' === $flow ? __( 'orders (catch-up)', 'netsuite-sync-for-woocommerce' ) : $flow ) . '</strong></td>';
			echo '<td class="nssync-run-when">' . esc_html( $run ? $this->flat( $this->pick( $run, array( 'finished_at', 'started_at' ) ) ) : '—' ) . '</td>';
			echo '<td class="nssync-run-result">' . esc_html( $run ? $this->run_text( $run ) : __( 'never run', 'netsuite-sync-for-woocommerce' ) ) . '</td>';
			echo '<td><button type="button" class="button nssync-sync-now" data-flow="' . esc_attr( $flow ) . '">' . esc_html__( 'Sync now', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-progress" aria-live="polite"></span></td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * @param array  $runs Runs by flow or a list.
	 * @param string $flow Flow.
	 * @return array|null
	 */
	private function run_for( $runs, $flow ) {
		if ( isset( $runs[ $flow ] ) && is_array( $runs[ $flow ] ) ) {
			return $runs[ $flow ];
		}
		foreach ( $runs as $run ) {
			if ( is_array( $run ) && isset( $run['flow'] ) && $flow === $run['flow'] ) {
				return $run;
			}
		}
		return null;
	}

	/**
	 * "done · seen 10, changed 2, failed 0".
	 *
	 * @param array $run Run.
	 * @return string
	 */
	public function run_text( $run ) {
		$text   = isset( $run['status'] ) ? (string) $run['status'] : '';
		$counts = isset( $run['counts'] ) && is_array( $run['counts'] ) ? $run['counts'] : $run;
		$parts  = array();
		foreach ( array( 'seen', 'changed', 'failed' ) as $k ) {
			if ( isset( $counts[ $k ] ) && is_scalar( $counts[ $k ] ) ) {
				$parts[] = $k . ' ' . $counts[ $k ];
			}
		}
		return trim( $text . ( $parts ? ' · ' . implode( ', ', $parts ) : '' ) );
	}

	/**
	 * The plugin's own outbox.
	 *
	 * @param array $summary Forwarder summary.
	 */
	private function forwarding( $summary ) {
		echo '<h2>' . esc_html__( 'Events waiting in WordPress', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		$h = $summary['health'];
		echo '<p>' . esc_html(
			sprintf(
				/* translators: 1: number of events, 2: consecutive failures */
				__( '%1$d waiting; %2$d failed sends in a row.', 'netsuite-sync-for-woocommerce' ),
				$summary['pending'],
				(int) $h['consecutive_failures']
			)
		);
		if ( $h['last_success_at'] ) {
			/* translators: %s: date */
			echo ' ' . esc_html( sprintf( __( 'Last accepted by the sidecar: %s.', 'netsuite-sync-for-woocommerce' ), gmdate( 'Y-m-d H:i:s', (int) $h['last_success_at'] ) . ' UTC' ) );
		}
		if ( '' !== $h['last_error'] && $h['consecutive_failures'] > 0 ) {
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
				. esc_html( $e['next_attempt'] ? gmdate( 'Y-m-d H:i:s', (int) $e['next_attempt'] ) . ' UTC' : __( 'now', 'netsuite-sync-for-woocommerce' ) ) . '</td><td>' . esc_html( (string) $e['last_error'] ) . '</td></tr>';
		}
		echo '</tbody></table>';
		echo '<p><button type="button" class="button" id="nssync-send-pending">' . esc_html__( 'Send waiting events now', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-result" aria-live="polite"></span></p>';
	}

	/**
	 * Failed jobs with Retry / Skip.
	 *
	 * @param array $jobs Jobs answer.
	 */
	private function jobs( $jobs ) {
		echo '<h2 id="nssync-failed-jobs">' . esc_html__( 'Failed jobs', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		if ( isset( $jobs['_error'] ) ) {
			$this->unavailable( $jobs );
			return;
		}
		$list = $this->items( $jobs, array( 'jobs', 'items', 'results' ) );
		if ( ! $list ) {
			echo '<p>' . esc_html__( 'No failed jobs.', 'netsuite-sync-for-woocommerce' ) . '</p>';
			return;
		}
		echo '<table class="widefat striped nssync-table"><thead><tr>';
		foreach ( array( __( 'Job', 'netsuite-sync-for-woocommerce' ), __( 'What', 'netsuite-sync-for-woocommerce' ), __( 'Attempts', 'netsuite-sync-for-woocommerce' ), __( 'Reason', 'netsuite-sync-for-woocommerce' ), '' ) as $col ) {
			echo '<th>' . esc_html( $col ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $list as $job ) {
			$id = (string) $this->pick( $job, array( 'id', 'job_id', 'event_id' ) );
			echo '<tr><td>' . esc_html( $id ) . '</td><td>' . esc_html( trim( $this->flat( $this->pick( $job, array( 'topic', 'kind', 'flow' ) ) ) . ' ' . $this->flat( $this->pick( $job, array( 'resource_id' ) ) ) ) ) . '</td><td>'
				. esc_html( $this->flat( $this->pick( $job, array( 'attempts' ) ) ) ) . '</td><td class="nssync-error">' . esc_html( $this->flat( $this->pick( $job, array( 'last_error', 'error', 'reason' ) ) ) ) . '</td><td class="nssync-job-actions">'
				. '<button type="button" class="button nssync-job" data-job-id="' . esc_attr( $id ) . '" data-verb="retry">' . esc_html__( 'Retry', 'netsuite-sync-for-woocommerce' ) . '</button> '
				. '<button type="button" class="button nssync-job" data-job-id="' . esc_attr( $id ) . '" data-verb="skip">' . esc_html__( 'Skip', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-result" aria-live="polite"></span></td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * The API log (already redacted by the sidecar).
	 *
	 * @param array $log Log answer.
	 */
	private function log( $log ) {
		echo '<h2 id="nssync-api-log">' . esc_html__( 'API log', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		if ( isset( $log['_error'] ) ) {
			$this->unavailable( $log );
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
				echo '<td>' . esc_html( $this->flat( $this->pick( $row, isset( $alts[ $key ] ) ? $alts[ $key ] : array( $key ) ) ) ) . '</td>';
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * A panel whose call failed: say why (a 404 means this sidecar version has no such endpoint yet).
	 *
	 * @param array $answer `['_error', '_status']`.
	 */
	private function unavailable( $answer ) {
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
