<?php
/**
 * Everything the plugin keeps in wp_options, read and written in one place.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * The plugin's stored options. By design (DESIGN.md §7) they hold only the sidecar URL, the shared secret and
 * non-secret state: forwarding health and cached display values (the event outbox is NSSync_Outbox's table).
 * NetSuite and WooCommerce credentials live in the sidecar only.
 */
class NSSync_Options {

	const SIDECAR_URL    = 'nssync_sidecar_url';
	const SHARED_SECRET  = 'nssync_shared_secret';
	const HEALTH         = 'nssync_forwarding_health';
	const CUSTOMER_ROLES = 'nssync_customer_roles';
	const CONTACT        = 'nssync_sidecar_contact';
	const RUNS_CACHE     = 'nssync_last_runs';
	const LAST_REPORT    = 'nssync_last_reconcile_report';
	const OUTBOX_PREFIX  = 'nssync_outbox_'; // 0.1.0's outbox rows; moved into NSSync_Outbox's table on upgrade.
	const DEFAULT_URL    = 'http://127.0.0.1:8765';

	/**
	 * Every fixed option name, for uninstall.
	 *
	 * @var string[]
	 */
	const ALL = array( self::SIDECAR_URL, self::SHARED_SECRET, self::HEALTH, self::CUSTOMER_ROLES, self::CONTACT, self::RUNS_CACHE, self::LAST_REPORT, 'nssync_db_version' );

	/**
	 * The sidecar's base URL without a trailing slash.
	 *
	 * @return string
	 */
	public function sidecar_url() {
		$url = (string) get_option( self::SIDECAR_URL, self::DEFAULT_URL );
		return rtrim( '' === $url ? self::DEFAULT_URL : $url, '/' );
	}

	/**
	 * The HMAC shared secret ('' when not paired yet).
	 *
	 * @return string
	 */
	public function shared_secret() {
		return (string) get_option( self::SHARED_SECRET, '' );
	}

	/**
	 * True once a sidecar URL and a shared secret are stored.
	 *
	 * @return bool
	 */
	public function is_paired() {
		return '' !== $this->shared_secret();
	}

	/**
	 * @param string $url Already sanitized URL.
	 */
	public function set_sidecar_url( $url ) {
		update_option( self::SIDECAR_URL, rtrim( (string) $url, '/' ), false );
	}

	/**
	 * @param string $secret The secret exactly as typed (never sanitized: it must match the sidecar's byte for
	 *                       byte); stored not autoloaded.
	 */
	public function set_shared_secret( $secret ) {
		update_option( self::SHARED_SECRET, (string) $secret, false );
	}

	/**
	 * WordPress roles whose profile edits are forwarded (a copy of the sidecar's customers.roles).
	 *
	 * @return string[]
	 */
	public function customer_roles() {
		$roles = get_option( self::CUSTOMER_ROLES, array( 'customer' ) );
		return is_array( $roles ) ? array_values( array_map( 'strval', $roles ) ) : array( 'customer' );
	}

	/**
	 * @param string[] $roles Roles from the sidecar settings.
	 */
	public function set_customer_roles( $roles ) {
		update_option( self::CUSTOMER_ROLES, array_values( array_map( 'strval', (array) $roles ) ), false );
	}

	/**
	 * Forwarding health: last success/failure, consecutive failures, last error.
	 *
	 * @return array
	 */
	public function health() {
		$defaults = array(
			'consecutive_failures' => 0,
			'last_error'           => '',
			'last_failure_at'      => 0,
			'last_success_at'      => 0,
		);
		$stored   = get_option( self::HEALTH, array() );
		return array_merge( $defaults, is_array( $stored ) ? $stored : array() );
	}

	/**
	 * @param array $health As returned by health().
	 */
	public function set_health( $health ) {
		update_option( self::HEALTH, $health, false );
	}

	/**
	 * When the sidecar last answered and since when it has not: `['last_ok' => t, 'down_since' => t|0]`.
	 *
	 * @return array
	 */
	public function contact() {
		$stored = get_option( self::CONTACT, array() );
		return array_merge(
			array(
				'last_ok'    => 0,
				'down_since' => 0,
			),
			is_array( $stored ) ? $stored : array()
		);
	}

	/**
	 * Record one call's outcome, writing only on a change of state or at most once a minute when it is up.
	 *
	 * @param bool $answered The sidecar answered.
	 * @param int  $now      Unix time.
	 */
	public function record_contact( $answered, $now ) {
		$c = $this->contact();
		if ( $answered ) {
			if ( $c['down_since'] || $now - (int) $c['last_ok'] >= 60 ) {
				update_option(
					self::CONTACT,
					array(
						'last_ok'    => $now,
						'down_since' => 0,
					),
					true
				);
			}
		} elseif ( ! $c['down_since'] ) {
			$c['down_since'] = $now;
			update_option( self::CONTACT, $c, true );
		}
	}

	/**
	 * The last run of each flow as last seen (shown while the sidecar does not answer).
	 *
	 * @return array flow => run.
	 */
	public function cached_runs() {
		$runs = get_option( self::RUNS_CACHE, array() );
		return is_array( $runs ) ? $runs : array();
	}

	/**
	 * @param array $runs flow => run.
	 */
	public function set_cached_runs( $runs ) {
		if ( $runs !== $this->cached_runs() ) {
			update_option( self::RUNS_CACHE, $runs, false );
		}
	}

	/**
	 * The id of the reconciliation report last started from wp-admin (0: none), shown again on the next visit.
	 *
	 * @return int
	 */
	public function last_report() {
		return absint( get_option( self::LAST_REPORT, 0 ) );
	}

	/**
	 * @param int $report_id Report id.
	 */
	public function set_last_report( $report_id ) {
		update_option( self::LAST_REPORT, absint( $report_id ), false );
	}

	/**
	 * Remove everything the plugin stored (uninstall).
	 */
	public function delete_all() {
		global $wpdb;
		foreach ( self::ALL as $name ) {
			delete_option( $name );
		}
		$names = $wpdb->get_col(
			$wpdb->prepare(
				"SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s",
				$wpdb->esc_like( self::OUTBOX_PREFIX ) . '%'
			)
		);
		foreach ( (array) $names as $name ) {
			delete_option( $name );
		}
	}
}
