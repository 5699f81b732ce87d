<?php
/**
 * The plugin's entry point: loads the classes and wires the components together.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds the components once and hands them to NSSync_Hooks, the only class that registers hooks.
 */
final class NSSync_Plugin {

	const TEXT_DOMAIN = 'netsuite-sync-for-woocommerce';

	/**
	 * The single instance, built by boot().
	 *
	 * @var NSSync_Plugin|null
	 */
	private static $instance = null;

	/** @var NSSync_Options */
	public $options;

	/** @var NSSync_Sidecar_Client */
	public $client;

	/** @var NSSync_Payloads */
	public $payloads;

	/** @var NSSync_Forwarder */
	public $forwarder;

	/** @var NSSync_Admin */
	public $admin;

	/** @var NSSync_Ajax */
	public $ajax;

	/** @var NSSync_Order_Screen */
	public $order_screen;

	/** @var NSSync_Admin_Fields */
	public $admin_fields;

	/** @var NSSync_Catalog_Report */
	public $catalog;

	/** @var NSSync_Rules_Editor */
	public $rules_editor;

	/** @var NSSync_Immediate_Send */
	public $immediate;

	/** @var NSSync_Preview */
	public $preview;

	/** @var NSSync_Reconcile_Report */
	public $reconcile;

	/** @var NSSync_Webhook_Delivery */
	public $webhook_delivery;

	/**
	 * Class files under includes/, loaded in order (the settings page is loaded on demand: it extends
	 * WC_Settings_Page, which exists only inside wp-admin).
	 *
	 * @var string[]
	 */
	const FILES = array(
		'class-nssync-sidecar-exception.php',
		'class-nssync-options.php',
		'class-nssync-outbox.php',
		'class-nssync-sidecar-client.php',
		'class-nssync-format.php',
		'class-nssync-settings-schema.php',
		'class-nssync-settings-map.php',
		'class-nssync-admin-fields.php',
		'class-nssync-rules-editor.php',
		'class-nssync-settings-fields.php',
		'class-nssync-connection-fields.php',
		'class-nssync-connection-save.php',
		'class-nssync-settings-save.php',
		'class-nssync-status-panel.php',
		'class-nssync-payloads.php',
		'class-nssync-forwarder.php',
		'class-nssync-immediate-send.php',
		'class-nssync-admin.php',
		'class-nssync-ajax.php',
		'class-nssync-order-box-view.php',
		'class-nssync-order-screen.php',
		'class-nssync-status-view.php',
		'class-nssync-error-hints.php',
		'class-nssync-error-queue-view.php',
		'class-nssync-catalog-report.php',
		'class-nssync-preview-view.php',
		'class-nssync-preview.php',
		'class-nssync-reconcile-view.php',
		'class-nssync-reconcile-report.php',
		'class-nssync-webhook-delivery.php',
		'class-nssync-hooks.php',
	);

	/**
	 * Load every class file (safe to call more than once).
	 */
	public static function load_files() {
		foreach ( self::FILES as $file ) {
			require_once __DIR__ . '/' . $file;
		}
	}

	/**
	 * `plugins_loaded`: start when WooCommerce is active, otherwise only show why not.
	 */
	public static function boot() {
		self::load_files();
		if ( ! class_exists( 'WooCommerce' ) ) {
			NSSync_Hooks::register_without_woocommerce();
			return;
		}
		self::instance()->forwarder->outbox()->maybe_upgrade();
	}

	/**
	 * `register_activation_hook`: create the outbox table (dbDelta).
	 */
	public static function activate() {
		self::load_files();
		( new NSSync_Outbox() )->install();
	}

	/**
	 * The plugin, built and hooked on first use.
	 *
	 * @return NSSync_Plugin
	 */
	public static function instance() {
		if ( null === self::$instance ) {
			self::$instance = new self();
			( new NSSync_Hooks( self::$instance ) )->register();
		}
		return self::$instance;
	}

	/**
	 * Build the components; no side effects beyond construction.
	 */
	private function __construct() {
		self::load_files();
		$this->options      = new NSSync_Options();
		$this->client       = new NSSync_Sidecar_Client( $this->options );
		$this->payloads     = new NSSync_Payloads();
		$this->forwarder    = new NSSync_Forwarder( $this->options, $this->client, $this->payloads );
		$this->admin        = new NSSync_Admin( $this->options, $this->client, $this->forwarder );
		$this->order_screen = new NSSync_Order_Screen( $this->options, $this->client, $this->forwarder );
		$this->ajax         = new NSSync_Ajax( $this->options, $this->client, $this->forwarder, $this->order_screen );
		$this->admin_fields = new NSSync_Admin_Fields();
		$this->catalog      = new NSSync_Catalog_Report( $this->client );
		$this->rules_editor = new NSSync_Rules_Editor();
		$this->immediate    = new NSSync_Immediate_Send( $this->forwarder );
		$this->preview      = new NSSync_Preview( $this->options, $this->client );
		$this->reconcile    = new NSSync_Reconcile_Report( $this->options, $this->client );
		$this->webhook_delivery = new NSSync_Webhook_Delivery( $this->options );
	}

	/**
	 * The settings page object for WooCommerce's `woocommerce_get_settings_pages` filter.
	 *
	 * @return NSSync_Settings_Page
	 */
	public function settings_page() {
		require_once __DIR__ . '/class-nssync-settings-page.php';
		return new NSSync_Settings_Page( $this->options, $this->client, new NSSync_Settings_Map(), $this->forwarder );
	}
}
