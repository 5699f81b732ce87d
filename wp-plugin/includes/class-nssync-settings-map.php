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

	/**
	 * Field definitions of one section: field id => [path, kind, type, title, desc, options] (from
	 * NSSync_Settings_Schema).
	 *
	 * @param string $section `sync` or `mappings`.
	 * @return array
	 */
	public function fields( $section ) {
		$fields = array();
		foreach ( NSSync_Settings_Schema::definitions( $section ) as $path => $def ) {
			$fields[ $this->id( $path ) ] = array_merge( array( $path ), $def );
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
	 * @param string        $section `sync` or `mappings`.
	 * @param array         $posted  field id => raw posted value (absent checkbox / multiselect = not set).
	 * @param string[]|null $groups  Sync groups that were on the form (null: all); fields of other groups are
	 *                               left out of the patch, so the sidecar keeps their values.
	 * @param array|null    $known   The sidecar's settings document: a field whose path it does not hold (a
	 *                               setting of a newer sidecar) is left out of the patch; null: send every field.
	 * @return array [ patch, errors ]: errors are field id => message for values that cannot be parsed.
	 */
	public function patch_from_post( $section, $posted, $groups = null, $known = null ) {
		$patch  = array();
		$errors = array();
		if ( 'mappings' === $section && isset( $posted['nssync_rules_mode'] ) && 'rows' === $posted['nssync_rules_mode'] ) {
			// The rules were edited as rows: they win over the JSON view.
			$posted[ $this->id( 'orders.rules' ) ] = NSSync_Rules_Editor::from_rows( isset( $posted['nssync_rules_rows'] ) ? $posted['nssync_rules_rows'] : array() );
		}
		foreach ( $this->fields( $section ) as $id => $def ) {
			if ( 'sync' === $section && null !== $groups && ! in_array( NSSync_Settings_Schema::group_of( $def[0] ), $groups, true ) ) {
				continue;
			}
			if ( null !== $known && ! $this->has( $known, $def[0] ) ) {
				continue;
			}
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
	 * @param array  $choices  Option lists: statuses, roles, refund_records (key => label).
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
			if ( 'sync' === $section ) {
				$field['nssync_group'] = NSSync_Settings_Schema::group_of( $def[0] );
			}
			if ( 'checkbox' === $def[2] ) {
				$field['desc']  = esc_html( $def[3] );
				$field['title'] = '';
				$field['desc_tip'] = esc_html( $def[4] );
			}
			if ( isset( $def[5] ) ) {
				$field['options'] = isset( $choices[ $def[5] ] ) ? $choices[ $def[5] ] : array();
				$field['class']   = 'wc-enhanced-select';
			}
			if ( isset( NSSync_Settings_Schema::LOOKUPS[ $def[0] ] ) ) {
				$kind                  = NSSync_Settings_Schema::LOOKUPS[ $def[0] ];
				$field['nssync_lookup'] = $kind;
				if ( 'nssync_map_table' === $def[2] ) {
					$field['rows']           = isset( $def[5], $choices[ $def[5] ] ) ? $choices[ $def[5] ] : array();
					$field['nssync_choices'] = isset( $def[5] ) ? (string) $def[5] : '';
				} else {
					$field['type']              = 'locations' === $def[1] ? 'multiselect' : 'select';
					$field['class']             = 'nssync-lookup';
					$field['options']           = NSSync_Settings_Schema::lookup_extras( $def[0] );
					$field['custom_attributes'] = array(
						'data-nssync-lookup' => $kind,
						'data-placeholder'   => __( 'Search NetSuite by name, or type an internal id', 'netsuite-sync-for-woocommerce' ),
					);
				}
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
	 * Whether the settings document holds a path (even with a null value): a sidecar answers with every setting it
	 * knows, defaults included, so a path it lacks is one it would refuse as an unknown field.
	 *
	 * @param array  $doc  Settings document.
	 * @param string $path Dotted path.
	 * @return bool
	 */
	public function has( $doc, $path ) {
		foreach ( explode( '.', $path ) as $key ) {
			if ( ! is_array( $doc ) || ! array_key_exists( $key, $doc ) ) {
				return false;
			}
			$doc = $doc[ $key ];
		}
		return true;
	}

	/**
	 * The fields of a section the sidecar knows (those whose path its settings document holds).
	 *
	 * @param array $fields   WooCommerce settings arrays of the section.
	 * @param array $settings Settings document.
	 * @return array
	 */
	public function only_known( $fields, $settings ) {
		$paths = array();
		foreach ( array( 'sync', 'mappings' ) as $section ) {
			foreach ( $this->fields( $section ) as $id => $def ) {
				$paths[ $id ] = $def[0];
			}
		}
		return array_values( array_filter( $fields, function ( $field ) use ( $paths, $settings ) {
			return ! isset( $field['id'], $paths[ $field['id'] ] ) || $this->has( $settings, $paths[ $field['id'] ] );
		} ) );
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
			case 'csv':
				return is_array( $value ) ? implode( ', ', array_map( 'strval', $value ) ) : ( null === $value ? '' : (string) $value );
			case 'locations':
				return is_array( $value ) && $value ? array_values( array_map( 'strval', $value ) ) : array( 'all' );
			case 'map':
				$map = array();
				foreach ( (array) $value as $k => $v ) {
					$map[ (string) $k ] = is_scalar( $v ) ? (string) $v : '';
				}
				return $map;
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
			case 'csv':
				return array_values( array_filter( array_map( 'trim', explode( ',', sanitize_text_field( (string) $raw ) ) ), 'strlen' ) );
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
				$ids = is_array( $raw ) ? array_map( 'sanitize_text_field', $raw ) : explode( ',', sanitize_text_field( (string) $raw ) );
				$ids = array_values( array_filter( array_map( 'trim', $ids ), 'strlen' ) );
				return ( ! $ids || in_array( 'all', array_map( 'strtolower', $ids ), true ) ) ? 'all' : $ids;
			case 'map':
				if ( ! is_array( $raw ) ) {
					return $this->parse_pairs( (string) $raw );
				}
				$map = array();
				foreach ( $raw as $k => $v ) {
					$k = trim( sanitize_text_field( (string) $k ) );
					$v = is_scalar( $v ) ? trim( sanitize_text_field( (string) $v ) ) : '';
					if ( '' !== $k && '' !== $v ) {
						$map[ $k ] = $v;
					}
				}
				return $map ? $map : new stdClass(); // An empty map must reach the sidecar as {}, not [].
			case 'pairs':
				return $this->parse_pairs( (string) $raw );
			case 'json':
				if ( is_array( $raw ) ) {
					return $raw;
				}
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
