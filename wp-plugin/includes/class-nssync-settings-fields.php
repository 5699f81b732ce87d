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
	 * Sync: one block per flow (title, last run with Sync now, its fields). Mappings: a title and the fields.
	 *
	 * @param string $section sync or mappings.
	 * @return array
	 */
	public function sidecar_section( $section ) {
		$defs = $this->map->admin_fields( $section, array(), array(), $this->choices() );
		if ( 'sync' !== $section ) {
			return array_merge(
				array(
					array(
						'type'  => 'title',
						'id'    => 'nssync_' . $section,
						'title' => __( 'Mappings', 'netsuite-sync-for-woocommerce' ),
						'desc'  => esc_html__( 'How WooCommerce values become NetSuite records. Internal ids are found in NetSuite under Lists and Setup.', 'netsuite-sync-for-woocommerce' ),
					),
				),
				$defs,
				array(
					array(
						'type' => 'sectionend',
						'id'   => 'nssync_' . $section,
					),
				)
			);
		}
		$out    = array();
		$labels = NSSync_Settings_Schema::group_labels();
		foreach ( array_keys( NSSync_Settings_Schema::SYNC_GROUPS ) as $group ) {
			$out[] = array(
				'type'         => 'title',
				'id'           => 'nssync_group_' . $group,
				'title'        => $labels[ $group ][0],
				'desc'         => esc_html( $labels[ $group ][1] ),
				'nssync_group' => $group,
			);
			if ( 'general' !== $group ) {
				$out[] = array(
					'type'         => 'nssync_flow',
					'id'           => 'nssync_flow_' . $group,
					'title'        => __( 'Last run', 'netsuite-sync-for-woocommerce' ),
					'flow'         => $group,
					'sync_now'     => in_array( $group, NSSync_Settings_Schema::SYNC_NOW_FLOWS, true ),
					'nssync_group' => $group,
				);
			}
			foreach ( $defs as $field ) {
				if ( $group === $field['nssync_group'] ) {
					$out[] = $field;
				}
			}
			$out[] = array(
				'type'         => 'sectionend',
				'id'           => 'nssync_group_' . $group,
				'nssync_group' => $group,
			);
		}
		return $out;
	}

	/**
	 * Keep only the fields of the offered groups (fields without a group stay).
	 *
	 * @param array    $fields Fields.
	 * @param string[] $groups Offered groups.
	 * @return array
	 */
	public static function only_groups( $fields, $groups ) {
		return array_values(
			array_filter(
				$fields,
				static function ( $f ) use ( $groups ) {
					return ! isset( $f['nssync_group'] ) || in_array( $f['nssync_group'], $groups, true );
				}
			)
		);
	}

	/**
	 * Give each flow row its last run.
	 *
	 * @param array $fields Fields.
	 * @param array $runs   flow => run (or null).
	 * @param bool  $stale  The runs are the last known ones (the sidecar did not answer).
	 * @return array
	 */
	public static function with_runs( $fields, $runs, $stale = false ) {
		foreach ( $fields as $i => $f ) {
			if ( 'nssync_flow' === $f['type'] ) {
				$fields[ $i ]['run']   = isset( $runs[ $f['flow'] ] ) && is_array( $runs[ $f['flow'] ] ) ? $runs[ $f['flow'] ] : null;
				$fields[ $i ]['stale'] = $stale;
			}
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
			if ( ! isset( $field['id'] ) || in_array( $field['type'], array( 'title', 'sectionend', 'nssync_flow' ), true ) ) {
				continue;
			}
			$fields[ $i ]['value'] = isset( $values[ $field['id'] ] ) ? $values[ $field['id'] ] : '';
			if ( isset( $field['nssync_lookup'] ) && isset( $field['options'] ) ) {
				// The current value(s) must be options to show as chosen; the browser fills in their NetSuite names.
				foreach ( (array) $fields[ $i ]['value'] as $v ) {
					if ( '' !== (string) $v && ! isset( $fields[ $i ]['options'][ (string) $v ] ) ) {
						$fields[ $i ]['options'][ (string) $v ] = '#' . $v;
					}
				}
			}
			if ( in_array( $field['type'], array( 'nssync_map_table', 'nssync_rules' ), true ) && isset( $errors[ $field['id'] ] ) ) {
				$fields[ $i ]['error'] = $errors[ $field['id'] ];
				continue;
			}
			$fields[ $i ] = self::with_error( $fields[ $i ], $errors );
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
	 * The store's shipping methods by zone: `method_id:instance_id` => "Zone — Title".
	 *
	 * @return array
	 */
	public static function shipping_methods() {
		if ( ! class_exists( 'WC_Shipping_Zones' ) ) {
			return array();
		}
		$out   = array();
		$zones = WC_Shipping_Zones::get_zones();
		$zones[] = array(
			'zone_name'        => __( 'Other locations', 'netsuite-sync-for-woocommerce' ),
			'shipping_methods' => ( new WC_Shipping_Zone( 0 ) )->get_shipping_methods(),
		);
		foreach ( $zones as $zone ) {
			foreach ( (array) $zone['shipping_methods'] as $method ) {
				if ( is_object( $method ) && isset( $method->id, $method->instance_id ) ) {
					$out[ $method->id . ':' . $method->instance_id ] = $zone['zone_name'] . ' — ' . $method->get_title();
				}
			}
		}
		return $out;
	}

	/**
	 * The store's payment gateways: id => title.
	 *
	 * @return array
	 */
	public static function gateways() {
		if ( ! function_exists( 'WC' ) || ! WC()->payment_gateways() ) {
			return array();
		}
		$out = array();
		foreach ( (array) WC()->payment_gateways()->payment_gateways() as $id => $gateway ) {
			if ( is_object( $gateway ) && isset( $gateway->enabled ) && 'yes' !== $gateway->enabled ) {
				continue; // a gateway the store does not offer takes no payment to map.
			}
			$out[ (string) $id ] = is_object( $gateway ) && method_exists( $gateway, 'get_title' ) ? wp_strip_all_tags( $gateway->get_title() ) : (string) $id;
		}
		return $out;
	}

	/**
	 * The currencies the store sells in: its own, plus those a multi-currency extension adds through the
	 * `nssync_store_currencies` filter. code => name.
	 *
	 * @return array
	 */
	public static function currencies() {
		$out = array();
		if ( function_exists( 'get_woocommerce_currency' ) ) {
			$code         = (string) get_woocommerce_currency();
			$names        = function_exists( 'get_woocommerce_currencies' ) ? get_woocommerce_currencies() : array();
			$out[ $code ] = isset( $names[ $code ] ) ? $code . ' — ' . $names[ $code ] : $code;
		}
		return (array) apply_filters( 'nssync_store_currencies', $out );
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
			'shipping_methods' => self::shipping_methods(),
			'gateways'         => self::gateways(),
			'currencies'       => self::currencies(),
			'statuses'         => $statuses,
			'roles'            => $roles,
			'refund_records'   => array(
				'creditMemo' => __( 'Credit memo', 'netsuite-sync-for-woocommerce' ),
				'cashRefund' => __( 'Cash refund', 'netsuite-sync-for-woocommerce' ),
			),
			'order_records'    => array(
				'salesOrder' => __( 'Sales order', 'netsuite-sync-for-woocommerce' ),
				'cashSale'   => __( 'Cash sale', 'netsuite-sync-for-woocommerce' ),
			),
			'product_statuses' => array(
				'draft'   => __( 'Draft', 'netsuite-sync-for-woocommerce' ),
				'pending' => __( 'Pending review', 'netsuite-sync-for-woocommerce' ),
				'publish' => __( 'Published', 'netsuite-sync-for-woocommerce' ),
			),
		);
	}
}
