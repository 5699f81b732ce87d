<?php
/**
 * The Connection section: secrets exactly as typed (WordPress's real formatting.php, a real generated secret),
 * OAuth 2.0 M2M beside TBA, a secret shown only as "stored", and a shared secret the sidecar refuses is not
 * stored while what was typed is kept.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class ConnectionTest extends TestCase {

	const SIDECAR_SECRET = 'the-sidecars-secret';

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Settings_Save */
	private $saver;

	/** @var bool */
	private $up = true;

	/** @var array|null */
	private $put_answer = null;

	protected function setUp(): void {
		nssync_shim_reset();
		NSSync_Settings_Save::reset();
		$this->options = new NSSync_Options();
		$this->saver   = new NSSync_Settings_Save( $this->options, new NSSync_Sidecar_Client( $this->options ), new NSSync_Settings_Map() );
		// A fake sidecar that checks the v2 signature with its own secret, as the real one does.
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			if ( ! $this->up ) {
				return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' );
			}
			list( $path, $query ) = NSSync_Sidecar_Client::signed_target( $url, 'http://127.0.0.1:8765' );
			$h = $args['headers'];
			if ( NSSync_Sidecar_Client::sign( self::SIDECAR_SECRET, $h['X-NSSync-Timestamp'], $args['method'], $path, $query, (string) $args['body'] ) !== $h['X-NSSync-Signature'] ) {
				return nssync_shim_response( 401, array( 'error' => array( 'code' => 'invalid_signature', 'message' => 'the request signature does not match' ) ) );
			}
			if ( 'PUT' === $args['method'] && $this->put_answer ) {
				return nssync_shim_response( $this->put_answer[0], $this->put_answer[1] );
			}
			return nssync_shim_response( 200, array( 'netsuite' => array( 'auth' => 'tba', 'set' => array() ) ) );
		};
	}

	private function puts() {
		return array_values( array_filter( $GLOBALS['nssync_shim']['requests'], function ( $r ) {
			return 'PUT' === $r['args']['method'];
		} ) );
	}

	/** A form post as PHP hands it to WordPress: slashed, as wp_magic_quotes() leaves $_POST. */
	private function post( $fields ) {
		$_POST = array_map( 'wp_slash', $fields );
		$this->saver->handle( '' );
		$_POST = array();
	}

	public function test_real_formatting_functions_are_loaded() {
		$this->assertTrue( NSSYNC_SHIM_REAL_WP );
		$this->assertStringContainsString( 'wp-includes', ( new ReflectionFunction( 'sanitize_text_field' ) )->getFileName() );
	}

	public function test_generated_secrets_reach_the_sidecar_and_wp_options_exactly_as_typed() {
		// WooCommerce makes webhook secrets with wp_generate_password( 50, true, true ); make sure this one holds
		// what sanitize_text_field() mangles (an octet like %41, "<", a run of spaces), as many real ones do.
		$webhook = wp_generate_password( 50, true, true ) . '%41<b  x';
		$this->assertNotSame( $webhook, sanitize_text_field( $webhook ), 'the secret is one that sanitizing would change' );
		$shared = self::SIDECAR_SECRET;
		$this->post(
			array(
				'nssync_sidecar_url'        => 'http://127.0.0.1:8765',
				'nssync_shared_secret'      => $shared,
				'nssync_wc_webhook_secret'  => $webhook,
				'nssync_wc_consumer_secret' => 'cs_ a\\b"c\'d',
				'nssync_ns_auth'            => 'tba',
			)
		);
		$this->assertSame( array(), NSSync_Settings_Save::field_errors() );
		$sent = json_decode( $this->puts()[0]['args']['body'], true );
		$this->assertSame( $webhook, $sent['woocommerce']['webhook_secret'] );
		$this->assertSame( 'cs_ a\\b"c\'d', $sent['woocommerce']['consumer_secret'], 'slashes removed once, nothing else' );
		$this->assertSame( $shared, $this->options->shared_secret() );
	}

	public function test_a_generated_shared_secret_is_stored_byte_for_byte() {
		$secret = '  ' . wp_generate_password( 50, true, true ) . ' %2F<x> ';
		$this->assertNotSame( $secret, sanitize_text_field( $secret ) );
		$this->up = false; // Unreachable: stored unchecked, to be used once the sidecar is up.
		$this->post( array( 'nssync_sidecar_url' => 'http://127.0.0.1:8765', 'nssync_shared_secret' => $secret ) );
		$this->assertSame( $secret, $this->options->shared_secret() );
		$this->assertStringContainsString( 'did not answer', implode( ' ', $GLOBALS['nssync_shim']['admin_errors'] ) );
	}

	public function test_oauth2_m2m_credentials_are_sent_and_tba_fields_of_the_other_mode_are_not() {
		update_option( NSSync_Options::SHARED_SECRET, self::SIDECAR_SECRET );
		$pem = "-----BEGIN " . "PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\r\n-----END " . "PRIVATE KEY-----\r\n";
		$this->post(
			array(
				'nssync_sidecar_url'        => 'http://127.0.0.1:8765',
				'nssync_ns_account_id'      => '1234567_SB1',
				'nssync_ns_auth'            => 'oauth2',
				'nssync_ns_auth_was'        => 'tba',
				'nssync_ns_client_id'       => 'client-abc',
				'nssync_ns_certificate_id'  => 'cert-xyz',
				'nssync_ns_private_key_pem' => $pem,
				'nssync_ns_token_secret'    => 'typed-before-switching',
			)
		);
		$this->assertSame(
			array(
				'netsuite' => array(
					'account_id'      => '1234567_SB1',
					'client_id'       => 'client-abc',
					'certificate_id'  => 'cert-xyz',
					'private_key_pem' => "-----BEGIN " . "PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END " . "PRIVATE KEY-----\n",
					'auth'            => 'oauth2',
				),
			),
			json_decode( $this->puts()[0]['args']['body'], true )
		);
	}

	public function test_switching_the_mode_alone_sends_the_mode() {
		update_option( NSSync_Options::SHARED_SECRET, self::SIDECAR_SECRET );
		$this->post( array( 'nssync_sidecar_url' => 'http://127.0.0.1:8765', 'nssync_ns_auth' => 'oauth2', 'nssync_ns_auth_was' => 'tba' ) );
		$this->assertSame( '{"netsuite":{"auth":"oauth2"}}', $this->puts()[0]['args']['body'] );
	}

	public function test_the_private_key_is_never_shown_only_set_and_oauth2_fields_are_marked_by_mode() {
		$view   = array( 'netsuite' => array( 'account_id' => '1', 'auth' => 'oauth2', 'client_id' => 'client-abc', 'set' => array( 'private_key_pem' => true, 'certificate_id' => true ) ) );
		$c      = new NSSync_Connection_Fields();
		$fields = array();
		foreach ( $c->fill_connection( $c->fields(), $view, 'http://127.0.0.1:8765', true, array() ) as $f ) {
			if ( isset( $f['id'] ) ) {
				$fields[ $f['id'] ] = $f;
			}
		}
		$this->assertSame( 'textarea', $fields['nssync_ns_private_key_pem']['type'] );
		$this->assertSame( '', $fields['nssync_ns_private_key_pem']['value'] );
		$this->assertStringContainsString( 'Stored in the sidecar', $fields['nssync_ns_private_key_pem']['desc'] );
		$this->assertStringContainsString( 'Stored in the sidecar', $fields['nssync_ns_certificate_id']['desc'] );
		$this->assertSame( 'client-abc', $fields['nssync_ns_client_id']['value'] );
		$this->assertSame( 'oauth2', $fields['nssync_ns_auth']['value'] );
		$this->assertSame( 'nssync-auth-oauth2', $fields['nssync_ns_client_id']['class'] );
		$this->assertSame( 'nssync-auth-tba', $fields['nssync_ns_token_id']['class'] );
		$this->assertStringContainsString( 'section=keys', $this->section_desc( $c->fields(), 'nssync_woocommerce' ), 'links to Advanced → REST API' );
	}

	private function section_desc( $fields, $id ) {
		foreach ( $fields as $f ) {
			if ( 'title' === $f['type'] && $id === $f['id'] ) {
				return $f['desc'];
			}
		}
		return '';
	}

	public function test_a_wrong_shared_secret_is_not_stored_and_what_was_typed_is_kept() {
		update_option( NSSync_Options::SHARED_SECRET, self::SIDECAR_SECRET );
		update_option( NSSync_Options::SIDECAR_URL, 'http://127.0.0.1:8765' );
		$this->post(
			array(
				'nssync_sidecar_url'     => 'http://127.0.0.1:8765',
				'nssync_shared_secret'   => 'a-wrong-secret',
				'nssync_ns_account_id'   => '1234567',
				'nssync_ns_consumer_key' => 'CK',
				'nssync_ns_auth'         => 'tba',
			)
		);
		$this->assertSame( self::SIDECAR_SECRET, $this->options->shared_secret(), 'the refused secret is not stored' );
		$this->assertSame( "The shared secret does not match the sidecar's.", NSSync_Settings_Save::field_errors()['nssync_shared_secret'] );
		$this->assertStringContainsString( "does not match the sidecar's at http://127.0.0.1:8765", $GLOBALS['nssync_shim']['admin_errors'][0] );
		$typed = NSSync_Settings_Save::rejected();
		$this->assertSame( '1234567', $typed['nssync_ns_account_id'] );
		$this->assertSame( 'CK', $typed['nssync_ns_consumer_key'] );

		// The form shows them again.
		$c      = new NSSync_Connection_Fields();
		$fields = array();
		foreach ( $c->fill_connection( $c->fields(), null, 'http://127.0.0.1:8765', true, NSSync_Settings_Save::field_errors(), $typed ) as $f ) {
			if ( isset( $f['id'] ) ) {
				$fields[ $f['id'] ] = $f;
			}
		}
		$this->assertSame( 'CK', $fields['nssync_ns_consumer_key']['value'] );
		$this->assertStringContainsString( 'nssync-field-error', $fields['nssync_shared_secret']['desc'] );
	}

	public function test_a_wrong_secret_on_first_pairing_leaves_it_unpaired() {
		$this->post( array( 'nssync_sidecar_url' => 'http://127.0.0.1:8765', 'nssync_shared_secret' => 'nope' ) );
		$this->assertFalse( $this->options->is_paired(), 'so the "not paired" notice stays' );
	}

	public function test_a_422_after_a_good_signature_stores_the_pairing_and_marks_every_bad_field() {
		$this->put_answer = array( 422, array( 'error' => array( 'code' => 'invalid_field', 'message' => '2 fields are invalid', 'field' => 'netsuite.account_id', 'errors' => array( array( 'field' => 'netsuite.account_id', 'message' => 'netsuite.account_id: not an account id' ), array( 'field' => 'woocommerce.url', 'message' => 'must be http(s)' ) ) ) ) );
		$this->post( array( 'nssync_sidecar_url' => 'http://127.0.0.1:8765', 'nssync_shared_secret' => self::SIDECAR_SECRET, 'nssync_ns_account_id' => 'x', 'nssync_wc_url' => 'http://shop.test' ) );
		$this->assertSame( array( 'nssync_ns_account_id' => 'not an account id', 'nssync_wc_url' => 'must be http(s)' ), NSSync_Settings_Save::field_errors() );
		$this->assertSame( self::SIDECAR_SECRET, $this->options->shared_secret() );
	}

	protected function tearDown(): void {
		$_POST = array();
	}
}
