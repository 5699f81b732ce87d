<?php
/**
 * The error queue on the Status section: failed jobs, filtered, paged, grouped by order, with the fix.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Prints the filter form, the bulk Retry buttons, one row per order (its failed jobs together, linked to the
 * order) or per other record, each with the reason and what to do, Retry and Skip (Skip asks first), and the
 * page links. Escapes everything; reads nothing.
 */
class NSSync_Error_Queue_View {

	const PER_PAGE = 20;
	const TOPICS   = array( 'order.created', 'order.updated', 'order.refunded', 'order.cancelled', 'customer.created', 'customer.updated' );

	/**
	 * The filters of the current request (from the query string), validated.
	 *
	 * @param array $get Query arguments (unslashed).
	 * @return array flow, topic, since, until (Y-m-d or ''), page (≥ 1).
	 */
	public static function filters( $get ) {
		$flows = array_diff( array_keys( NSSync_Settings_Schema::SYNC_GROUPS ), array( 'reconcile' ) ); // A report has no jobs.
		$f     = array(
			'flow'  => isset( $get['nssync_flow'] ) ? sanitize_key( $get['nssync_flow'] ) : '',
			'topic' => isset( $get['nssync_topic'] ) ? sanitize_text_field( $get['nssync_topic'] ) : '',
			'since' => isset( $get['nssync_since'] ) ? sanitize_text_field( $get['nssync_since'] ) : '',
			'until' => isset( $get['nssync_until'] ) ? sanitize_text_field( $get['nssync_until'] ) : '',
			'page'  => isset( $get['nssync_page'] ) ? max( 1, (int) $get['nssync_page'] ) : 1,
		);
		$f['flow']  = in_array( $f['flow'], $flows, true ) ? $f['flow'] : '';
		$f['topic'] = in_array( $f['topic'], self::TOPICS, true ) ? $f['topic'] : '';
		foreach ( array( 'since', 'until' ) as $k ) {
			$f[ $k ] = preg_match( '/^\d{4}-\d{2}-\d{2}$/', $f[ $k ] ) ? $f[ $k ] : '';
		}
		return $f;
	}

	/**
	 * The sidecar path for these filters: `/v1/jobs?status=failed&…&limit=&offset=&group=order`.
	 *
	 * @param array $f Filters.
	 * @return string
	 */
	public static function path( $f ) {
		return NSSync_Sidecar_Client::with_query(
			'/v1/jobs',
			array(
				'status' => 'failed',
				'flow'   => $f['flow'],
				'topic'  => $f['topic'],
				'since'  => $f['since'],
				'until'  => $f['until'],
				'limit'  => self::PER_PAGE,
				'offset' => ( $f['page'] - 1 ) * self::PER_PAGE,
				'group'  => 'order',
			)
		);
	}

	/**
	 * Failed jobs grouped: an order's jobs in one row, any other record's on its own.
	 *
	 * @param array[] $jobs Jobs.
	 * @return array[] `['order_id' => int|0, 'label', 'jobs' => array[]]`.
	 */
	public static function group( $jobs ) {
		$groups = array();
		foreach ( $jobs as $job ) {
			if ( ! is_array( $job ) ) {
				continue;
			}
			$topic    = isset( $job['topic'] ) ? (string) $job['topic'] : '';
			$resource = isset( $job['resource_id'] ) ? absint( $job['resource_id'] ) : 0;
			$is_order = $resource && ( 0 === strpos( $topic, 'order.' ) || ( isset( $job['flow'] ) && in_array( $job['flow'], array( 'orders', 'refunds', 'cancellations' ), true ) ) );
			$key      = $is_order ? 'order-' . $resource : 'job-' . ( isset( $job['id'] ) ? $job['id'] : count( $groups ) );
			if ( ! isset( $groups[ $key ] ) ) {
				$groups[ $key ] = array(
					'order_id' => $is_order ? $resource : 0,
					'jobs'     => array(),
				);
			}
			$groups[ $key ]['jobs'][] = $job;
		}
		return array_values( $groups );
	}

	/**
	 * The answer is grouped (`group=order`): its `total` counts rows (orders and other records), not jobs; how
	 * many jobs "Retry all failed" retries is `GET /v1/status` → `failed`, handed in as `failed`.
	 *
	 * @param array $data answer (`GET /v1/jobs` or `_error`), filters, base_url (the Status section URL),
	 *                    failed (failed jobs in all, or null when unknown).
	 * @param bool  $down The sidecar does not answer.
	 */
	public function render( $data, $down = false ) {
		$answer = $data['answer'];
		$f      = $data['filters'];
		$total  = isset( $answer['total'] ) ? (int) $answer['total'] : 0;
		$failed = isset( $data['failed'] ) ? (int) $data['failed'] : 0;
		echo '<h2 id="nssync-failed-jobs">' . esc_html__( 'Error queue', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		if ( isset( $answer['_error'] ) ) {
			NSSync_Status_View::unavailable( $answer, $down );
			return;
		}
		$this->filter_form( $f );
		$jobs = isset( $answer['jobs'] ) && is_array( $answer['jobs'] ) ? $answer['jobs'] : array();
		if ( ! $jobs ) {
			echo '<p>' . esc_html__( 'No failed jobs.', 'netsuite-sync-for-woocommerce' ) . '</p>';
			return;
		}
		echo '<p class="nssync-bulk"><button type="button" class="button" id="nssync-retry-selected">' . esc_html__( 'Retry selected', 'netsuite-sync-for-woocommerce' ) . '</button> ';
		echo '<button type="button" class="button" id="nssync-retry-all" data-confirm="' . esc_attr(
			sprintf(
				/* translators: %d: number of failed jobs */
				_n( 'Retry %d failed job?', 'Retry all %d failed jobs?', max( $failed, $total, count( $jobs ) ), 'netsuite-sync-for-woocommerce' ),
				max( $failed, $total, count( $jobs ) )
			)
		) . '">' . esc_html__( 'Retry all failed', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-result" aria-live="polite"></span></p>';
		echo '<table class="widefat striped nssync-table nssync-queue"><thead><tr><td class="check-column"><input type="checkbox" class="nssync-check-all" aria-label="' . esc_attr__( 'Select all', 'netsuite-sync-for-woocommerce' ) . '"></td>';
		foreach ( array( __( 'Record', 'netsuite-sync-for-woocommerce' ), __( 'What failed', 'netsuite-sync-for-woocommerce' ), __( 'Reason and fix', 'netsuite-sync-for-woocommerce' ), __( 'When', 'netsuite-sync-for-woocommerce' ), '' ) as $col ) {
			echo '<th>' . esc_html( $col ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( self::group( $jobs ) as $g ) {
			$this->row( $g );
		}
		echo '</tbody></table>';
		$this->pages( $f, $total, $data['base_url'] );
	}

	/**
	 * The ids of every failed job a row stands for. With `group=order` the sidecar answers one row per order (its
	 * newest matching job) and lists all of them in `job_ids` (sidecar/api/jobs.py `_grouped`): Retry and Skip
	 * act on all, so the order's older failed jobs do not stay behind and bring the row back.
	 *
	 * @param array $job Job.
	 * @return string[]
	 */
	public static function job_ids( $job ) {
		$ids = isset( $job['job_ids'] ) && is_array( $job['job_ids'] ) ? $job['job_ids'] : array( isset( $job['id'] ) ? $job['id'] : '' );
		return array_values( array_filter( array_map( 'strval', array_filter( $ids, 'is_scalar' ) ), 'strlen' ) );
	}

	/**
	 * One group's row.
	 *
	 * @param array $g Group.
	 */
	private function row( $g ) {
		$ids      = array();
		$what     = array();
		$attempts = 0;
		foreach ( $g['jobs'] as $job ) {
			$ids      = array_merge( $ids, self::job_ids( $job ) );
			$what[]   = isset( $job['topic'] ) ? NSSync_Format::topic_label( (string) $job['topic'] ) : ( isset( $job['flow'] ) ? (string) $job['flow'] : '' );
			$attempts = max( $attempts, isset( $job['attempts'] ) ? (int) $job['attempts'] : 0 );
		}
		$ids = array_values( array_unique( $ids ) );
		$first  = $g['jobs'][0];
		$reason = '';
		foreach ( array( 'last_error', 'error', 'reason' ) as $k ) {
			if ( isset( $first[ $k ] ) && is_scalar( $first[ $k ] ) ) {
				$reason = (string) $first[ $k ];
				break;
			}
		}
		$hint = NSSync_Error_Hints::for_job( $first );
		$when = isset( $first['updated_at'] ) ? $first['updated_at'] : ( isset( $first['failed_at'] ) ? $first['failed_at'] : '' );
		$jobs = count( $ids );
		$ids  = implode( ',', $ids );

		echo '<tr data-job-ids="' . esc_attr( $ids ) . '"><th scope="row" class="check-column"><input type="checkbox" class="nssync-check" value="' . esc_attr( $ids ) . '"></th><td>';
		if ( $g['order_id'] ) {
			/* translators: %d: order number */
			echo '<a href="' . esc_url( NSSync_Format::order_url( $g['order_id'] ) ) . '">' . esc_html( sprintf( __( 'Order #%d', 'netsuite-sync-for-woocommerce' ), $g['order_id'] ) ) . '</a>';
		} elseif ( isset( $first['resource']['kind'], $first['resource']['woo_id'] ) && 'customer' === $first['resource']['kind'] ) {
			/* translators: %s: WooCommerce customer id */
			echo esc_html( sprintf( __( 'Customer #%s', 'netsuite-sync-for-woocommerce' ), (string) $first['resource']['woo_id'] ) );
		} else {
			$res = isset( $first['resource_id'] ) ? (string) $first['resource_id'] : '';
			echo esc_html( trim( ( isset( $first['flow'] ) ? (string) $first['flow'] : '' ) . ' ' . $res ) );
		}
		echo '</td><td>' . esc_html( implode( ', ', array_unique( array_filter( $what ) ) ) );
		/* translators: %d: attempts */
		$detail = sprintf( _n( '%d attempt', '%d attempts', $attempts, 'netsuite-sync-for-woocommerce' ), $attempts );
		if ( $jobs > 1 ) {
			/* translators: 1: "3 attempts", 2: number of failed jobs of this record */
			$detail = sprintf( _n( '%1$s · %2$d failed job', '%1$s · %2$d failed jobs', $jobs, 'netsuite-sync-for-woocommerce' ), $detail, $jobs );
		}
		echo '<br><span class="description">' . esc_html( $detail ) . '</span></td>';
		echo '<td><span class="nssync-error">' . esc_html( $reason ) . '</span>';
		if ( '' !== $hint ) {
			echo '<br><span class="nssync-hint"><strong>' . esc_html__( 'Fix:', 'netsuite-sync-for-woocommerce' ) . '</strong> ' . esc_html( $hint ) . '</span>';
		}
		echo '</td><td>' . NSSync_Format::when_html( $when ) . '</td>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- when_html() escapes.
		echo '<td class="nssync-job-actions"><button type="button" class="button nssync-job" data-job-ids="' . esc_attr( $ids ) . '" data-verb="retry">' . esc_html__( 'Retry', 'netsuite-sync-for-woocommerce' ) . '</button> ';
		echo '<button type="button" class="button nssync-job" data-job-ids="' . esc_attr( $ids ) . '" data-verb="skip" data-confirm="' . esc_attr__( 'Skip this job? It will not be sent to NetSuite again unless you send the order again.', 'netsuite-sync-for-woocommerce' ) . '">' . esc_html__( 'Skip', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-result" aria-live="polite"></span></td></tr>';
	}

	/**
	 * Filters: flow, topic, from, to (a GET form on the same screen).
	 *
	 * @param array $f Filters.
	 */
	private function filter_form( $f ) {
		echo '<form method="get" class="nssync-filters"><input type="hidden" name="page" value="wc-settings"><input type="hidden" name="tab" value="nssync"><input type="hidden" name="section" value="status">';
		echo '<label>' . esc_html__( 'Flow', 'netsuite-sync-for-woocommerce' ) . ' <select name="nssync_flow"><option value="">' . esc_html__( 'All', 'netsuite-sync-for-woocommerce' ) . '</option>';
		foreach ( NSSync_Settings_Schema::group_labels() as $flow => $label ) {
			if ( 'general' !== $flow && 'reconcile' !== $flow ) {
				echo '<option value="' . esc_attr( $flow ) . '"' . selected( $f['flow'], $flow, false ) . '>' . esc_html( $label[0] ) . '</option>';
			}
		}
		echo '</select></label> <label>' . esc_html__( 'Event', 'netsuite-sync-for-woocommerce' ) . ' <select name="nssync_topic"><option value="">' . esc_html__( 'All', 'netsuite-sync-for-woocommerce' ) . '</option>';
		foreach ( self::TOPICS as $topic ) {
			echo '<option value="' . esc_attr( $topic ) . '"' . selected( $f['topic'], $topic, false ) . '>' . esc_html( NSSync_Format::topic_label( $topic ) ) . '</option>';
		}
		echo '</select></label> <label>' . esc_html__( 'From', 'netsuite-sync-for-woocommerce' ) . ' <input type="date" name="nssync_since" value="' . esc_attr( $f['since'] ) . '"></label> ';
		echo '<label>' . esc_html__( 'To', 'netsuite-sync-for-woocommerce' ) . ' <input type="date" name="nssync_until" value="' . esc_attr( $f['until'] ) . '"></label> ';
		echo '<button type="submit" class="button">' . esc_html__( 'Filter', 'netsuite-sync-for-woocommerce' ) . '</button></form>';
	}

	/**
	 * Page links.
	 *
	 * @param array  $f     Filters.
	 * @param int    $total Jobs (or groups) in all pages.
	 * @param string $base  Status section URL.
	 */
	private function pages( $f, $total, $base ) {
		$pages = max( 1, (int) ceil( $total / self::PER_PAGE ) );
		if ( $pages <= 1 ) {
			return;
		}
		$args = array_filter(
			array(
				'nssync_flow'  => $f['flow'],
				'nssync_topic' => $f['topic'],
				'nssync_since' => $f['since'],
				'nssync_until' => $f['until'],
			)
		);
		echo '<p class="nssync-pages">';
		if ( $f['page'] > 1 ) {
			echo '<a class="button" href="' . esc_url( add_query_arg( $args + array( 'nssync_page' => $f['page'] - 1 ), $base ) ) . '#nssync-failed-jobs">&laquo; ' . esc_html__( 'Previous', 'netsuite-sync-for-woocommerce' ) . '</a> ';
		}
		/* translators: 1: page, 2: pages, 3: orders and other records with a failed job */
		echo esc_html( sprintf( _n( 'Page %1$d of %2$d (%3$d record with failed jobs)', 'Page %1$d of %2$d (%3$d records with failed jobs)', $total, 'netsuite-sync-for-woocommerce' ), $f['page'], $pages, $total ) );
		if ( $f['page'] < $pages ) {
			echo ' <a class="button" href="' . esc_url( add_query_arg( $args + array( 'nssync_page' => $f['page'] + 1 ), $base ) ) . '#nssync-failed-jobs">' . esc_html__( 'Next', 'netsuite-sync-for-woocommerce' ) . ' &raquo;</a>';
		}
		echo '</p>';
	}
}
