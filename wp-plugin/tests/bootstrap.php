<?php
/**
 * PHPUnit bootstrap: the WordPress shim, then every plugin class (settings page included).
 *
 * @package NSSync
 */

error_reporting( E_ALL );
require_once __DIR__ . '/shim/wp-shim.php';
if ( ! NSSYNC_SHIM_REAL_WP ) {
	fwrite( STDERR, "The plugin's tests use WordPress's own formatting.php: apt-get install wordpress (or set NSSYNC_WP_INCLUDES to a wp-includes folder).\n" );
	exit( 1 );
}
require_once dirname( __DIR__ ) . '/includes/class-nssync-plugin.php';
NSSync_Plugin::load_files();
// Every test starts on a fresh in-memory database with the plugin's tables, as activation leaves them.
$GLOBALS['nssync_shim_after_reset'] = static function () {
	$GLOBALS['wpdb']->query( 'CREATE TABLE wp_postmeta (meta_id INTEGER PRIMARY KEY, post_id INTEGER, meta_key TEXT, meta_value TEXT)' );
	( new NSSync_Outbox() )->install();
};
require_once dirname( __DIR__ ) . '/includes/class-nssync-uninstaller.php';
require_once __DIR__ . '/shim/wp-cli-shim.php';
require_once dirname( __DIR__ ) . '/includes/class-nssync-cli.php';
nssync_shim_reset();
require_once dirname( __DIR__ ) . '/includes/class-nssync-settings-page.php';
