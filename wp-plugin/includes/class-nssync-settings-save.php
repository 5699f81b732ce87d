<?php
/**
 * Saving the NetSuite settings tab: Sync and Mappings to the sidecar's settings; Connection through
 * NSSync_Connection_Save.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Validates what can be validated locally, sends the rest to the sidecar, and keeps the field errors and the
 * rejected values of this request so the form is shown again with them.
 */
class NSSync_Settings_Save {

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

	/**
	 * @param NSSync_Options        $options Options.
	 * @param NSSync_Sidecar_Client $client  Sidecar client.
	 * @param NSSync_Settings_Map   $map     Field map.
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, NSSync_Settings_Map $map ) {
		$this->options = $options;
		$this->client  = $client;
		$this->map     = $map;
	}

	/**
	 * The field errors recorded by the last save (for tests and the form).
	 *
	 * @return array
	 */
	public static function field_errors() {
		return self::$field_errors;
	}

	/**
	 * The values of the last rejected save, or null.
	 *
	 * @return array|null
	 */
	public static function rejected() {
		return self::$rejected;
	}

	/**
	 * Forget the state of a previous save (tests, and each new save).
	 */
	public static function reset() {
		self::$field_errors = array();
		self::$rejected     = null;
	}

	/**
	 * Record a refused save: its field errors and the values to show again.
	 *
	 * @param array $errors Field id => message.
	 * @param array $values Field id => value.
	 */
	public static function refused( $errors, $values ) {
		self::$field_errors = $errors;
		self::$rejected     = $values;
	}

	/**
	 * Connection: see NSSync_Connection_Save.
	 *
	 * @param array $posted Field id => unslashed value.
	 * @return bool Saved.
	 */
	public function save_connection( $posted ) {
		self::reset();
		return ( new NSSync_Connection_Save( $this->options, $this->client ) )->save( $posted );
	}

	/**
	 * `woocommerce_settings_save_nssync`: nonce and capability first, then the section's save.
	 *
	 * @param string $section Current section.
	 */
	public function handle( $section ) {
		check_admin_referer( 'woocommerce-settings' );
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to change these settings.', 'netsuite-sync-for-woocommerce' ), 403 );
		}
		if ( 'sync' === $section || 'mappings' === $section ) {
			$shown  = self::posted_values( array( 'nssync_groups_shown' ) );
			$groups = isset( $shown['nssync_groups_shown'] ) ? array_values( array_intersect( array_keys( NSSync_Settings_Schema::SYNC_GROUPS ), explode( ',', (string) $shown['nssync_groups_shown'] ) ) ) : null;
			$this->save_sidecar_section( $section, $this->posted_values( self::field_ids( $this->map, $section ) ), $groups );
		} elseif ( '' === $section ) {
			$this->save_connection( self::posted_values( NSSync_Connection_Save::field_ids() ) );
		}
	}

	/**
	 * The ids of every posted field a section's save reads (its fields and the rules editor's rows).
	 *
	 * @param NSSync_Settings_Map $map     Field map.
	 * @param string              $section sync or mappings.
	 * @return string[]
	 */
	public static function field_ids( NSSync_Settings_Map $map, $section ) {
		return array_merge( array_keys( $map->fields( $section ) ), array( 'nssync_rules_mode', 'nssync_rules_rows' ) );
	}

	/**
	 * The raw posted values of the given fields (unslashed; each is sanitized by the code that uses it). The
	 * caller has checked the nonce (the settings save, or an admin-ajax handler's guard).
	 *
	 * @param string[] $ids Field ids.
	 * @return array
	 */
	public static function posted_values( $ids ) {
		$out = array();
		foreach ( $ids as $id ) {
			// phpcs:ignore WordPress.Security.NonceVerification.Missing -- nonce checked in handle(); sanitized per field kind.
			if ( isset( $_POST[ $id ] ) ) {
				$out[ $id ] = wp_unslash( $_POST[ $id ] ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized,WordPress.Security.NonceVerification.Missing
			}
		}
		return $out;
	}

	/**
	 * Sync or Mappings: validate locally what can be, then `PUT /v1/settings`; 422 → error by the field.
	 *
	 * @param string        $section sync or mappings.
	 * @param array         $posted  Field id => raw value.
	 * @param string[]|null $groups  Sync groups that were on the form (null: all).
	 * @return bool Saved.
	 */
	public function save_sidecar_section( $section, $posted, $groups = null ) {
		self::reset();
		try {
			$known = $this->client->get( '/v1/settings', 10 ); // Fields of a newer plugin this sidecar lacks stay out.
		} catch ( NSSync_Sidecar_Exception $e ) {
			$known = null;
		}
		list( $patch, $errors ) = $this->map->patch_from_post( $section, $posted, $groups, is_array( $known ) ? $known : null );
		if ( ! $errors ) {
			try {
				$saved = $this->client->put( '/v1/settings', $patch, 15 );
				if ( isset( $saved['customers']['roles'] ) ) {
					$this->options->set_customer_roles( (array) $saved['customers']['roles'] );
				}
				return true;
			} catch ( NSSync_Sidecar_Exception $e ) {
				list( $errors, $elsewhere ) = $this->place_errors( $section, $e );
				if ( $elsewhere ) {
					WC_Admin_Settings::add_error( __( 'The sidecar refused these settings:', 'netsuite-sync-for-woocommerce' ) . ' ' . implode( '; ', $elsewhere ) );
				} elseif ( ! $errors ) {
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
	 * A 422's field errors placed on the section's form fields: `[ field id => message, [ "dotted: message" of
	 * fields not on this section ] ]` (the settings save and "Try these settings" show them the same way).
	 *
	 * @param string                   $section sync or mappings.
	 * @param NSSync_Sidecar_Exception $e       The sidecar's refusal.
	 * @return array [ errors, elsewhere ]
	 */
	public function place_errors( $section, NSSync_Sidecar_Exception $e ) {
		$errors    = array();
		$elsewhere = array();
		foreach ( $e->get_errors() as $fe ) {
			$field = $this->map->field_for_path( $section, $fe['field'] );
			if ( ! $field ) {
				$elsewhere[] = $fe['field'] . ': ' . self::strip_field_prefix( $fe['message'], $fe['field'] );
				continue;
			}
			$message          = $this->line_message( $section, $field, $fe['field'], $fe['message'] );
			$errors[ $field ] = isset( $errors[ $field ] ) ? $errors[ $field ] . ' ' . $message : $message;
		}
		return array( $errors, $elsewhere );
	}

	/**
	 * The message to show by a field: without the field's own name (it is next to it), but naming the line of a
	 * map or list (`orders.ship_methods.flat_rate:1` → "flat_rate:1: must be …").
	 *
	 * @param string $section Section.
	 * @param string $field   Form field id.
	 * @param string $dotted  The error's dotted field.
	 * @param string $message The error's message.
	 * @return string
	 */
	private function line_message( $section, $field, $dotted, $message ) {
		$fields  = $this->map->fields( $section );
		$path    = $fields[ $field ][0];
		$message = self::strip_field_prefix( $message, $dotted );
		$line    = strlen( $dotted ) > strlen( $path ) ? substr( $dotted, strlen( $path ) + 1 ) : '';
		return '' === $line ? $message : $line . ': ' . $message;
	}

	/**
	 * "orders.subsidiary_id: must be …" → "must be …" (the field is already next to it).
	 *
	 * @param string $message Sidecar message.
	 * @param string $field   Dotted field.
	 * @return string
	 */
	public static function strip_field_prefix( $message, $field ) {
		$prefix = $field . ': ';
		return 0 === strpos( $message, $prefix ) ? substr( $message, strlen( $prefix ) ) : $message;
	}
}
