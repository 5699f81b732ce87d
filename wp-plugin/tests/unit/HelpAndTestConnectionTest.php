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
				'netsuite'    => array(
					'ok'        => false,
					'error'     => 'INVALID_LOGIN_ATTEMPT',
					'diagnosis' => array( 'likely_causes' => array( 'The token was revoked', 'The role lacks web services' ) ),
				),
				'woocommerce' => array( 'ok' => true ),
			)
		);
		$this->assertSame( array( 'netsuite', 'woocommerce' ), array_column( $rows, 'system' ) );
		$this->assertFalse( $rows[0]['ok'] );
		$this->assertSame( 'INVALID_LOGIN_ATTEMPT', $rows[0]['error'] );
		$this->assertSame( array( 'The token was revoked', 'The role lacks web services' ), $rows[0]['causes'] );
		$this->assertSame( array(), $rows[1]['causes'] );
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
			return nssync_shim_response( 200, array( 'netsuite' => array( 'ok' => false, 'error' => 'x', 'diagnosis' => array( 'likely_causes' => array( 'A' ) ) ) ) );
		};
		$options = new NSSync_Options();
		$client  = new NSSync_Sidecar_Client( $options );
		$ajax    = new NSSync_Ajax( $options, $client, new NSSync_Forwarder( $options, $client, new NSSync_Payloads() ) );
		try {
			$ajax->test_connection();
			$this->fail( 'no JSON sent' );
		} catch ( NSSync_Shim_Json $sent ) {
			$this->assertSame( array( 'A' ), $sent->data['rows'][0]['causes'] );
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
