<?php
/**
 * The only class that talks to the sidecar: every outbound HTTP call of the plugin goes through request().
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Signed JSON calls to the sidecar (DESIGN.md §3): `X-NSSync-Timestamp` (unix seconds) and
 * `X-NSSync-Signature: v2=<hex HMAC-SHA256(secret, timestamp \n METHOD \n path \n query \n raw body)>`, so a
 * signature fits one request only. Failures of any kind
 * become one NSSync_Sidecar_Exception; every call is logged to WooCommerce → Status → Logs without secrets.
 */
class NSSync_Sidecar_Client {

	const LOG_SOURCE      = 'netsuite-sync';
	const DEFAULT_TIMEOUT = 15;

	/** @var NSSync_Options */
	private $options;

	/**
	 * A sidecar URL and shared secret to use instead of the stored ones (a pairing being checked), or null.
	 *
	 * @var string[]|null
	 */
	private $pairing = null;

	/**
	 * A client that signs with a candidate URL and secret instead of the stored ones: the Connection save checks
	 * a newly typed secret with it before storing it.
	 *
	 * @param string $url    Sidecar URL.
	 * @param string $secret Shared secret.
	 * @return NSSync_Sidecar_Client
	 */
	public function with_pairing( $url, $secret ) {
		$copy          = clone $this;
		$copy->pairing = array( rtrim( (string) $url, '/' ), (string) $secret );
		return $copy;
	}

	/**
	 * @param NSSync_Options $options Where the URL and the shared secret are read.
	 */
	public function __construct( NSSync_Options $options ) {
		$this->options = $options;
	}

	/**
	 * The request signature (DESIGN.md §3, v2), byte for byte the sidecar's:
	 * `v2=<hex HMAC-SHA256(secret, timestamp \n METHOD \n path \n query \n body)>`.
	 *
	 * @param string     $secret    Shared secret (bytes as stored, UTF-8).
	 * @param string|int $timestamp Unix seconds.
	 * @param string     $method    HTTP method (signed upper-case).
	 * @param string     $path      Path as the sidecar receives it, e.g. `/v1/jobs/7/retry`.
	 * @param string     $query     Raw query string without `?` ('' when none), not decoded or re-ordered.
	 * @param string     $body      Raw request body ('' for GET).
	 * @return string `v2=<64 hex>`
	 */
	public static function sign( $secret, $timestamp, $method, $path, $query, $body ) {
		$message = (string) $timestamp . "\n" . strtoupper( (string) $method ) . "\n" . (string) $path . "\n" . (string) $query . "\n" . (string) $body;
		return 'v2=' . hash_hmac( 'sha256', $message, (string) $secret );
	}

	/**
	 * The path and query to sign for a request URL: taken from the exact URL sent, with the path of the
	 * configured sidecar URL removed. The sidecar verifies Flask's `request.path`, which is the path below its
	 * mount point: for `https://shop.example/nssync` behind a proxy that strips `/nssync` (or a sidecar run with
	 * SCRIPT_NAME=/nssync), a call to `https://shop.example/nssync/v1/status` is signed as `/v1/status`.
	 *
	 * @param string $url  Full request URL.
	 * @param string $base Configured sidecar URL (no trailing slash).
	 * @return string[] [ path, query ]
	 */
	public static function signed_target( $url, $base ) {
		$path   = (string) wp_parse_url( $url, PHP_URL_PATH );
		$query  = (string) wp_parse_url( $url, PHP_URL_QUERY );
		$prefix = rtrim( (string) wp_parse_url( $base, PHP_URL_PATH ), '/' );
		if ( '' !== $prefix && 0 === strpos( $path, $prefix . '/' ) ) {
			$path = substr( $path, strlen( $prefix ) );
		}
		return array( '' === $path ? '/' : $path, $query );
	}

	/**
	 * A path with a query string encoded as the signer expects it (RFC 3986: spaces as %20), empty values left out.
	 *
	 * @param string $path Path.
	 * @param array  $args Query arguments.
	 * @return string
	 */
	public static function with_query( $path, $args ) {
		$args = array_filter(
			(array) $args,
			static function ( $v ) {
				return null !== $v && '' !== $v && false !== $v;
			}
		);
		return $args ? $path . '?' . http_build_query( $args, '', '&', PHP_QUERY_RFC3986 ) : $path;
	}

	/**
	 * Encode a request body as the sidecar receives it (JSON, slashes and unicode unescaped).
	 *
	 * @param mixed $data Body data.
	 * @return string
	 */
	public static function encode( $data ) {
		return (string) wp_json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
	}

	/**
	 * One signed call. Returns the decoded JSON body of a 2xx answer plus its status under `_status`.
	 *
	 * @param string     $method  GET, POST, PUT.
	 * @param string     $path    Path below the sidecar URL, e.g. `/v1/settings`.
	 * @param mixed|null $data    JSON body (null: none).
	 * @param int        $timeout Seconds; short in admin pages, longer in background jobs.
	 * @return array
	 * @throws NSSync_Sidecar_Exception On a transport error, a non-2xx answer or a body that is not JSON.
	 */
	public function request( $method, $path, $data = null, $timeout = self::DEFAULT_TIMEOUT ) {
		list( $status, $raw ) = $this->send( $method, $path, $data, $timeout, 'application/json' );
		$decoded              = json_decode( $raw, true );
		if ( ! is_array( $decoded ) ) {
			$this->log( 'error', sprintf( '%s %s → %d with a body that is not JSON', strtoupper( $method ), $path, $status ) );
			throw new NSSync_Sidecar_Exception( __( 'The sidecar answered with a body that is not JSON.', 'netsuite-sync-for-woocommerce' ), $status, 'invalid_response' );
		}
		$decoded['_status'] = $status;
		return $decoded;
	}

	/**
	 * A signed GET whose answer is not JSON (a CSV export): the raw body.
	 *
	 * @param string $path    Path below the sidecar URL.
	 * @param string $accept  Accept header.
	 * @param int    $timeout Seconds.
	 * @return string
	 * @throws NSSync_Sidecar_Exception See request().
	 */
	public function get_raw( $path, $accept = 'text/csv', $timeout = self::DEFAULT_TIMEOUT ) {
		return $this->send( 'GET', $path, null, $timeout, $accept )[1];
	}

	/**
	 * The one place a request is signed and sent.
	 *
	 * @param string     $method  Method.
	 * @param string     $path    Path (with query) below the sidecar URL.
	 * @param mixed|null $data    JSON body or null.
	 * @param int        $timeout Seconds.
	 * @param string     $accept  Accept header.
	 * @return array [ status, raw body ] of a 2xx answer.
	 * @throws NSSync_Sidecar_Exception On a transport error or a non-2xx answer.
	 */
	private function send( $method, $path, $data, $timeout, $accept ) {
		$secret = $this->pairing ? $this->pairing[1] : $this->options->shared_secret();
		if ( '' === $secret ) {
			throw new NSSync_Sidecar_Exception(
				__( 'The plugin is not paired with a sidecar yet: enter the sidecar URL and shared secret under WooCommerce → Settings → NetSuite.', 'netsuite-sync-for-woocommerce' ),
				0,
				'not_paired'
			);
		}
		$body      = null === $data ? '' : self::encode( $data );
		$timestamp = (string) $this->now();
		$base      = $this->pairing ? $this->pairing[0] : $this->options->sidecar_url();
		$url       = $base . $path;
		$method    = strtoupper( (string) $method );
		list( $signed_path, $signed_query ) = self::signed_target( $url, $base );
		$started   = microtime( true );
		$response  = wp_remote_request(
			$url,
			array(
				'method'      => $method,
				'timeout'     => $timeout,
				'redirection' => 0,
				'headers'     => array(
					'Content-Type'       => 'application/json',
					'Accept'             => $accept,
					'X-NSSync-Timestamp' => $timestamp,
					'X-NSSync-Signature' => self::sign( $secret, $timestamp, $method, $signed_path, $signed_query, $body ),
					'User-Agent'         => 'netsuite-sync-for-woocommerce/' . ( defined( 'NSSYNC_VERSION' ) ? NSSYNC_VERSION : 'dev' ),
				),
				'body'        => null === $data ? null : $body,
			)
		);
		$ms = (int) round( ( microtime( true ) - $started ) * 1000 );

		if ( is_wp_error( $response ) ) {
			$this->contact( false );
			$this->log( 'error', sprintf( '%s %s failed after %d ms: %s', $method, $path, $ms, $response->get_error_message() ) );
			throw new NSSync_Sidecar_Exception(
				/* translators: %s: transport error message */
				sprintf( __( 'The sidecar could not be reached: %s', 'netsuite-sync-for-woocommerce' ), $response->get_error_message() ),
				0,
				'http_request_failed'
			);
		}

		$this->contact( true );
		$status = (int) wp_remote_retrieve_response_code( $response );
		$raw    = (string) wp_remote_retrieve_body( $response );

		if ( $status < 200 || $status >= 300 ) {
			$decoded = json_decode( $raw, true );
			$error   = ( is_array( $decoded ) && isset( $decoded['error'] ) && is_array( $decoded['error'] ) ) ? $decoded['error'] : array();
			$code  = isset( $error['code'] ) ? (string) $error['code'] : 'http_' . $status;
			$msg   = isset( $error['message'] ) ? (string) $error['message'] : sprintf(
				/* translators: %d: HTTP status code */
				__( 'The sidecar answered HTTP %d.', 'netsuite-sync-for-woocommerce' ),
				$status
			);
			$this->log( $status >= 500 ? 'error' : 'warning', sprintf( '%s %s → %d %s (%d ms)', $method, $path, $status, $code, $ms ) );
			throw new NSSync_Sidecar_Exception( $msg, $status, $code, isset( $error['field'] ) ? (string) $error['field'] : '', isset( $error['errors'] ) && is_array( $error['errors'] ) ? $error['errors'] : array() );
		}
		$this->log( 'debug', sprintf( '%s %s → %d (%d ms)', $method, $path, $status, $ms ) );
		return array( $status, $raw );
	}

	/**
	 * Remember whether the stored sidecar answered (not for a candidate pairing): the "has not answered since"
	 * notice and the cached last runs read it.
	 *
	 * @param bool $answered The sidecar answered (any HTTP status).
	 */
	private function contact( $answered ) {
		if ( ! $this->pairing ) {
			$this->options->record_contact( $answered, $this->now() );
		}
	}

	/**
	 * The clock of the signature timestamp (a test may stand another in).
	 *
	 * @return int Unix seconds.
	 */
	protected function now() {
		return time();
	}

	/**
	 * @param string $path Path below the sidecar URL.
	 * @param int    $timeout Seconds.
	 * @return array
	 * @throws NSSync_Sidecar_Exception See request().
	 */
	public function get( $path, $timeout = self::DEFAULT_TIMEOUT ) {
		return $this->request( 'GET', $path, null, $timeout );
	}

	/**
	 * @param string $path Path.
	 * @param mixed  $data Body (null: `{}`).
	 * @param int    $timeout Seconds.
	 * @return array
	 * @throws NSSync_Sidecar_Exception See request().
	 */
	public function post( $path, $data = null, $timeout = self::DEFAULT_TIMEOUT ) {
		if ( null === $data ) {
			$data = new stdClass(); // An empty JSON object, `{}`.
		}
		return $this->request( 'POST', $path, $data, $timeout );
	}

	/**
	 * @param string $path Path.
	 * @param mixed  $data Body.
	 * @param int    $timeout Seconds.
	 * @return array
	 * @throws NSSync_Sidecar_Exception See request().
	 */
	public function put( $path, $data, $timeout = self::DEFAULT_TIMEOUT ) {
		return $this->request( 'PUT', $path, $data, $timeout );
	}

	/**
	 * Log one line through WooCommerce's logger (messages never hold a body, header or secret).
	 *
	 * @param string $level   debug, info, warning, error.
	 * @param string $message Message.
	 */
	private function log( $level, $message ) {
		if ( function_exists( 'wc_get_logger' ) ) {
			wc_get_logger()->log( $level, $message, array( 'source' => self::LOG_SOURCE ) );
		}
	}
}
