<?php
/**
 * A reconciliation report as HTML: its window and state, the counts by kind, the findings with their fix.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders `GET /v1/reports/<id>` (`{id, status, params: {from, to}, counts, findings: [{kind, number, woo_id,
 * tranid, ns_id, sku, detail, fix, check, fixed}], error, created_at, finished_at}`) defensively. A finding with
 * a safe one-click fix (`requeue`, `push_stock`) gets its button (the finding's index in the report is what
 * the fix call names); every other one says, in plain words, what to check. Returns escaped HTML.
 */
class NSSync_Reconcile_View {

	const MAX_ROWS = 500;

	/**
	 * The kinds of finding in plain words, in the order the counts are shown.
	 *
	 * @return array kind => label.
	 */
	public static function kinds() {
		return array(
			'missing_in_netsuite'                      => __( 'Missing in NetSuite', 'netsuite-sync-for-woocommerce' ),
			'in_netsuite_twice'                        => __( 'In NetSuite twice', 'netsuite-sync-for-woocommerce' ),
			'total_differs'                            => __( 'Total differs', 'netsuite-sync-for-woocommerce' ),
			'tax_differs'                              => __( 'Tax differs', 'netsuite-sync-for-woocommerce' ),
			'customer_differs'                         => __( 'Customer differs', 'netsuite-sync-for-woocommerce' ),
			'completed_in_woo_unfulfilled_in_netsuite' => __( 'Completed in WooCommerce, not fulfilled in NetSuite', 'netsuite-sync-for-woocommerce' ),
			'fulfilled_in_netsuite_open_in_woo'        => __( 'Fulfilled in NetSuite, still open in WooCommerce', 'netsuite-sync-for-woocommerce' ),
			'stock_drift'                              => __( 'Stock differs', 'netsuite-sync-for-woocommerce' ),
		);
	}

	/**
	 * @param string $kind Finding kind.
	 * @return string
	 */
	public static function kind_label( $kind ) {
		$kinds = self::kinds();
		return isset( $kinds[ $kind ] ) ? $kinds[ $kind ] : ucfirst( str_replace( '_', ' ', (string) $kind ) );
	}

	/**
	 * The whole report.
	 *
	 * @param array $report Report.
	 * @return string HTML.
	 */
	public function render( $report ) {
		$status = self::text( $report, 'status' );
		$html   = '<p class="nssync-report-head">' . esc_html( $this->head( $report ) ) . '</p>';
		if ( 'failed' === $status ) {
			$error = self::text( $report, 'error' );
			return $html . '<div class="notice notice-error inline"><p>' . esc_html( __( 'The report failed:', 'netsuite-sync-for-woocommerce' ) . ' ' . ( '' !== $error ? $error : __( 'no reason given.', 'netsuite-sync-for-woocommerce' ) ) ) . '</p></div>';
		}
		if ( 'done' !== $status ) {
			return $html . '<p class="nssync-report-progress"><span class="spinner is-active" style="float:none;margin:0 4px 0 0"></span>' . esc_html( self::progress_text( $status ) ) . '</p>';
		}
		$id       = isset( $report['id'] ) ? absint( $report['id'] ) : 0;
		$findings = isset( $report['findings'] ) && is_array( $report['findings'] ) ? $report['findings'] : array();
		$html    .= $this->counts( isset( $report['counts'] ) && is_array( $report['counts'] ) ? $report['counts'] : array(), $findings );
		$html    .= '<p><a class="button" href="' . esc_url( NSSync_Reconcile_Report::csv_url( $id ) ) . '">' . esc_html__( 'Download CSV', 'netsuite-sync-for-woocommerce' ) . '</a></p>';
		if ( ! $findings ) {
			return $html . '<p class="nssync-ok"><strong>' . esc_html__( 'Both sides agree: nothing to look at.', 'netsuite-sync-for-woocommerce' ) . '</strong></p>';
		}
		return $html . $this->findings( $id, $findings );
	}

	/**
	 * "Report 12 · Nov 27, 2026 0:00 – Dec 4, 2026 23:59 · made 3 mins ago".
	 *
	 * @param array $report Report.
	 * @return string
	 */
	private function head( $report ) {
		$params = isset( $report['params'] ) && is_array( $report['params'] ) ? $report['params'] : array();
		$parts  = array();
		if ( ! empty( $report['id'] ) ) {
			/* translators: %d: report id */
			$parts[] = sprintf( __( 'Report %d', 'netsuite-sync-for-woocommerce' ), absint( $report['id'] ) );
		}
		$period = self::period( self::text( $params, 'from' ), self::text( $params, 'to' ) );
		if ( '' !== $period ) {
			$parts[] = $period;
		}
		$done = self::text( $report, 'finished_at' );
		if ( '' !== $done && '' !== NSSync_Format::ago( $done ) ) {
			/* translators: %s: time in words */
			$parts[] = sprintf( __( 'made %s', 'netsuite-sync-for-woocommerce' ), NSSync_Format::ago( $done ) );
		}
		return implode( ' · ', $parts );
	}

	/**
	 * The window in the site's timezone: whole days as "Nov 27, 2026 – Dec 4, 2026" (the end is exclusive, so a
	 * window ending at midnight ends the day before), otherwise with times.
	 *
	 * @param string $from Start (ISO 8601, UTC when without zone).
	 * @param string $to   End, exclusive.
	 * @return string '' when unreadable.
	 */
	public static function period( $from, $to ) {
		$start = NSSync_Format::timestamp( $from );
		$end   = NSSync_Format::timestamp( $to );
		if ( ! $start || ! $end ) {
			return '';
		}
		$date = get_option( 'date_format', 'Y-m-d' );
		if ( '00:00:00' === wp_date( 'H:i:s', $start ) && '00:00:00' === wp_date( 'H:i:s', $end ) ) {
			return wp_date( $date, $start ) . ' – ' . wp_date( $date, $end - 1 );
		}
		return NSSync_Format::local( $from ) . ' – ' . NSSync_Format::local( $to );
	}

	/**
	 * While the report is being made.
	 *
	 * @param string $status pending or running.
	 * @return string
	 */
	public static function progress_text( $status ) {
		return 'running' === $status
			? __( 'Reading both systems and comparing…', 'netsuite-sync-for-woocommerce' )
			: __( 'Waiting for the sidecar\'s worker to start the report…', 'netsuite-sync-for-woocommerce' );
	}

	/**
	 * Orders compared, sales orders read, and a count per kind (kinds found first).
	 *
	 * @param array $counts   Counts.
	 * @param array $findings Findings (to count kinds the counts do not name).
	 * @return string
	 */
	private function counts( $counts, $findings ) {
		foreach ( $findings as $f ) {
			$kind = self::text( $f, 'kind' );
			if ( '' !== $kind && ! isset( $counts[ $kind ] ) ) {
				$counts[ $kind ] = 0;
				foreach ( $findings as $g ) {
					$counts[ $kind ] += ( self::text( $g, 'kind' ) === $kind ) ? 1 : 0;
				}
			}
		}
		$html  = '<table class="widefat striped nssync-table nssync-reconcile-counts"><tbody>';
		$html .= '<tr><th>' . esc_html__( 'WooCommerce orders compared', 'netsuite-sync-for-woocommerce' ) . '</th><td>' . esc_html( isset( $counts['orders'] ) && is_scalar( $counts['orders'] ) ? (string) $counts['orders'] : '–' ) . '</td></tr>';
		$html .= '<tr><th>' . esc_html__( 'NetSuite sales orders read', 'netsuite-sync-for-woocommerce' ) . '</th><td>' . esc_html( isset( $counts['sales_orders'] ) && is_scalar( $counts['sales_orders'] ) ? (string) $counts['sales_orders'] : '–' ) . '</td></tr>';
		unset( $counts['orders'], $counts['sales_orders'] );
		$order = array_merge( array_keys( self::kinds() ), array_keys( $counts ) );
		foreach ( array_unique( $order ) as $kind ) {
			if ( ! isset( $counts[ $kind ] ) || ! is_scalar( $counts[ $kind ] ) ) {
				continue;
			}
			$n     = (int) $counts[ $kind ];
			$html .= '<tr class="' . ( $n > 0 ? 'nssync-has-findings' : 'nssync-no-findings' ) . '"><th>' . esc_html( self::kind_label( $kind ) ) . '</th><td>' . ( $n > 0 ? '<strong class="nssync-bad">' . esc_html( (string) $n ) . '</strong>' : '0' ) . '</td></tr>';
		}
		return $html . '</tbody></table>';
	}

	/**
	 * The findings table; "Re-queue all" when several missing orders can be re-queued.
	 *
	 * @param int   $id       Report id.
	 * @param array $findings Findings (index = position in the report).
	 * @return string
	 */
	private function findings( $id, $findings ) {
		$requeue = array();
		foreach ( $findings as $i => $f ) {
			if ( is_array( $f ) && 'requeue' === self::text( $f, 'fix' ) && '' === self::text( $f, 'fixed' ) ) {
				$requeue[] = (int) $i;
			}
		}
		$html = '<h3>' . esc_html__( 'Findings', 'netsuite-sync-for-woocommerce' ) . '</h3>';
		if ( count( $requeue ) > 1 ) {
			$html .= '<p><button type="button" class="button nssync-reconcile-fix" data-report-id="' . esc_attr( (string) $id ) . '" data-findings="' . esc_attr( implode( ',', $requeue ) ) . '">'
				/* translators: %d: number of orders */
				. esc_html( sprintf( __( 'Re-queue all %d missing orders', 'netsuite-sync-for-woocommerce' ), count( $requeue ) ) ) . '</button> <span class="nssync-result" aria-live="polite"></span></p>';
		}
		$html .= '<table class="widefat striped nssync-table nssync-findings"><thead><tr>';
		foreach ( array( __( 'What', 'netsuite-sync-for-woocommerce' ), __( 'Order or SKU', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite', 'netsuite-sync-for-woocommerce' ), __( 'Difference', 'netsuite-sync-for-woocommerce' ), __( 'What to do', 'netsuite-sync-for-woocommerce' ) ) as $h ) {
			$html .= '<th>' . esc_html( $h ) . '</th>';
		}
		$html .= '</tr></thead><tbody>';
		foreach ( array_slice( $findings, 0, self::MAX_ROWS, true ) as $i => $f ) {
			if ( is_array( $f ) ) {
				$html .= $this->row( $id, (int) $i, $f );
			}
		}
		$html .= '</tbody></table>';
		if ( count( $findings ) > self::MAX_ROWS ) {
			/* translators: 1: rows shown, 2: rows in all */
			$html .= '<p class="description">' . esc_html( sprintf( __( 'The first %1$d of %2$d; the CSV has them all.', 'netsuite-sync-for-woocommerce' ), self::MAX_ROWS, count( $findings ) ) ) . '</p>';
		}
		return $html;
	}

	/**
	 * One finding.
	 *
	 * @param int   $id    Report id.
	 * @param int   $index Index of the finding in the report.
	 * @param array $f     Finding.
	 * @return string
	 */
	private function row( $id, $index, $f ) {
		$woo_id = isset( $f['woo_id'] ) ? absint( $f['woo_id'] ) : 0;
		$number = self::text( $f, 'number' );
		$sku    = self::text( $f, 'sku' );
		if ( $woo_id ) {
			$what = '<a href="' . esc_url( NSSync_Format::order_url( $woo_id ) ) . '">#' . esc_html( '' !== $number ? $number : (string) $woo_id ) . '</a>';
		} else {
			$what = '' !== $sku ? esc_html__( 'SKU', 'netsuite-sync-for-woocommerce' ) . ' <code>' . esc_html( $sku ) . '</code>' : esc_html( $number );
		}
		$tranid = self::text( $f, 'tranid' );
		$ns_id  = self::text( $f, 'ns_id' );
		/* translators: %s: NetSuite internal id */
		$ns   = '' !== $tranid ? esc_html( $tranid ) . ( '' !== $ns_id ? ' <span class="description">' . esc_html( sprintf( __( '(internal id %s)', 'netsuite-sync-for-woocommerce' ), $ns_id ) ) . '</span>' : '' ) : esc_html( $ns_id );
		$kind = self::text( $f, 'kind' );
		return '<tr data-index="' . esc_attr( (string) $index ) . '" class="nssync-finding nssync-finding-' . esc_attr( sanitize_html_class( $kind ) ) . '"><td>' . esc_html( self::kind_label( $kind ) ) . '</td><td>' . $what . '</td><td>' . $ns . '</td><td>' . esc_html( self::text( $f, 'detail' ) ) . '</td><td>' . $this->action( $id, $index, $f ) . '</td></tr>';
	}

	/**
	 * The fix button (or that it was applied), else what to check.
	 *
	 * @param int   $id    Report id.
	 * @param int   $index Finding index.
	 * @param array $f     Finding.
	 * @return string
	 */
	private function action( $id, $index, $f ) {
		$fix   = self::text( $f, 'fix' );
		$fixed = self::text( $f, 'fixed' );
		$check = self::text( $f, 'check' );
		$html  = '' !== $check ? '<span class="nssync-check">' . esc_html( $check ) . '</span>' : '';
		if ( '' !== $fixed ) {
			$done = 'requeued' === $fixed ? __( 'Re-queued: the order is being sent to NetSuite again.', 'netsuite-sync-for-woocommerce' ) : $fixed;
			return $html . ' <mark class="nssync-state nssync-state-done">' . esc_html( $done ) . '</mark>';
		}
		$buttons = array(
			'requeue'    => array( __( 'Re-queue', 'netsuite-sync-for-woocommerce' ), __( 'Sends the order to NetSuite again.', 'netsuite-sync-for-woocommerce' ) ),
			'push_stock' => array( __( 'Push stock', 'netsuite-sync-for-woocommerce' ), __( 'Sets the store\'s stock to NetSuite\'s available quantity minus the safety buffer.', 'netsuite-sync-for-woocommerce' ) ),
		);
		if ( isset( $buttons[ $fix ] ) ) {
			$html .= ( '' !== $html ? ' ' : '' ) . '<button type="button" class="button nssync-reconcile-fix" data-report-id="' . esc_attr( (string) $id ) . '" data-findings="' . esc_attr( (string) $index ) . '" title="' . esc_attr( $buttons[ $fix ][1] ) . '">' . esc_html( $buttons[ $fix ][0] ) . '</button> <span class="nssync-result" aria-live="polite"></span>';
		} elseif ( '' === $html ) {
			$html = '<span class="description">' . esc_html__( 'Compare the two records by hand.', 'netsuite-sync-for-woocommerce' ) . '</span>';
		}
		return $html;
	}

	/**
	 * A scalar value of an array as a string ('' when absent).
	 *
	 * @param mixed  $data Array.
	 * @param string $key  Key.
	 * @return string
	 */
	private static function text( $data, $key ) {
		return is_array( $data ) && isset( $data[ $key ] ) && is_scalar( $data[ $key ] ) ? (string) $data[ $key ] : '';
	}
}
