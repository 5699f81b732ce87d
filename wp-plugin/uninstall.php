<?php
/**
 * Uninstall: remove everything the plugin stored — its options, the outbox table, its scheduled actions and
 * the display state it kept on orders (`_nssync_state`, in both order storages). Nothing is stored in the
 * sidecar by WordPress, so nothing else needs cleaning here.
 *
 * @package NSSync
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;
defined( 'ABSPATH' ) || exit;

require_once __DIR__ . '/includes/class-nssync-uninstaller.php';

( new NSSync_Uninstaller() )->run();
