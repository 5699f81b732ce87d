<?php
/**
 * Uninstall: remove every option the plugin stored (sidecar URL, shared secret, outbox, health) and its
 * scheduled actions. Nothing is stored in the sidecar by WordPress, so nothing else needs cleaning here.
 *
 * @package NSSync
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;
defined( 'ABSPATH' ) || exit;

require_once __DIR__ . '/includes/class-nssync-options.php';
require_once __DIR__ . '/includes/class-nssync-forwarder.php';

( new NSSync_Options() )->delete_all();

if ( function_exists( 'as_unschedule_all_actions' ) ) {
	as_unschedule_all_actions( '', array(), NSSync_Forwarder::GROUP );
}
