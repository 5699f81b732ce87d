<?php
/**
 * WP-CLI: `wp netsuite status|sync|jobs|retry|skip`, through the same signed client as wp-admin.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Talks to the NetSuite Sync sidecar from the command line.
 *
 * Every command exits non-zero (WP_CLI::error) when the sidecar cannot be reached or refuses the request.
 */
class NSSync_CLI {

	const FLOWS = array( 'orders', 'customers', 'inventory', 'prices', 'products', 'fulfillments' );

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Forwarder */
	private $forwarder;

	/** @var callable Sleeps n seconds (tests stand in another). */
	private $sleep;

	/**
	 * @param NSSync_Sidecar_Client $client    Sidecar client.
	 * @param NSSync_Forwarder      $forwarder Forwarder (the outbox count in `status`).
	 * @param callable|null         $sleep     Sleep function.
	 */
	public function __construct( NSSync_Sidecar_Client $client, NSSync_Forwarder $forwarder, $sleep = null ) {
		$this->client    = $client;
		$this->forwarder = $forwarder;
		$this->sleep     = $sleep ? $sleep : 'sleep';
	}

	/**
	 * Shows the sidecar's connections, queue and the last run of each flow, and the events waiting in WordPress.
	 *
	 * ## EXAMPLES
	 *
	 *     wp netsuite status
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function status( $args = array(), $assoc_args = array() ) {
		$status = $this->call( 'GET', '/v1/status' );
		$conns  = isset( $status['connections'] ) && is_array( $status['connections'] ) ? $status['connections'] : array();
		foreach ( array( 'netsuite' => 'NetSuite', 'woocommerce' => 'WooCommerce' ) as $key => $label ) {
			$c     = isset( $conns[ $key ] ) && is_array( $conns[ $key ] ) ? $conns[ $key ] : array();
			$state = isset( $c['state'] ) ? (string) $c['state'] : ( isset( $c['configured'] ) && $c['configured'] ? 'configured' : 'unknown' );
			if ( ! empty( $c['problem'] ) && is_scalar( $c['problem'] ) ) {
				$state .= ' (' . $c['problem'] . ')'; // The sidecar's reason: a redirect, refused credentials, no answer.
			}
			WP_CLI::log( sprintf( '%-12s %s', $label . ':', $state ) );
		}
		if ( isset( $status['queue'] ) ) {
			WP_CLI::log( sprintf( '%-12s %s', 'Queue:', is_array( $status['queue'] ) ? http_build_query( $status['queue'], '', ', ' ) : (string) $status['queue'] ) );
		}
		$summary = $this->forwarder->summary();
		WP_CLI::log( sprintf( '%-12s %d events (%d orders) waiting in WordPress', 'Outbox:', $summary['pending'], $summary['orders'] ) );
		$rows = array();
		foreach ( isset( $status['flows'] ) && is_array( $status['flows'] ) ? $status['flows'] : array() as $flow => $info ) {
			$run    = NSSync_Status_Panel::last_run( $info );
			$rows[] = array(
				'flow'     => (string) $flow,
				'last_run' => $run ? NSSync_Format::run_text( $run ) : 'not run yet',
				'finished' => $run && ! empty( $run['finished_at'] ) ? NSSync_Format::ago( $run['finished_at'] ) : '',
			);
		}
		$this->table( $rows, array( 'flow', 'last_run', 'finished' ), $assoc_args );
	}

	/**
	 * Starts a run of a flow ("Sync now").
	 *
	 * ## OPTIONS
	 *
	 * <flow>
	 * : orders (catch-up), customers, inventory, prices, products or fulfillments.
	 *
	 * [--wait]
	 * : Wait for the run to finish and print its counts; exit 1 when it failed.
	 *
	 * [--timeout=<seconds>]
	 * : With --wait, give up after this long. Default 600.
	 *
	 * ## EXAMPLES
	 *
	 *     wp netsuite sync inventory --wait
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function sync( $args, $assoc_args = array() ) {
		$flow = isset( $args[0] ) ? (string) $args[0] : '';
		if ( ! in_array( $flow, self::FLOWS, true ) ) {
			WP_CLI::error( sprintf( 'Unknown flow "%s": use one of %s.', $flow, implode( ', ', self::FLOWS ) ) );
			return;
		}
		$started = $this->call( 'POST', '/v1/sync/' . $flow );
		$run_id  = isset( $started['run_id'] ) ? (string) $started['run_id'] : '';
		WP_CLI::log( sprintf( 'Started %s: run %s.', $flow, $run_id ) );
		if ( empty( $assoc_args['wait'] ) || '' === $run_id ) {
			WP_CLI::success( 'Queued.' );
			return;
		}
		$deadline = time() + ( isset( $assoc_args['timeout'] ) ? max( 1, (int) $assoc_args['timeout'] ) : 600 );
		do {
			$run = $this->call( 'GET', '/v1/runs/' . rawurlencode( $run_id ) );
			if ( ! empty( $run['finished_at'] ) || in_array( isset( $run['status'] ) ? $run['status'] : '', array( 'done', 'done_with_errors', 'failed', 'error', 'skipped' ), true ) ) {
				WP_CLI::log( NSSync_Format::run_text( $run ) );
				foreach ( NSSync_Format::run_errors( $run, 10 ) as $e ) {
					WP_CLI::warning( $e );
				}
				if ( in_array( $run['status'], array( 'failed', 'error' ), true ) ) {
					WP_CLI::error( sprintf( 'Run %s failed.', $run_id ) );
					return;
				}
				WP_CLI::success( sprintf( 'Run %s finished.', $run_id ) );
				return;
			}
			call_user_func( $this->sleep, 2 );
		} while ( time() < $deadline );
		WP_CLI::error( sprintf( 'Run %s did not finish in time; see wp netsuite status.', $run_id ) );
	}

	/**
	 * Lists jobs of the sidecar's queue (failed ones by default).
	 *
	 * ## OPTIONS
	 *
	 * [--status=<status>]
	 * : failed (default), pending, running, done or skipped.
	 *
	 * [--flow=<flow>]
	 * : Only this flow's jobs.
	 *
	 * [--limit=<n>]
	 * : At most this many. Default 50.
	 *
	 * [--format=<format>]
	 * : table (default), json, csv, ids.
	 *
	 * ## EXAMPLES
	 *
	 *     wp netsuite jobs --status=failed
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function jobs( $args = array(), $assoc_args = array() ) {
		$answer = $this->call(
			'GET',
			NSSync_Sidecar_Client::with_query(
				'/v1/jobs',
				array(
					'status' => isset( $assoc_args['status'] ) ? (string) $assoc_args['status'] : 'failed',
					'flow'   => isset( $assoc_args['flow'] ) ? (string) $assoc_args['flow'] : '',
					'limit'  => isset( $assoc_args['limit'] ) ? max( 1, (int) $assoc_args['limit'] ) : 50,
				)
			)
		);
		$rows = array();
		foreach ( isset( $answer['jobs'] ) && is_array( $answer['jobs'] ) ? $answer['jobs'] : array() as $job ) {
			$rows[] = array(
				'id'          => isset( $job['id'] ) ? $job['id'] : '',
				'topic'       => isset( $job['topic'] ) ? $job['topic'] : ( isset( $job['flow'] ) ? $job['flow'] : '' ),
				'resource_id' => isset( $job['resource_id'] ) ? $job['resource_id'] : '',
				'status'      => isset( $job['status'] ) ? $job['status'] : '',
				'attempts'    => isset( $job['attempts'] ) ? $job['attempts'] : '',
				'error'       => isset( $job['last_error'] ) ? $job['last_error'] : '',
			);
		}
		$this->table( $rows, array( 'id', 'topic', 'resource_id', 'status', 'attempts', 'error' ), $assoc_args );
		if ( isset( $answer['total'] ) && (int) $answer['total'] > count( $rows ) && ( empty( $assoc_args['format'] ) || 'table' === $assoc_args['format'] ) ) {
			WP_CLI::log( sprintf( '%d of %d shown (--limit).', count( $rows ), (int) $answer['total'] ) );
		}
	}

	/**
	 * Sends a failed job again.
	 *
	 * ## OPTIONS
	 *
	 * <id>...
	 * : Job id(s).
	 *
	 * @param array $args       Job ids.
	 * @param array $assoc_args Options.
	 */
	public function retry( $args, $assoc_args = array() ) {
		$this->each_job( $args, 'retry' );
	}

	/**
	 * Gives up a failed job.
	 *
	 * ## OPTIONS
	 *
	 * <id>...
	 * : Job id(s).
	 *
	 * @param array $args       Job ids.
	 * @param array $assoc_args Options.
	 */
	public function skip( $args, $assoc_args = array() ) {
		$this->each_job( $args, 'skip' );
	}

	/**
	 * @param array  $ids  Job ids.
	 * @param string $verb retry or skip.
	 */
	private function each_job( $ids, $verb ) {
		if ( ! $ids ) {
			WP_CLI::error( 'Give at least one job id (see wp netsuite jobs).' );
			return;
		}
		foreach ( $ids as $id ) {
			if ( ! preg_match( '/^[A-Za-z0-9_-]+$/', (string) $id ) ) {
				WP_CLI::error( sprintf( 'Not a job id: %s', $id ) );
				return;
			}
			$answer = $this->call( 'POST', '/v1/jobs/' . $id . '/' . $verb );
			WP_CLI::log( sprintf( 'Job %s: %s', $id, isset( $answer['status'] ) ? $answer['status'] : $verb ) );
		}
		WP_CLI::success( sprintf( '%d job(s) %s.', count( $ids ), 'retry' === $verb ? 'sent again' : 'skipped' ) );
	}

	/**
	 * One signed call; any failure ends the command with exit code 1.
	 *
	 * @param string $method GET or POST.
	 * @param string $path   Path.
	 * @return array
	 */
	private function call( $method, $path ) {
		try {
			return 'GET' === $method ? $this->client->get( $path, 30 ) : $this->client->post( $path, null, 30 );
		} catch ( NSSync_Sidecar_Exception $e ) {
			$msg = $e->is_bad_secret() ? "the shared secret does not match the sidecar's" : $e->getMessage();
			WP_CLI::error( sprintf( 'The sidecar refused or did not answer %s %s: %s', $method, strtok( $path, '?' ), $msg ) );
			return array();
		}
	}

	/**
	 * Print rows with WP-CLI's formatter.
	 *
	 * @param array[]  $rows       Rows.
	 * @param string[] $fields     Columns.
	 * @param array    $assoc_args Options (format).
	 */
	private function table( $rows, $fields, $assoc_args ) {
		$format = isset( $assoc_args['format'] ) ? (string) $assoc_args['format'] : 'table';
		\WP_CLI\Utils\format_items( $format, $rows, $fields );
	}
}
