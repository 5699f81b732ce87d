<?php
/**
 * The Status section of the NetSuite settings tab: asks the sidecar, hands the answers to the view.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Fetches `/v1/status`, the failed jobs and the API log (a failed call is shown in place of its panel) and the
 * plugin's own outbox summary, then prints them through NSSync_Status_View.
 */
class NSSync_Status_Panel {

	const SYNC_NOW_FLOWS = array( 'inventory', 'prices', 'products', 'fulfillments', 'orders' );

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Forwarder|null */
	private $forwarder;

	/**
	 * @param NSSync_Options        $options   Options.
	 * @param NSSync_Sidecar_Client $client    Sidecar client.
	 * @param NSSync_Forwarder|null $forwarder Forwarder (for the outbox).
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, $forwarder = null ) {
		$this->options   = $options;
		$this->client    = $client;
		$this->forwarder = $forwarder;
	}

	/**
	 * Print the section.
	 */
	public function output() {
		$status  = $this->fetch( '/v1/status' );
		$jobs    = $this->fetch( '/v1/jobs?status=failed' );
		$log     = $this->fetch( '/v1/log' );
		$summary = $this->forwarder ? $this->forwarder->summary() : array(
			'pending' => 0,
			'orders'  => 0,
			'failing' => 0,
			'health'  => $this->options->health(),
			'alert'   => false,
		);
		$summary['entries'] = $this->forwarder ? $this->forwarder->outbox()->entries( 50 ) : array();
		( new NSSync_Status_View() )->render( $status, $jobs, $log, $summary, self::SYNC_NOW_FLOWS );
	}

	/**
	 * The sidecar's installed flows and each one's last run, from `GET /v1/status` (its `flows` object, keyed
	 * by flow name; a flow absent from it is not installed). When the sidecar does not answer: installed
	 * unknown (null) and the last runs seen before, marked stale.
	 *
	 * @return array installed (string[]|null), runs (flow => run|null), stale (bool), error (string).
	 */
	public function flows() {
		$status = $this->fetch( '/v1/status' );
		if ( isset( $status['_error'] ) || ! isset( $status['flows'] ) || ! is_array( $status['flows'] ) ) {
			return array(
				'installed' => isset( $status['_error'] ) || ! is_array( $status ) ? null : array(),
				'runs'      => $this->options->cached_runs(),
				'stale'     => isset( $status['_error'] ),
				'error'     => isset( $status['_error'] ) ? (string) $status['_error'] : '',
			);
		}
		$runs = array();
		foreach ( $status['flows'] as $flow => $info ) {
			$runs[ (string) $flow ] = self::last_run( $info );
		}
		$this->options->set_cached_runs( array_filter( $runs ) + $this->options->cached_runs() );
		return array(
			'installed' => array_map( 'strval', array_keys( $status['flows'] ) ),
			'runs'      => $runs,
			'stale'     => false,
			'error'     => '',
		);
	}

	/**
	 * A flow's entry of `/v1/status` → its last run: the entry itself, or its `last_run`.
	 *
	 * @param mixed $info Entry.
	 * @return array|null
	 */
	public static function last_run( $info ) {
		if ( ! is_array( $info ) ) {
			return null;
		}
		if ( array_key_exists( 'last_run', $info ) ) {
			return is_array( $info['last_run'] ) ? $info['last_run'] : null;
		}
		return ( isset( $info['status'] ) || isset( $info['counts'] ) || isset( $info['started_at'] ) ) ? $info : null;
	}

	/**
	 * A GET whose failure is shown in place of its panel.
	 *
	 * @param string $path Path.
	 * @return array Answer, or `['_error' => message, '_status' => status]`.
	 */
	public function fetch( $path ) {
		try {
			return $this->client->get( $path, 10 );
		} catch ( NSSync_Sidecar_Exception $e ) {
			return array(
				'_error'  => $e->getMessage(),
				'_status' => $e->get_status(),
			);
		}
	}
}
