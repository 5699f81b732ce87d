<?php
/**
 * WooCommerce → Settings → NetSuite: the tab and its sections (Connection, Sync, Mappings, Status).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * A settings tab whose values live in the sidecar, not in wp_options (except the sidecar URL and shared
 * secret). The field arrays come from NSSync_Settings_Fields through WooCommerce's own
 * get_settings_for_section(); saving is NSSync_Settings_Save's; the Status section is NSSync_Status_Panel's.
 * This class only dispatches and prints.
 */
class NSSync_Settings_Page extends WC_Settings_Page {

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Settings_Map */
	private $map;

	/** @var NSSync_Settings_Fields */
	private $fields;

	/** @var NSSync_Settings_Save */
	private $saver;

	/** @var NSSync_Status_Panel */
	private $status;

	/**
	 * @param NSSync_Options        $options   Options.
	 * @param NSSync_Sidecar_Client $client    Sidecar client.
	 * @param NSSync_Settings_Map   $map       Field map.
	 * @param NSSync_Forwarder|null $forwarder Forwarder (for the Status section's outbox).
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, NSSync_Settings_Map $map, $forwarder = null ) {
		$this->id      = 'nssync';
		$this->label   = __( 'NetSuite', 'netsuite-sync-for-woocommerce' );
		$this->options = $options;
		$this->client  = $client;
		$this->map     = $map;
		$this->fields  = new NSSync_Settings_Fields( $map );
		$this->saver   = new NSSync_Settings_Save( $options, $client, $map );
		$this->status  = new NSSync_Status_Panel( $options, $client, $forwarder );
		parent::__construct();
	}

	/**
	 * @return array
	 */
	protected function get_own_sections() {
		return array(
			''         => __( 'Connection', 'netsuite-sync-for-woocommerce' ),
			'sync'     => __( 'Sync', 'netsuite-sync-for-woocommerce' ),
			'mappings' => __( 'Mappings', 'netsuite-sync-for-woocommerce' ),
			'status'   => __( 'Status', 'netsuite-sync-for-woocommerce' ),
			'catalog'   => __( 'Catalog report', 'netsuite-sync-for-woocommerce' ),
			'reconcile' => __( 'Reconciliation', 'netsuite-sync-for-woocommerce' ),
		);
	}

	/**
	 * The section's field arrays, without values (no sidecar call here: WooCommerce may ask for them outside
	 * the settings screen). The tab is kept out of WooCommerce's REST settings API by NSSync_Hooks.
	 *
	 * @param string $section_id Section.
	 * @return array
	 */
	protected function get_settings_for_section_core( $section_id ) {
		return $this->fields->for_section( (string) $section_id );
	}

	/**
	 * Print the current section.
	 */
	public function output() {
		global $current_section;
		$section = (string) $current_section;
		if ( 'status' === $section ) {
			$GLOBALS['hide_save_button'] = true;
			$this->status->output( wp_unslash( $_GET ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended,WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- read-only filters, validated in NSSync_Error_Queue_View::filters().
			return;
		}
		if ( 'catalog' === $section ) {
			$GLOBALS['hide_save_button'] = true;
			( new NSSync_Catalog_Report( $this->client ) )->output();
			return;
		}
		if ( 'reconcile' === $section ) {
			$GLOBALS['hide_save_button'] = true;
			// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- read-only: which report to show.
			( new NSSync_Reconcile_Report( $this->options, $this->client ) )->output( isset( $_GET['report'] ) ? absint( wp_unslash( $_GET['report'] ) ) : 0 ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- absint.
			return;
		}
		if ( 'sync' === $section || 'mappings' === $section ) {
			$this->output_sidecar_section( $section );
			return;
		}
		$this->output_connection();
	}

	/**
	 * `woocommerce_settings_save_nssync`.
	 */
	public function save() {
		global $current_section;
		$this->saver->handle( (string) $current_section );
	}

	/**
	 * Connection: sidecar pairing, credentials (write-only), Test connection.
	 */
	private function output_connection() {
		$view = null;
		if ( $this->options->is_paired() ) {
			try {
				$view = $this->client->get( '/v1/credentials', 10 );
			} catch ( NSSync_Sidecar_Exception $e ) {
				$this->notice( 'error', __( 'The sidecar could not be asked which credentials it holds:', 'netsuite-sync-for-woocommerce' ) . ' ' . $e->getMessage() );
			}
		}
		$connection = new NSSync_Connection_Fields();
		WC_Admin_Settings::output_fields(
			$connection->fill_connection( $this->get_settings_for_section( '' ), $view, $this->options->sidecar_url(), $this->options->is_paired(), NSSync_Settings_Save::field_errors(), NSSync_Settings_Save::rejected() )
		);
		echo '<input type="hidden" name="nssync_ns_auth_was" value="' . esc_attr( NSSync_Connection_Fields::auth_mode( $view ) ) . '">';

		echo '<h2>' . esc_html__( 'Test connection', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		echo '<p>' . esc_html__( 'Asks the sidecar to make one real call to NetSuite and one to WooCommerce with the stored credentials.', 'netsuite-sync-for-woocommerce' ) . '</p>';
		echo '<p><button type="button" class="button" id="nssync-test-connection">' . esc_html__( 'Test connection', 'netsuite-sync-for-woocommerce' ) . '</button></p>';
		echo '<table class="widefat striped nssync-test-results" id="nssync-test-results" hidden><tbody></tbody></table>';
	}

	/**
	 * Sync or Mappings: fields filled from the sidecar's settings (or from a rejected save).
	 *
	 * @param string $section sync or mappings.
	 */
	private function output_sidecar_section( $section ) {
		$values = NSSync_Settings_Save::rejected();
		if ( null === $values ) {
			try {
				$settings = $this->client->get( '/v1/settings', 10 );
			} catch ( NSSync_Sidecar_Exception $e ) {
				$GLOBALS['hide_save_button'] = true;
				$this->notice( 'error', __( 'The settings cannot be loaded from the sidecar:', 'netsuite-sync-for-woocommerce' ) . ' ' . $e->getMessage() );
				return;
			}
			if ( isset( $settings['customers']['roles'] ) ) {
				$this->options->set_customer_roles( (array) $settings['customers']['roles'] );
			}
			$values = $this->map->form_values( $section, $settings );
		}
		$fields = $this->get_settings_for_section( $section );
		if ( isset( $settings ) && is_array( $settings ) ) {
			$fields = $this->map->only_known( $fields, $settings ); // A setting this sidecar lacks is not offered.
		}
		if ( 'sync' === $section ) {
			$flows  = $this->status->flows();
			$groups = NSSync_Settings_Schema::offered_groups( $flows['installed'] );
			$fields = NSSync_Settings_Fields::with_runs( NSSync_Settings_Fields::only_groups( $fields, $groups ), $flows['runs'], $flows['stale'] );
			echo '<input type="hidden" name="nssync_groups_shown" value="' . esc_attr( implode( ',', $groups ) ) . '">';
			if ( null !== $flows['installed'] && count( $groups ) < count( NSSync_Settings_Schema::SYNC_GROUPS ) ) {
				$this->notice( 'info', __( 'Only the flows this sidecar runs are listed.', 'netsuite-sync-for-woocommerce' ) );
			}
		}
		WC_Admin_Settings::output_fields( $this->fields->fill( $fields, $values, NSSync_Settings_Save::field_errors() ) );
		if ( 'mappings' === $section ) {
			NSSync_Preview::try_block(); // Tries the form's values as they are, before Save.
		}
	}

	/**
	 * @param string $type    error, warning, success.
	 * @param string $message Text.
	 */
	private function notice( $type, $message ) {
		echo '<div class="notice notice-' . esc_attr( $type ) . ' inline"><p>' . esc_html( $message ) . '</p></div>';
	}
}
