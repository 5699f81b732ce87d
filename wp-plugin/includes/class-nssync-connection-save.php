<?php
/**
 * Saving the Connection section: the pairing (sidecar URL + shared secret, in wp_options) and the credentials
 * (sent to the sidecar, never stored in WordPress).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Secrets are used exactly as typed (only WordPress's slashes are removed: no sanitize_text_field(), no trim —
 * WooCommerce's own generated secrets hold `<`, `%XX` and spaces). A new shared secret is tried on the
 * sidecar before it is stored; one the sidecar refuses is not stored, and the form comes back with what was
 * typed.
 */
class NSSync_Connection_Save {

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/**
	 * @param NSSync_Options        $options Options.
	 * @param NSSync_Sidecar_Client $client  Sidecar client.
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client ) {
		$this->options = $options;
		$this->client  = $client;
	}

	/**
	 * Every posted field id of the section.
	 *
	 * @return string[]
	 */
	public static function field_ids() {
		return array_merge(
			array( 'nssync_sidecar_url', 'nssync_shared_secret', NSSync_Connection_Fields::AUTH_FIELD, 'nssync_ns_auth_was' ),
			array_keys( NSSync_Connection_Fields::CREDENTIAL_FIELDS )
		);
	}

	/**
	 * The `PUT /v1/credentials` body from the posted fields (empty fields are left out: the stored value stays).
	 *
	 * @param array $posted Field id => unslashed value.
	 * @return array
	 */
	public function credentials( $posted ) {
		$auth = isset( $posted[ NSSync_Connection_Fields::AUTH_FIELD ] ) && 'oauth2' === $posted[ NSSync_Connection_Fields::AUTH_FIELD ] ? 'oauth2' : 'tba';
		$out  = array();
		foreach ( NSSync_Connection_Fields::CREDENTIAL_FIELDS as $id => $def ) {
			list( $half, $key, $secret, $mode ) = $def;
			$raw = isset( $posted[ $id ] ) && is_string( $posted[ $id ] ) ? $posted[ $id ] : '';
			if ( '' === trim( $raw ) || ( '' !== $mode && $mode !== $auth ) ) {
				continue;
			}
			if ( 'url' === $key ) {
				$value = esc_url_raw( trim( $raw ), array( 'http', 'https' ) );
			} elseif ( 'private_key_pem' === $key ) {
				$value = str_replace( "\r\n", "\n", $raw ); // A textarea posts CRLF line ends; PEM is the same key either way.
			} elseif ( $secret ) {
				$value = $raw; // Exactly as typed.
			} else {
				$value = trim( sanitize_text_field( $raw ) );
			}
			$out[ $half ][ $key ] = $value;
		}
		$was = isset( $posted['nssync_ns_auth_was'] ) ? (string) $posted['nssync_ns_auth_was'] : '';
		if ( isset( $out['netsuite'] ) || ( '' !== $was && $was !== $auth ) ) {
			$out['netsuite']['auth'] = $auth;
		}
		return $out;
	}

	/**
	 * Check and store the pairing, send the credentials.
	 *
	 * @param array $posted Field id => unslashed value.
	 * @return bool Saved.
	 */
	public function save( $posted ) {
		$url = isset( $posted['nssync_sidecar_url'] ) ? esc_url_raw( trim( (string) $posted['nssync_sidecar_url'] ), array( 'http', 'https' ) ) : '';
		if ( '' === $url ) {
			WC_Admin_Settings::add_error( __( 'Enter the sidecar URL, e.g. http://127.0.0.1:8765.', 'netsuite-sync-for-woocommerce' ) );
			NSSync_Settings_Save::refused( array( 'nssync_sidecar_url' => __( 'Enter the sidecar URL.', 'netsuite-sync-for-woocommerce' ) ), $this->typed( $posted ) );
			return false;
		}
		$typed_secret = isset( $posted['nssync_shared_secret'] ) ? (string) $posted['nssync_shared_secret'] : '';
		$new_secret   = '' !== trim( $typed_secret );
		$secret       = $new_secret ? $typed_secret : $this->options->shared_secret();
		$changed      = $new_secret || rtrim( $url, '/' ) !== $this->options->sidecar_url();
		$credentials  = $this->credentials( $posted );

		if ( '' === $secret ) {
			WC_Admin_Settings::add_error( __( 'Enter the shared secret the sidecar printed when it started (or its SIDECAR_SHARED_SECRET).', 'netsuite-sync-for-woocommerce' ) );
			NSSync_Settings_Save::refused( array( 'nssync_shared_secret' => __( 'Enter the shared secret.', 'netsuite-sync-for-woocommerce' ) ), $this->typed( $posted ) );
			return false;
		}
		$client = $this->client->with_pairing( $url, $secret );
		try {
			if ( $credentials ) {
				$client->put( '/v1/credentials', $credentials, 15 );
			} elseif ( $changed ) {
				$client->get( '/v1/credentials', 10 ); // Only to check the pairing.
			}
		} catch ( NSSync_Sidecar_Exception $e ) {
			return $this->refused( $e, $url, $secret, $posted );
		}
		$this->store_pairing( $url, $secret );
		return true;
	}

	/**
	 * A save the sidecar did not accept: say why in plain words, keep what was typed.
	 *
	 * @param NSSync_Sidecar_Exception $e      Error.
	 * @param string                   $url    Sidecar URL.
	 * @param string                   $secret Shared secret tried.
	 * @param array                    $posted Posted values.
	 * @return bool False.
	 */
	private function refused( NSSync_Sidecar_Exception $e, $url, $secret, $posted ) {
		$errors = array();
		if ( $e->is_bad_secret() ) {
			// Nothing is stored: neither the URL nor a secret the sidecar refuses.
			$errors['nssync_shared_secret'] = __( 'The shared secret does not match the sidecar\'s.', 'netsuite-sync-for-woocommerce' );
			WC_Admin_Settings::add_error(
				sprintf(
					/* translators: %s: sidecar URL */
					__( 'Nothing was saved: the shared secret does not match the sidecar\'s at %s. Paste the secret the sidecar printed when it started (or its SIDECAR_SHARED_SECRET) and save again.', 'netsuite-sync-for-woocommerce' ),
					$url
				)
			);
		} elseif ( 0 === $e->get_status() ) {
			// Not reachable: the pairing cannot be checked now; keep it so it works once the sidecar is up.
			$this->store_pairing( $url, $secret );
			WC_Admin_Settings::add_error(
				sprintf(
					/* translators: 1: sidecar URL, 2: error */
					__( 'The sidecar URL and shared secret were saved, but the sidecar at %1$s did not answer, so the credentials were not sent (%2$s). Start the sidecar and save again.', 'netsuite-sync-for-woocommerce' ),
					$url,
					$e->getMessage()
				)
			);
		} else {
			// The sidecar checked the signature, so the pairing is right; a credential was refused.
			$this->store_pairing( $url, $secret );
			foreach ( $e->get_errors() as $fe ) {
				$id = $this->field_id( $fe['field'] );
				if ( $id ) {
					$errors[ $id ] = NSSync_Settings_Save::strip_field_prefix( $fe['message'], $fe['field'] );
				}
			}
			WC_Admin_Settings::add_error(
				$errors
					? __( 'The credentials were not saved: correct the fields marked below.', 'netsuite-sync-for-woocommerce' )
					: __( 'The credentials were not sent to the sidecar:', 'netsuite-sync-for-woocommerce' ) . ' ' . $e->getMessage()
			);
		}
		NSSync_Settings_Save::refused( $errors, $this->typed( $posted ) );
		return false;
	}

	/**
	 * @param string $url    Sidecar URL.
	 * @param string $secret Shared secret (exactly as typed).
	 */
	private function store_pairing( $url, $secret ) {
		$this->options->set_sidecar_url( $url );
		if ( $secret !== $this->options->shared_secret() ) {
			$this->options->set_shared_secret( $secret );
		}
	}

	/**
	 * The form field of a dotted credentials field (`netsuite.account_id`).
	 *
	 * @param string $dotted Field.
	 * @return string|null
	 */
	private function field_id( $dotted ) {
		foreach ( NSSync_Connection_Fields::CREDENTIAL_FIELDS as $id => $def ) {
			if ( $dotted === $def[0] . '.' . $def[1] ) {
				return $id;
			}
		}
		return null;
	}

	/**
	 * What was typed, to show again after a refused save (this user just posted it; nothing else sees it).
	 *
	 * @param array $posted Posted values.
	 * @return array
	 */
	private function typed( $posted ) {
		return array_filter( array_map( 'strval', array_intersect_key( $posted, array_flip( self::field_ids() ) ) ), 'strlen' );
	}
}
