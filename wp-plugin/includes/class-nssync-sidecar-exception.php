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
	 * Every field error of a 422: list of `['field' => dotted, 'message' => text]`.
	 *
	 * @var array[]
	 */
	private $errors;

	/**
	 * @param string $message    Human-readable message (never holds a secret).
	 * @param int    $status     HTTP status or 0.
	 * @param string $error_code Error code.
	 * @param string $field      Dotted field name or ''.
	 * @param array  $errors     All field errors (`error.errors` of a 422).
	 */
	public function __construct( $message, $status = 0, $error_code = 'sidecar_error', $field = '', $errors = array() ) {
		parent::__construct( (string) $message, (int) $status );
		$this->status     = (int) $status;
		$this->error_code = (string) $error_code;
		$this->field      = (string) $field;
		$this->errors     = array();
		foreach ( (array) $errors as $e ) {
			if ( is_array( $e ) && isset( $e['field'], $e['message'] ) && is_scalar( $e['field'] ) && is_scalar( $e['message'] ) ) {
				$this->errors[] = array(
					'field'   => (string) $e['field'],
					'message' => (string) $e['message'],
				);
			}
		}
		if ( ! $this->errors && '' !== $this->field ) {
			$this->errors[] = array(
				'field'   => $this->field,
				'message' => (string) $message,
			);
		}
	}

	/**
	 * Every field error: the 422's `errors` list, or its single `field` (older sidecars).
	 *
	 * @return array[] `['field', 'message']` each.
	 */
	public function get_errors() {
		return $this->errors;
	}

	/**
	 * The sidecar refused the request's signature: the shared secret differs from the sidecar's.
	 *
	 * @return bool
	 */
	public function is_bad_secret() {
		return 401 === $this->status && in_array( $this->error_code, array( 'invalid_signature', 'missing_signature', 'http_401' ), true );
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
