<?php
/**
 * Dry runs from wp-admin: "Preview NetSuite sales order" in the order box, and "Try these settings" on the
 * Mappings section (admin-ajax; nothing is saved or sent).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Relays `POST /v1/preview/orders/<woo_id>` and `POST /v1/preview/settings` (DESIGN.md §3, issue 16). "Try these
 * settings" turns the Mappings form's unsaved values into settings exactly as Save does
 * (NSSync_Settings_Map::patch_from_post), and places a 422's field errors on their form fields as Save does
 * (NSSync_Settings_Save::place_errors), without saving anything.
 */
class NSSync_Preview {

	/**
	 * admin-ajax action => method (the nonce action equals the ajax action).
	 *
	 * @var array
	 */
	const ACTIONS = array(
		'nssync_preview_order'    => 'preview_order',
		'nssync_preview_settings' => 'preview_settings',
	);

	const TIMEOUT       = 45; // A preview reads WooCommerce and NetSuite.
	const DEFAULT_LIMIT = 10;
	const MAX_LIMIT     = 50;

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Settings_Map */
	private $map;

	/**
	 * @param NSSync_Options           $options Options.
	 * @param NSSync_Sidecar_Client    $client  Sidecar client.
	 * @param NSSync_Settings_Map|null $map     Form ↔ settings map.
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, $map = null ) {
		$this->options = $options;
		$this->client  = $client;
		$this->map     = $map ? $map : new NSSync_Settings_Map();
	}

	/**
	 * `nssync_preview_order`: what exporting this order would send now, as HTML for the order box.
	 */
	public function preview_order() {
		NSSync_Ajax::guard( 'nssync_preview_order' );
		$order_id = absint( self::field( 'order_id' ) );
		if ( ! $order_id || ! wc_get_order( $order_id ) ) {
			wp_send_json_error( array( 'message' => __( 'Order not found.', 'netsuite-sync-for-woocommerce' ) ), 404 );
		}
		try {
			$preview = $this->client->post( '/v1/preview/orders/' . $order_id, null, self::TIMEOUT );
		} catch ( NSSync_Sidecar_Exception $e ) {
			wp_send_json_error( array( 'message' => self::error_text( $e ) ) );
			return;
		}
		wp_send_json_success(
			array(
				'ok'       => ! empty( $preview['ok'] ) && ! NSSync_Preview_View::problems_of( $preview ),
				'problems' => count( NSSync_Preview_View::problems_of( $preview ) ),
				'html'     => ( new NSSync_Preview_View() )->order( $preview ),
			)
		);
	}

	/**
	 * `nssync_preview_settings`: the Mappings form as posted (not saved) tried on the newest orders.
	 */
	public function preview_settings() {
		NSSync_Ajax::guard( 'nssync_preview_settings' );
		$limit = absint( self::field( 'limit' ) );
		$limit = $limit ? min( self::MAX_LIMIT, $limit ) : self::DEFAULT_LIMIT;
		list( $patch, $errors ) = $this->map->patch_from_post( 'mappings', NSSync_Settings_Save::posted_values( NSSync_Settings_Save::field_ids( $this->map, 'mappings' ) ) );
		if ( $errors ) {
			wp_send_json_error(
				array(
					'message'      => __( 'Correct the fields marked in red first; nothing was tried or saved.', 'netsuite-sync-for-woocommerce' ),
					'field_errors' => $errors,
				)
			);
		}
		try {
			$answer = $this->client->post(
				'/v1/preview/settings',
				array(
					'settings' => $patch,
					'limit'    => $limit,
				),
				self::TIMEOUT
			);
		} catch ( NSSync_Sidecar_Exception $e ) {
			$saver                        = new NSSync_Settings_Save( $this->options, $this->client, $this->map );
			list( $fields, $elsewhere )   = $saver->place_errors( 'mappings', $e );
			$message                      = $fields || $elsewhere
				? __( 'The sidecar refused these settings (nothing was saved):', 'netsuite-sync-for-woocommerce' ) . ( $elsewhere ? ' ' . implode( '; ', $elsewhere ) : ' ' . __( 'see the fields marked in red.', 'netsuite-sync-for-woocommerce' ) )
				: self::error_text( $e );
			wp_send_json_error(
				array(
					'message'      => $message,
					'field_errors' => $fields,
				)
			);
			return;
		}
		wp_send_json_success(
			array(
				'orders'   => isset( $answer['orders'] ) && is_array( $answer['orders'] ) ? count( $answer['orders'] ) : 0,
				'problems' => isset( $answer['problems'] ) ? (int) $answer['problems'] : 0,
				'html'     => ( new NSSync_Preview_View() )->orders( $answer ),
			)
		);
	}

	/**
	 * A failed preview in plain words (the sidecar down, not paired, or its own message).
	 *
	 * @param NSSync_Sidecar_Exception $e Failure.
	 * @return string
	 */
	public static function error_text( NSSync_Sidecar_Exception $e ) {
		if ( 'not_paired' === $e->get_error_code() ) {
			return $e->getMessage();
		}
		if ( 0 === $e->get_status() ) {
			return __( 'The sidecar does not answer, so no preview can be made now. Check that it is running; nothing was sent.', 'netsuite-sync-for-woocommerce' );
		}
		/* translators: %s: the sidecar's message */
		return sprintf( __( 'The sidecar could not make the preview: %s', 'netsuite-sync-for-woocommerce' ), $e->getMessage() );
	}

	/**
	 * The Mappings section's "Try these settings" block (printed below the fields, inside the settings form).
	 */
	public static function try_block() {
		/* translators: %d: number of orders */
		$label = __( 'Try these settings on the last %d orders', 'netsuite-sync-for-woocommerce' );
		echo '<div class="nssync-try" id="nssync-try"><h2>' . esc_html__( 'Try before saving', 'netsuite-sync-for-woocommerce' ) . '</h2>';
		echo '<p>' . esc_html__( 'A dry run of the mappings above as they are on this page, saved or not, on the newest orders in the export statuses: the sales order each would become and every problem. Nothing is saved or sent.', 'netsuite-sync-for-woocommerce' ) . '</p>';
		echo '<p><label for="nssync-try-limit">' . esc_html__( 'Orders', 'netsuite-sync-for-woocommerce' ) . '</label> <input type="number" id="nssync-try-limit" class="small-text" min="1" max="' . esc_attr( (string) self::MAX_LIMIT ) . '" value="' . esc_attr( (string) self::DEFAULT_LIMIT ) . '"> ';
		echo '<button type="button" class="button" id="nssync-try-settings" data-label="' . esc_attr( $label ) . '">' . esc_html( sprintf( $label, self::DEFAULT_LIMIT ) ) . '</button> <span class="nssync-result" aria-live="polite"></span></p>';
		echo '<div id="nssync-try-results" aria-live="polite"></div></div>';
	}

	/**
	 * A sanitized POST field (the guard ran first).
	 *
	 * @param string $name Field.
	 * @return string
	 */
	private static function field( $name ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- NSSync_Ajax::guard() ran first in every handler.
		return isset( $_POST[ $name ] ) ? sanitize_text_field( wp_unslash( $_POST[ $name ] ) ) : '';
	}
}
