<?php
/**
 * Every add_action / add_filter of the plugin, in one place.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers the plugin's hooks (the bootstrap adds only `before_woocommerce_init` and `plugins_loaded`;
 * WC_Settings_Page's own constructor adds the settings tab's).
 */
class NSSync_Hooks {

	/** @var NSSync_Plugin */
	private $plugin;

	/**
	 * @param NSSync_Plugin $plugin The built components.
	 */
	public function __construct( $plugin ) {
		$this->plugin = $plugin;
	}

	/**
	 * WooCommerce is not active: only explain why nothing else happens.
	 */
	public static function register_without_woocommerce() {
		add_action( 'admin_notices', array( 'NSSync_Admin', 'missing_woocommerce_notice' ) );
	}

	/**
	 * Register everything.
	 */
	public function register() {
		$p = $this->plugin;

		add_action( 'init', array( $this, 'load_textdomain' ) );

		// Event forwarding: the hooks only record and enqueue; Action Scheduler sends.
		add_action( 'woocommerce_new_order', array( $p->forwarder, 'on_new_order' ), 20, 2 );
		add_action( 'woocommerce_order_status_changed', array( $p->forwarder, 'on_status_changed' ), 20, 3 );
		add_action( 'woocommerce_order_refunded', array( $p->forwarder, 'on_refunded' ), 20, 2 );
		add_action( 'woocommerce_created_customer', array( $p->forwarder, 'on_customer_created' ), 20, 1 );
		add_action( 'woocommerce_new_customer', array( $p->forwarder, 'on_customer_created' ), 20, 1 );
		add_action( 'woocommerce_update_customer', array( $p->forwarder, 'on_customer_updated' ), 20, 1 );
		add_action( 'profile_update', array( $p->forwarder, 'on_customer_updated' ), 20, 1 );
		add_action( NSSync_Forwarder::HOOK_SEND, array( $p->forwarder, 'send' ), 10, 2 );
		add_action( NSSync_Forwarder::HOOK_SWEEP, array( $p->forwarder, 'sweep' ), 10, 0 );
		add_action( 'action_scheduler_init', array( $p->forwarder, 'ensure_sweep_scheduled' ) );

		// WooCommerce's webhooks may reach the paired sidecar on a private host or its own port.
		add_filter( 'http_request_host_is_external', array( $p->webhook_delivery, 'host_is_external' ), 10, 2 );
		add_filter( 'http_allowed_safe_ports', array( $p->webhook_delivery, 'safe_ports' ), 10, 2 );

		// Start the send right after the response (checkout does not wait; cron is not waited for either).
		add_action( 'nssync_event_queued', array( $p->immediate, 'note' ), 10, 2 );
		add_action( 'shutdown', array( $p->immediate, 'on_shutdown' ), 20, 0 );
		add_action( 'wp_ajax_nopriv_' . NSSync_Immediate_Send::ACTION, array( $p->immediate, 'ajax' ) );
		add_action( 'wp_ajax_' . NSSync_Immediate_Send::ACTION, array( $p->immediate, 'ajax' ) );

		if ( defined( 'WP_CLI' ) && WP_CLI ) {
			require_once __DIR__ . '/class-nssync-cli.php';
			WP_CLI::add_command( 'netsuite', new NSSync_CLI( $p->client, $p->forwarder ) );
		}

		if ( ! is_admin() && ! wp_doing_ajax() ) {
			return;
		}

		// Settings tab, notices, assets.
		add_filter( 'woocommerce_get_settings_pages', array( $this, 'add_settings_page' ) );
		// The tab's fields are not WooCommerce options: keep them (and the shared secret) out of /wc/v3/settings.
		add_filter( 'woocommerce_settings_groups', array( $this, 'hide_rest_settings_group' ), 100 );
		add_filter( 'woocommerce_settings-nssync', array( $this, 'hide_rest_settings' ), 100 );
		add_action( 'admin_notices', array( $p->admin, 'forwarding_notice' ) );
		add_action( 'admin_enqueue_scripts', array( $p->admin, 'enqueue_assets' ) );
		add_action( 'current_screen', array( $p->admin, 'add_help_tab' ) );
		add_action( 'woocommerce_admin_field_nssync_flow', array( $p->admin_fields, 'flow_row' ) );
		add_action( 'woocommerce_admin_field_nssync_map_table', array( $p->admin_fields, 'map_table' ) );
		add_action( 'woocommerce_admin_field_nssync_rules', array( $p->rules_editor, 'render' ) );
		add_action( 'admin_post_' . NSSync_Catalog_Report::ACTION, array( $p->catalog, 'download' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( NSSYNC_PLUGIN_FILE ), array( $p->admin, 'action_links' ) );

		add_action( 'admin_post_' . NSSync_Reconcile_Report::CSV_ACTION, array( $p->reconcile, 'download' ) );

		// AJAX actions (logged-in administrators only: no nopriv variants).
		foreach ( array( array( $p->ajax, NSSync_Ajax::ACTIONS ), array( $p->preview, NSSync_Preview::ACTIONS ), array( $p->reconcile, NSSync_Reconcile_Report::ACTIONS ) ) as list( $handler, $actions ) ) {
			foreach ( $actions as $action => $method ) {
				add_action( 'wp_ajax_' . $action, array( $handler, $method ) );
			}
		}

		// Order screen (legacy posts screen and HPOS screen) and the orders lists.
		add_action( 'add_meta_boxes', array( $p->order_screen, 'add_meta_box' ), 30, 2 );
		add_filter( 'manage_edit-shop_order_columns', array( $p->order_screen, 'add_column' ), 20 );
		add_action( 'manage_shop_order_posts_custom_column', array( $p->order_screen, 'render_legacy_column' ), 20, 2 );
		add_filter( 'manage_woocommerce_page_wc-orders_columns', array( $p->order_screen, 'add_column' ), 20 );
		add_action( 'manage_woocommerce_page_wc-orders_custom_column', array( $p->order_screen, 'render_hpos_column' ), 20, 2 );
	}

	/**
	 * `init`: translations.
	 */
	public function load_textdomain() {
		load_plugin_textdomain( 'netsuite-sync-for-woocommerce', false, dirname( plugin_basename( NSSYNC_PLUGIN_FILE ) ) . '/languages' );
	}

	/**
	 * `woocommerce_settings_groups`: WooCommerce registers every settings page as a REST settings group; ours
	 * is not made of WooCommerce options, and its option ids include the shared secret.
	 *
	 * @param array $groups REST settings groups.
	 * @return array
	 */
	public function hide_rest_settings_group( $groups ) {
		return array_values(
			array_filter(
				(array) $groups,
				static function ( $group ) {
					return ! ( is_array( $group ) && isset( $group['id'] ) && 'nssync' === $group['id'] );
				}
			)
		);
	}

	/**
	 * `woocommerce_settings-nssync`: no REST settings for the tab.
	 *
	 * @return array
	 */
	public function hide_rest_settings() {
		return array();
	}

	/**
	 * `woocommerce_get_settings_pages`: the NetSuite tab.
	 *
	 * @param array $pages Settings pages.
	 * @return array
	 */
	public function add_settings_page( $pages ) {
		$pages[] = $this->plugin->settings_page();
		return $pages;
	}
}
