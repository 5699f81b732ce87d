<?php
/**
 * The event outbox: a table of its own, `{$wpdb->prefix}nssync_outbox`, one row per pending (topic, resource).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Durable storage of the events waiting to reach the sidecar. One row per topic and resource (a unique key),
 * so a second change while one is pending finds the row and joins it. Indexed for what is asked often: the
 * due rows (next_attempt) and the backlog summary of the admin notice, which is one query.
 *
 * Created with dbDelta() on activation and on a version upgrade (pending events of 0.1.0, kept as
 * `nssync_outbox_*` options, are moved into the table then); dropped on uninstall.
 */
class NSSync_Outbox {

	const TABLE             = 'nssync_outbox';
	const DB_VERSION        = '2';
	const DB_VERSION_OPTION = 'nssync_db_version';
	const LEGACY_PREFIX     = 'nssync_outbox_';

	/**
	 * Entry keys stored in their own columns; any other key of an entry (refund_id, …) goes to `extra`.
	 *
	 * @var string[]
	 */
	const COLUMNS = array( 'id', 'topic', 'resource_id', 'occurred_at', 'attempts', 'next_attempt', 'last_error', 'changed' );

	/**
	 * The table name with the site's prefix.
	 *
	 * @return string
	 */
	public function table() {
		global $wpdb;
		return $wpdb->prefix . self::TABLE;
	}

	/**
	 * The CREATE TABLE statement in dbDelta's format (two spaces after PRIMARY KEY, one column per line).
	 *
	 * @return string
	 */
	public function schema() {
		global $wpdb;
		$collate = method_exists( $wpdb, 'get_charset_collate' ) ? $wpdb->get_charset_collate() : '';
		return "CREATE TABLE {$this->table()} (
id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
event_id char(36) NOT NULL,
topic varchar(40) NOT NULL,
resource_id bigint(20) unsigned NOT NULL,
is_order tinyint(1) NOT NULL DEFAULT 0,
occurred_at varchar(32) NOT NULL DEFAULT '',
attempts int(11) unsigned NOT NULL DEFAULT 0,
next_attempt bigint(20) unsigned NOT NULL DEFAULT 0,
changed tinyint(1) NOT NULL DEFAULT 0,
last_error text NULL,
extra text NULL,
created_at bigint(20) unsigned NOT NULL DEFAULT 0,
PRIMARY KEY  (id),
UNIQUE KEY topic_resource (topic,resource_id),
KEY next_attempt (next_attempt),
KEY is_order_resource (is_order,resource_id)
) $collate;";
	}

	/**
	 * Create or update the table, then move 0.1.0's option rows into it.
	 */
	public function install() {
		if ( ! function_exists( 'dbDelta' ) ) {
			require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		}
		dbDelta( $this->schema() );
		$this->migrate_legacy_options();
		update_option( self::DB_VERSION_OPTION, self::DB_VERSION, true );
	}

	/**
	 * On every load: install when the stored schema version is not this one (an update, or a copy of the
	 * plugin that was never activated through the Plugins screen). One autoloaded option read.
	 */
	public function maybe_upgrade() {
		if ( self::DB_VERSION !== (string) get_option( self::DB_VERSION_OPTION, '' ) ) {
			$this->install();
		}
	}

	/**
	 * 0.1.0 kept each pending event as an option `nssync_outbox_<topic>_<id>`: move them into the table.
	 *
	 * @return int Entries moved.
	 */
	public function migrate_legacy_options() {
		global $wpdb;
		$names = $wpdb->get_col(
			$wpdb->prepare(
				"SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s",
				$wpdb->esc_like( self::LEGACY_PREFIX ) . '%'
			)
		);
		$moved = 0;
		foreach ( (array) $names as $name ) {
			$entry = get_option( $name, null );
			if ( is_array( $entry ) && isset( $entry['id'], $entry['topic'], $entry['resource_id'] ) ) {
				$this->add( $entry );
				++$moved;
			}
			delete_option( $name );
		}
		return $moved;
	}

	/**
	 * Drop the table (uninstall).
	 */
	public function drop() {
		global $wpdb;
		$wpdb->query( "DROP TABLE IF EXISTS {$this->table()}" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name only.
		delete_option( self::DB_VERSION_OPTION );
	}

	/**
	 * Add an entry unless one is pending for the same topic and resource.
	 *
	 * @param array $entry Entry (NSSync_Payloads::new_entry()).
	 * @return bool True when added, false when one was already pending.
	 */
	public function add( $entry ) {
		global $wpdb;
		$row = $this->to_row( $entry );
		$sql = $wpdb->prepare(
			"INSERT IGNORE INTO {$this->table()} (event_id, topic, resource_id, is_order, occurred_at, attempts, next_attempt, changed, last_error, extra, created_at) VALUES (%s, %s, %d, %d, %s, %d, %d, %d, %s, %s, %d)", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			$row['event_id'],
			$row['topic'],
			$row['resource_id'],
			$row['is_order'],
			$row['occurred_at'],
			$row['attempts'],
			$row['next_attempt'],
			$row['changed'],
			$row['last_error'],
			$row['extra'],
			time()
		);
		return 1 === (int) $wpdb->query( $sql ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- prepared above.
	}

	/**
	 * @param string $topic       Event topic.
	 * @param int    $resource_id WooCommerce id.
	 * @return array|null
	 */
	public function get( $topic, $resource_id ) {
		global $wpdb;
		$row = $wpdb->get_row(
			$wpdb->prepare( "SELECT * FROM {$this->table()} WHERE topic = %s AND resource_id = %d", $topic, absint( $resource_id ) ), // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			ARRAY_A
		);
		return $row ? $this->to_entry( $row ) : null;
	}

	/**
	 * Write an entry back (found by topic and resource).
	 *
	 * @param array $entry Entry.
	 */
	public function update( $entry ) {
		global $wpdb;
		$row = $this->to_row( $entry );
		$wpdb->update(
			$this->table(),
			array(
				'event_id'     => $row['event_id'],
				'occurred_at'  => $row['occurred_at'],
				'attempts'     => $row['attempts'],
				'next_attempt' => $row['next_attempt'],
				'changed'      => $row['changed'],
				'last_error'   => $row['last_error'],
				'extra'        => $row['extra'],
			),
			array(
				'topic'       => $row['topic'],
				'resource_id' => $row['resource_id'],
			),
			array( '%s', '%s', '%d', '%d', '%d', '%s', '%s' ),
			array( '%s', '%d' )
		);
	}

	/**
	 * @param string $topic       Event topic.
	 * @param int    $resource_id WooCommerce id.
	 */
	public function delete( $topic, $resource_id ) {
		global $wpdb;
		$wpdb->delete(
			$this->table(),
			array(
				'topic'       => $topic,
				'resource_id' => absint( $resource_id ),
			),
			array( '%s', '%d' )
		);
	}

	/**
	 * Pending entries, oldest first.
	 *
	 * @param int $limit At most this many (0: all).
	 * @return array[]
	 */
	public function entries( $limit = 0 ) {
		global $wpdb;
		$sql = "SELECT * FROM {$this->table()} ORDER BY id";
		if ( $limit > 0 ) {
			$sql .= $wpdb->prepare( ' LIMIT %d', $limit );
		}
		return array_map( array( $this, 'to_entry' ), (array) $wpdb->get_results( $sql, ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * Entries whose next attempt is due (the sweep), by the next_attempt index.
	 *
	 * @param int $now   Unix time.
	 * @param int $limit At most this many.
	 * @return array[]
	 */
	public function due( $now, $limit = 500 ) {
		global $wpdb;
		$rows = $wpdb->get_results(
			$wpdb->prepare( "SELECT * FROM {$this->table()} WHERE next_attempt <= %d ORDER BY next_attempt LIMIT %d", $now, $limit ), // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			ARRAY_A
		);
		return array_map( array( $this, 'to_entry' ), (array) $rows );
	}

	/**
	 * Every pending entry of one order (any order topic).
	 *
	 * @param int $order_id Order id.
	 * @return array[]
	 */
	public function for_order( $order_id ) {
		global $wpdb;
		$rows = $wpdb->get_results(
			$wpdb->prepare( "SELECT * FROM {$this->table()} WHERE is_order = 1 AND resource_id = %d", absint( $order_id ) ), // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			ARRAY_A
		);
		return array_map( array( $this, 'to_entry' ), (array) $rows );
	}

	/**
	 * The backlog in one query: events waiting, distinct orders among them, entries failing at least
	 * $failing_after times, and when the oldest was queued.
	 *
	 * @param int $failing_after Attempts that make an entry "failing".
	 * @return array pending, orders, failing, oldest (unix time or 0).
	 */
	public function counts( $failing_after ) {
		global $wpdb;
		$row = $wpdb->get_row(
			$wpdb->prepare(
				"SELECT COUNT(*) AS pending, COUNT(DISTINCT CASE WHEN is_order = 1 THEN resource_id END) AS orders, SUM(CASE WHEN attempts >= %d THEN 1 ELSE 0 END) AS failing, MIN(created_at) AS oldest FROM {$this->table()}", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
				$failing_after
			),
			ARRAY_A
		);
		return array(
			'pending' => (int) ( $row['pending'] ?? 0 ),
			'orders'  => (int) ( $row['orders'] ?? 0 ),
			'failing' => (int) ( $row['failing'] ?? 0 ),
			'oldest'  => (int) ( $row['oldest'] ?? 0 ),
		);
	}

	/**
	 * @param array $entry Entry.
	 * @return array Column values.
	 */
	private function to_row( $entry ) {
		$extra = array_diff_key( $entry, array_flip( self::COLUMNS ) );
		return array(
			'event_id'     => (string) $entry['id'],
			'topic'        => (string) $entry['topic'],
			'resource_id'  => absint( $entry['resource_id'] ),
			'is_order'     => 0 === strpos( (string) $entry['topic'], 'order.' ) ? 1 : 0,
			'occurred_at'  => isset( $entry['occurred_at'] ) ? (string) $entry['occurred_at'] : gmdate( 'Y-m-d\TH:i:s\Z' ),
			'attempts'     => isset( $entry['attempts'] ) ? (int) $entry['attempts'] : 0,
			'next_attempt' => isset( $entry['next_attempt'] ) ? (int) $entry['next_attempt'] : 0,
			'changed'      => empty( $entry['changed'] ) ? 0 : 1,
			'last_error'   => isset( $entry['last_error'] ) ? substr( (string) $entry['last_error'], 0, 2000 ) : '',
			'extra'        => $extra ? (string) wp_json_encode( $extra ) : '',
		);
	}

	/**
	 * @param array $row Table row.
	 * @return array Entry.
	 */
	private function to_entry( $row ) {
		$extra = '' === (string) $row['extra'] ? array() : json_decode( (string) $row['extra'], true );
		return array_merge(
			is_array( $extra ) ? $extra : array(),
			array(
				'id'           => (string) $row['event_id'],
				'topic'        => (string) $row['topic'],
				'resource_id'  => (int) $row['resource_id'],
				'occurred_at'  => (string) $row['occurred_at'],
				'attempts'     => (int) $row['attempts'],
				'next_attempt' => (int) $row['next_attempt'],
				'last_error'   => (string) $row['last_error'],
				'changed'      => (bool) (int) $row['changed'],
			)
		);
	}
}
