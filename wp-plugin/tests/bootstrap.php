<?php
/**
 * PHPUnit bootstrap: the WordPress shim, then every plugin class (settings page included).
 *
 * @package NSSync
 */

error_reporting( E_ALL );
require_once __DIR__ . '/shim/wp-shim.php';
require_once dirname( __DIR__ ) . '/includes/class-nssync-plugin.php';
NSSync_Plugin::load_files();
require_once dirname( __DIR__ ) . '/includes/class-nssync-settings-page.php';
