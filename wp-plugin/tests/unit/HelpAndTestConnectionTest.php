<?php
/**
 * Test connection shows the sidecar's likely causes; the settings tab has a Help tab.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class HelpAndTestConnectionTest extends TestCase {

	protected function setUp(): void {
		nssync_shim_reset();
		$_GET = array();
	}

	public function test_rows_carry_the_likely_causes_of_a_failed_system() {
		$rows = NSSync_Ajax::test_rows(
			array(
				// As sidecar/clients/netsuite_diagnosis.py answers a refused login.
				'netsuite'    => array(
					'ok'        => false,
					'error'     => 'NetSuite refused the login (401 INVALID_LOGIN). NetSuite gives this same answer for every login problem; the likely causes are listed in order.',
					'diagnosis' => array(
						'auth'          => 'tba',
						'realm'         => '1234567_SB1',
						'status'        => 401,
						'code'          => 'INVALID_LOGIN',
						'clock_skew_s'  => 0.2,
						'likely_causes' => array(
							array( 'audit_code' => 'InvalidSignature', 'cause' => 'The consumer secret or token secret is wrong.' ),
							array( 'audit_code' => 'InvalidToken', 'cause' => 'The token was revoked <or> belongs to another account.' ),
						),
						'where_to_look' => 'Setup > Users/Roles > View Login Audit Trail',
					),
				),
				'woocommerce' => array( 'ok' => true, 'read' => true, 'write' => true, 'auth' => 'basic' ),
			)
		);
		$this->assertSame( array( 'netsuite', 'woocommerce' ), array_column( $rows, 'system' ) );
		$this->assertFalse( $rows[0]['ok'] );
		$this->assertStringStartsWith( 'NetSuite refused the login (401 INVALID_LOGIN)', $rows[0]['error'] );
		$this->assertSame(
			array( 'The consumer secret or token secret is wrong. (Login Audit Trail: InvalidSignature)', 'The token was revoked <or> belongs to another account. (Login Audit Trail: InvalidToken)' ),
			$rows[0]['causes'],
			'each cause the sidecar sends, with its audit trail code (the objects were dropped: no cause was shown)'
		);
		$this->assertSame( array(), $rows[1]['causes'] );
		$this->assertSame( array( 'An older answer' ), NSSync_Ajax::test_rows( array( 'netsuite' => array( 'ok' => false, 'diagnosis' => array( 'likely_causes' => array( 'An older answer' ) ) ) ) )[0]['causes'] );
	}

	public function test_a_top_level_diagnosis_is_used_for_the_failed_system() {
		$rows = NSSync_Ajax::test_rows(
			array(
				'netsuite'    => array( 'ok' => true ),
				'woocommerce' => array( 'ok' => false, 'error' => '401' ),
				'diagnosis'   => array( 'likely_causes' => array( 'The REST key is read-only' ) ),
			)
		);
		$this->assertSame( array(), $rows[0]['causes'] );
		$this->assertSame( array( 'The REST key is read-only' ), $rows[1]['causes'] );
	}

	public function test_the_ajax_answer_includes_the_rows() {
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		$GLOBALS['nssync_shim']['http'] = function () {
			return nssync_shim_response( 200, array( 'netsuite' => array( 'ok' => false, 'error' => 'x', 'diagnosis' => array( 'likely_causes' => array( array( 'audit_code' => 'InvalidSignature', 'cause' => 'A' ) ) ) ), 'woocommerce' => array( 'ok' => false, 'read' => false, 'write' => false, 'error' => 'woocommerce credentials are not complete' ) ) );
		};
		$options = new NSSync_Options();
		$client  = new NSSync_Sidecar_Client( $options );
		$ajax    = new NSSync_Ajax( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) );
		try {
			$ajax->test_connection();
			$this->fail( 'no JSON sent' );
		} catch ( NSSync_Shim_Json $sent ) {
			$this->assertSame( array( 'A (Login Audit Trail: InvalidSignature)' ), $sent->data['rows'][0]['causes'] );
		}
	}

	public function test_help_tabs_on_the_netsuite_tab_only() {
		$screen = new class() {
			public $id   = 'woocommerce_page_wc-settings';
			public $tabs = array();
			public function add_help_tab( $tab ) {
				$this->tabs[] = $tab;
			}
		};
		$options = new NSSync_Options();
		$client  = new NSSync_Sidecar_Client( $options );
		$admin   = new NSSync_Admin( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) );
		$admin->add_help_tab( $screen );
		$this->assertSame( array(), $screen->tabs, 'not on other settings tabs' );
		$_GET['tab'] = 'nssync';
		$admin->add_help_tab( $screen );
		$this->assertCount( 2, $screen->tabs );
		$this->assertStringContainsString( 'section=keys', $screen->tabs[0]['content'] );
	}

	protected function tearDown(): void {
		$_GET = array();
	}
}
