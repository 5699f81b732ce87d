<?php
/**
 * Small display helpers shared by the settings tab, the Status section and the order box: run summaries and
 * times in the site's timezone, in words.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Pure formatting (escaping is the caller's, except where a method returns HTML and says so).
 */
class NSSync_Format {

	const COUNTS = array( 'seen', 'changed', 'unchanged', 'unmatched', 'failed' );

	/**
	 * Counts a run has only when it did that (the inventory flow: SKUs pushed lower for orders not in NetSuite
	 * yet, quantities edited by hand in WooCommerce and overwritten); said when not 0. The sidecar sends all seven
	 * in `counts` (sidecar/api/sync.py COUNTS).
	 */
	const RARE_COUNTS = array( 'held_back', 'drift' );

	/**
	 * A unix time from an ISO 8601 string (with or without microseconds/zone) or a number; 0 when unreadable.
	 *
	 * @param mixed $when Time.
	 * @return int
	 */
	public static function timestamp( $when ) {
		if ( is_int( $when ) || ( is_string( $when ) && ctype_digit( $when ) ) ) {
			return (int) $when;
		}
		if ( ! is_string( $when ) || '' === $when ) {
			return 0;
		}
		try {
			$date = new DateTimeImmutable( $when, new DateTimeZone( 'UTC' ) );
		} catch ( Exception $e ) {
			return 0;
		}
		return $date->getTimestamp();
	}

	/**
	 * "2 mins ago" / "in 5 mins" (WordPress's human_time_diff()).
	 *
	 * @param mixed    $when Time.
	 * @param int|null $now  Unix time now.
	 * @return string '' when unreadable.
	 */
	public static function ago( $when, $now = null ) {
		$ts  = self::timestamp( $when );
		$now = null === $now ? time() : (int) $now;
		if ( ! $ts ) {
			return '';
		}
		if ( $ts > $now + 60 ) {
			/* translators: %s: time span such as "5 mins" */
			return sprintf( __( 'in %s', 'netsuite-sync-for-woocommerce' ), human_time_diff( $now, $ts ) );
		}
		/* translators: %s: time span such as "5 mins" */
		return sprintf( __( '%s ago', 'netsuite-sync-for-woocommerce' ), human_time_diff( $ts, $now ) );
	}

	/**
	 * The time in the site's timezone and format, e.g. "December 4, 2026 3:40 pm".
	 *
	 * @param mixed $when Time.
	 * @return string
	 */
	public static function local( $when ) {
		$ts = self::timestamp( $when );
		if ( ! $ts ) {
			return '';
		}
		return wp_date( get_option( 'date_format', 'Y-m-d' ) . ' ' . get_option( 'time_format', 'H:i' ), $ts );
	}

	/**
	 * HTML: "<time title="local time">2 mins ago</time>" (escaped here).
	 *
	 * @param mixed    $when Time.
	 * @param int|null $now  Unix time now.
	 * @return string
	 */
	public static function when_html( $when, $now = null ) {
		$ago = self::ago( $when, $now );
		if ( '' === $ago ) {
			return '';
		}
		return '<time datetime="' . esc_attr( gmdate( 'c', self::timestamp( $when ) ) ) . '" title="' . esc_attr( self::local( $when ) ) . '">' . esc_html( $ago ) . '</time>';
	}

	/**
	 * The admin URL of an order's edit screen (HPOS or legacy), without loading the order.
	 *
	 * @param int $order_id Order id.
	 * @return string
	 */
	public static function order_url( $order_id ) {
		if ( class_exists( '\Automattic\WooCommerce\Utilities\OrderUtil' ) && method_exists( '\Automattic\WooCommerce\Utilities\OrderUtil', 'get_order_admin_edit_url' ) ) {
			return \Automattic\WooCommerce\Utilities\OrderUtil::get_order_admin_edit_url( absint( $order_id ) );
		}
		return admin_url( 'post.php?post=' . absint( $order_id ) . '&action=edit' );
	}

	/**
	 * A run's or a job's status in words: the sidecar's `pending`, `running`, `done`, `failed`, `skipped` (runs:
	 * sidecar/pipeline/runs.py; jobs: EVENT_STATUSES). Another value reads as it is; '' stays ''.
	 *
	 * @param string $status Status.
	 * @return string
	 */
	public static function status_label( $status ) {
		$labels = self::status_labels();
		return isset( $labels[ $status ] ) ? $labels[ $status ] : (string) $status;
	}

	/**
	 * An event's topic in words, as WooCommerce names its webhook topics ("Order created"): the order box's
	 * history and the error queue printed the topic key (order.updated). An unknown topic is shown as it is.
	 *
	 * @param string $topic Topic, e.g. order.refunded.
	 * @return string
	 */
	public static function topic_label( $topic ) {
		$labels = array(
			'order.created'    => __( 'Order created', 'netsuite-sync-for-woocommerce' ),
			'order.updated'    => __( 'Order updated', 'netsuite-sync-for-woocommerce' ),
			'order.refunded'   => __( 'Order refunded', 'netsuite-sync-for-woocommerce' ),
			'order.cancelled'  => __( 'Order cancelled', 'netsuite-sync-for-woocommerce' ),
			'customer.created' => __( 'Customer created', 'netsuite-sync-for-woocommerce' ),
			'customer.updated' => __( 'Customer updated', 'netsuite-sync-for-woocommerce' ),
		);
		return isset( $labels[ $topic ] ) ? $labels[ $topic ] : (string) $topic;
	}

	/**
	 * @return array status => label (also handed to the admin script for Sync now).
	 */
	public static function status_labels() {
		return array(
			'pending' => __( 'Queued', 'netsuite-sync-for-woocommerce' ),
			'running' => __( 'Running', 'netsuite-sync-for-woocommerce' ),
			'done'    => __( 'Done', 'netsuite-sync-for-woocommerce' ),
			'failed'  => __( 'Failed', 'netsuite-sync-for-woocommerce' ),
			'skipped' => __( 'Skipped', 'netsuite-sync-for-woocommerce' ),
		);
	}

	/**
	 * "Done · seen 10, changed 2, unchanged 8, unmatched 0, failed 0" (", held back 1, drift 2" when not 0).
	 *
	 * @param array $run Run (`counts` object, or the counts at the top level from older sidecars).
	 * @return string
	 */
	public static function run_text( $run ) {
		$text   = isset( $run['status'] ) && is_scalar( $run['status'] ) ? self::status_label( (string) $run['status'] ) : '';
		$counts = isset( $run['counts'] ) && is_array( $run['counts'] ) ? $run['counts'] : $run;
		$parts  = array();
		foreach ( self::COUNTS as $k ) {
			if ( isset( $counts[ $k ] ) && is_scalar( $counts[ $k ] ) ) {
				$parts[] = $k . ' ' . $counts[ $k ];
			}
		}
		foreach ( self::RARE_COUNTS as $k ) {
			if ( ! empty( $counts[ $k ] ) && is_scalar( $counts[ $k ] ) ) {
				$parts[] = str_replace( '_', ' ', $k ) . ' ' . $counts[ $k ];
			}
		}
		return trim( $text . ( $parts ? ' · ' . implode( ', ', $parts ) : '' ) );
	}

	/**
	 * The first errors of a run as lines of text.
	 *
	 * @param array $run Run.
	 * @param int   $max At most this many.
	 * @return string[]
	 */
	public static function run_errors( $run, $max = 3 ) {
		$out = array();
		foreach ( isset( $run['errors'] ) && is_array( $run['errors'] ) ? $run['errors'] : array() as $e ) {
			if ( is_scalar( $e ) ) {
				$out[] = (string) $e;
			} elseif ( is_array( $e ) ) {
				$what  = isset( $e['ref'] ) ? $e['ref'] : ( isset( $e['sku'] ) ? $e['sku'] : ( isset( $e['id'] ) ? $e['id'] : '' ) );
				$msg   = isset( $e['message'] ) ? $e['message'] : ( isset( $e['error'] ) ? $e['error'] : wp_json_encode( $e ) );
				$out[] = trim( ( is_scalar( $what ) && '' !== (string) $what ? $what . ': ' : '' ) . ( is_scalar( $msg ) ? $msg : '' ) );
			}
			if ( count( $out ) >= $max ) {
				break;
			}
		}
		return $out;
	}
}
