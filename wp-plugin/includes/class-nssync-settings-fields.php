<?php
/**
 * The field arrays of the NetSuite settings tab, in WooCommerce's own settings-array format.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds the `woocommerce_admin_fields`-style arrays of each section (no I/O: values and field errors are
 * filled in afterwards by fill(), from the sidecar's answer or from a rejected save).
 */
class NSSync_Settings_Fields {

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

	/** @var NSSync_Settings_Map */
	private $map;

	/**
	 * @param NSSync_Settings_Map $map Sync / Mappings field definitions.
	 */
	public function __construct( NSSync_Settings_Map $map ) {
		$this->map = $map;
	}

	/**
	 * The settings array of a section ('' = Connection); Status has none.
	 *
	 * @param string $section Section id.
	 * @return array
	 */
	public function for_section( $section ) {
		if ( '' === $section ) {
			return $this->connection();
		}
		if ( 'sync' === $section || 'mappings' === $section ) {
			return $this->sidecar_section( $section );
		}
		return array();
	}

	/**
	 * Connection: sidecar pairing, then the credentials (write-only).
	 *
	 * @return array
	 */
	public function connection() {
		$fields = array(
			array(
				'type'  => 'title',
				'id'    => 'nssync_sidecar',
				'title' => __( 'Sidecar', 'netsuite-sync-for-woocommerce' ),
				'desc'  => sprintf(
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
				'desc'  => esc_html__( 'For example http://127.0.0.1:8765 when it runs on this server.', 'netsuite-sync-for-woocommerce' ),
			),
			array(
				'id'                => 'nssync_shared_secret',
				'title'             => __( 'Shared secret', 'netsuite-sync-for-woocommerce' ),
				'type'              => 'password',
				'secret'            => true,
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
			$field = array(
				'id'    => $id,
				'title' => $titles[ $id ],
				'type'  => $def[2] ? 'password' : 'text',
				'desc'  => '',
			);
			if ( $def[2] ) {
				$field['secret']            = true;
				$field['custom_attributes'] = array( 'autocomplete' => 'new-password' );
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
	 * Sync or Mappings: a title, the map's fields, a section end.
	 *
	 * @param string $section sync or mappings.
	 * @return array
	 */
	public function sidecar_section( $section ) {
		$title = 'sync' === $section ? __( 'Sync options', 'netsuite-sync-for-woocommerce' ) : __( 'Mappings', 'netsuite-sync-for-woocommerce' );
		$desc  = 'sync' === $section
			? __( 'Stored in the sidecar and validated there; an invalid value is shown next to its field.', 'netsuite-sync-for-woocommerce' )
			: __( 'How WooCommerce values become NetSuite records. Internal ids are found in NetSuite under Lists and Setup.', 'netsuite-sync-for-woocommerce' );
		return array_merge(
			array(
				array(
					'type'  => 'title',
					'id'    => 'nssync_' . $section,
					'title' => $title,
					'desc'  => esc_html( $desc ),
				),
			),
			$this->map->admin_fields( $section, array(), array(), $this->choices() ),
			array(
				array(
					'type' => 'sectionend',
					'id'   => 'nssync_' . $section,
				),
			)
		);
	}

	/**
	 * The Connection fields with values: the sidecar URL, non-secret credentials the sidecar returned, and a
	 * "Stored in the sidecar" marker on each secret it holds (a secret itself is never shown).
	 *
	 * @param array      $fields  Connection fields.
	 * @param array|null $view    `GET /v1/credentials` answer (null: unknown).
	 * @param string     $url     Stored sidecar URL.
	 * @param bool       $paired  A shared secret is stored.
	 * @param array      $errors  Field id => message.
	 * @return array
	 */
	public function fill_connection( $fields, $view, $url, $paired, $errors ) {
		foreach ( $fields as $i => $field ) {
			if ( ! isset( $field['id'] ) || in_array( $field['type'], array( 'title', 'sectionend' ), true ) ) {
				continue;
			}
			$id    = $field['id'];
			$value = '';
			if ( 'nssync_sidecar_url' === $id ) {
				$value = $url;
			} elseif ( 'nssync_shared_secret' === $id ) {
				$field['placeholder'] = $paired ? __( 'Saved — leave empty to keep', 'netsuite-sync-for-woocommerce' ) : '';
			} elseif ( isset( self::CREDENTIAL_FIELDS[ $id ] ) ) {
				list( $half, $key ) = self::CREDENTIAL_FIELDS[ $id ];
				$set                = is_array( $view ) && ! empty( $view[ $half ]['set'][ $key ] );
				if ( ! empty( $field['secret'] ) ) {
					$field['placeholder'] = $set ? __( 'Stored in the sidecar', 'netsuite-sync-for-woocommerce' ) : '';
					$field['desc']        = $set ? '<span class="nssync-stored">' . esc_html__( 'Stored in the sidecar', 'netsuite-sync-for-woocommerce' ) . '</span>' : '';
				} elseif ( is_array( $view ) && isset( $view[ $half ][ $key ] ) ) {
					$value = (string) $view[ $half ][ $key ];
				} elseif ( 'nssync_wc_url' === $id ) {
					$value = home_url();
				}
			}
			$field['value'] = $value;
			unset( $field['secret'] );
			$fields[ $i ] = $this->with_error( $field, $errors );
		}
		return $fields;
	}

	/**
	 * Sync / Mappings fields with their values and errors.
	 *
	 * @param array $fields Section fields.
	 * @param array $values Field id => form value.
	 * @param array $errors Field id => message.
	 * @return array
	 */
	public function fill( $fields, $values, $errors ) {
		foreach ( $fields as $i => $field ) {
			if ( ! isset( $field['id'] ) || in_array( $field['type'], array( 'title', 'sectionend' ), true ) ) {
				continue;
			}
			$fields[ $i ]['value'] = isset( $values[ $field['id'] ] ) ? $values[ $field['id'] ] : '';
			$fields[ $i ]          = $this->with_error( $fields[ $i ], $errors );
		}
		return $fields;
	}

	/**
	 * Put a field's error before its description and mark the input.
	 *
	 * @param array $field  Field.
	 * @param array $errors Field id => message.
	 * @return array
	 */
	private function with_error( $field, $errors ) {
		if ( isset( $errors[ $field['id'] ] ) ) {
			$field['desc']  = '<span class="nssync-field-error" role="alert">' . esc_html( $errors[ $field['id'] ] ) . '</span> ' . ( isset( $field['desc'] ) ? $field['desc'] : '' );
			$field['class'] = trim( ( isset( $field['class'] ) ? $field['class'] : '' ) . ' nssync-has-error' );
		}
		return $field;
	}

	/**
	 * Option lists for the select fields.
	 *
	 * @return array
	 */
	public function choices() {
		$statuses = array();
		if ( function_exists( 'wc_get_order_statuses' ) ) {
			foreach ( wc_get_order_statuses() as $key => $label ) {
				$statuses[ preg_replace( '/^wc-/', '', $key ) ] = $label;
			}
		}
		$roles = array();
		if ( function_exists( 'wp_roles' ) ) {
			foreach ( wp_roles()->get_names() as $key => $label ) {
				$roles[ $key ] = translate_user_role( $label );
			}
		}
		return array(
			'statuses'       => $statuses,
			'roles'          => $roles,
			'refund_records' => array(
				'creditMemo' => __( 'Credit memo', 'netsuite-sync-for-woocommerce' ),
				'cashRefund' => __( 'Cash refund', 'netsuite-sync-for-woocommerce' ),
			),
		);
	}
}
