<?php
/**
 * wp-admin chrome: notices, scripts and styles, plugin action links.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Admin notices (WooCommerce missing; forwarding backlog or persistent failure) and asset loading.
 */
class NSSync_Admin {

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Forwarder */
	private $forwarder;

	/**
	 * @param NSSync_Options        $options   Options.
	 * @param NSSync_Sidecar_Client $client    Sidecar client.
	 * @param NSSync_Forwarder      $forwarder Forwarder.
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, NSSync_Forwarder $forwarder ) {
		$this->options   = $options;
		$this->client    = $client;
		$this->forwarder = $forwarder;
	}

	/**
	 * Shown instead of anything else when WooCommerce is not active.
	 */
	public static function missing_woocommerce_notice() {
		if ( ! current_user_can( 'activate_plugins' ) ) {
			return;
		}
		echo '<div class="notice notice-error"><p>' . esc_html__( 'NetSuite Sync for WooCommerce needs WooCommerce: install and activate WooCommerce to use it.', 'netsuite-sync-for-woocommerce' ) . '</p></div>';
	}

	/**
	 * URL of a section of the NetSuite settings tab.
	 *
	 * @param string $section '', sync, mappings, status.
	 * @return string
	 */
	public static function settings_url( $section = '' ) {
		$url = admin_url( 'admin.php?page=wc-settings&tab=nssync' );
		return '' === $section ? $url : $url . '&section=' . rawurlencode( $section );
	}

	/**
	 * Backlog, persistent failure or missing pairing, on every admin page for shop managers.
	 */
	public function forwarding_notice() {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		if ( ! $this->options->is_paired() ) {
			printf(
				'<div class="notice notice-warning"><p>%s <a href="%s">%s</a></p></div>',
				esc_html__( 'NetSuite Sync is not paired with its sidecar yet, so nothing is sent to NetSuite.', 'netsuite-sync-for-woocommerce' ),
				esc_url( self::settings_url() ),
				esc_html__( 'Pair it now', 'netsuite-sync-for-woocommerce' )
			);
			return;
		}
		$summary = $this->forwarder->summary();
		$contact = $this->options->contact();
		$down    = (int) $contact['down_since'] > 0;
		if ( $down && ! $this->on_status_section() ) {
			// Said once, at the top, in plain words; the Status section says it itself.
			printf(
				'<div class="notice notice-error nssync-notice"><p><strong>%s</strong> %s %s <a href="%s">%s</a></p></div>',
				esc_html__( 'NetSuite Sync:', 'netsuite-sync-for-woocommerce' ),
				esc_html( NSSync_Status_View::down_text( $contact + array( 'url' => $this->options->sidecar_url() ) ) ),
				$summary['pending'] > 0 ? esc_html( self::backlog_text( $summary ) ) : '',
				esc_url( self::settings_url( 'status' ) ),
				esc_html__( 'See the status', 'netsuite-sync-for-woocommerce' )
			);
			return;
		}
		if ( $down || ! $summary['alert'] ) {
			return;
		}
		printf(
			'<div class="notice notice-error nssync-notice"><p><strong>%s</strong> %s %s <a href="%s">%s</a></p></div>',
			esc_html__( 'NetSuite Sync:', 'netsuite-sync-for-woocommerce' ),
			esc_html( self::backlog_text( $summary ) ),
			'' === $summary['health']['last_error'] ? '' : esc_html(
				sprintf(
					/* translators: %s: last error message */
					__( 'Last error: %s', 'netsuite-sync-for-woocommerce' ),
					$summary['health']['last_error']
				)
			),
			esc_url( self::settings_url( 'status' ) ),
			esc_html__( 'See the status', 'netsuite-sync-for-woocommerce' )
		);
	}

	/**
	 * The NetSuite tab's Status section is showing (it says itself that the sidecar is down).
	 *
	 * @return bool
	 */
	private function on_status_section() {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- only decides where a notice goes.
		$tab     = isset( $_GET['tab'] ) ? sanitize_key( wp_unslash( $_GET['tab'] ) ) : '';
		$section = isset( $_GET['section'] ) ? sanitize_key( wp_unslash( $_GET['section'] ) ) : '';
		// phpcs:enable
		return 'nssync' === $tab && 'status' === $section;
	}

	/**
	 * "3 orders are waiting to be sent to the sidecar." (orders, not events; other events named apart).
	 *
	 * @param array $summary NSSync_Forwarder::summary().
	 * @return string
	 */
	public static function backlog_text( $summary ) {
		$orders = (int) $summary['orders'];
		if ( $orders > 0 ) {
			return sprintf(
				/* translators: %d: number of orders */
				_n( '%d order is waiting to be sent to the sidecar.', '%d orders are waiting to be sent to the sidecar.', $orders, 'netsuite-sync-for-woocommerce' ),
				$orders
			);
		}
		return sprintf(
			/* translators: %d: number of events */
			_n( '%d customer change is waiting to be sent to the sidecar.', '%d customer changes are waiting to be sent to the sidecar.', (int) $summary['pending'], 'netsuite-sync-for-woocommerce' ),
			(int) $summary['pending']
		);
	}

	/**
	 * Scripts and styles on the NetSuite tab and the order screens only.
	 *
	 * @param string $hook_suffix Current admin page.
	 */
	public function enqueue_assets( $hook_suffix ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only decides whether to load assets.
		$tab      = isset( $_GET['tab'] ) ? sanitize_key( wp_unslash( $_GET['tab'] ) ) : '';
		$screen   = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		$screenid = $screen ? $screen->id : '';
		$ours     = ( 'woocommerce_page_wc-settings' === $hook_suffix && 'nssync' === $tab )
			|| in_array( $screenid, array( 'shop_order', 'edit-shop_order', 'woocommerce_page_wc-orders' ), true );
		if ( ! $ours ) {
			return;
		}
		$base = plugins_url( 'assets/', NSSYNC_PLUGIN_FILE );
		// selectWoo (WooCommerce's Select2) for the NetSuite pickers; WooCommerce registers both on its screens.
		wp_enqueue_style( 'nssync-admin', $base . 'css/nssync-admin.css', array( 'woocommerce_admin_styles' ), NSSYNC_VERSION );
		wp_enqueue_script( 'nssync-admin', $base . 'js/nssync-admin.js', array( 'jquery', 'selectWoo' ), NSSYNC_VERSION, true );
		$nonces = array();
		foreach ( array_keys( NSSync_Ajax::ACTIONS + NSSync_Preview::ACTIONS + NSSync_Reconcile_Report::ACTIONS ) as $action ) {
			$nonces[ $action ] = wp_create_nonce( $action );
		}
		wp_localize_script(
			'nssync-admin',
			'nssyncAdmin',
			array(
				'ajaxUrl' => admin_url( 'admin-ajax.php' ),
				'nonces'  => $nonces,
				'systems' => array(
					'netsuite'    => 'NetSuite',
					'woocommerce' => 'WooCommerce',
				),
				'i18n'    => array(
					'testing'   => __( 'Testing…', 'netsuite-sync-for-woocommerce' ),
					'ok'        => __( 'Connected', 'netsuite-sync-for-woocommerce' ),
					'failed'    => __( 'Failed', 'netsuite-sync-for-woocommerce' ),
					'starting'  => __( 'Starting…', 'netsuite-sync-for-woocommerce' ),
					'running'   => __( 'Running…', 'netsuite-sync-for-woocommerce' ),
					'queued'    => __( 'Queued: it is being sent now.', 'netsuite-sync-for-woocommerce' ),
					'error'     => __( 'The request failed:', 'netsuite-sync-for-woocommerce' ),
					'counts'    => array(
						'seen'      => __( 'seen', 'netsuite-sync-for-woocommerce' ),
						'changed'   => __( 'changed', 'netsuite-sync-for-woocommerce' ),
						'unchanged' => __( 'unchanged', 'netsuite-sync-for-woocommerce' ),
						'unmatched' => __( 'unmatched', 'netsuite-sync-for-woocommerce' ),
						'failed'    => __( 'failed', 'netsuite-sync-for-woocommerce' ),
						'held_back' => __( 'held back', 'netsuite-sync-for-woocommerce' ),
						'drift'     => __( 'drift', 'netsuite-sync-for-woocommerce' ),
					),
					'runStatus' => NSSync_Format::status_labels(),
					'justNow'   => __( 'just now', 'netsuite-sync-for-woocommerce' ),
					/* translators: %d: number of jobs */
					'retried'   => __( '%d jobs sent again.', 'netsuite-sync-for-woocommerce' ),
					'done'      => __( 'Done', 'netsuite-sync-for-woocommerce' ),
					'causes'    => __( 'Likely causes:', 'netsuite-sync-for-woocommerce' ),
					'typedId'   => __( '(internal id, as typed)', 'netsuite-sync-for-woocommerce' ),
					'searching' => __( 'Searching NetSuite…', 'netsuite-sync-for-woocommerce' ),
					'noMatch'   => __( 'Nothing in NetSuite matches; you can type an internal id.', 'netsuite-sync-for-woocommerce' ),
					'preview'   => __( 'Asking the sidecar for a dry run…', 'netsuite-sync-for-woocommerce' ),
					'trying'    => __( 'Trying the settings on the page (nothing is saved)…', 'netsuite-sync-for-woocommerce' ),
					'fixing'    => __( 'Sending…', 'netsuite-sync-for-woocommerce' ),
					'slow'      => __( 'Not done yet: this page will show it when you come back to it later.', 'netsuite-sync-for-woocommerce' ),
				),
			)
		);
	}

	/**
	 * `current_screen`: a Help tab on the NetSuite settings tab.
	 *
	 * @param WP_Screen|null $screen Current screen.
	 */
	public function add_help_tab( $screen = null ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only decides whether to add help.
		$tab = isset( $_GET['tab'] ) ? sanitize_key( wp_unslash( $_GET['tab'] ) ) : '';
		if ( ! $screen || 'woocommerce_page_wc-settings' !== $screen->id || 'nssync' !== $tab ) {
			return;
		}
		$p = static function ( $text ) {
			return '<p>' . $text . '</p>';
		};
		$screen->add_help_tab(
			array(
				'id'      => 'nssync-help-connection',
				'title'   => __( 'Connecting', 'netsuite-sync-for-woocommerce' ),
				'content' => $p( esc_html__( 'This plugin does not talk to NetSuite itself: the NetSuite Sync sidecar, a small service on this server or your private network, does the syncing. Enter the sidecar URL and the shared secret it printed when it started; every request is signed with that secret.', 'netsuite-sync-for-woocommerce' ) )
					. $p( esc_html__( 'NetSuite: use OAuth 2.0 machine-to-machine (client id, certificate id and the certificate\'s private key) for new integrations; token-based authentication (consumer key/secret, token id/secret) still works for existing ones.', 'netsuite-sync-for-woocommerce' ) )
					. $p(
						sprintf(
							/* translators: %s: link */
							esc_html__( 'WooCommerce: the sidecar writes stock, prices, statuses and tracking back through the REST API. Create a Read/Write key under %s.', 'netsuite-sync-for-woocommerce' ),
							'<a href="' . esc_url( admin_url( 'admin.php?page=wc-settings&tab=advanced&section=keys' ) ) . '">' . esc_html__( 'Advanced → REST API', 'netsuite-sync-for-woocommerce' ) . '</a>'
						)
					)
					. $p( esc_html__( 'Secrets are sent to the sidecar and stored there, encrypted. They are never shown again: a stored one reads "Stored in the sidecar"; leave the field empty to keep it.', 'netsuite-sync-for-woocommerce' ) ),
			)
		);
		$screen->add_help_tab(
			array(
				'id'      => 'nssync-help-sync',
				'title'   => __( 'Sync and Status', 'netsuite-sync-for-woocommerce' ),
				'content' => $p( esc_html__( 'Sync lists each flow the sidecar runs, with its schedule, its settings and a Sync now button. Mappings says which NetSuite records WooCommerce values become.', 'netsuite-sync-for-woocommerce' ) )
					. $p( esc_html__( 'Status shows the connections, the last run of each flow, the events still waiting in WordPress, and the jobs that failed with what to fix; Retry sends a job again once you fixed the cause, Skip gives it up. Catalog report lists what does not match between the two catalogs.', 'netsuite-sync-for-woocommerce' ) )
					. $p( esc_html__( 'Orders are sent in the background right after checkout; a quiet store should run WP-Cron from the system cron so nothing waits for a visitor.', 'netsuite-sync-for-woocommerce' ) ),
			)
		);
	}

	/**
	 * "Settings" link on the Plugins screen.
	 *
	 * @param array $links Links.
	 * @return array
	 */
	public function action_links( $links ) {
		array_unshift( $links, '<a href="' . esc_url( self::settings_url() ) . '">' . esc_html__( 'Settings', 'netsuite-sync-for-woocommerce' ) . '</a>' );
		return $links;
	}
}
