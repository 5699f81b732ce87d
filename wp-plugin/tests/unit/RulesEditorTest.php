<?php
/**
 * The conditional-rules row editor and its JSON view.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class RulesEditorTest extends TestCase {

	protected function setUp(): void {
		nssync_shim_reset();
	}

	public function test_rules_become_rows_and_rows_become_the_same_rules() {
		$rules = array(
			array( 'field' => 'payment_method', 'equals' => 'cod', 'set' => array( 'custbody_terms' => '3', 'custbody_hold' => 'T' ) ),
			array( 'field' => 'billing.country', 'in' => array( 'DE', 'AT' ), 'set' => array( 'subsidiary' => '4' ) ),
			array( 'field' => 'customer_note', 'matches' => '^GIFT', 'set' => array( 'custbody_gift' => 'T' ) ),
		);
		$rows  = NSSync_Rules_Editor::to_rows( $rules );
		$this->assertCount( 4, $rows, 'one row per NetSuite field set' );
		$this->assertSame( array( 'field' => 'billing.country', 'op' => 'in', 'value' => 'DE, AT', 'set_field' => 'subsidiary', 'set_value' => '4' ), $rows[2] );
		$this->assertSame( $rules, NSSync_Rules_Editor::from_rows( $rows ) );
	}

	public function test_rules_the_rows_cannot_hold_go_to_json() {
		$this->assertNull( NSSync_Rules_Editor::to_rows( array( array( 'field' => 'x', 'equals' => 'a', 'in' => array( 'b' ), 'set' => array( 'y' => '1' ) ) ) ) );
		$this->assertNull( NSSync_Rules_Editor::to_rows( array( array( 'field' => 'x', 'equals' => 'a', 'set' => array( 'y' => array( 'nested' => 1 ) ) ) ) ) );
		$this->assertNull( NSSync_Rules_Editor::to_rows( array( array( 'field' => 'x', 'equals' => 'a', 'set' => array( 'y' => '1' ), 'priority' => 2 ) ) ) );
		ob_start();
		( new NSSync_Rules_Editor() )->render( array( 'id' => 'nssync_orders__rules', 'title' => 'Rules', 'value' => '[{"field":"x","unless":"y","set":{"a":"1"}}]' ) );
		$html = ob_get_clean();
		$this->assertStringContainsString( 'name="nssync_rules_mode" value="json"', $html );
		$this->assertStringContainsString( '<details class="nssync-rules-json" open>', $html );
	}

	public function test_the_editor_prints_rows_a_disabled_template_and_the_json() {
		ob_start();
		( new NSSync_Rules_Editor() )->render( array( 'id' => 'nssync_orders__rules', 'title' => 'Rules', 'value' => '[{"field":"payment_method","equals":"c<o>d","set":{"custbody_terms":"3"}}]', 'error' => '0.set: unknown field' ) );
		$html = ob_get_clean();
		$this->assertStringContainsString( 'name="nssync_rules_rows[0][field]" value="payment_method"', $html );
		$this->assertStringContainsString( 'value="c&lt;o&gt;d"', $html );
		$this->assertStringContainsString( 'name="nssync_rules_rows[__i__][field]" value="" placeholder="payment_method" disabled', $html );
		$this->assertStringContainsString( 'name="nssync_rules_mode" value="rows"', $html );
		$this->assertStringContainsString( '<textarea name="nssync_orders__rules"', $html );
		$this->assertStringContainsString( '0.set: unknown field', $html );
	}

	public function test_saving_rows_wins_over_the_json_and_empty_rows_are_dropped() {
		$map  = new NSSync_Settings_Map();
		$post = array(
			'nssync_rules_mode'    => 'rows',
			'nssync_rules_rows'    => array(
				'0'             => array( 'field' => ' payment_method ', 'op' => 'equals', 'value' => 'cod', 'set_field' => 'custbody_terms', 'set_value' => '3' ),
				'1712345678000' => array( 'field' => '', 'op' => 'equals', 'value' => '', 'set_field' => '', 'set_value' => '' ),
				'2'             => array( 'field' => 'x', 'op' => 'evil', 'value' => 'v', 'set_field' => 'y', 'set_value' => '1' ),
			),
			'nssync_orders__rules' => '[{"field":"stale","equals":"1","set":{"a":"b"}}]',
		);
		list( $patch, $errors ) = $map->patch_from_post( 'mappings', $post );
		$this->assertSame( array(), $errors );
		$this->assertSame(
			array(
				array( 'field' => 'payment_method', 'equals' => 'cod', 'set' => array( 'custbody_terms' => '3' ) ),
				array( 'field' => 'x', 'equals' => 'v', 'set' => array( 'y' => '1' ) ),
			),
			$patch['orders']['rules']
		);
		$post['nssync_rules_mode'] = 'json';
		list( $patch )             = $map->patch_from_post( 'mappings', $post );
		$this->assertSame( 'stale', $patch['orders']['rules'][0]['field'], 'in JSON mode the JSON is saved' );
	}
}
