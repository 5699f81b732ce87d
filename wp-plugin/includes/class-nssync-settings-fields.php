<?php
/**
 * The field arrays of the NetSuite settings tab, in WooCommerce's own settings-array format.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds the `woocommerce_admin_fields`-style arrays of each section (no I/O: values and field errors are
 * filled in afterwards by fill(), from the sidecar's answer or from a rejected save). The Connection
 * section's are NSSync_Connection_Fields'.
 */
class NSSync_Settings_Fields {

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
			return ( new NSSync_Connection_Fields() )->fields();
		}
		if ( 'sync' === $section || 'mappings' === $section ) {
			return $this->sidecar_section( $section );
		}
		return array();
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
			$fields[ $i ]          = self::with_error( $fields[ $i ], $errors );
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
	public static function with_error( $field, $errors ) {
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
