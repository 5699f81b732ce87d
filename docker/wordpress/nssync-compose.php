<?php
/**
 * Plugin Name: NetSuite Sync — compose network
 * Description: Lets WooCommerce deliver its webhooks to the sidecar container (docker-compose.yml mounts this file
 * into wp-content/mu-plugins/).
 *
 * WooCommerce sends webhooks with wp_safe_remote_request(), which refuses a host that resolves to a private
 * address and any port other than 80, 443 and 8080 ("A valid URL was not provided." in the delivery log). On the
 * compose network the sidecar is http://sidecar:8765: a private address on port 8765. This allows exactly that
 * host (and that port for that host), read from NSSYNC_SIDECAR_URL; every other URL is checked as before.
 *
 * @package NetSuiteSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Host and port of the sidecar, from NSSYNC_SIDECAR_URL (default http://sidecar:8765).
 *
 * @return array{host: string, port: int}|null
 */
function nssync_compose_sidecar() {
	$url   = getenv( 'NSSYNC_SIDECAR_URL' );
	$parts = wp_parse_url( $url ? $url : 'http://sidecar:8765' );
	if ( empty( $parts['host'] ) ) {
		return null;
	}
	$port = isset( $parts['port'] ) ? (int) $parts['port'] : ( 'https' === ( $parts['scheme'] ?? 'http' ) ? 443 : 80 );
	return array(
		'host' => strtolower( $parts['host'] ),
		'port' => $port,
	);
}

add_filter(
	'http_request_host_is_external',
	function ( $external, $host ) {
		$sidecar = nssync_compose_sidecar();
		return $external || ( $sidecar && strtolower( (string) $host ) === $sidecar['host'] );
	},
	10,
	2
);

add_filter(
	'http_allowed_safe_ports',
	function ( $ports, $host ) {
		$sidecar = nssync_compose_sidecar();
		if ( $sidecar && is_array( $ports ) && strtolower( (string) $host ) === $sidecar['host'] ) {
			$ports[] = $sidecar['port'];
		}
		return $ports;
	},
	10,
	2
);
