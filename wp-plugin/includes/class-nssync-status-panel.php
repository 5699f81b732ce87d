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
