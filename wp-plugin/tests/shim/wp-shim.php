<?php
/**
 * A small stand-in for the WordPress / WooCommerce / Action Scheduler functions the plugin calls, for the
 * PHPUnit suite and the contract script only (never shipped: scripts/plugin-zip.sh leaves tests/ out).
 *
 * State lives in globals so each test can reset it with nssync_shim_reset():
 *  - options in $GLOBALS['nssync_shim']['options'];
 *  - HTTP: a callable in $GLOBALS['nssync_shim']['http'] answers wp_remote_request() (each call is recorded in
 *    ['requests']); with none set, a real HTTP request is made (the contract test against the real sidecar);
 *  - Action Scheduler actions in ['actions'] (nssync_shim_run_due() runs the due ones through do_action).
 *
 * @package NSSync
 */

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
if ( ! defined( 'NSSYNC_VERSION' ) ) {
	define( 'NSSYNC_VERSION', 'test' );
	define( 'NSSYNC_PLUGIN_FILE', dirname( __DIR__, 2 ) . '/netsuite-sync-for-woocommerce.php' );
}
if ( ! defined( 'JSON_UNESCAPED_SLASHES' ) ) {
	exit( 'json extension missing' );
}

/** Reset every piece of shim state. */
function nssync_shim_reset() {
	$GLOBALS['nssync_shim'] = array(
		'options'    => array(),
		'option_ids' => array(),
		'http'       => null,
		'requests'   => array(),
		'actions'    => array(),
		'hooks'      => array(),
		'logs'       => array(),
		'orders'     => array(),
		'users'      => array(),
		'can'        => true,
		'nonce_ok'   => true,
		'admin_errors' => array(),
		'now'        => null,
		'dbdelta'    => array(),
	);
	$GLOBALS['wpdb'] = new NSSync_Shim_WPDB();
	if ( isset( $GLOBALS['nssync_shim_after_reset'] ) && is_callable( $GLOBALS['nssync_shim_after_reset'] ) ) {
		call_user_func( $GLOBALS['nssync_shim_after_reset'] );
	}
}
nssync_shim_reset();

// ---- hooks -------------------------------------------------------------------------------------------------
function add_action( $hook, $cb, $priority = 10, $args = 1 ) {
	$GLOBALS['nssync_shim']['hooks'][ $hook ][] = array( $cb, $args );
	return true;
}
function add_filter( $hook, $cb, $priority = 10, $args = 1 ) {
	return add_action( $hook, $cb, $priority, $args );
}
function do_action( $hook, ...$args ) {
	foreach ( isset( $GLOBALS['nssync_shim']['hooks'][ $hook ] ) ? $GLOBALS['nssync_shim']['hooks'][ $hook ] : array() as $h ) {
		call_user_func_array( $h[0], array_slice( $args, 0, $h[1] ) );
	}
}
function apply_filters( $hook, $value, ...$args ) {
	foreach ( isset( $GLOBALS['nssync_shim']['hooks'][ $hook ] ) ? $GLOBALS['nssync_shim']['hooks'][ $hook ] : array() as $h ) {
		$value = call_user_func_array( $h[0], array_slice( array_merge( array( $value ), $args ), 0, $h[1] ) );
	}
	return $value;
}

// ---- options and $wpdb ---------------------------------------------------------------------------------------
function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['nssync_shim']['options'] ) ? $GLOBALS['nssync_shim']['options'][ $name ] : $default;
}
function update_option( $name, $value, $autoload = null ) {
	if ( ! array_key_exists( $name, $GLOBALS['nssync_shim']['options'] ) ) {
		$GLOBALS['nssync_shim']['option_ids'][ $name ] = count( $GLOBALS['nssync_shim']['option_ids'] ) + 1;
	}
	$GLOBALS['nssync_shim']['options'][ $name ] = $value;
	return true;
}
function add_option( $name, $value = '', $deprecated = '', $autoload = 'yes' ) {
	if ( array_key_exists( $name, $GLOBALS['nssync_shim']['options'] ) ) {
		return false;
	}
	return update_option( $name, $value );
}
function delete_option( $name ) {
	$had = array_key_exists( $name, $GLOBALS['nssync_shim']['options'] );
	unset( $GLOBALS['nssync_shim']['options'][ $name ], $GLOBALS['nssync_shim']['option_ids'][ $name ] );
	return $had;
}

if ( ! defined( 'ARRAY_A' ) ) {
	define( 'ARRAY_A', 'ARRAY_A' );
	define( 'OBJECT', 'OBJECT' );
}

/**
 * wpdb on an in-memory SQLite database (pdo_sqlite), so the plugin's own SQL runs for real. MySQL-only syntax
 * the plugin uses is translated: INSERT IGNORE, and dbDelta's CREATE TABLE. wp_options stays the shim's array
 * (get_option() and friends); the one query on it the plugin makes (LIKE on option_name) is answered from it.
 */
class NSSync_Shim_WPDB {
	public $prefix   = 'wp_';
	public $options  = 'wp_options';
	public $postmeta = 'wp_postmeta';
	public $last_error = '';
	public $insert_id  = 0;
	public $queries    = array();
	/** @var PDO|null */
	private $pdo;
	public function __construct() {
		if ( extension_loaded( 'pdo_sqlite' ) ) {
			$this->pdo = new PDO( 'sqlite::memory:' );
			$this->pdo->setAttribute( PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION );
		}
	}
	public function get_charset_collate() {
		return '';
	}
	public function esc_like( $text ) {
		return addcslashes( $text, '_%\\' );
	}
	public function prepare( $query, ...$args ) {
		if ( 1 === count( $args ) && is_array( $args[0] ) ) {
			$args = $args[0];
		}
		$i = 0;
		return preg_replace_callback(
			'/%[dsf]/',
			function ( $m ) use ( &$i, $args ) {
				$arg = $args[ $i++ ];
				if ( '%d' === $m[0] ) {
					return (string) (int) $arg;
				}
				if ( '%f' === $m[0] ) {
					return (string) (float) $arg;
				}
				return "'" . str_replace( "'", "''", (string) $arg ) . "'";
			},
			$query
		);
	}
	private function sqlite( $sql ) {
		$sql = preg_replace( '/^\s*INSERT IGNORE/i', 'INSERT OR IGNORE', $sql );
		$sql = preg_replace( "/^SHOW TABLES LIKE ('.*')$/", "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE $1 ESCAPE '\\\\'", $sql );
		return $sql;
	}
	private function run( $sql ) {
		if ( ! $this->pdo ) {
			throw new RuntimeException( 'the shim wpdb needs pdo_sqlite (apt-get install php-sqlite3)' );
		}
		$this->queries[] = $sql;
		$this->last_error = '';
		try {
			$stmt = $this->pdo->query( $this->sqlite( $sql ) );
		} catch ( PDOException $e ) {
			$this->last_error = $e->getMessage();
			throw new RuntimeException( 'SQL error: ' . $e->getMessage() . ' in ' . $sql );
		}
		return $stmt;
	}
	public function query( $sql ) {
		$stmt = $this->run( $sql );
		if ( preg_match( '/^\s*(INSERT|UPDATE|DELETE|REPLACE)/i', $sql ) ) {
			$this->insert_id = (int) $this->pdo->lastInsertId();
			return $stmt->rowCount();
		}
		return true;
	}
	public function get_results( $sql, $output = OBJECT ) {
		$rows = $this->run( $sql )->fetchAll( PDO::FETCH_ASSOC );
		return ARRAY_A === $output ? $rows : array_map( function ( $r ) {
			return (object) $r;
		}, $rows );
	}
	public function get_row( $sql, $output = OBJECT ) {
		$rows = $this->get_results( $sql, $output );
		return $rows ? $rows[0] : null;
	}
	public function get_var( $sql ) {
		$row = $this->run( $sql )->fetch( PDO::FETCH_NUM );
		return $row ? $row[0] : null;
	}
	public function get_col( $query ) {
		if ( preg_match( "/FROM wp_options WHERE option_name LIKE '(.*)'/", $query, $m ) ) {
			$prefix = str_replace( array( '\\_', '\\%' ), array( '_', '%' ), rtrim( $m[1], '%' ) );
			$ids    = $GLOBALS['nssync_shim']['option_ids'];
			asort( $ids );
			return array_values( array_filter( array_keys( $ids ), function ( $n ) use ( $prefix ) {
				return 0 === strpos( $n, $prefix );
			} ) );
		}
		return $this->run( $query )->fetchAll( PDO::FETCH_COLUMN, 0 );
	}
	private function where( $where, $formats ) {
		$parts  = array();
		$values = array();
		$i      = 0;
		foreach ( $where as $col => $value ) {
			$parts[]  = $col . ' = ' . ( isset( $formats[ $i ] ) ? $formats[ $i ] : '%s' );
			$values[] = $value;
			++$i;
		}
		return array( implode( ' AND ', $parts ), $values );
	}
	public function insert( $table, $data, $format = null ) {
		$cols = implode( ', ', array_keys( $data ) );
		$ph   = implode( ', ', $format ? (array) $format : array_fill( 0, count( $data ), '%s' ) );
		return $this->query( $this->prepare( "INSERT INTO $table ($cols) VALUES ($ph)", array_values( $data ) ) );
	}
	public function update( $table, $data, $where, $format = null, $where_format = null ) {
		$set    = array();
		$format = array_values( (array) $format );
		$i      = 0;
		foreach ( array_keys( $data ) as $col ) {
			$set[] = $col . ' = ' . ( isset( $format[ $i ] ) ? $format[ $i ] : '%s' );
			++$i;
		}
		list( $w, $wv ) = $this->where( $where, array_values( (array) $where_format ) );
		return $this->query( $this->prepare( "UPDATE $table SET " . implode( ', ', $set ) . " WHERE $w", array_merge( array_values( $data ), $wv ) ) );
	}
	public function delete( $table, $where, $where_format = null ) {
		list( $w, $wv ) = $this->where( $where, array_values( (array) $where_format ) );
		return $this->query( $this->prepare( "DELETE FROM $table WHERE $w", $wv ) );
	}
	/** True when a table exists (tests). */
	public function has_table( $table ) {
		return (bool) $this->get_var( $this->prepare( "SELECT name FROM sqlite_master WHERE type = 'table' AND name = %s", $table ) );
	}
}

/** dbDelta() for SQLite: the plugin's CREATE TABLE in dbDelta format, translated; indexes created after. */
function dbDelta( $sql ) {
	global $wpdb;
	if ( ! preg_match( '/CREATE TABLE (\S+) \((.*)\)[^)]*$/s', trim( $sql ), $m ) ) {
		throw new RuntimeException( 'shim dbDelta cannot read ' . $sql );
	}
	$table   = $m[1];
	$cols    = array();
	$indexes = array();
	foreach ( preg_split( '/,\s*\n/', trim( $m[2] ) ) as $line ) {
		$line = trim( $line, " \n," );
		if ( preg_match( '/^PRIMARY KEY\s+\(/', $line ) ) {
			continue;
		}
		if ( preg_match( '/^(UNIQUE )?KEY (\w+) \(([^)]+)\)/', $line, $k ) ) {
			$indexes[] = 'CREATE ' . $k[1] . "INDEX IF NOT EXISTS {$table}_{$k[2]} ON $table ({$k[3]})";
			continue;
		}
		$line   = preg_replace( '/^(\w+) bigint\(20\) unsigned NOT NULL AUTO_INCREMENT/', '$1 INTEGER PRIMARY KEY AUTOINCREMENT', $line );
		$cols[] = preg_replace( '/\) unsigned/', ')', $line );
	}
	$wpdb->query( "CREATE TABLE IF NOT EXISTS $table (" . implode( ', ', $cols ) . ')' );
	foreach ( $indexes as $index ) {
		$wpdb->query( $index );
	}
	$GLOBALS['nssync_shim']['dbdelta'][] = $table;
	return array( $table => 'Created table ' . $table );
}


// ---- i18n ------------------------------------------------------------------------------------------------
function __( $text, $domain = 'default' ) {
	return $text;
}
function _x( $text, $context, $domain = 'default' ) {
	return $text;
}
function _n( $single, $plural, $n, $domain = 'default' ) {
	return 1 === (int) $n ? $single : $plural;
}
function esc_html__( $text, $domain = 'default' ) {
	return esc_html( $text );
}
function esc_attr__( $text, $domain = 'default' ) {
	return esc_attr( $text );
}
function esc_html_e( $text, $domain = 'default' ) {
	echo esc_html( $text );
}

// ---- escaping and sanitizing: WordPress's own formatting.php, kses.php and pluggable.php -----------------------
// Debian's `wordpress` package ships them; the plugin's sanitizing and escaping are tested against the real
// functions, not stand-ins (a stand-in hid that sanitize_text_field() mangles pasted secrets).
if ( ! defined( 'NSSYNC_WP_INCLUDES' ) ) {
	define( 'NSSYNC_WP_INCLUDES', getenv( 'NSSYNC_WP_INCLUDES' ) ? getenv( 'NSSYNC_WP_INCLUDES' ) : '/usr/share/wordpress/wp-includes' );
}
if ( ! defined( 'WPINC' ) ) {
	define( 'WPINC', 'wp-includes' );
}
function absint( $n ) {
	return abs( (int) $n );
}
function wp_json_encode( $data, $flags = 0, $depth = 512 ) {
	return json_encode( $data, $flags, $depth );
}
function wp_allowed_protocols() {
	return array( 'http', 'https', 'ftp', 'ftps', 'mailto', 'news', 'irc', 'irc6', 'ircs', 'gopher', 'nntp', 'feed', 'telnet', 'mms', 'rtsp', 'sms', 'svn', 'tel', 'fax', 'xmpp', 'webcal', 'urn' );
}
function mbstring_binary_safe_encoding( $reset = false ) {
}
function reset_mbstring_encoding() {
}
function _deprecated_function( $function, $version, $replacement = '' ) {
}
function _doing_it_wrong( $function, $message, $version ) {
}
function wp_remote_post( $url, $args = array() ) {
	return wp_remote_request( $url, array_merge( array( 'method' => 'POST', 'headers' => array() ), $args ) );
}
function wp_salt( $scheme = 'auth' ) {
	return 'test-salt-' . $scheme;
}
function doing_action( $hook = null ) {
	return false;
}
function wp_send_json( $response, $status = null ) {
	throw new NSSync_Shim_Json( true, $response, $status );
}
function wp_parse_url( $url, $component = -1 ) {
	return parse_url( $url, $component );
}
function get_bloginfo( $show = '', $filter = 'raw' ) {
	return 'charset' === $show ? 'UTF-8' : '';
}
foreach ( array( 'MINUTE_IN_SECONDS' => 60, 'HOUR_IN_SECONDS' => 3600, 'DAY_IN_SECONDS' => 86400, 'WEEK_IN_SECONDS' => 604800, 'MONTH_IN_SECONDS' => 2592000, 'YEAR_IN_SECONDS' => 31536000 ) as $nssync_c => $nssync_v ) {
	if ( ! defined( $nssync_c ) ) {
		define( $nssync_c, $nssync_v );
	}
}
/** The site's timezone: option timezone_string, else UTC (tests set it). */
function wp_timezone() {
	$tz = get_option( 'timezone_string', '' );
	return new DateTimeZone( $tz ? $tz : 'UTC' );
}
function wp_date( $format, $timestamp = null, $timezone = null ) {
	$date = new DateTime( '@' . ( null === $timestamp ? time() : (int) $timestamp ) );
	$date->setTimezone( $timezone ? $timezone : wp_timezone() );
	return $date->format( $format );
}
function wp_load_alloptions( $force_cache = false ) {
	return array( 'blog_charset' => 'UTF-8' );
}
function is_utf8_charset( $charset = null ) {
	return true;
}
define( 'NSSYNC_SHIM_REAL_WP', file_exists( NSSYNC_WP_INCLUDES . '/formatting.php' ) );
if ( NSSYNC_SHIM_REAL_WP ) {
	require_once NSSYNC_WP_INCLUDES . '/formatting.php';
	require_once NSSYNC_WP_INCLUDES . '/kses.php';
	require_once NSSYNC_WP_INCLUDES . '/pluggable.php';
} else {
	// Only so that scripts using the shim (php -r in the Python suite) still load: the PHPUnit bootstrap
	// refuses to run without the real files.
	function esc_html( $text ) {
		return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
	}
	function esc_attr( $text ) {
		return esc_html( $text );
	}
	function esc_url( $url ) {
		return esc_html( $url );
	}
	function esc_url_raw( $url, $protocols = null ) {
		$url = trim( (string) $url );
		return preg_match( '#^https?://#i', $url ) ? $url : '';
	}
	function esc_textarea( $text ) {
		return esc_html( $text );
	}
	function wp_kses_post( $html ) {
		return $html;
	}
	function sanitize_text_field( $text ) {
		return trim( preg_replace( '/[\r\n\t ]+/', ' ', strip_tags( (string) $text ) ) );
	}
	function sanitize_textarea_field( $text ) {
		return trim( strip_tags( (string) $text ) );
	}
	function sanitize_key( $key ) {
		return preg_replace( '/[^a-z0-9_\-]/', '', strtolower( (string) $key ) );
	}
	function sanitize_html_class( $class ) {
		return preg_replace( '/[^A-Za-z0-9_-]/', '', (string) $class );
	}
	function wp_unslash( $value ) {
		return is_array( $value ) ? array_map( 'wp_unslash', $value ) : stripslashes( (string) $value );
	}
}
function wp_generate_uuid4() {
	$b    = random_bytes( 16 );
	$b[6] = chr( ord( $b[6] ) & 0x0f | 0x40 );
	$b[8] = chr( ord( $b[8] ) & 0x3f | 0x80 );
	return vsprintf( '%s%s-%s-%s-%s-%s%s%s', str_split( bin2hex( $b ), 4 ) );
}
function home_url( $path = '' ) {
	return 'http://shop.test' . $path;
}
function admin_url( $path = '' ) {
	return 'http://shop.test/wp-admin/' . $path;
}
function current_user_can( $cap ) {
	return $GLOBALS['nssync_shim']['can'];
}
function check_admin_referer( $action = -1, $name = '_wpnonce' ) {
	if ( ! $GLOBALS['nssync_shim']['nonce_ok'] ) {
		throw new RuntimeException( 'nonce rejected' );
	}
	return 1;
}
function wp_die( $message = '', $title = '', $args = array() ) {
	throw new RuntimeException( 'wp_die: ' . $message );
}

// ---- HTTP --------------------------------------------------------------------------------------------------
class WP_Error {
	private $code;
	private $message;
	public function __construct( $code = '', $message = '' ) {
		$this->code    = $code;
		$this->message = $message;
	}
	public function get_error_message() {
		return $this->message;
	}
	public function get_error_code() {
		return $this->code;
	}
}
function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}
function wp_remote_request( $url, $args ) {
	$GLOBALS['nssync_shim']['requests'][] = array( 'url' => $url, 'args' => $args );
	if ( is_callable( $GLOBALS['nssync_shim']['http'] ) ) {
		return call_user_func( $GLOBALS['nssync_shim']['http'], $url, $args );
	}
	return nssync_shim_real_http( $url, $args );
}
/** A real HTTP request with PHP streams (the contract test against the running sidecar). */
function nssync_shim_real_http( $url, $args ) {
	$headers = '';
	foreach ( $args['headers'] as $k => $v ) {
		$headers .= $k . ': ' . $v . "\r\n";
	}
	$context = stream_context_create(
		array(
			'http' => array(
				'method'          => $args['method'],
				'header'          => $headers,
				'content'         => null === $args['body'] ? '' : $args['body'],
				'timeout'         => $args['timeout'],
				'ignore_errors'   => true,
				'follow_location' => 0,
			),
		)
	);
	$body = @file_get_contents( $url, false, $context ); // phpcs:ignore
	if ( false === $body ) {
		return new WP_Error( 'http_request_failed', 'connection failed: ' . $url );
	}
	$status = 0;
	foreach ( $http_response_header as $line ) {
		if ( preg_match( '#^HTTP/\S+\s+(\d+)#', $line, $m ) ) {
			$status = (int) $m[1];
		}
	}
	return array( 'response' => array( 'code' => $status ), 'body' => $body );
}
function wp_remote_retrieve_response_code( $r ) {
	return is_array( $r ) ? $r['response']['code'] : '';
}
function wp_remote_retrieve_body( $r ) {
	return is_array( $r ) ? $r['body'] : '';
}
/** A canned JSON answer for the shim's HTTP handler. */
function nssync_shim_response( $status, $data ) {
	return array( 'response' => array( 'code' => $status ), 'body' => is_string( $data ) ? $data : json_encode( $data ) );
}

// ---- WooCommerce -------------------------------------------------------------------------------------------
class NSSync_Shim_Logger {
	public function log( $level, $message, $context = array() ) {
		$GLOBALS['nssync_shim']['logs'][] = array( $level, $message, $context );
	}
}
function wc_get_logger() {
	return new NSSync_Shim_Logger();
}
class WC_Order {
	public $data;
	public $meta = array();
	public $meta_saves = 0;
	public function __construct( $data ) {
		$this->data = $data;
	}
	public function get_id() {
		return $this->data['id'];
	}
	public function get_status() {
		return $this->data['status'];
	}
	public function get_data() {
		return $this->data;
	}
	public function get_meta( $key ) {
		return isset( $this->meta[ $key ] ) ? $this->meta[ $key ] : '';
	}
	public function update_meta_data( $key, $value ) {
		$this->meta[ $key ] = $value;
	}
	public function save_meta_data() {
		++$this->meta_saves;
	}
}
class WC_Customer {
	private $id;
	public function __construct( $id ) {
		$this->id = $id;
	}
	public function get_data() {
		return $GLOBALS['nssync_shim']['users'][ $this->id ]->data;
	}
}
function wc_get_order( $id ) {
	return isset( $GLOBALS['nssync_shim']['orders'][ $id ] ) ? $GLOBALS['nssync_shim']['orders'][ $id ] : false;
}
function get_userdata( $id ) {
	return isset( $GLOBALS['nssync_shim']['users'][ $id ] ) ? $GLOBALS['nssync_shim']['users'][ $id ] : false;
}
/** Register a fake order / user. */
function nssync_shim_add_order( $data ) {
	$order = new WC_Order( $data );
	$GLOBALS['nssync_shim']['orders'][ $data['id'] ] = $order;
	return $order;
}
function nssync_shim_add_user( $id, $roles, $data ) {
	$user        = new stdClass();
	$user->ID    = $id;
	$user->roles = $roles;
	$user->data  = $data;
	$GLOBALS['nssync_shim']['users'][ $id ] = $user;
	return $user;
}

// ---- Action Scheduler ----------------------------------------------------------------------------------------
function nssync_shim_add_action( $when, $hook, $args, $group, $interval = 0 ) {
	$GLOBALS['nssync_shim']['actions'][] = array(
		'hook'     => $hook,
		'args'     => array_values( $args ),
		'group'    => $group,
		'when'     => $when,
		'status'   => 'pending',
		'interval' => $interval,
	);
	return count( $GLOBALS['nssync_shim']['actions'] );
}
function as_enqueue_async_action( $hook, $args = array(), $group = '', $unique = false, $priority = 10 ) {
	return nssync_shim_add_action( time(), $hook, $args, $group );
}
function as_schedule_single_action( $timestamp, $hook, $args = array(), $group = '', $unique = false, $priority = 10 ) {
	return nssync_shim_add_action( $timestamp, $hook, $args, $group );
}
function as_schedule_recurring_action( $timestamp, $interval, $hook, $args = array(), $group = '', $unique = false, $priority = 10 ) {
	return nssync_shim_add_action( $timestamp, $hook, $args, $group, $interval );
}
function as_has_scheduled_action( $hook, $args = null, $group = '' ) {
	foreach ( $GLOBALS['nssync_shim']['actions'] as $a ) {
		if ( in_array( $a['status'], array( 'pending', 'running' ), true ) && $a['hook'] === $hook
			&& ( null === $args || $a['args'] === array_values( $args ) ) && ( '' === $group || $a['group'] === $group ) ) {
			return true;
		}
	}
	return false;
}
function as_unschedule_all_actions( $hook, $args = array(), $group = '' ) {
	foreach ( $GLOBALS['nssync_shim']['actions'] as &$a ) {
		if ( 'pending' === $a['status'] && ( '' === $hook || $a['hook'] === $hook ) && ( ! $args || $a['args'] === array_values( $args ) ) && ( '' === $group || $a['group'] === $group ) ) {
			$a['status'] = 'canceled';
		}
	}
}
/** Pending actions, optionally of one hook. */
function nssync_shim_pending( $hook = null ) {
	return array_values( array_filter( $GLOBALS['nssync_shim']['actions'], function ( $a ) use ( $hook ) {
		return 'pending' === $a['status'] && ( null === $hook || $a['hook'] === $hook );
	} ) );
}
/** Run every action due at $now (as the queue runner would), marking it running then complete. */
function nssync_shim_run_due( $now ) {
	$ran = 0;
	foreach ( array_keys( $GLOBALS['nssync_shim']['actions'] ) as $i ) {
		$a = $GLOBALS['nssync_shim']['actions'][ $i ];
		if ( 'pending' !== $a['status'] || $a['when'] > $now || $a['interval'] ) {
			continue;
		}
		$GLOBALS['nssync_shim']['actions'][ $i ]['status'] = 'running';
		do_action( $a['hook'], ...$a['args'] );
		$GLOBALS['nssync_shim']['actions'][ $i ]['status'] = 'complete';
		++$ran;
	}
	return $ran;
}

// ---- WooCommerce settings API (only what NSSync_Settings_Page touches) --------------------------------------
class WC_Settings_Page {
	protected $id    = '';
	protected $label = '';
	public function __construct() {
		add_filter( 'woocommerce_settings_tabs_array', array( $this, 'add_settings_page' ), 20 );
	}
	public function add_settings_page( $pages ) {
		$pages[ $this->id ] = $this->label;
		return $pages;
	}
	/** As WooCommerce's: a per-section method if there is one, else get_settings_for_section_core(), filtered. */
	final public function get_settings_for_section( $section_id ) {
		$method = '' === $section_id ? 'get_settings_for_default_section' : "get_settings_for_{$section_id}_section";
		$settings = method_exists( $this, $method ) ? $this->$method() : $this->get_settings_for_section_core( $section_id );
		return apply_filters( 'woocommerce_get_settings_' . $this->id, $settings, $section_id );
	}
	protected function get_settings_for_section_core( $section_id ) {
		return array();
	}
}
class WC_Admin_Settings {
	public static function add_error( $text ) {
		$GLOBALS['nssync_shim']['admin_errors'][] = $text;
	}
	public static function add_message( $text ) {
	}
	public static function output_fields( $fields ) {
		$GLOBALS['nssync_shim']['output_fields'] = $fields;
	}
}

function selected( $selected, $current = true, $display = true ) {
	$out = (string) $selected === (string) $current ? " selected='selected'" : '';
	if ( $display ) {
		echo $out;
	}
	return $out;
}
function checked( $checked, $current = true, $display = true ) {
	$out = (string) $checked === (string) $current ? " checked='checked'" : '';
	if ( $display ) {
		echo $out;
	}
	return $out;
}
function wp_nonce_url( $url, $action = -1, $name = '_wpnonce' ) {
	return $url . ( false === strpos( $url, '?' ) ? '?' : '&' ) . $name . '=nonce-' . $action;
}
function wp_create_nonce( $action = -1 ) {
	return 'nonce-' . $action;
}
function nocache_headers() {
}
function add_query_arg( $args, $url ) {
	return $url . ( false === strpos( $url, '?' ) ? '?' : '&' ) . http_build_query( $args );
}

function add_meta_box( ...$args ) {
	$GLOBALS['nssync_shim']['meta_boxes'][] = $args;
}

// ---- request context -----------------------------------------------------------------------------------------
function is_admin() {
	return true;
}
function wp_doing_ajax() {
	return false;
}
function plugin_basename( $file ) {
	return basename( dirname( $file ) ) . '/' . basename( $file );
}

// ---- admin-ajax ----------------------------------------------------------------------------------------------
/** What wp_send_json_*() would have sent; thrown because WordPress ends the request there. */
class NSSync_Shim_Json extends Exception {
	public $success;
	public $data;
	public $status;
	public function __construct( $success, $data, $status ) {
		parent::__construct( 'json sent' );
		$this->success = $success;
		$this->data    = $data;
		$this->status  = $status;
	}
}
function check_ajax_referer( $action = -1, $query_arg = false, $die = true ) {
	return $GLOBALS['nssync_shim']['nonce_ok'] ? 1 : false;
}
function wp_send_json_success( $data = null, $status = null ) {
	throw new NSSync_Shim_Json( true, $data, $status );
}
function wp_send_json_error( $data = null, $status = null ) {
	throw new NSSync_Shim_Json( false, $data, $status );
}
