<?php
/**
 * The one exception type of every sidecar call.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * A sidecar call that did not succeed: transport failure (status 0), or the sidecar's JSON error
 * `{"error": {"code", "message", "field"}}` with its HTTP status.
 */
class NSSync_Sidecar_Exception extends Exception {

	/**
	 * HTTP status, 0 when the sidecar could not be reached.
	 *
	 * @var int
	 */
	private $status;

	/**
	 * Machine-readable error code (`invalid_signature`, `invalid_field`, `http_request_failed`, …).
	 *
	 * @var string
	 */
	private $error_code;

	/**
	 * Dotted settings field the error is about (`orders.subsidiary_id`), or ''.
	 *
	 * @var string
	 */
	private $field;

	/**
	 * @param string $message    Human-readable message (never holds a secret).
	 * @param int    $status     HTTP status or 0.
	 * @param string $error_code Error code.
	 * @param string $field      Dotted field name or ''.
	 */
	public function __construct( $message, $status = 0, $error_code = 'sidecar_error', $field = '' ) {
		parent::__construct( (string) $message, (int) $status );
		$this->status     = (int) $status;
		$this->error_code = (string) $error_code;
		$this->field      = (string) $field;
	}

	/** @return int */
	public function get_status() {
		return $this->status;
	}

	/** @return string */
	public function get_error_code() {
		return $this->error_code;
	}

	/** @return string */
	public function get_field() {
		return $this->field;
	}

	/**
	 * True when the sidecar was not reachable or answered with a server error or 429: try again later.
	 *
	 * @return bool
	 */
	public function is_retryable() {
		return 0 === $this->status || 429 === $this->status || 408 === $this->status || $this->status >= 500;
	}
}
