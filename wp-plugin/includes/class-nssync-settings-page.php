<?php
/**
 * WooCommerce → Settings → NetSuite: Connection, Sync, Mappings and Status sections.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * A settings tab whose values live in the sidecar, not in wp_options (except the sidecar URL and shared
 * secret): the Sync and Mappings sections read `GET /v1/settings` and save with `PUT /v1/settings`, showing a
 * 422 next to its field; the Connection section sends credentials to `PUT /v1/credentials` and never stores
 * them; the Status section only displays.
 */
class NSSync_Settings_Page extends WC_Settings_Page {

	/**
	 * Connection form field => [credentials half, key, is secret].
	 *
	 * @var array
	 */
	const CREDENTIAL_FIELDS = array(
		'nssync_ns_account_id'      => array( 'netsuite', 'account_id', false ),
		'nssync_ns_consumer_key'    => array( 'netsuite', 'consumer_key', true ),
		'nssync_ns_consumer_secret' => array( 'netsuite', 'consumer_secret', true ),
		'nssync_ns_token_id'        => array( 'netsuite', 'token_id', true ),
		'nssync_ns_token_secret'    => array( 'netsuite', 'token_secret', true ),
		'nssync_wc_url'             => array( 'woocommerce', 'url', false ),
		'nssync_wc_consumer_key'    => array( 'woocommerce', 'consumer_key', true ),
		'nssync_wc_consumer_secret' => array( 'woocommerce', 'consumer_secret', true ),
		'nssync_wc_webhook_secret'  => array( 'woocommerce', 'webhook_secret', true ),
	);

	const SYNC_NOW_FLOWS = array( 'inventory', 'prices', 'products', 'fulfillments', 'refunds', 'cancellations', 'orders' );

	/**
	 * Field errors of the save in this request: field id => message.
	 *
	 * @var array
	 */
	private static $field_errors = array();

	/**
	 * Values posted in this request when the save failed, shown again instead of the sidecar's.
	 *
	 * @var array|null
	 */
	private static $rejected = null;

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Settings_Map */
	private $map;

	/** @var NSSync_Forwarder|null */
	private $forwarder;

	/**
	 * @param NSSync_Options        $options   Options.
	 * @param NSSync_Sidecar_Client $client    Sidecar client.
	 * @param NSSync_Settings_Map   $map       Field map.
	 * @param NSSync_Forwarder|null $forwarder Forwarder (for the Status section's outbox).
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, NSSync_Settings_Map $map, $forwarder = null ) {
		$this->id        = 'nssync';
		$this->label     = __( 'NetSuite', 'netsuite-sync-for-woocommerce' );
		$this->options   = $options;
		$this->client    = $client;
		$this->map       = $map;
		$this->forwarder = $forwarder;
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
		);
	}

	/**
	 * No field of this tab is a WooCommerce option, so WooCommerce's generic settings machinery (the REST
	 * settings API, its save_fields) sees none; output() and save() do the work.
	 *
	 * @param string $section_id Section.
	 * @return array
	 */
	protected function get_settings_for_section_core( $section_id ) {
		return array();
	}

	/**
	 * The field errors recorded by the last save (for tests and the view).
	 *
	 * @return array
	 */
	public static function field_errors() {
		return self::$field_errors;
	}

	// ---- output ----------------------------------------------------------------------------------------

	/**
	 * Print the current section.
	 */
	public function output() {
		global $current_section;
		$section = (string) $current_section;
		if ( 'status' === $section ) {
			$GLOBALS['hide_save_button'] = true;
			$this->output_status();
			return;
		}
		if ( 'sync' === $section || 'mappings' === $section ) {
			$this->output_sidecar_section( $section );
			return;
		}
		$this->output_connection();
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
		WC_Admin_Settings::output_fields( $this->connection_fields( $view ) );

		echo '<h2>' . esc_html__( 'Test connection', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		echo '<p>' . esc_html__( 'Asks the sidecar to make one real call to NetSuite and one to WooCommerce with the stored credentials.', 'netsuite-sync-for-woocommerce' ) . '</p>';
		echo '<p><button type="button" class="button" id="nssync-test-connection">' . esc_html__( 'Test connection', 'netsuite-sync-for-woocommerce' ) . '</button></p>';
		echo '<table class="widefat striped nssync-test-results" id="nssync-test-results" hidden><tbody></tbody></table>';
	}

	/**
	 * The Connection fields, with "stored in the sidecar" markers.
	 *
	 * @param array|null $view `GET /v1/credentials` answer.
	 * @return array
	 */
	public function connection_fields( $view ) {
		$paired = $this->options->is_paired();
		$fields = array(
			array(
				'type' => 'title',
				'id'   => 'nssync_sidecar',
				'title' => __( 'Sidecar', 'netsuite-sync-for-woocommerce' ),
				'desc' => sprintf(
					/* translators: 1: command, 2: environment variable */
					esc_html__( 'The NetSuite Sync sidecar does the syncing; this plugin forwards events to it and shows its state. Start it with %1$s and enter the shared secret it printed (or the value of %2$s).', 'netsuite-sync-for-woocommerce' ),
					'<code>sidecar serve</code>',
					'<code>SIDECAR_SHARED_SECRET</code>'
				),
			),
			array(
				'id'    => 'nssync_sidecar_url',
				'title' => __( 'Sidecar URL', 'netsuite-sync-for-woocommerce' ),
				'type'  => 'url',
				'value' => $this->options->sidecar_url(),
				'desc'  => esc_html__( 'For example http://127.0.0.1:8765 when it runs on this server.', 'netsuite-sync-for-woocommerce' ),
			),
			array(
				'id'                => 'nssync_shared_secret',
				'title'             => __( 'Shared secret', 'netsuite-sync-for-woocommerce' ),
				'type'              => 'password',
				'value'             => '',
				'placeholder'       => $paired ? __( 'Saved — leave empty to keep', 'netsuite-sync-for-woocommerce' ) : '',
				'custom_attributes' => array( 'autocomplete' => 'new-password' ),
				'desc'              => esc_html__( 'Signs every request to the sidecar (HMAC-SHA256).', 'netsuite-sync-for-woocommerce' ),
			),
			array(
				'type' => 'sectionend',
				'id'   => 'nssync_sidecar',
			),
			array(
				'type'  => 'title',
				'id'    => 'nssync_credentials',
				'title' => __( 'NetSuite and WooCommerce credentials', 'netsuite-sync-for-woocommerce' ),
				'desc'  => esc_html__( 'Sent to the sidecar on save and stored there, encrypted; they are never stored in WordPress. Leave a field empty to keep the stored value.', 'netsuite-sync-for-woocommerce' ),
			),
		);
		$titles = array(
			'nssync_ns_account_id'      => __( 'NetSuite account id', 'netsuite-sync-for-woocommerce' ),
			'nssync_ns_consumer_key'    => __( 'NetSuite consumer key', 'netsuite-sync-for-woocommerce' ),
			'nssync_ns_consumer_secret' => __( 'NetSuite consumer secret', 'netsuite-sync-for-woocommerce' ),
			'nssync_ns_token_id'        => __( 'NetSuite token id', 'netsuite-sync-for-woocommerce' ),
			'nssync_ns_token_secret'    => __( 'NetSuite token secret', 'netsuite-sync-for-woocommerce' ),
			'nssync_wc_url'             => __( 'Store URL for the sidecar', 'netsuite-sync-for-woocommerce' ),
			'nssync_wc_consumer_key'    => __( 'WooCommerce REST consumer key', 'netsuite-sync-for-woocommerce' ),
			'nssync_wc_consumer_secret' => __( 'WooCommerce REST consumer secret', 'netsuite-sync-for-woocommerce' ),
			'nssync_wc_webhook_secret'  => __( 'WooCommerce webhook secret', 'netsuite-sync-for-woocommerce' ),
		);
		foreach ( self::CREDENTIAL_FIELDS as $id => $def ) {
			list( $half, $key, $secret ) = $def;
			$set   = is_array( $view ) && ! empty( $view[ $half ]['set'][ $key ] );
			$field = array(
				'id'    => $id,
				'title' => $titles[ $id ],
				'type'  => $secret ? 'password' : 'text',
				'value' => '',
				'desc'  => '',
			);
			if ( $secret ) {
				$field['placeholder']       = $set ? __( 'Stored in the sidecar', 'netsuite-sync-for-woocommerce' ) : '';
				$field['custom_attributes'] = array( 'autocomplete' => 'new-password' );
				$field['desc']              = $set ? '<span class="nssync-stored">' . esc_html__( 'Stored in the sidecar', 'netsuite-sync-for-woocommerce' ) . '</span>' : '';
			} elseif ( is_array( $view ) && isset( $view[ $half ][ $key ] ) ) {
				$field['value'] = (string) $view[ $half ][ $key ];
			} elseif ( 'nssync_wc_url' === $id ) {
				$field['value'] = home_url();
			}
			if ( isset( self::$field_errors[ $id ] ) ) {
				$field['desc'] = '<span class="nssync-field-error" role="alert">' . esc_html( self::$field_errors[ $id ] ) . '</span> ' . $field['desc'];
			}
			$fields[] = $field;
		}
		$fields[] = array(
			'type' => 'sectionend',
			'id'   => 'nssync_credentials',
		);
		return $fields;
	}

	/**
	 * Sync or Mappings: fields filled from the sidecar's settings.
	 *
	 * @param string $section sync or mappings.
	 */
	private function output_sidecar_section( $section ) {
		if ( null !== self::$rejected ) {
			$values = self::$rejected;
		} else {
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
		$title = 'sync' === $section ? __( 'Sync options', 'netsuite-sync-for-woocommerce' ) : __( 'Mappings', 'netsuite-sync-for-woocommerce' );
		$desc  = 'sync' === $section
			? __( 'Stored in the sidecar and validated there; an invalid value is shown next to its field.', 'netsuite-sync-for-woocommerce' )
			: __( 'How WooCommerce values become NetSuite records. Internal ids are found in NetSuite under Lists and Setup.', 'netsuite-sync-for-woocommerce' );
		$fields = array_merge(
			array(
				array(
					'type'  => 'title',
					'id'    => 'nssync_' . $section,
					'title' => $title,
					'desc'  => esc_html( $desc ),
				),
			),
			$this->map->admin_fields( $section, $values, self::$field_errors, $this->choices() ),
			array(
				array(
					'type' => 'sectionend',
					'id'   => 'nssync_' . $section,
				),
			)
		);
		WC_Admin_Settings::output_fields( $fields );
		if ( 'mappings' === $section ) {
			$this->output_shipping_methods_hint();
		}
	}

	/**
	 * The store's shipping method ids, to help fill the ship methods map.
	 */
	private function output_shipping_methods_hint() {
		if ( ! function_exists( 'WC' ) || ! WC()->shipping() ) {
			return;
		}
		$ids = array_keys( (array) WC()->shipping()->get_shipping_methods() );
		if ( $ids ) {
			$codes = array_map(
				static function ( $id ) {
					return '<code>' . esc_html( $id ) . '</code>';
				},
				$ids
			);
			echo '<p class="description">' . esc_html__( 'Shipping method ids of this store:', 'netsuite-sync-for-woocommerce' ) . ' ' . implode( ' ', $codes ) . '</p>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- each id escaped above.
		}
	}

	/**
	 * Option lists for the select fields.
	 *
	 * @return array
	 */
	private function choices() {
		$statuses = array();
		foreach ( wc_get_order_statuses() as $key => $label ) {
			$statuses[ preg_replace( '/^wc-/', '', $key ) ] = $label;
		}
		$roles = array();
		foreach ( wp_roles()->get_names() as $key => $label ) {
			$roles[ $key ] = translate_user_role( $label );
		}
		return array(
			'statuses'       => $statuses,
			'roles'          => $roles,
			'refund_records' => array(
				'creditMemo' => __( 'Credit memo', 'netsuite-sync-for-woocommerce' ),
				'cashRefund' => __( 'Cash refund', 'netsuite-sync-for-woocommerce' ),
			),
			'order_records'  => array(
				'salesOrder' => __( 'Sales order', 'netsuite-sync-for-woocommerce' ),
				'cashSale'   => __( 'Cash sale', 'netsuite-sync-for-woocommerce' ),
			),
		);
	}

	/**
	 * Status: connections, queue, last runs with Sync now, forwarding outbox, failed jobs, API log.
	 */
	private function output_status() {
		$status = $this->fetch( '/v1/status' );
		$jobs   = $this->fetch( '/v1/jobs?status=failed' );
		$log    = $this->fetch( '/v1/log' );
		$view   = new NSSync_Status_View();
		$summary = $this->forwarder ? $this->forwarder->summary() : array(
			'pending' => 0,
			'entries' => array(),
			'failing' => array(),
			'health'  => $this->options->health(),
			'alert'   => false,
		);
		$view->render( $status, $jobs, $log, $summary, self::SYNC_NOW_FLOWS );
	}

	/**
	 * A GET whose failure is shown in place of its panel.
	 *
	 * @param string $path Path.
	 * @return array Answer, or `['_error' => message]`.
	 */
	private function fetch( $path ) {
		try {
			return $this->client->get( $path, 10 );
		} catch ( NSSync_Sidecar_Exception $e ) {
			return array(
				'_error'  => $e->getMessage(),
				'_status' => $e->get_status(),
			);
		}
	}

	/**
	 * @param string $type    error, warning, success.
	 * @param string $message Text.
	 */
	private function notice( $type, $message ) {
		echo '<div class="notice notice-' . esc_attr( $type ) . ' inline"><p>' . esc_html( $message ) . '</p></div>';
	}

	// ---- save --------------------------------------------------------------------------------------------

	/**
	 * `woocommerce_settings_save_nssync`.
	 */
	public function save() {
		check_admin_referer( 'woocommerce-settings' );
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to change these settings.', 'netsuite-sync-for-woocommerce' ), 403 );
		}
		global $current_section;
		$section = (string) $current_section;
		if ( 'sync' === $section || 'mappings' === $section ) {
			$this->save_sidecar_section( $section, $this->posted_values( array_keys( $this->map->fields( $section ) ) ) );
		} elseif ( '' === $section ) {
			$this->save_connection( $this->posted_values( array_merge( array( 'nssync_sidecar_url', 'nssync_shared_secret' ), array_keys( self::CREDENTIAL_FIELDS ) ) ) );
		}
	}

	/**
	 * The raw posted values of the given fields (unslashed; each is sanitized by the code that uses it).
	 *
	 * @param string[] $ids Field ids.
	 * @return array
	 */
	private function posted_values( $ids ) {
		$out = array();
		foreach ( $ids as $id ) {
			// phpcs:ignore WordPress.Security.NonceVerification.Missing, WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- nonce checked in save(); sanitized per field kind.
			if ( isset( $_POST[ $id ] ) ) {
				$out[ $id ] = wp_unslash( $_POST[ $id ] ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized,WordPress.Security.NonceVerification.Missing
			}
		}
		return $out;
	}

	/**
	 * Sync or Mappings: validate locally what can be, then `PUT /v1/settings`; 422 → error by the field.
	 *
	 * @param string $section sync or mappings.
	 * @param array  $posted  Field id => raw value.
	 * @return bool Saved.
	 */
	public function save_sidecar_section( $section, $posted ) {
		list( $patch, $errors ) = $this->map->patch_from_post( $section, $posted );
		if ( ! $errors ) {
			try {
				$saved = $this->client->put( '/v1/settings', $patch, 15 );
				if ( isset( $saved['customers']['roles'] ) ) {
					$this->options->set_customer_roles( (array) $saved['customers']['roles'] );
				}
				return true;
			} catch ( NSSync_Sidecar_Exception $e ) {
				$field = $e->get_field() ? $this->map->field_for_path( $section, $e->get_field() ) : null;
				if ( $field ) {
					$errors[ $field ] = $this->strip_field_prefix( $e->getMessage(), $e->get_field() );
				} else {
					WC_Admin_Settings::add_error( __( 'The sidecar did not save the settings:', 'netsuite-sync-for-woocommerce' ) . ' ' . $e->getMessage() );
				}
			}
		}
		if ( $errors ) {
			WC_Admin_Settings::add_error( __( 'The settings were not saved: correct the fields marked below.', 'netsuite-sync-for-woocommerce' ) );
		}
		self::$field_errors = $errors;
		// Show what was typed again: parsed values, and the raw text of fields that could not be parsed.
		$values = $this->map->form_values( $section, $patch );
		foreach ( $errors as $id => $message ) {
			if ( isset( $posted[ $id ] ) && is_string( $posted[ $id ] ) ) {
				$values[ $id ] = sanitize_textarea_field( $posted[ $id ] );
			}
		}
		self::$rejected = $values;
		return false;
	}

	/**
	 * "orders.subsidiary_id: must be …" → "must be …" (the field is already next to it).
	 *
	 * @param string $message Sidecar message.
	 * @param string $field   Dotted field.
	 * @return string
	 */
	private function strip_field_prefix( $message, $field ) {
		$prefix = $field . ': ';
		return 0 === strpos( $message, $prefix ) ? substr( $message, strlen( $prefix ) ) : $message;
	}

	/**
	 * Connection: store the URL and secret in wp_options, send credentials to the sidecar.
	 *
	 * @param array $posted Field id => raw value.
	 * @return bool Saved.
	 */
	public function save_connection( $posted ) {
		$errors = array();
		$url    = isset( $posted['nssync_sidecar_url'] ) ? esc_url_raw( trim( (string) $posted['nssync_sidecar_url'] ), array( 'http', 'https' ) ) : '';
		if ( '' === $url ) {
			WC_Admin_Settings::add_error( __( 'Enter the sidecar URL, e.g. http://127.0.0.1:8765.', 'netsuite-sync-for-woocommerce' ) );
			return false;
		}
		$this->options->set_sidecar_url( $url );
		$secret = isset( $posted['nssync_shared_secret'] ) ? trim( sanitize_text_field( (string) $posted['nssync_shared_secret'] ) ) : '';
		if ( '' !== $secret ) {
			$this->options->set_shared_secret( $secret );
		}

		$credentials = array();
		foreach ( self::CREDENTIAL_FIELDS as $id => $def ) {
			list( $half, $key ) = $def;
			$raw = isset( $posted[ $id ] ) ? trim( (string) $posted[ $id ] ) : '';
			if ( '' === $raw ) {
				continue;
			}
			$credentials[ $half ][ $key ] = 'url' === $key ? esc_url_raw( $raw, array( 'http', 'https' ) ) : sanitize_text_field( $raw );
		}
		if ( ! $credentials ) {
			return true;
		}
		try {
			$this->client->put( '/v1/credentials', $credentials, 15 );
			return true;
		} catch ( NSSync_Sidecar_Exception $e ) {
			$field = $e->get_field();
			$id    = null;
			foreach ( self::CREDENTIAL_FIELDS as $fid => $def ) {
				if ( $field === $def[0] . '.' . $def[1] ) {
					$id = $fid;
				}
			}
			if ( $id ) {
				$errors[ $id ] = $this->strip_field_prefix( $e->getMessage(), $field );
				WC_Admin_Settings::add_error( __( 'The credentials were not saved: correct the field marked below.', 'netsuite-sync-for-woocommerce' ) );
			} else {
				WC_Admin_Settings::add_error( __( 'The credentials were not sent to the sidecar:', 'netsuite-sync-for-woocommerce' ) . ' ' . $e->getMessage() );
			}
		}
		self::$field_errors = $errors;
		return false;
	}
}
