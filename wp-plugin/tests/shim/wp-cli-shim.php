<?php
/**
 * A stand-in for WP-CLI's API (tests only): output is recorded, WP_CLI::error() throws like the real one exits.
 *
 * @package NSSync
 */

namespace {
	/** Thrown by WP_CLI::error() (the real one exits with status 1). */
	class NSSync_Shim_CLI_Exit extends Exception {
	}
	class WP_CLI {
		public static $out = array();
		public static function log( $m ) {
			self::$out[] = $m;
		}
		public static function line( $m = '' ) {
			self::$out[] = $m;
		}
		public static function success( $m ) {
			self::$out[] = 'Success: ' . $m;
		}
		public static function warning( $m ) {
			self::$out[] = 'Warning: ' . $m;
		}
		public static function error( $m ) {
			self::$out[] = 'Error: ' . $m;
			throw new NSSync_Shim_CLI_Exit( $m );
		}
		public static function add_command( $name, $callable ) {
			$GLOBALS['nssync_shim']['cli_commands'][ $name ] = $callable;
		}
	}
}

namespace WP_CLI\Utils {
	function format_items( $format, $items, $fields ) {
		if ( 'json' === $format ) {
			\WP_CLI::$out[] = json_encode( $items );
			return;
		}
		foreach ( $items as $item ) {
			$cells = array();
			foreach ( (array) $fields as $f ) {
				$cells[] = isset( $item[ $f ] ) ? $item[ $f ] : '';
			}
			\WP_CLI::$out[] = implode( "\t", $cells );
		}
	}
}
