<?php
/**
 * The plugin's signer against the vectors the sidecar's Python tests use (tests/fixtures/signature-vectors.json).
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class SignatureTest extends TestCase {

	private static function vectors() {
		$file = dirname( __DIR__, 3 ) . '/tests/fixtures/signature-vectors.json';
		$data = json_decode( (string) file_get_contents( $file ), true );
		return $data['vectors'];
	}

	public function vector_provider() {
		$out = array();
		foreach ( self::vectors() as $v ) {
			$out[ $v['note'] ] = array( $v['secret'], $v['timestamp'], $v['body'], $v['signature'] );
		}
		return $out;
	}

	/**
	 * @dataProvider vector_provider
	 */
	public function test_sign_matches_the_shared_vector( $secret, $timestamp, $body, $expected ) {
		$this->assertSame( $expected, NSSync_Sidecar_Client::sign( $secret, $timestamp, $body ) );
		$this->assertSame( $expected, NSSync_Sidecar_Client::sign( $secret, (int) $timestamp, $body ) );
	}

	public function test_there_are_enough_vectors_and_they_differ() {
		$sigs = array_column( self::vectors(), 'signature' );
		$this->assertGreaterThanOrEqual( 5, count( $sigs ) );
		$this->assertSame( count( $sigs ), count( array_unique( $sigs ) ) );
	}

	public function test_any_change_changes_the_signature() {
		$base = NSSync_Sidecar_Client::sign( 'k', '1000', '{"x":1}' );
		$this->assertNotSame( $base, NSSync_Sidecar_Client::sign( 'K', '1000', '{"x":1}' ) );
		$this->assertNotSame( $base, NSSync_Sidecar_Client::sign( 'k', '1001', '{"x":1}' ) );
		$this->assertNotSame( $base, NSSync_Sidecar_Client::sign( 'k', '1000', '{"x":2}' ) );
		$this->assertMatchesRegularExpression( '/^sha256=[0-9a-f]{64}$/', $base );
	}

	public function test_the_plugin_encodes_the_envelope_vector_byte_for_byte() {
		foreach ( self::vectors() as $v ) {
			if ( '' === $v['body'] ) {
				continue;
			}
			// What the plugin would send for this data is exactly the signed body (unicode and slashes unescaped).
			$this->assertSame( $v['body'], NSSync_Sidecar_Client::encode( json_decode( $v['body'] ) ), $v['note'] );
		}
	}

	public function test_request_signs_exactly_the_bytes_it_sends() {
		update_option( NSSync_Options::SHARED_SECRET, 'test-shared-secret-0123456789' );
		update_option( NSSync_Options::SIDECAR_URL, 'http://127.0.0.1:9/' );
		$GLOBALS['nssync_shim']['http'] = function () {
			return nssync_shim_response( 200, array( 'ok' => true ) );
		};
		$client = new NSSync_Sidecar_Client( new NSSync_Options() );
		$client->put( '/v1/settings', array( 'orders' => array( 'memo' => 'Zoë / order {number}' ) ) );
		$client->get( '/v1/settings' );

		list( $put, $get ) = $GLOBALS['nssync_shim']['requests'];
		$this->assertSame( 'http://127.0.0.1:9/v1/settings', $put['url'] );
		$this->assertSame( 'PUT', $put['args']['method'] );
		$this->assertSame( '{"orders":{"memo":"Zoë / order {number}"}}', $put['args']['body'] );
		$h = $put['args']['headers'];
		$this->assertMatchesRegularExpression( '/^\d{10}$/', $h['X-NSSync-Timestamp'] );
		$this->assertEqualsWithDelta( time(), (int) $h['X-NSSync-Timestamp'], 5 );
		$this->assertSame( hash_hmac( 'sha256', $h['X-NSSync-Timestamp'] . '.' . $put['args']['body'], 'test-shared-secret-0123456789' ), substr( $h['X-NSSync-Signature'], 7 ) );
		$this->assertSame( 15, $put['args']['timeout'] );

		$this->assertNull( $get['args']['body'] );
		$this->assertSame( NSSync_Sidecar_Client::sign( 'test-shared-secret-0123456789', $get['args']['headers']['X-NSSync-Timestamp'], '' ), $get['args']['headers']['X-NSSync-Signature'] );
	}

	protected function setUp(): void {
		nssync_shim_reset();
	}
}
