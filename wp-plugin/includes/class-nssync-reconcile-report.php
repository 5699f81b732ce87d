<?php
/**
 * The Reconciliation section: start a report for a window, follow it until it is done, apply the safe fixes,
 * download it as CSV.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Relays `POST /v1/reports/reconcile {from, to}`, `GET /v1/reports/<id>` (and `?format=csv`, streamed through
 * admin-post.php) and `POST /v1/reports/<id>/fix {findings: [indexes]}`. Every admin-ajax handler starts with
 * NSSync_Ajax::guard() (nonce + manage_woocommerce); the CSV download checks its nonce and the capability
 * first. The report started last from wp-admin is remembered (option `nssync_last_reconcile_report`) so the
 * section shows it again on the next visit.
 */
class NSSync_Reconcile_Report {

	/**
	 * admin-ajax action => method (the nonce action equals the ajax action).
	 *
	 * @var array
	 */
	const ACTIONS = array(
		'nssync_reconcile_start'  => 'start',
		'nssync_reconcile_report' => 'report',
		'nssync_reconcile_fix'    => 'fix',
	);

	const CSV_ACTION   = 'nssync_reconcile_csv';
	const DEFAULT_DAYS = 7;

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/**
	 * @param NSSync_Options        $options Options.
	 * @param NSSync_Sidecar_Client $client  Sidecar client.
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client ) {
		$this->options = $options;
		$this->client  = $client;
	}

	/**
	 * The CSV download link of a report (admin-post, with its nonce).
	 *
	 * @param int $report_id Report id.
	 * @return string
	 */
	public static function csv_url( $report_id ) {
		return wp_nonce_url( admin_url( 'admin-post.php?action=' . self::CSV_ACTION . '&report=' . absint( $report_id ) ), self::CSV_ACTION );
	}

	/**
	 * Print the section: the window form, then the report asked for (`&report=<id>`) or the last one started.
	 *
	 * @param int $report_id Report id from the URL (0: the last one started here).
	 */
	public function output( $report_id = 0 ) {
		$report_id = $report_id ? absint( $report_id ) : $this->newest_report_id();
		echo '<h2>' . esc_html__( 'Reconciliation', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		echo '<p>' . esc_html__( 'Compares the store\'s orders in the export statuses with NetSuite\'s sales orders: orders missing in NetSuite or there twice, totals or tax that differ, another customer, a status out of step. It reads both systems and changes nothing; a finding with a safe fix has a button, every other one says what to check.', 'netsuite-sync-for-woocommerce' ) . '</p>';
		echo '<p class="nssync-reconcile-form"><label>' . esc_html__( 'From', 'netsuite-sync-for-woocommerce' ) . ' <input type="date" id="nssync-reconcile-from" value="' . esc_attr( wp_date( 'Y-m-d', time() - self::DEFAULT_DAYS * DAY_IN_SECONDS ) ) . '"></label> ';
		echo '<label>' . esc_html__( 'To', 'netsuite-sync-for-woocommerce' ) . ' <input type="date" id="nssync-reconcile-to" value="' . esc_attr( wp_date( 'Y-m-d' ) ) . '"></label> ';
		echo '<button type="button" class="button button-primary" id="nssync-reconcile-start">' . esc_html__( 'Start', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-result" aria-live="polite"></span></p>';
		$report = null;
		$error  = '';
		if ( $report_id ) {
			try {
				$report = $this->client->get( '/v1/reports/' . $report_id, 15 );
			} catch ( NSSync_Sidecar_Exception $e ) {
				$error = 404 === $e->get_status()
					/* translators: %d: report id */
					? sprintf( __( 'The sidecar has no report %d (any more): start a new one.', 'netsuite-sync-for-woocommerce' ), $report_id )
					: self::error_text( $e );
			}
		}
		$status = $report && isset( $report['status'] ) && is_scalar( $report['status'] ) ? (string) $report['status'] : '';
		echo '<div id="nssync-reconcile-report" aria-live="polite" data-report-id="' . esc_attr( $report ? (string) $report_id : '' ) . '" data-status="' . esc_attr( $status ) . '">';
		if ( '' !== $error ) {
			echo '<div class="notice notice-warning inline"><p>' . esc_html( $error ) . '</p></div>';
		} elseif ( $report ) {
			echo ( new NSSync_Reconcile_View() )->render( $report ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the view escapes.
		} else {
			echo '<p class="description">' . esc_html__( 'No report yet: pick the dates and Start. A report is also made every night (the schedule is under Sync → Reconciliation).', 'netsuite-sync-for-woocommerce' ) . '</p>';
		}
		echo '</div>';
	}

	/**
	 * The newest report the sidecar has (the nightly one included); the one last started here when the sidecar
	 * cannot say.
	 *
	 * @return int
	 */
	private function newest_report_id() {
		try {
			$listed = $this->client->get( '/v1/reports?kind=reconcile&limit=1', 10 );
			if ( ! empty( $listed['reports'][0]['id'] ) ) {
				return absint( $listed['reports'][0]['id'] );
			}
		} catch ( NSSync_Sidecar_Exception $e ) {
			unset( $e ); // the report below says what is wrong with the sidecar.
		}
		return $this->options->last_report();
	}

	/**
	 * `nssync_reconcile_start`: a report for whole days in the site's timezone (`from` 00:00 to the end of `to`).
	 */
	public function start() {
		NSSync_Ajax::guard( 'nssync_reconcile_start' );
		$window = self::window( self::field( 'from' ), self::field( 'to' ) );
		if ( is_string( $window ) ) {
			wp_send_json_error( array( 'message' => $window ), 400 );
		}
		try {
			$answer = $this->client->post( '/v1/reports/reconcile', $window, 15 );
		} catch ( NSSync_Sidecar_Exception $e ) {
			wp_send_json_error( array( 'message' => self::error_text( $e ) ) );
			return;
		}
		$report_id = isset( $answer['report_id'] ) ? absint( $answer['report_id'] ) : 0;
		$this->options->set_last_report( $report_id );
		wp_send_json_success(
			array(
				'report_id' => $report_id,
				'run_id'    => isset( $answer['run_id'] ) ? $answer['run_id'] : null,
				'status'    => isset( $answer['status'] ) && is_scalar( $answer['status'] ) ? (string) $answer['status'] : 'pending',
				'html'      => ( new NSSync_Reconcile_View() )->render( array( 'id' => $report_id, 'status' => 'pending' ) ),
			)
		);
	}

	/**
	 * The `{from, to}` of two dates (Y-m-d, site timezone; `to` included whole), or why not.
	 *
	 * @param string $from First day.
	 * @param string $to   Last day.
	 * @return array|string ISO 8601 `from` and `to`, or an error message.
	 */
	public static function window( $from, $to ) {
		$tz    = wp_timezone();
		$start = preg_match( '/^\d{4}-\d{2}-\d{2}$/', $from ) ? DateTimeImmutable::createFromFormat( '!Y-m-d', $from, $tz ) : false;
		$end   = preg_match( '/^\d{4}-\d{2}-\d{2}$/', $to ) ? DateTimeImmutable::createFromFormat( '!Y-m-d', $to, $tz ) : false;
		if ( ! $start || ! $end || $start->format( 'Y-m-d' ) !== $from || $end->format( 'Y-m-d' ) !== $to ) {
			return __( 'Pick both dates.', 'netsuite-sync-for-woocommerce' );
		}
		if ( $end < $start ) {
			return __( 'The last day is before the first one.', 'netsuite-sync-for-woocommerce' );
		}
		return array(
			'from' => $start->format( 'c' ),
			'to'   => $end->modify( '+1 day' )->format( 'c' ),
		);
	}

	/**
	 * `nssync_reconcile_report`: the report's state; its HTML once it is done or failed.
	 */
	public function report() {
		NSSync_Ajax::guard( 'nssync_reconcile_report' );
		$report_id = absint( self::field( 'report_id' ) );
		if ( ! $report_id ) {
			wp_send_json_error( array( 'message' => __( 'Missing report id.', 'netsuite-sync-for-woocommerce' ) ), 400 );
		}
		try {
			$report = $this->client->get( '/v1/reports/' . $report_id, 15 );
		} catch ( NSSync_Sidecar_Exception $e ) {
			wp_send_json_error( array( 'message' => self::error_text( $e ) ) );
			return;
		}
		$status = isset( $report['status'] ) && is_scalar( $report['status'] ) ? (string) $report['status'] : '';
		wp_send_json_success(
			array(
				'report_id' => $report_id,
				'status'    => $status,
				'finished'  => in_array( $status, array( 'done', 'failed' ), true ),
				'progress'  => NSSync_Reconcile_View::progress_text( $status ),
				'html'      => ( new NSSync_Reconcile_View() )->render( $report ),
			)
		);
	}

	/**
	 * `nssync_reconcile_fix`: apply the one-click fix of the given findings (indexes in the report); the
	 * sidecar answers which were applied and why the others were refused.
	 */
	public function fix() {
		NSSync_Ajax::guard( 'nssync_reconcile_fix' );
		$report_id = absint( self::field( 'report_id' ) );
		$indexes   = array();
		foreach ( explode( ',', self::field( 'findings' ) ) as $i ) {
			if ( ctype_digit( trim( $i ) ) ) {
				$indexes[] = (int) trim( $i );
			}
		}
		$indexes = array_slice( array_values( array_unique( $indexes ) ), 0, 1000 );
		if ( ! $report_id || ! $indexes ) {
			wp_send_json_error( array( 'message' => __( 'Missing report or finding.', 'netsuite-sync-for-woocommerce' ) ), 400 );
		}
		try {
			$answer = $this->client->post( '/v1/reports/' . $report_id . '/fix', array( 'findings' => $indexes ), 15 );
		} catch ( NSSync_Sidecar_Exception $e ) {
			wp_send_json_error( array( 'message' => self::error_text( $e ) ) );
			return;
		}
		$fixed   = isset( $answer['fixed'] ) && is_array( $answer['fixed'] ) ? array_values( array_map( 'intval', array_filter( $answer['fixed'], 'is_numeric' ) ) ) : array();
		$refused = array();
		foreach ( isset( $answer['refused'] ) && is_array( $answer['refused'] ) ? $answer['refused'] : array() as $r ) {
			if ( is_array( $r ) && isset( $r['finding'] ) && is_numeric( $r['finding'] ) ) {
				$refused[] = array(
					'finding' => (int) $r['finding'],
					'reason'  => isset( $r['reason'] ) && is_scalar( $r['reason'] ) ? (string) $r['reason'] : __( 'refused by the sidecar', 'netsuite-sync-for-woocommerce' ),
				);
			}
		}
		wp_send_json_success(
			array(
				'fixed'   => $fixed,
				'refused' => $refused,
				'message' => self::fix_text( count( $fixed ), $refused ),
			)
		);
	}

	/**
	 * "2 re-queued." / "Refused: <reason>".
	 *
	 * @param int   $fixed   Findings fixed.
	 * @param array $refused Refusals.
	 * @return string
	 */
	public static function fix_text( $fixed, $refused ) {
		$parts = array();
		if ( $fixed ) {
			/* translators: %d: number of findings */
			$parts[] = sprintf( _n( 'Done: %d fix applied.', 'Done: %d fixes applied.', $fixed, 'netsuite-sync-for-woocommerce' ), $fixed );
		}
		if ( $refused ) {
			/* translators: %s: the sidecar's reason */
			$parts[] = sprintf( __( 'Refused by the sidecar: %s', 'netsuite-sync-for-woocommerce' ), implode( '; ', array_unique( array_column( $refused, 'reason' ) ) ) );
		}
		return implode( ' ', $parts );
	}

	/**
	 * `admin_post_nssync_reconcile_csv`: nonce and capability, then the report's CSV as a download.
	 */
	public function download() {
		check_admin_referer( self::CSV_ACTION );
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to download this report.', 'netsuite-sync-for-woocommerce' ), 403 );
		}
		$report_id = isset( $_GET['report'] ) ? absint( wp_unslash( $_GET['report'] ) ) : 0; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- absint.
		try {
			list( $filename, $csv ) = $this->csv( $report_id );
		} catch ( NSSync_Sidecar_Exception $e ) {
			wp_die( esc_html__( 'The sidecar did not send the report:', 'netsuite-sync-for-woocommerce' ) . ' ' . esc_html( $e->getMessage() ), '', array( 'response' => 502 ) );
			return;
		}
		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="' . $filename . '"' );
		header( 'X-Content-Type-Options: nosniff' );
		echo $csv; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- a CSV file sent as a download, not HTML.
		exit;
	}

	/**
	 * The file name and the CSV of a report, from the sidecar.
	 *
	 * @param int $report_id Report id.
	 * @return string[] [ filename, csv ]
	 * @throws NSSync_Sidecar_Exception When the sidecar does not send it (or the id is missing).
	 */
	public function csv( $report_id ) {
		$report_id = absint( $report_id );
		if ( ! $report_id ) {
			throw new NSSync_Sidecar_Exception( __( 'Missing report id.', 'netsuite-sync-for-woocommerce' ), 400, 'invalid_id' );
		}
		$csv = $this->client->get_raw( '/v1/reports/' . $report_id . '?format=csv', 'text/csv', 60 );
		return array( 'netsuite-reconciliation-' . $report_id . '-' . gmdate( 'Y-m-d' ) . '.csv', $csv );
	}

	/**
	 * A failed call in plain words.
	 *
	 * @param NSSync_Sidecar_Exception $e Failure.
	 * @return string
	 */
	public static function error_text( NSSync_Sidecar_Exception $e ) {
		if ( 0 === $e->get_status() && 'not_paired' !== $e->get_error_code() ) {
			return __( 'The sidecar does not answer, so no report can be started or read now. Check that it is running.', 'netsuite-sync-for-woocommerce' );
		}
		return $e->getMessage();
	}

	/**
	 * A sanitized POST field (the guard ran first).
	 *
	 * @param string $name Field.
	 * @return string
	 */
	private static function field( $name ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- NSSync_Ajax::guard() ran first in every handler.
		return isset( $_POST[ $name ] ) ? sanitize_text_field( wp_unslash( $_POST[ $name ] ) ) : '';
	}
}
