<?php
/**
 * The NetSuite box's content: the sidecar's state of one order (export, fulfillments, refunds, cancellation).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders `GET /v1/orders/<id>` — the one source of truth for the box — defensively (every part may be
 * absent), with times in words in the site's timezone ("Exported as SO1043 · 2 mins ago"). Returns escaped HTML.
 */
class NSSync_Order_Box_View {

	/**
	 * The sidecar's outcome of a job that found nothing to do (sidecar/flows/orders.py, after_sale.py UP_TO_DATE).
	 */
	const UP_TO_DATE = 'Already up to date.';

	/**
	 * @param array|null $state   Sidecar answer, or null when it has no record of the order.
	 * @param array|null $pending The plugin's pending outbox entry for the order, if any.
	 * @param string     $error   Why the state could not be read ('' when it was).
	 * @return string HTML.
	 */
	public function render( $state, $pending, $error = '' ) {
		$html = $this->pending( $pending );
		if ( '' !== $error ) {
			return $html . '<p class="description">' . esc_html( $error ) . '</p>';
		}
		if ( ! is_array( $state ) ) {
			return $html . '<p class="description">' . esc_html__( 'The sidecar has no record of this order yet.', 'netsuite-sync-for-woocommerce' ) . '</p>';
		}
		$html .= $this->export( $state );
		$html .= $this->fulfillments( isset( $state['fulfillments'] ) && is_array( $state['fulfillments'] ) ? $state['fulfillments'] : array() );
		$html .= $this->refunds( isset( $state['refunds'] ) && is_array( $state['refunds'] ) ? $state['refunds'] : array() );
		$html .= $this->cancellation( isset( $state['cancellation'] ) && is_array( $state['cancellation'] ) ? $state['cancellation'] : null );
		$html .= $this->history( isset( $state['history'] ) && is_array( $state['history'] ) ? $state['history'] : array() );
		return $html;
	}

	/**
	 * What WordPress itself knows: an event still waiting in the outbox.
	 *
	 * @param array|null $pending Outbox entry.
	 * @return string HTML ('' when none).
	 */
	public function pending( $pending ) {
		$html = '';
		if ( $pending ) {
			$html .= '<p class="nssync-pending"><mark class="nssync-state nssync-state-' . ( $pending['attempts'] > 0 ? 'retrying' : 'queued' ) . '">'
				. esc_html( $pending['attempts'] > 0 ? __( 'Waiting for the sidecar (retrying)', 'netsuite-sync-for-woocommerce' ) : __( 'Queued for the sidecar', 'netsuite-sync-for-woocommerce' ) ) . '</mark>';
			if ( $pending['attempts'] > 0 && '' !== (string) $pending['last_error'] ) {
				/* translators: 1: attempts, 2: error */
				$html .= ' <span class="description">' . esc_html( sprintf( __( '%1$d failed attempts: %2$s', 'netsuite-sync-for-woocommerce' ), (int) $pending['attempts'], (string) $pending['last_error'] ) ) . '</span>';
			}
			$html .= '</p>';
		}
		return $html;
	}

	/**
	 * "Exported as SO1043 · 2 mins ago", or the state; then the last error, if any.
	 *
	 * The sales order's own state is `export_status` (GET /v1/orders/<id>): a refund or update that failed after
	 * the export leaves it exported. An older sidecar sends only `status`, failed whenever the newest job failed.
	 *
	 * @param array $state State.
	 * @return string
	 */
	private function export( $state ) {
		$status = $this->scalar( $state, array( 'export_status', 'status' ) );
		$number = isset( $state['ns_number'] ) && is_scalar( $state['ns_number'] ) ? (string) $state['ns_number'] : '';
		$when   = $this->first_time( $state, array( 'exported_at', 'synced_at', 'updated_at' ) ); // exported_at: GET /v1/orders/<id>; synced_at moves with later notes.
		if ( '' === $when && ! empty( $state['history'] ) && is_array( $state['history'] ) ) {
			$latest = reset( $state['history'] ); // The sidecar lists the history newest first.
			$when   = is_array( $latest ) ? $this->first_time( $latest, array( 'at', 'created_at' ) ) : '';
		}
		$ok   = '' !== $number && ! in_array( $status, array( 'failed', 'pending', 'running' ), true );
		$html = '<p class="nssync-export">';
		if ( $ok ) {
			/* translators: %s: NetSuite sales order number */
			$html .= '<mark class="nssync-state nssync-state-exported">' . esc_html( sprintf( __( 'Exported as %s', 'netsuite-sync-for-woocommerce' ), $number ) ) . '</mark>';
		} else {
			$html .= '<mark class="nssync-state nssync-state-' . esc_attr( sanitize_html_class( '' === $status ? 'unknown' : $status ) ) . '">' . esc_html( self::state_label( $status ) ) . '</mark>';
			if ( '' !== $number ) {
				$html .= ' ' . esc_html( $number );
			}
		}
		if ( '' !== $when ) {
			$html .= ' · ' . NSSync_Format::when_html( $when );
		}
		if ( ! empty( $state['ns_id'] ) && is_scalar( $state['ns_id'] ) ) {
			/* translators: %s: NetSuite internal id */
			$html .= ' <span class="description">' . esc_html( sprintf( __( '(internal id %s)', 'netsuite-sync-for-woocommerce' ), (string) $state['ns_id'] ) ) . '</span>';
		}
		$html .= '</p>';
		return $html . $this->failure( $state, $ok );
	}

	/**
	 * The last error, its fix and a Retry for the jobs it is about (`failure.job_ids`, as the error queue's
	 * Retry takes them: the hints say "then Retry"). After an export the failure is a later job's, so it gets a
	 * line of its own naming those jobs ("Failed order.refunded · 16 seconds ago"); a failed export is already
	 * said by the export line.
	 *
	 * @param array $state    State: last_error, hint, failure (job_ids, topics, at).
	 * @param bool  $exported Whether the export line says "Exported as …".
	 * @return string HTML ('' when nothing failed).
	 */
	private function failure( $state, $exported ) {
		$error = $this->scalar( $state, array( 'last_error' ) );
		if ( '' === $error ) {
			return '';
		}
		$failure = isset( $state['failure'] ) && is_array( $state['failure'] ) ? $state['failure'] : array();
		$html    = '';
		if ( $exported ) {
			$topics = isset( $failure['topics'] ) && is_array( $failure['topics'] ) ? array_filter( $failure['topics'], 'is_scalar' ) : array();
			$html  .= '<p class="nssync-failure"><mark class="nssync-state nssync-state-failed">' . esc_html( self::state_label( 'failed' ) ) . '</mark> '
				. esc_html( $topics ? implode( ', ', $topics ) : __( 'a later job', 'netsuite-sync-for-woocommerce' ) ) . $this->ago( $failure, array( 'at' ) ) . '</p>';
		}
		$html .= '<p class="nssync-error">' . esc_html( $error ) . '</p>';
		$hint  = NSSync_Error_Hints::for_job( $state );
		if ( '' !== $hint ) {
			$html .= '<p class="nssync-hint"><strong>' . esc_html__( 'Fix:', 'netsuite-sync-for-woocommerce' ) . '</strong> ' . esc_html( $hint ) . '</p>';
		}
		$ids = isset( $failure['job_ids'] ) && is_array( $failure['job_ids'] ) ? array_values( array_filter( $failure['job_ids'], 'is_numeric' ) ) : array();
		if ( $ids ) {
			$html .= '<p class="nssync-job-actions"><button type="button" class="button nssync-job" data-job-ids="' . esc_attr( implode( ',', array_map( 'absint', $ids ) ) ) . '" data-verb="retry">'
				. esc_html__( 'Retry', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="nssync-result" aria-live="polite"></span></p>';
		}
		return $html;
	}

	/**
	 * @param array[] $items Fulfillments: ns_number, at, tracking (string or list), carrier, status.
	 * @return string
	 */
	private function fulfillments( $items ) {
		$lines = array();
		foreach ( $items as $f ) {
			if ( ! is_array( $f ) ) {
				continue;
			}
			$tracking = isset( $f['tracking'] ) ? ( is_array( $f['tracking'] ) ? implode( ', ', array_filter( $f['tracking'], 'is_scalar' ) ) : ( is_scalar( $f['tracking'] ) ? (string) $f['tracking'] : '' ) ) : '';
			$parts    = array_filter(
				array(
					$this->scalar( $f, array( 'ns_number', 'number', 'ns_id' ) ),
					$this->scalar( $f, array( 'carrier' ) ),
					$tracking,
				),
				'strlen'
			);
			$lines[]  = esc_html( implode( ' · ', $parts ) ) . $this->ago( $f, array( 'synced_at', 'at', 'shipped_at', 'created_at' ) );
		}
		return $this->block( __( 'Fulfillments', 'netsuite-sync-for-woocommerce' ), $lines );
	}

	/**
	 * The refunds the sidecar recorded in NetSuite (`flows/refunds.py` `refunds_of`: refund_id, ns_number, record,
	 * amount, synced_at). A refund that failed is a failed job, not a row here; a `status` or `last_error` is
	 * shown only when an answer carries one.
	 *
	 * @param array[] $items Refunds.
	 * @return string
	 */
	private function refunds( $items ) {
		$records = array(
			'creditMemo' => __( 'credit memo', 'netsuite-sync-for-woocommerce' ),
			'cashRefund' => __( 'cash refund', 'netsuite-sync-for-woocommerce' ),
		);
		$lines   = array();
		foreach ( $items as $r ) {
			if ( ! is_array( $r ) ) {
				continue;
			}
			$record  = $this->scalar( $r, array( 'record' ) );
			$refund  = $this->scalar( $r, array( 'refund_id' ) );
			$status  = $this->scalar( $r, array( 'status' ) );
			$parts   = array_filter(
				array(
					$this->scalar( $r, array( 'ns_number', 'number' ) ),
					isset( $records[ $record ] ) ? $records[ $record ] : $record,
					$this->scalar( $r, array( 'amount' ) ),
					/* translators: %s: WooCommerce refund id */
					'' !== $refund ? sprintf( __( 'refund #%s', 'netsuite-sync-for-woocommerce' ), $refund ) : '',
					'' !== $status ? self::state_label( $status ) : '',
				),
				'strlen'
			);
			$line    = esc_html( implode( ' · ', $parts ) ) . $this->ago( $r, array( 'synced_at', 'at', 'created_at' ) );
			$err     = $this->scalar( $r, array( 'last_error', 'error' ) );
			$lines[] = $line . ( '' !== $err ? '<br><span class="nssync-error">' . esc_html( $err ) . '</span>' : '' );
		}
		return $this->block( __( 'Refunds', 'netsuite-sync-for-woocommerce' ), $lines );
	}

	/**
	 * What the cancellation did, in words, from the sidecar's record of it (`flows/cancellations.py`): `by`
	 * (woocommerce, netsuite), `state` (closed, cancelled, reported) and what it found on the other side.
	 *
	 * @param array|null $c Cancellation: by, state, at; lines, shipped, woo, message.
	 * @return string
	 */
	private function cancellation( $c ) {
		if ( ! $c ) {
			return '';
		}
		$line    = esc_html( self::cancellation_text( $c ) ) . $this->ago( $c, array( 'at' ) );
		$message = 'reported' === $this->scalar( $c, array( 'state' ) ) ? $this->scalar( $c, array( 'message' ) ) : '';
		return $this->block( __( 'Cancellation', 'netsuite-sync-for-woocommerce' ), array( $line . ( '' !== $message ? '<br><span class="nssync-error">' . esc_html( $message ) . '</span>' : '' ) ) );
	}

	/**
	 * One sentence for a cancellation record (not escaped).
	 *
	 * @param array $c Cancellation.
	 * @return string
	 */
	public static function cancellation_text( $c ) {
		$get     = static function ( $key ) use ( $c ) {
			return isset( $c[ $key ] ) && is_scalar( $c[ $key ] ) ? (string) $c[ $key ] : '';
		};
		$by      = $get( 'by' );
		$state   = $get( 'state' );
		$woo     = $get( 'woo' );
		$shipped = isset( $c['shipped'] ) && true === $c['shipped'];
		if ( 'woocommerce' === $by ) {
			return 'reported' === $state
				? __( 'Cancelled here; the sales order was left as it is in NetSuite', 'netsuite-sync-for-woocommerce' )
				: __( 'Cancelled here; every open line of the sales order was closed in NetSuite', 'netsuite-sync-for-woocommerce' );
		}
		if ( 'netsuite' !== $by ) {
			return __( 'Cancellation recorded', 'netsuite-sync-for-woocommerce' );
		}
		$what = 'cancelled' === $state
			? __( 'Sales order cancelled in NetSuite', 'netsuite-sync-for-woocommerce' )
			: __( 'Sales order closed in NetSuite', 'netsuite-sync-for-woocommerce' );
		if ( $shipped ) {
			/* translators: %s: "Sales order closed in NetSuite" */
			return sprintf( __( '%s after part of it shipped; this order was left as it is', 'netsuite-sync-for-woocommerce' ), $what );
		}
		$settled = array(
			'completed' => __( 'completed', 'netsuite-sync-for-woocommerce' ),
			'refunded'  => __( 'refunded', 'netsuite-sync-for-woocommerce' ),
		);
		if ( isset( $settled[ $woo ] ) ) {
			/* translators: 1: "Sales order closed in NetSuite", 2: the order's status (completed, refunded) */
			return sprintf( __( '%1$s; this order was already %2$s and was left as it is', 'netsuite-sync-for-woocommerce' ), $what, $settled[ $woo ] );
		}
		/* translators: %s: "Sales order closed in NetSuite" */
		return sprintf( __( '%s; this order was cancelled', 'netsuite-sync-for-woocommerce' ), $what );
	}

	/**
	 * The latest events about the order, newest first as the sidecar lists them (`GET /v1/orders/<id>` →
	 * `history`: topic, source, status, attempts, outcome, error, at); consecutive checks that found nothing to
	 * change are one line (see fold_checks()), so the 8 lines shown are the ones that say something.
	 *
	 * @param array $items History, newest first.
	 * @return string
	 */
	private function history( $items ) {
		if ( ! $items ) {
			return '';
		}
		$html = '<details><summary>' . esc_html__( 'History', 'netsuite-sync-for-woocommerce' ) . '</summary><ul class="nssync-history">';
		foreach ( array_slice( self::fold_checks( array_values( $items ) ), 0, 8 ) as $item ) {
			if ( ! is_array( $item ) ) {
				$html .= '<li>' . esc_html( is_scalar( $item ) ? (string) $item : '' ) . '</li>';
				continue;
			}
			if ( isset( $item['checks'] ) ) {
				$parts = array(
					implode( ', ', array_map( array( 'NSSync_Format', 'topic_label' ), $item['topics'] ) ),
					/* translators: %d: how many jobs found the order already as it is in NetSuite */
					sprintf( _n( '%d check found nothing to change', '%d checks found nothing to change', $item['checks'], 'netsuite-sync-for-woocommerce' ), $item['checks'] ),
				);
				$html .= '<li>' . esc_html( implode( ' · ', array_filter( $parts, 'strlen' ) ) ) . $this->ago( $item, array( 'at' ) ) . '</li>';
				continue;
			}
			$parts = array_filter( array( NSSync_Format::topic_label( $this->scalar( $item, array( 'topic', 'source' ) ) ), self::event_label( $this->scalar( $item, array( 'status' ) ) ), $this->scalar( $item, array( 'error', 'outcome', 'message' ) ) ), 'strlen' );
			$html .= '<li>' . esc_html( implode( ' · ', $parts ) ) . $this->ago( $item, array( 'at', 'created_at' ) ) . '</li>';
		}
		return $html . '</ul></details>';
	}

	/**
	 * Folds each run of consecutive "Already up to date." jobs into one entry: `checks` (how many), `topics`
	 * (each once, newest first) and `at` (the newest). With HPOS, WooCommerce saves an order when its edit
	 * screen opens, and the plugin's own state meta is saved after each send: every save is an order.updated
	 * webhook, which the sidecar finds already done (sidecar/flows/orders.py, after_sale.py), so looking at an
	 * order filled its History. The sidecar still lists every job; this is only how the box shows them. A run of
	 * one stays the sidecar's own row.
	 *
	 * @param array $items History, newest first.
	 * @return array Rows and folded entries, newest first.
	 */
	public static function fold_checks( $items ) {
		$out = array();
		foreach ( $items as $item ) {
			$check = is_array( $item ) && isset( $item['status'], $item['outcome'] ) && 'done' === $item['status']
				&& is_scalar( $item['outcome'] ) && self::UP_TO_DATE === trim( (string) $item['outcome'] );
			$last  = count( $out ) - 1;
			if ( ! $check || $last < 0 || ! isset( $out[ $last ]['nssync_check'] ) ) {
				$out[] = $check ? $item + array( 'nssync_check' => true ) : $item;
				continue;
			}
			$run = isset( $out[ $last ]['checks'] ) ? $out[ $last ] : array(
				'nssync_check' => true,
				'checks'       => 1,
				'topics'       => array_filter( array( self::topic_of( $out[ $last ] ) ), 'strlen' ),
				'at'           => isset( $out[ $last ]['at'] ) ? $out[ $last ]['at'] : '',
			);
			++$run['checks'];
			$run['topics'] = array_values( array_unique( array_filter( array_merge( $run['topics'], array( self::topic_of( $item ) ) ), 'strlen' ) ) );
			$out[ $last ]  = $run;
		}
		return $out;
	}

	/**
	 * @param array $item History row.
	 * @return string Its topic ('' when none).
	 */
	private static function topic_of( $item ) {
		return isset( $item['topic'] ) && is_scalar( $item['topic'] ) ? (string) $item['topic'] : '';
	}

	/**
	 * A titled list, or '' when empty.
	 *
	 * @param string   $title Title.
	 * @param string[] $lines Escaped lines.
	 * @return string
	 */
	private function block( $title, $lines ) {
		if ( ! $lines ) {
			return '';
		}
		return '<p class="nssync-box-title"><strong>' . esc_html( $title ) . '</strong></p><ul class="nssync-box-list"><li>' . implode( '</li><li>', $lines ) . '</li></ul>';
	}

	/**
	 * " · 2 mins ago" for the first time key present, or ''.
	 *
	 * @param array    $data Data.
	 * @param string[] $keys Keys.
	 * @return string
	 */
	private function ago( $data, $keys ) {
		$when = $this->first_time( $data, $keys );
		return '' === $when ? '' : ' · ' . NSSync_Format::when_html( $when );
	}

	/**
	 * @param array    $data Data.
	 * @param string[] $keys Keys.
	 * @return string
	 */
	private function first_time( $data, $keys ) {
		$v = $this->scalar( $data, $keys );
		return NSSync_Format::timestamp( $v ) ? $v : '';
	}

	/**
	 * @param array    $data Data.
	 * @param string[] $keys Candidate keys.
	 * @return string
	 */
	private function scalar( $data, $keys ) {
		foreach ( $keys as $k ) {
			if ( isset( $data[ $k ] ) && is_scalar( $data[ $k ] ) && '' !== (string) $data[ $k ] ) {
				return (string) $data[ $k ];
			}
		}
		return '';
	}

	/**
	 * A job's status in the history (`pending`, `running`, `done`, `failed`, `skipped`), in words; '' for none.
	 *
	 * @param string $status Job status.
	 * @return string
	 */
	public static function event_label( $status ) {
		return NSSync_Format::status_label( $status );
	}

	/**
	 * @param string $status Sidecar or plugin state.
	 * @return string
	 */
	public static function state_label( $status ) {
		$labels = array(
			'pending'      => __( 'Pending', 'netsuite-sync-for-woocommerce' ),
			'running'      => __( 'Running', 'netsuite-sync-for-woocommerce' ),
			'done'         => __( 'Exported', 'netsuite-sync-for-woocommerce' ),
			'exported'     => __( 'Exported', 'netsuite-sync-for-woocommerce' ),
			'synced'       => __( 'Exported', 'netsuite-sync-for-woocommerce' ),
			'not_exported' => __( 'Not exported yet', 'netsuite-sync-for-woocommerce' ),
			'failed'       => __( 'Failed', 'netsuite-sync-for-woocommerce' ),
			'skipped'      => __( 'Skipped', 'netsuite-sync-for-woocommerce' ),
			'sent'         => __( 'Sent to sidecar', 'netsuite-sync-for-woocommerce' ),
			'retrying'     => __( 'Retrying', 'netsuite-sync-for-woocommerce' ),
		);
		return isset( $labels[ $status ] ) ? $labels[ $status ] : ( '' === $status ? __( 'Unknown', 'netsuite-sync-for-woocommerce' ) : $status );
	}
}
