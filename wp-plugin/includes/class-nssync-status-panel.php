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
	 *
	 * @param array $get Query arguments of the request (filters and page of the error queue), unslashed.
	 */
	public function output( $get = array() ) {
		( new NSSync_Status_View() )->render( $this->data( $get ) );
	}

	/**
	 * Everything the Status section shows, asked of the sidecar (a failed call is kept as `_error`).
	 *
	 * @param array $get Query arguments.
	 * @return array See NSSync_Status_View::render().
	 */
	public function data( $get ) {
		$status = $this->fetch( '/v1/status' );
		$down   = isset( $status['_error'] ) && 0 === (int) $status['_status'];
		// `flows` of /v1/status carries each flow's last run as /v1/runs renders it: no call per flow.
		$flows  = $this->flows_from( $status );
		$runs   = $flows['runs'];
		$filters = NSSync_Error_Queue_View::filters( $get );
		$summary = $this->forwarder ? $this->forwarder->summary() : array(
			'pending' => 0,
			'orders'  => 0,
			'failing' => 0,
			'health'  => $this->options->health(),
			'alert'   => false,
		);
		$summary['entries'] = $this->forwarder ? $this->forwarder->outbox()->entries( 50 ) : array();
		return array(
			'status'  => $status,
			'runs'    => $runs,
			'stale'   => $flows['stale'],
			'jobs'    => array(
				'answer'   => $down ? $status : $this->fetch( NSSync_Error_Queue_View::path( $filters ) ),
				'filters'  => $filters,
				'base_url' => NSSync_Admin::settings_url( 'status' ),
				'failed'   => isset( $status['failed'] ) && is_numeric( $status['failed'] ) ? (int) $status['failed'] : null,
			),
			'log'     => $down ? $status : $this->fetch( '/v1/log' ),
			'summary' => $summary,
			'contact' => $this->options->contact() + array( 'url' => $this->options->sidecar_url() ),
		);
	}

	/**
	 * The sidecar's installed flows and each one's last run, from `GET /v1/status` (its `flows` object, keyed
	 * by flow name; a flow absent from it is not installed). When the sidecar does not answer: installed
	 * unknown (null) and the last runs seen before, marked stale.
	 *
	 * @return array installed (string[]|null), runs (flow => run|null), stale (bool), error (string).
	 */
	public function flows() {
		return $this->flows_from( $this->fetch( '/v1/status' ) );
	}

	/**
	 * See flows().
	 *
	 * @param array $status `GET /v1/status` answer or `_error`.
	 * @return array
	 */
	private function flows_from( $status ) {
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
