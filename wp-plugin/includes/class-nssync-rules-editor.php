<?php
/**
 * The conditional-rules editor: one row per "if a WooCommerce field matches, set a NetSuite field", with the
 * JSON kept as an advanced view.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Converts `orders.rules` (`[{"field", "equals"|"in"|"matches": value, "set": {ns_field: value}}]`) to rows
 * (field, operator, value, NetSuite field, NetSuite value) and back, and prints the editor
 * (`woocommerce_admin_field_nssync_rules`). Rules the rows cannot hold are edited as JSON.
 */
class NSSync_Rules_Editor {

	const OPERATORS = array( 'equals', 'in', 'matches' );
	const ROW_KEYS  = array( 'field', 'op', 'value', 'set_field', 'set_value' );

	/**
	 * Rules as rows, or null when a rule does not fit (other keys, two operators, nested values).
	 *
	 * @param mixed $rules Rules.
	 * @return array[]|null
	 */
	public static function to_rows( $rules ) {
		if ( ! is_array( $rules ) ) {
			return null;
		}
		$rows = array();
		foreach ( $rules as $rule ) {
			if ( ! is_array( $rule ) || ! isset( $rule['field'], $rule['set'] ) || ! is_scalar( $rule['field'] ) || ! is_array( $rule['set'] ) || ! $rule['set'] ) {
				return null;
			}
			$ops = array_values( array_intersect( self::OPERATORS, array_keys( $rule ) ) );
			if ( 1 !== count( $ops ) || array_diff( array_keys( $rule ), array( 'field', 'set', $ops[0] ) ) ) {
				return null;
			}
			$value = $rule[ $ops[0] ];
			if ( 'in' === $ops[0] ) {
				if ( ! is_array( $value ) || array_filter( $value, 'is_scalar' ) !== $value ) {
					return null;
				}
				$value = implode( ', ', array_map( 'strval', $value ) );
			} elseif ( ! is_scalar( $value ) ) {
				return null;
			}
			foreach ( $rule['set'] as $ns_field => $ns_value ) {
				if ( ! is_scalar( $ns_value ) ) {
					return null;
				}
				$rows[] = array(
					'field'     => (string) $rule['field'],
					'op'        => $ops[0],
					'value'     => (string) $value,
					'set_field' => (string) $ns_field,
					'set_value' => (string) $ns_value,
				);
			}
		}
		return $rows;
	}

	/**
	 * Posted rows as rules: empty rows are dropped; rows with the same condition, one after the other, become
	 * one rule setting several NetSuite fields.
	 *
	 * @param array $rows Posted rows (unslashed).
	 * @return array
	 */
	public static function from_rows( $rows ) {
		$rules = array();
		$last  = null;
		foreach ( (array) $rows as $row ) {
			if ( ! is_array( $row ) ) {
				continue;
			}
			$r = array();
			foreach ( self::ROW_KEYS as $k ) {
				$r[ $k ] = isset( $row[ $k ] ) && is_scalar( $row[ $k ] ) ? trim( sanitize_text_field( (string) $row[ $k ] ) ) : '';
			}
			if ( '' === $r['field'] || '' === $r['set_field'] ) {
				continue;
			}
			$op    = in_array( $r['op'], self::OPERATORS, true ) ? $r['op'] : 'equals';
			$value = 'in' === $op ? array_values( array_filter( array_map( 'trim', explode( ',', $r['value'] ) ), 'strlen' ) ) : $r['value'];
			$key   = wp_json_encode( array( $r['field'], $op, $value ) );
			if ( null !== $last && $key === $last ) {
				$rules[ count( $rules ) - 1 ]['set'][ $r['set_field'] ] = $r['set_value'];
				continue;
			}
			$rules[] = array(
				'field' => $r['field'],
				$op     => $value,
				'set'   => array( $r['set_field'] => $r['set_value'] ),
			);
			$last    = $key;
		}
		return $rules;
	}

	/**
	 * `woocommerce_admin_field_nssync_rules`: the rows, an Add button, and the JSON in an Advanced view.
	 *
	 * @param array $value Field: id, title, desc, value (JSON text), error.
	 */
	public function render( $value ) {
		$id    = (string) $value['id'];
		$json  = is_string( $value['value'] ) ? $value['value'] : '';
		$rules = '' === trim( $json ) ? array() : json_decode( $json, true );
		$rows  = self::to_rows( null === $rules ? 'invalid' : $rules );
		$mode  = null === $rows ? 'json' : 'rows';
		echo '<tr valign="top"><th scope="row" class="titledesc">' . esc_html( $value['title'] ) . '</th><td class="forminp nssync-rules" data-mode="' . esc_attr( $mode ) . '">';
		if ( ! empty( $value['error'] ) ) {
			echo '<span class="nssync-field-error" role="alert">' . esc_html( $value['error'] ) . '</span>';
		}
		echo '<input type="hidden" name="nssync_rules_mode" value="' . esc_attr( $mode ) . '">';
		if ( null === $rows ) {
			echo '<p class="description">' . esc_html__( 'These rules use more than the rows below can show: edit them as JSON.', 'netsuite-sync-for-woocommerce' ) . '</p>';
			$rows = array();
		}
		echo '<table class="widefat nssync-rules-table"' . ( 'json' === $mode ? ' hidden' : '' ) . '><thead><tr>';
		foreach ( array( __( 'If WooCommerce field', 'netsuite-sync-for-woocommerce' ), '', __( 'value', 'netsuite-sync-for-woocommerce' ), __( 'set NetSuite field', 'netsuite-sync-for-woocommerce' ), __( 'to', 'netsuite-sync-for-woocommerce' ), '' ) as $h ) {
			echo '<th>' . esc_html( $h ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $rows as $i => $row ) {
			$this->row( (string) $i, $row );
		}
		echo '</tbody><tfoot><tr class="nssync-rule-template" hidden>';
		$this->cells( '__i__', array_fill_keys( self::ROW_KEYS, '' ), true );
		echo '</tr></tfoot></table>';
		echo '<p' . ( 'json' === $mode ? ' hidden' : '' ) . '><button type="button" class="button nssync-rule-add">' . esc_html__( 'Add rule', 'netsuite-sync-for-woocommerce' ) . '</button> <span class="description">' . esc_html__( 'e.g. if payment_method equals cod, set custbody_terms to 3. "in" takes values separated by commas; "matches" a regular expression.', 'netsuite-sync-for-woocommerce' ) . '</span></p>';
		echo '<details class="nssync-rules-json"' . ( 'json' === $mode ? ' open' : '' ) . '><summary>' . esc_html__( 'Advanced: edit as JSON', 'netsuite-sync-for-woocommerce' ) . '</summary>';
		echo '<textarea name="' . esc_attr( $id ) . '" id="' . esc_attr( $id ) . '" class="nssync-code" rows="8" style="min-width:500px;font-family:monospace">' . esc_textarea( $json ) . '</textarea>';
		if ( ! empty( $value['desc'] ) ) {
			echo '<p class="description">' . wp_kses_post( $value['desc'] ) . '</p>';
		}
		echo '</details></td></tr>';
	}

	/**
	 * @param string $i   Row index.
	 * @param array  $row Row.
	 */
	private function row( $i, $row ) {
		echo '<tr class="nssync-rule">';
		$this->cells( $i, $row, false );
		echo '</tr>';
	}

	/**
	 * @param string $i        Row index.
	 * @param array  $row      Row.
	 * @param bool   $template The hidden template (its inputs are disabled, so never posted).
	 */
	private function cells( $i, $row, $template ) {
		$name     = static function ( $k ) use ( $i ) {
			return 'nssync_rules_rows[' . $i . '][' . $k . ']';
		};
		$disabled = $template ? ' disabled' : '';
		echo '<td><input type="text" name="' . esc_attr( $name( 'field' ) ) . '" value="' . esc_attr( $row['field'] ) . '" placeholder="payment_method"' . $disabled . '></td>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- $disabled is a constant.
		echo '<td><select name="' . esc_attr( $name( 'op' ) ) . '"' . $disabled . '>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		foreach ( self::OPERATORS as $op ) {
			echo '<option value="' . esc_attr( $op ) . '"' . selected( $row['op'], $op, false ) . '>' . esc_html( $op ) . '</option>';
		}
		echo '</select></td>';
		foreach ( array( 'value' => 'cod', 'set_field' => 'custbody_terms', 'set_value' => '3' ) as $k => $ph ) {
			echo '<td><input type="text" name="' . esc_attr( $name( $k ) ) . '" value="' . esc_attr( $row[ $k ] ) . '" placeholder="' . esc_attr( $ph ) . '"' . $disabled . '></td>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		}
		echo '<td><button type="button" class="button-link nssync-rule-remove" aria-label="' . esc_attr__( 'Remove this rule', 'netsuite-sync-for-woocommerce' ) . '">&times;</button></td>';
	}
}
