<?php
/**
 * The Connection section's fields: sidecar pairing, NetSuite (OAuth 2.0 M2M or TBA) and WooCommerce keys.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * WooCommerce settings arrays of the Connection section, and their values: non-secret values the sidecar
 * returns, a "Stored in the sidecar" marker for each secret it holds (never the secret), or what was typed in
 * a save the sidecar refused.
 */
class NSSync_Connection_Fields {

	/**
	 * Connection form field => [credentials half, key, is secret, NetSuite auth mode it belongs to or ''].
	 * A secret is sent exactly as typed and never shown again, only "stored".
	 *
	 * @var array
	 */
	const CREDENTIAL_FIELDS = array(
		'nssync_ns_account_id'      => array( 'netsuite', 'account_id', false, '' ),
		'nssync_ns_consumer_key'    => array( 'netsuite', 'consumer_key', true, 'tba' ),
		'nssync_ns_consumer_secret' => array( 'netsuite', 'consumer_secret', true, 'tba' ),
		'nssync_ns_token_id'        => array( 'netsuite', 'token_id', true, 'tba' ),
		'nssync_ns_token_secret'    => array( 'netsuite', 'token_secret', true, 'tba' ),
		'nssync_ns_client_id'       => array( 'netsuite', 'client_id', false, 'oauth2' ),
		'nssync_ns_certificate_id'  => array( 'netsuite', 'certificate_id', false, 'oauth2' ),
		'nssync_ns_private_key_pem' => array( 'netsuite', 'private_key_pem', true, 'oauth2' ),
		'nssync_wc_url'             => array( 'woocommerce', 'url', false, '' ),
		'nssync_wc_consumer_key'    => array( 'woocommerce', 'consumer_key', true, '' ),
		'nssync_wc_consumer_secret' => array( 'woocommerce', 'consumer_secret', true, '' ),
		'nssync_wc_webhook_secret'  => array( 'woocommerce', 'webhook_secret', true, '' ),
	);

	const AUTH_FIELD = 'nssync_ns_auth';

	/**
	 * Connection: sidecar pairing, NetSuite (TBA or OAuth 2.0), WooCommerce. Every field says what to enter
	 * and where to find it.
	 *
	 * @return array
	 */
	public function fields() {
		$keys_url = admin_url( 'admin.php?page=wc-settings&tab=advanced&section=keys' );
		$hooks_url = admin_url( 'admin.php?page=wc-settings&tab=advanced&section=webhooks' );
		$fields    = array(
			$this->title( 'nssync_sidecar', __( 'Sidecar', 'netsuite-sync-for-woocommerce' ), sprintf(
				/* translators: 1: command, 2: environment variable */
				esc_html__( 'The NetSuite Sync sidecar does the syncing; this plugin forwards events to it and shows its state. Start it with %1$s and enter the shared secret it printed (or the value of %2$s).', 'netsuite-sync-for-woocommerce' ),
				'<code>sidecar serve</code>',
				'<code>SIDECAR_SHARED_SECRET</code>'
			) ),
			array(
				'id'    => 'nssync_sidecar_url',
				'title' => __( 'Sidecar URL', 'netsuite-sync-for-woocommerce' ),
				'type'  => 'url',
				'desc'  => esc_html__( 'Where this site reaches the sidecar: http://127.0.0.1:8765 when it runs on this server (its SIDECAR_BIND).', 'netsuite-sync-for-woocommerce' ),
			),
			array(
				'id'                => 'nssync_shared_secret',
				'title'             => __( 'Shared secret', 'netsuite-sync-for-woocommerce' ),
				'type'              => 'password',
				'secret'            => true,
				'custom_attributes' => array( 'autocomplete' => 'new-password' ),
				'desc'              => esc_html__( 'The sidecar\'s shared secret, pasted exactly (it signs every request). It is checked with the sidecar before it is saved.', 'netsuite-sync-for-woocommerce' ),
			),
			$this->end( 'nssync_sidecar' ),
			$this->title( 'nssync_netsuite', __( 'NetSuite', 'netsuite-sync-for-woocommerce' ), esc_html__( 'Sent to the sidecar on save and stored there, encrypted; never stored in WordPress. Leave a field empty to keep the stored value.', 'netsuite-sync-for-woocommerce' ) ),
			array(
				'id'    => 'nssync_ns_account_id',
				'title' => __( 'Account id', 'netsuite-sync-for-woocommerce' ),
				'type'  => 'text',
				'desc'  => esc_html__( 'Setup → Company → Company Information → Account ID, e.g. 1234567 or 1234567_SB1 for a sandbox.', 'netsuite-sync-for-woocommerce' ),
			),
			array(
				'id'      => self::AUTH_FIELD,
				'title'   => __( 'Authentication', 'netsuite-sync-for-woocommerce' ),
				'type'    => 'select',
				'class'   => 'nssync-auth-mode',
				'options' => array(
					'oauth2' => __( 'OAuth 2.0 machine-to-machine (certificate)', 'netsuite-sync-for-woocommerce' ),
					'tba'    => __( 'Token-based authentication (TBA)', 'netsuite-sync-for-woocommerce' ),
				),
				'desc'    => esc_html__( 'OAuth 2.0 M2M for new integrations: NetSuite closes TBA to new integrations from release 2027.1.', 'netsuite-sync-for-woocommerce' ),
			),
			$this->credential( 'nssync_ns_consumer_key', __( 'Consumer key', 'netsuite-sync-for-woocommerce' ), __( 'Setup → Integration → Manage Integrations → your integration (shown once when it is created).', 'netsuite-sync-for-woocommerce' ) ),
			$this->credential( 'nssync_ns_consumer_secret', __( 'Consumer secret', 'netsuite-sync-for-woocommerce' ), __( 'Shown with the consumer key.', 'netsuite-sync-for-woocommerce' ) ),
			$this->credential( 'nssync_ns_token_id', __( 'Token id', 'netsuite-sync-for-woocommerce' ), __( 'Setup → Users/Roles → Access Tokens → New, for the integration and a role with web services permissions.', 'netsuite-sync-for-woocommerce' ) ),
			$this->credential( 'nssync_ns_token_secret', __( 'Token secret', 'netsuite-sync-for-woocommerce' ), __( 'Shown with the token id.', 'netsuite-sync-for-woocommerce' ) ),
			$this->credential( 'nssync_ns_client_id', __( 'Client id', 'netsuite-sync-for-woocommerce' ), __( 'The integration record\'s client id (Setup → Integration → Manage Integrations, with "Client Credentials (Machine to Machine) Grant" checked).', 'netsuite-sync-for-woocommerce' ) ),
			$this->credential( 'nssync_ns_certificate_id', __( 'Certificate id', 'netsuite-sync-for-woocommerce' ), __( 'Setup → Integration → OAuth 2.0 Client Credentials (M2M) Setup: the id NetSuite gives the certificate you upload.', 'netsuite-sync-for-woocommerce' ) ),
			$this->credential( 'nssync_ns_private_key_pem', __( 'Private key', 'netsuite-sync-for-woocommerce' ), __( 'The PEM private key of that certificate (the whole private.pem file, BEGIN and END lines included). Once saved it is never shown again.', 'netsuite-sync-for-woocommerce' ) ),
			$this->end( 'nssync_netsuite' ),
			$this->title( 'nssync_woocommerce', __( 'WooCommerce (for the sidecar)', 'netsuite-sync-for-woocommerce' ), sprintf(
				/* translators: %s: link to WooCommerce → Settings → Advanced → REST API */
				esc_html__( 'The sidecar writes stock, prices, order status and tracking back through WooCommerce\'s REST API. Create a key with Read/Write permission under %s and paste it here.', 'netsuite-sync-for-woocommerce' ),
				'<a href="' . esc_url( $keys_url ) . '">' . esc_html__( 'WooCommerce → Settings → Advanced → REST API', 'netsuite-sync-for-woocommerce' ) . '</a>'
			) ),
			array(
				'id'    => 'nssync_wc_url',
				'title' => __( 'Store URL for the sidecar', 'netsuite-sync-for-woocommerce' ),
				'type'  => 'text',
				'desc'  => esc_html__( 'This site\'s address exactly as WordPress has it (scheme, www, no trailing slash): a redirect breaks signed calls.', 'netsuite-sync-for-woocommerce' ),
			),
			$this->credential( 'nssync_wc_consumer_key', __( 'REST consumer key', 'netsuite-sync-for-woocommerce' ), __( 'Starts with ck_.', 'netsuite-sync-for-woocommerce' ) ),
			$this->credential( 'nssync_wc_consumer_secret', __( 'REST consumer secret', 'netsuite-sync-for-woocommerce' ), __( 'Starts with cs_; shown once when the key is created.', 'netsuite-sync-for-woocommerce' ) ),
			$this->credential(
				'nssync_wc_webhook_secret',
				__( 'Webhook secret', 'netsuite-sync-for-woocommerce' ),
				'',
				sprintf(
					/* translators: %s: link to the webhooks screen */
					esc_html__( 'Optional. Only if you also point WooCommerce webhooks at the sidecar (%s; delivery URL: the sidecar URL followed by /v1/webhooks/woocommerce, which this plugin lets WordPress reach even on a private host or its own port): the secret set on those webhooks, which the sidecar uses to check that a delivery really comes from this store.', 'netsuite-sync-for-woocommerce' ),
					'<a href="' . esc_url( $hooks_url ) . '">' . esc_html__( 'Advanced → Webhooks', 'netsuite-sync-for-woocommerce' ) . '</a>'
				)
			),
			$this->end( 'nssync_woocommerce' ),
		);
		return $fields;
	}

	/**
	 * The NetSuite authentication mode to show: the sidecar's; TBA when it holds TBA credentials but does not
	 * say; OAuth 2.0 M2M for a new setup.
	 *
	 * @param array|null $view `GET /v1/credentials` answer.
	 * @return string tba or oauth2.
	 */
	public static function auth_mode( $view ) {
		if ( is_array( $view ) && isset( $view['netsuite']['auth'] ) && in_array( $view['netsuite']['auth'], array( 'tba', 'oauth2' ), true ) ) {
			return $view['netsuite']['auth'];
		}
		$set = ( is_array( $view ) && isset( $view['netsuite']['set'] ) && is_array( $view['netsuite']['set'] ) ) ? $view['netsuite']['set'] : array();
		return ( ! empty( $set['consumer_key'] ) || ! empty( $set['token_id'] ) ) ? 'tba' : 'oauth2';
	}

	/**
	 * One credential field.
	 *
	 * @param string $id   Field id (a CREDENTIAL_FIELDS key).
	 * @param string $title Title.
	 * @param string $desc  Plain-text help.
	 * @param string $html  Help already escaped (instead of $desc).
	 * @return array
	 */
	private function credential( $id, $title, $desc, $html = '' ) {
		list( , $key, $secret, $mode ) = self::CREDENTIAL_FIELDS[ $id ];
		$field = array(
			'id'    => $id,
			'title' => $title,
			'type'  => $secret ? ( 'private_key_pem' === $key ? 'textarea' : 'password' ) : 'text',
			'help'  => '' !== $html ? $html : esc_html( $desc ),
			'desc'  => '',
			'class' => '' === $mode ? '' : 'nssync-auth-' . $mode,
		);
		if ( $secret ) {
			$field['secret']            = true;
			$field['custom_attributes'] = array( 'autocomplete' => 'off', 'spellcheck' => 'false' );
			if ( 'textarea' === $field['type'] ) {
				$field['css'] = 'min-width:400px;min-height:120px;font-family:monospace;';
			}
		}
		return $field;
	}

	/**
	 * @param string $id    Section id.
	 * @param string $title Title.
	 * @param string $desc  Escaped description.
	 * @return array
	 */
	private function title( $id, $title, $desc ) {
		return array(
			'type'  => 'title',
			'id'    => $id,
			'title' => $title,
			'desc'  => $desc,
		);
	}

	/**
	 * @param string $id Section id.
	 * @return array
	 */
	private function end( $id ) {
		return array(
			'type' => 'sectionend',
			'id'   => $id,
		);
	}

	/**
	 * The Connection fields with values: the sidecar URL, non-secret credentials the sidecar returned, and a
	 * "Stored in the sidecar" marker on each secret it holds (a stored secret itself is never shown). After a
	 * refused save, what was typed is shown again instead ($typed), so nothing has to be typed twice.
	 *
	 * @param array      $fields Connection fields.
	 * @param array|null $view   `GET /v1/credentials` answer (null: unknown).
	 * @param string     $url    Stored sidecar URL.
	 * @param bool       $paired A shared secret is stored.
	 * @param array      $errors Field id => message.
	 * @param array|null $typed  Field id => value typed in a refused save, or null.
	 * @return array
	 */
	public function fill_connection( $fields, $view, $url, $paired, $errors, $typed = null ) {
		$auth = self::auth_mode( $view );
		foreach ( $fields as $i => $field ) {
			if ( ! isset( $field['id'] ) || in_array( $field['type'], array( 'title', 'sectionend' ), true ) ) {
				continue;
			}
			$id    = $field['id'];
			$value = '';
			$desc  = isset( $field['help'] ) ? $field['help'] : ( isset( $field['desc'] ) ? $field['desc'] : '' );
			if ( 'nssync_sidecar_url' === $id ) {
				$value = $url;
			} elseif ( 'nssync_shared_secret' === $id ) {
				$field['placeholder'] = $paired ? __( 'Saved — leave empty to keep', 'netsuite-sync-for-woocommerce' ) : '';
			} elseif ( self::AUTH_FIELD === $id ) {
				$value = $auth;
			} elseif ( isset( self::CREDENTIAL_FIELDS[ $id ] ) ) {
				list( $half, $key ) = self::CREDENTIAL_FIELDS[ $id ];
				$set                = is_array( $view ) && ! empty( $view[ $half ]['set'][ $key ] );
				$stored             = '<span class="nssync-stored">' . esc_html__( 'Stored in the sidecar', 'netsuite-sync-for-woocommerce' ) . '</span> ';
				if ( ! empty( $field['secret'] ) ) {
					$field['placeholder'] = $set ? __( 'Stored in the sidecar — leave empty to keep', 'netsuite-sync-for-woocommerce' ) : '';
					$desc                 = ( $set ? $stored : '' ) . $desc;
				} elseif ( is_array( $view ) && isset( $view[ $half ][ $key ] ) && is_scalar( $view[ $half ][ $key ] ) ) {
					$value = (string) $view[ $half ][ $key ];
				} elseif ( $set ) {
					$desc = $stored . $desc;
				} elseif ( 'nssync_wc_url' === $id ) {
					$value = home_url();
				}
			}
			if ( is_array( $typed ) && isset( $typed[ $id ] ) && '' !== $typed[ $id ] ) {
				$value = (string) $typed[ $id ];
			}
			$field['value'] = $value;
			$field['desc']  = $desc;
			unset( $field['secret'], $field['help'] );
			$fields[ $i ] = NSSync_Settings_Fields::with_error( $field, $errors );
		}
		return $fields;
	}
}
