<?php
/**
 * The Sync and Mappings form fields and their sidecar settings paths (pure: no I/O, no WordPress state).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Translates between the sidecar's settings document (`GET/PUT /v1/settings`, sidecar/settings.py) and the
 * fields of the NetSuite settings tab, in both directions, and places a 422's dotted field next to the form
 * field it belongs to.
 */
class NSSync_Settings_Map {

	const FLOWS = array( 'orders', 'customers', 'refunds', 'cancellations', 'fulfillments', 'inventory', 'prices', 'products' );

	/**
	 * Field definitions of one section: field id => [path, kind, type, title, desc, options].
	 *
	 * Kinds: text, id (NetSuite internal id or empty → null), list, locations, int, bool, pairs, json.
	 *
	 * @param string $section `sync` or `mappings`.
	 * @return array
	 */
	public function fields( $section ) {
		if ( 'mappings' === $section ) {
			return array(
				$this->id( 'orders.shipping_item_id' ) => array( 'orders.shipping_item_id', 'id', 'text', __( 'Default shipping item', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite internal id of the shipping item used when a method has no mapping below.', 'netsuite-sync-for-woocommerce' ) ),
				$this->id( 'orders.ship_methods' )     => array( 'orders.ship_methods', 'pairs', 'textarea', __( 'Ship methods → NetSuite ship items', 'netsuite-sync-for-woocommerce' ), __( 'One per line: WooCommerce shipping method id = NetSuite ship item internal id, e.g. flat_rate = 1234.', 'netsuite-sync-for-woocommerce' ) ),
				$this->id( 'orders.discount_item_id' ) => array( 'orders.discount_item_id', 'id', 'text', __( 'Discount item', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite internal id of the discount item for coupons.', 'netsuite-sync-for-woocommerce' ) ),
				$this->id( 'orders.field_map' )        => array( 'orders.field_map', 'pairs', 'textarea', __( 'Field map', 'netsuite-sync-for-woocommerce' ), __( 'One per line: WooCommerce field or meta key = NetSuite body field id, e.g. customer_note = memo.', 'netsuite-sync-for-woocommerce' ) ),
				$this->id( 'orders.rules' )            => array( 'orders.rules', 'json', 'textarea', __( 'Conditional rules', 'netsuite-sync-for-woocommerce' ), __( 'JSON list: [{"field": "payment_method", "equals": "cod", "set": {"custbody_terms": "3"}}]; use one of equals, in, matches.', 'netsuite-sync-for-woocommerce' ) ),
				$this->id( 'orders.payment_methods' )  => array( 'orders.payment_methods', 'pairs', 'textarea', __( 'Payment methods (cash sales)', 'netsuite-sync-for-woocommerce' ), __( 'One per line: WooCommerce gateway id = NetSuite payment method internal id, e.g. stripe = 7.', 'netsuite-sync-for-woocommerce' ) ),
				$this->id( 'fulfillments.carriers' )   => array( 'fulfillments.carriers', 'pairs', 'textarea', __( 'Carriers', 'netsuite-sync-for-woocommerce' ), __( 'One per line: NetSuite ship item internal id = carrier name shown with tracking numbers, e.g. 1234 = UPS.', 'netsuite-sync-for-woocommerce' ) ),
				$this->id( 'refunds.item_id' )         => array( 'refunds.item_id', 'id', 'text', __( 'Refund item', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite internal id of the item an amount-only refund is recorded with.', 'netsuite-sync-for-woocommerce' ) ),
			);
		}
		$fields = array(
			$this->id( 'orders.export_statuses' )   => array( 'orders.export_statuses', 'list', 'multiselect', __( 'Order statuses to export', 'netsuite-sync-for-woocommerce' ), __( 'An order becomes a NetSuite sales order when it reaches one of these statuses.', 'netsuite-sync-for-woocommerce' ), 'statuses' ),
			$this->id( 'orders.guest_customer' )    => array( 'orders.guest_customer', 'text', 'text', __( 'Guest orders', 'netsuite-sync-for-woocommerce' ), __( '"create" makes a NetSuite customer per guest; or the internal id of one customer record that takes every guest order.', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'orders.subsidiary_id' )     => array( 'orders.subsidiary_id', 'id', 'text', __( 'Subsidiary', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite subsidiary internal id (OneWorld accounts).', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'orders.location_id' )       => array( 'orders.location_id', 'id', 'text', __( 'Order location', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite location internal id set on sales orders.', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'customers.roles' )          => array( 'customers.roles', 'list', 'multiselect', __( 'Customer roles', 'netsuite-sync-for-woocommerce' ), __( 'Users with these roles are synced as NetSuite customers.', 'netsuite-sync-for-woocommerce' ), 'roles' ),
			$this->id( 'items.match_by' )           => array( 'items.match_by', 'text', 'text', __( 'Match SKU to', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite item field holding the WooCommerce SKU: itemid, upccode, externalid or a custom field such as custitem_woo_sku.', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'inventory.locations' )      => array( 'inventory.locations', 'locations', 'text', __( 'Inventory locations', 'netsuite-sync-for-woocommerce' ), __( '"all", or NetSuite location internal ids separated by commas.', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'inventory.safety_buffer' )  => array( 'inventory.safety_buffer', 'int', 'number', __( 'Safety buffer', 'netsuite-sync-for-woocommerce' ), __( 'Units held back from the stock published to the store.', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'prices.price_level_id' )    => array( 'prices.price_level_id', 'id', 'text', __( 'Price level', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite price level internal id (1 is usually Base Price).', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'prices.currency_id' )       => array( 'prices.currency_id', 'id', 'text', __( 'Price currency', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite currency internal id of the prices to publish.', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'refunds.record' )           => array( 'refunds.record', 'text', 'select', __( 'Refunds become', 'netsuite-sync-for-woocommerce' ), __( 'The NetSuite record created for a WooCommerce refund.', 'netsuite-sync-for-woocommerce' ), 'refund_records' ),
			$this->id( 'fulfillments.complete_order' ) => array( 'fulfillments.complete_order', 'bool', 'checkbox', __( 'Complete orders on fulfillment', 'netsuite-sync-for-woocommerce' ), __( 'Mark the WooCommerce order completed when NetSuite fulfills it.', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'fulfillments.notify_customer' ) => array( 'fulfillments.notify_customer', 'bool', 'checkbox', __( 'Tell the customer what shipped', 'netsuite-sync-for-woocommerce' ), __( 'The shipment note (items, carrier, tracking numbers) is a customer note, e-mailed by WooCommerce.', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'fulfillments.tracking_meta' ) => array( 'fulfillments.tracking_meta', 'bool', 'checkbox', __( 'Shipment Tracking meta', 'netsuite-sync-for-woocommerce' ), __( 'Also store tracking numbers where the Shipment Tracking extension shows them.', 'netsuite-sync-for-woocommerce' ) ),
			$this->id( 'orders.record' )            => array( 'orders.record', 'text', 'select', __( 'Paid orders become', 'netsuite-sync-for-woocommerce' ), __( 'A sales order, or a cash sale for orders already paid (unpaid orders stay sales orders).', 'netsuite-sync-for-woocommerce' ), 'order_records' ),
			$this->id( 'cancellations.from_netsuite' ) => array( 'cancellations.from_netsuite', 'bool', 'checkbox', __( 'Cancel from NetSuite', 'netsuite-sync-for-woocommerce' ), __( 'A sales order closed or cancelled in NetSuite cancels its WooCommerce order.', 'netsuite-sync-for-woocommerce' ) ),
		);
		foreach ( self::FLOWS as $flow ) {
			$fields[ $this->id( 'schedules.' . $flow ) ] = array(
				'schedules.' . $flow,
				'text',
				'text',
				/* translators: %s: flow name such as inventory */
				sprintf( __( 'Schedule: %s', 'netsuite-sync-for-woocommerce' ), $flow ),
				__( 'Cron expression (e.g. */15 * * * *) or "off".', 'netsuite-sync-for-woocommerce' ),
			);
		}
		return $fields;
	}

	/**
	 * The form field id of a settings path: `orders.subsidiary_id` → `nssync_orders__subsidiary_id`.
	 *
	 * @param string $path Dotted settings path.
	 * @return string
	 */
	public function id( $path ) {
		return 'nssync_' . str_replace( '.', '__', $path );
	}

	/**
	 * Which form field a sidecar error field belongs to (longest matching path), in the given section.
	 *
	 * @param string $section `sync` or `mappings`.
	 * @param string $dotted  Dotted field from a 422, e.g. `orders.ship_methods.flat_rate` or `orders.rules.0.set`.
	 * @return string|null Field id, or null when the field is not on this section.
	 */
	public function field_for_path( $section, $dotted ) {
		$best = null;
		$len  = -1;
		foreach ( $this->fields( $section ) as $id => $def ) {
			$path = $def[0];
			if ( ( $dotted === $path || 0 === strpos( $dotted, $path . '.' ) ) && strlen( $path ) > $len ) {
				$best = $id;
				$len  = strlen( $path );
			}
		}
		return $best;
	}

	/**
	 * The form value of every field of a section, from the sidecar's settings document.
	 *
	 * @param string $section  `sync` or `mappings`.
	 * @param array  $settings Settings document.
	 * @return array field id => value as the form shows it.
	 */
	public function form_values( $section, $settings ) {
		$values = array();
		foreach ( $this->fields( $section ) as $id => $def ) {
			$values[ $id ] = $this->to_form( $def[1], $this->lookup( $settings, $def[0] ) );
		}
		return $values;
	}

	/**
	 * Turn posted form values (already unslashed) into a settings patch for `PUT /v1/settings`.
	 *
	 * @param string $section `sync` or `mappings`.
	 * @param array  $posted  field id => raw posted value (absent checkbox / multiselect = not set).
	 * @return array [ patch, errors ]: errors are field id => message for values that cannot be parsed.
	 */
	public function patch_from_post( $section, $posted ) {
		$patch  = array();
		$errors = array();
		foreach ( $this->fields( $section ) as $id => $def ) {
			$raw = array_key_exists( $id, $posted ) ? $posted[ $id ] : null;
			try {
				$value = $this->from_form( $def[1], $raw );
			} catch ( InvalidArgumentException $e ) {
				$errors[ $id ] = $e->getMessage();
				continue;
			}
			$this->assign( $patch, $def[0], $value );
		}
		return array( $patch, $errors );
	}

	/**
	 * WooCommerce admin-settings array of a section, with values and field errors filled in.
	 *
	 * @param string $section  `sync` or `mappings`.
	 * @param array  $values   field id => form value.
	 * @param array  $errors   field id => error message.
	 * @param array  $choices  Option lists: statuses, roles, refund_records, order_records (key => label).
	 * @return array
	 */
	public function admin_fields( $section, $values, $errors, $choices ) {
		$out = array();
		foreach ( $this->fields( $section ) as $id => $def ) {
			$field = array(
				'id'       => $id,
				'title'    => $def[3],
				'type'     => $def[2],
				'desc'     => esc_html( $def[4] ),
				'value'    => isset( $values[ $id ] ) ? $values[ $id ] : '',
				'default'  => '',
				'class'    => 'textarea' === $def[2] ? 'nssync-code' : '',
				'css'      => 'textarea' === $def[2] ? 'min-width:400px;min-height:90px;font-family:monospace;' : '',
			);
			if ( 'checkbox' === $def[2] ) {
				$field['desc']  = esc_html( $def[3] );
				$field['title'] = '';
				$field['desc_tip'] = esc_html( $def[4] );
			}
			if ( isset( $def[5] ) ) {
				$field['options'] = isset( $choices[ $def[5] ] ) ? $choices[ $def[5] ] : array();
				$field['class']   = 'wc-enhanced-select';
			}
			if ( isset( $errors[ $id ] ) ) {
				$field['desc']  = '<span class="nssync-field-error" role="alert">' . esc_html( $errors[ $id ] ) . '</span> ' . $field['desc'];
				$field['class'] = trim( $field['class'] . ' nssync-has-error' );
			}
			$out[] = $field;
		}
		return $out;
	}

	/**
	 * @param array  $doc  Settings document.
	 * @param string $path Dotted path.
	 * @return mixed|null
	 */
	public function lookup( $doc, $path ) {
		foreach ( explode( '.', $path ) as $key ) {
			if ( ! is_array( $doc ) || ! array_key_exists( $key, $doc ) ) {
				return null;
			}
			$doc = $doc[ $key ];
		}
		return $doc;
	}

	/**
	 * @param array  $doc   Document to change.
	 * @param string $path  Dotted path.
	 * @param mixed  $value Value.
	 */
	private function assign( &$doc, $path, $value ) {
		$keys = explode( '.', $path );
		$last = array_pop( $keys );
		$ref  = &$doc;
		foreach ( $keys as $key ) {
			if ( ! isset( $ref[ $key ] ) || ! is_array( $ref[ $key ] ) ) {
				$ref[ $key ] = array();
			}
			$ref = &$ref[ $key ];
		}
		$ref[ $last ] = $value;
	}

	/**
	 * A settings value as the form shows it.
	 *
	 * @param string $kind  Field kind.
	 * @param mixed  $value Settings value.
	 * @return mixed
	 */
	private function to_form( $kind, $value ) {
		switch ( $kind ) {
			case 'list':
				return is_array( $value ) ? array_values( array_map( 'strval', $value ) ) : array();
			case 'locations':
				return is_array( $value ) ? implode( ', ', array_map( 'strval', $value ) ) : ( null === $value ? 'all' : (string) $value );
			case 'bool':
				return $value ? 'yes' : 'no';
			case 'pairs':
				$lines = array();
				foreach ( (array) $value as $k => $v ) {
					$lines[] = $k . ' = ' . $v;
				}
				return implode( "\n", $lines );
			case 'json':
				return ( null === $value || array() === $value ) ? '' : (string) wp_json_encode( $value, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
			default:
				return null === $value ? '' : (string) $value;
		}
	}

	/**
	 * A posted form value as the settings document holds it.
	 *
	 * @param string $kind Field kind.
	 * @param mixed  $raw  Posted value or null when absent.
	 * @return mixed
	 * @throws InvalidArgumentException When the text cannot be parsed.
	 */
	private function from_form( $kind, $raw ) {
		switch ( $kind ) {
			case 'list':
				return array_values( array_filter( array_map( 'sanitize_text_field', (array) $raw ), 'strlen' ) );
			case 'bool':
				return in_array( $raw, array( 'yes', '1', 1, true ), true );
			case 'int':
				$text = trim( sanitize_text_field( (string) $raw ) );
				if ( '' === $text || ! preg_match( '/^-?\d+$/', $text ) ) {
					throw new InvalidArgumentException( __( 'Enter a whole number.', 'netsuite-sync-for-woocommerce' ) );
				}
				return (int) $text;
			case 'id':
				$text = trim( sanitize_text_field( (string) $raw ) );
				return '' === $text ? null : $text;
			case 'locations':
				$text = trim( sanitize_text_field( (string) $raw ) );
				if ( '' === $text || 'all' === strtolower( $text ) ) {
					return 'all';
				}
				return array_values( array_filter( array_map( 'trim', explode( ',', $text ) ), 'strlen' ) );
			case 'pairs':
				return $this->parse_pairs( (string) $raw );
			case 'json':
				$text = trim( sanitize_textarea_field( (string) $raw ) );
				if ( '' === $text ) {
					return array();
				}
				$value = json_decode( $text, true );
				if ( JSON_ERROR_NONE !== json_last_error() ) {
					/* translators: %s: JSON parser message */
					throw new InvalidArgumentException( sprintf( __( 'This is not valid JSON: %s', 'netsuite-sync-for-woocommerce' ), json_last_error_msg() ) );
				}
				return $value;
			default:
				return trim( sanitize_text_field( (string) $raw ) );
		}
	}

	/**
	 * Parse "key = value" lines into a map (blank lines and lines starting with # are skipped).
	 *
	 * @param string $text Textarea content.
	 * @return array|stdClass
	 * @throws InvalidArgumentException On a line without "=".
	 */
	private function parse_pairs( $text ) {
		$map = array();
		foreach ( preg_split( '/\r\n|\r|\n/', sanitize_textarea_field( $text ) ) as $n => $line ) {
			$line = trim( $line );
			if ( '' === $line || '#' === $line[0] ) {
				continue;
			}
			$parts = explode( '=', $line, 2 );
			if ( 2 !== count( $parts ) || '' === trim( $parts[0] ) || '' === trim( $parts[1] ) ) {
				/* translators: %d: line number */
				throw new InvalidArgumentException( sprintf( __( 'Line %d: write it as key = value.', 'netsuite-sync-for-woocommerce' ), $n + 1 ) );
			}
			$map[ trim( $parts[0] ) ] = trim( $parts[1] );
		}
		return $map ? $map : new stdClass(); // An empty map must reach the sidecar as {}, not [].
	}
}
