<?php
/**
 * The plugin's signer (v2, DESIGN.md §3) against the vectors the sidecar's Python tests use
 * (tests/fixtures/signature-vectors.json), and the client signing exactly what it sends.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class SignatureTest extends TestCase {

	const SECRET = 'test-shared-secret-0123456789';

	private static function fixture() {
		$file = dirname( __DIR__, 3 ) . '/tests/fixtures/signature-vectors.json';
		return json_decode( (string) file_get_contents( $file ), true );
	}

	public function vector_provider() {
		$out = array();
		foreach ( self::fixture()['vectors'] as $v ) {
			$out[ $v['note'] ] = array( $v );
		}
		return $out;
	}

	/**
	 * @dataProvider vector_provider
	 */
	public function test_sign_matches_the_shared_vector( $v ) {
		$this->assertSame( $v['signature'], NSSync_Sidecar_Client::sign( $v['secret'], $v['timestamp'], $v['method'], $v['path'], $v['query'], $v['body'] ) );
		$this->assertSame( $v['signature'], NSSync_Sidecar_Client::sign( $v['secret'], (int) $v['timestamp'], strtolower( $v['method'] ), $v['path'], $v['query'], $v['body'] ), 'the method is signed upper-case' );
	}

	/**
	 * @dataProvider vector_provider
	 */
	public function test_the_client_sends_each_vector_request_with_the_vector_signature( $v ) {
		update_option( NSSync_Options::SHARED_SECRET, $v['secret'] );
		update_option( NSSync_Options::SIDECAR_URL, 'http://127.0.0.1:8765' );
		$GLOBALS['nssync_shim']['http'] = function () {
			return nssync_shim_response( 200, array( 'ok' => true ) );
		};
		$client = new class( new NSSync_Options(), (int) $v['timestamp'] ) extends NSSync_Sidecar_Client {
			private $at;
			public function __construct( $options, $at ) {
				parent::__construct( $options );
				$this->at = $at;
			}
			protected function now() {
				return $this->at;
			}
		};
		$target = $v['path'] . ( '' === $v['query'] ? '' : '?' . $v['query'] );
		$client->request( $v['method'], $target, '' === $v['body'] ? null : json_decode( $v['body'] ), 10 );
		$sent = $GLOBALS['nssync_shim']['requests'][0];
		$this->assertSame( 'http://127.0.0.1:8765' . $target, $sent['url'] );
		$this->assertSame( $v['timestamp'], $sent['args']['headers']['X-NSSync-Timestamp'] );
		$this->assertSame( $v['signature'], $sent['args']['headers']['X-NSSync-Signature'] );
	}

	public function test_the_retired_form_is_never_produced() {
		$fixture = self::fixture();
		$this->assertNotEmpty( $fixture['retired'] );
		foreach ( $fixture['retired'] as $r ) {
			foreach ( array( 'GET', 'POST', 'PUT' ) as $method ) {
				foreach ( array( '/v1/status', '/v1/events', '/v1/settings' ) as $path ) {
					$sig = NSSync_Sidecar_Client::sign( $r['secret'], $r['timestamp'], $method, $path, '', $r['body'] );
					$this->assertNotSame( $r['signature'], $sig );
					$this->assertStringStartsNotWith( 'sha256=', $sig );
				}
			}
		}
		// And the client's headers never carry it.
		update_option( NSSync_Options::SHARED_SECRET, 's3cret' );
		$GLOBALS['nssync_shim']['http'] = function () {
			return nssync_shim_response( 200, array() );
		};
		( new NSSync_Sidecar_Client( new NSSync_Options() ) )->get( '/v1/status' );
		$this->assertMatchesRegularExpression( '/^v2=[0-9a-f]{64}$/', $GLOBALS['nssync_shim']['requests'][0]['args']['headers']['X-NSSync-Signature'] );
	}

	public function test_there_are_enough_vectors_and_they_differ() {
		$sigs = array_column( self::fixture()['vectors'], 'signature' );
		$this->assertGreaterThanOrEqual( 8, count( $sigs ) );
		$this->assertSame( count( $sigs ), count( array_unique( $sigs ) ) );
	}

	public function test_any_change_changes_the_signature() {
		$base = NSSync_Sidecar_Client::sign( 'k', '1000', 'POST', '/v1/jobs/7/retry', '', '{"x":1}' );
		$this->assertMatchesRegularExpression( '/^v2=[0-9a-f]{64}$/', $base );
		foreach ( array(
			array( 'K', '1000', 'POST', '/v1/jobs/7/retry', '', '{"x":1}' ),
			array( 'k', '1001', 'POST', '/v1/jobs/7/retry', '', '{"x":1}' ),
			array( 'k', '1000', 'PUT', '/v1/jobs/7/retry', '', '{"x":1}' ),
			array( 'k', '1000', 'POST', '/v1/jobs/7/skip', '', '{"x":1}' ),
			array( 'k', '1000', 'POST', '/v1/jobs/7/retry', 'a=1', '{"x":1}' ),
			array( 'k', '1000', 'POST', '/v1/jobs/7/retry', '', '{"x":2}' ),
		) as $args ) {
			$this->assertNotSame( $base, NSSync_Sidecar_Client::sign( ...$args ), implode( ' ', $args ) );
		}
	}

	public function test_the_plugin_encodes_the_envelope_vector_byte_for_byte() {
		foreach ( self::fixture()['vectors'] as $v ) {
			if ( '' === $v['body'] ) {
				continue;
			}
			// What the plugin would send for this data is exactly the signed body (unicode and slashes unescaped).
			$this->assertSame( $v['body'], NSSync_Sidecar_Client::encode( json_decode( $v['body'] ) ), $v['note'] );
		}
	}

	public function test_path_and_query_come_from_the_url_sent_below_the_sidecar_prefix() {
		$this->assertSame( array( '/v1/jobs', 'status=failed&limit=5' ), NSSync_Sidecar_Client::signed_target( 'http://127.0.0.1:8765/v1/jobs?status=failed&limit=5', 'http://127.0.0.1:8765' ) );
		$this->assertSame( array( '/v1/status', '' ), NSSync_Sidecar_Client::signed_target( 'https://shop.example/nssync/v1/status', 'https://shop.example/nssync' ) );
		$this->assertSame( array( '/v1/netsuite/lookups/location', 'q=ware%20house' ), NSSync_Sidecar_Client::signed_target( 'http://h/v1/netsuite/lookups/location?q=ware%20house', 'http://h' ) );
		$this->assertSame( '/v1/netsuite/lookups/location?q=ware%20house', NSSync_Sidecar_Client::with_query( '/v1/netsuite/lookups/location', array( 'q' => 'ware house' ) ) );
		$this->assertSame( '/v1/jobs?status=failed&limit=50', NSSync_Sidecar_Client::with_query( '/v1/jobs', array( 'status' => 'failed', 'flow' => '', 'limit' => 50 ) ) );
	}

	public function test_request_signs_exactly_the_bytes_it_sends() {
		update_option( NSSync_Options::SHARED_SECRET, self::SECRET );
		update_option( NSSync_Options::SIDECAR_URL, 'http://127.0.0.1:9/prefix/' );
		$GLOBALS['nssync_shim']['http'] = function () {
			return nssync_shim_response( 200, array( 'ok' => true ) );
		};
		$client = new NSSync_Sidecar_Client( new NSSync_Options() );
		$client->put( '/v1/settings', array( 'orders' => array( 'memo' => 'Zoë / order {number}' ) ) );
		$client->get( '/v1/jobs?status=failed&limit=50' );
		$client->post( '/v1/jobs/7/skip' );

		list( $put, $get, $post ) = $GLOBALS['nssync_shim']['requests'];
		$this->assertSame( 'http://127.0.0.1:9/prefix/v1/settings', $put['url'] );
		$this->assertSame( 'PUT', $put['args']['method'] );
		$this->assertSame( '{"orders":{"memo":"Zoë / order {number}"}}', $put['args']['body'] );
		$h = $put['args']['headers'];
		$this->assertMatchesRegularExpression( '/^\d{10}$/', $h['X-NSSync-Timestamp'] );
		$this->assertEqualsWithDelta( time(), (int) $h['X-NSSync-Timestamp'], 5 );
		$this->assertSame( 'v2=' . hash_hmac( 'sha256', $h['X-NSSync-Timestamp'] . "\nPUT\n/v1/settings\n\n" . $put['args']['body'], self::SECRET ), $h['X-NSSync-Signature'] );
		$this->assertSame( 15, $put['args']['timeout'] );

		$this->assertNull( $get['args']['body'] );
		$this->assertSame( NSSync_Sidecar_Client::sign( self::SECRET, $get['args']['headers']['X-NSSync-Timestamp'], 'GET', '/v1/jobs', 'status=failed&limit=50', '' ), $get['args']['headers']['X-NSSync-Signature'] );
		$this->assertSame( NSSync_Sidecar_Client::sign( self::SECRET, $post['args']['headers']['X-NSSync-Timestamp'], 'POST', '/v1/jobs/7/skip', '', '{}' ), $post['args']['headers']['X-NSSync-Signature'] );
	}

	protected function setUp(): void {
		nssync_shim_reset();
	}
}
