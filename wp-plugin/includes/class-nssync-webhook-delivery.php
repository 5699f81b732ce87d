<?php
/**
 * Lets WooCommerce deliver its webhooks to the sidecar this store is paired with.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * WooCommerce sends webhooks with wp_safe_remote_request(), whose URL check (wp_http_validate_url) refuses a host
 * that resolves to a private or loopback address and any port other than 80, 443 and 8080: the delivery log then
 * says "A valid URL was not provided." and the webhook is disabled after five failures. A self-hosted sidecar is
 * usually exactly such a URL (http://127.0.0.1:8765, http://sidecar:8765 on a private network). The check has two
 * filters for this; here they allow the configured sidecar's host, and its port for that host only. Every other
 * URL is checked as before, and nothing is allowed until the plugin is paired (a shared secret saved).
 */
class NSSync_Webhook_Delivery {

	/** @var NSSync_Options */
	private $options;

	/**
	 * @param NSSync_Options $options Settings.
	 */
	public function __construct( $options ) {
		$this->options = $options;
	}

	/**
	 * `http_request_host_is_external`: the sidecar's host counts as external (allowed).
	 *
	 * @param bool   $external Whether WordPress or another filter already allows it.
	 * @param string $host     Host of the requested URL.
	 * @return bool
	 */
	public function host_is_external( $external, $host ) {
		$sidecar = $this->sidecar();
		return (bool) $external || ( null !== $sidecar && self::same_host( $host, $sidecar['host'] ) );
	}

	/**
	 * `http_allowed_safe_ports`: the sidecar's port, for the sidecar's host.
	 *
	 * @param int[]  $ports Ports allowed so far.
	 * @param string $host  Host of the requested URL.
	 * @return int[]
	 */
	public function safe_ports( $ports, $host ) {
		$sidecar = $this->sidecar();
		if ( null !== $sidecar && is_array( $ports ) && self::same_host( $host, $sidecar['host'] ) && ! in_array( $sidecar['port'], $ports, true ) ) {
			$ports[] = $sidecar['port'];
		}
		return $ports;
	}

	/**
	 * Host and port of the sidecar URL; null while the plugin is not paired.
	 *
	 * @return array{host: string, port: int}|null
	 */
	private function sidecar() {
		if ( '' === $this->options->shared_secret() ) {
			return null;
		}
		$parts = wp_parse_url( $this->options->sidecar_url() );
		if ( empty( $parts['host'] ) ) {
			return null;
		}
		$scheme = isset( $parts['scheme'] ) ? strtolower( $parts['scheme'] ) : 'http';
		return array(
			'host' => strtolower( trim( $parts['host'], '.' ) ),
			'port' => isset( $parts['port'] ) ? (int) $parts['port'] : ( 'https' === $scheme ? 443 : 80 ),
		);
	}

	/**
	 * @param mixed  $host    Host as the filter passes it.
	 * @param string $sidecar The sidecar's host (lower case).
	 * @return bool
	 */
	private static function same_host( $host, $sidecar ) {
		return is_string( $host ) && strtolower( trim( $host, '.' ) ) === $sidecar;
	}
}
