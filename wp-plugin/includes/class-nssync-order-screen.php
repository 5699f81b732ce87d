<?php
/**
 * The "NetSuite" box on the order screen and the NetSuite column of the orders list (HPOS and legacy).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * The box renders at once with what WordPress knows (a pending outbox entry) and a placeholder; the browser
 * then asks admin-ajax (`nssync_order_state`) for the sidecar's state (`GET /v1/orders/<woo_id>`), so the
 * order screen never waits on the sidecar, and viewing an order writes nothing. The list column shows what
 * the plugin knows without a call per row: the pending outbox entry, else the sales order number the sidecar
 * wrote back, else the forwarding state (`_nssync_state`).
 */
class NSSync_Order_Screen {

	const BOX_TIMEOUT = 5;

	/** @var NSSync_Options */
	private $options;

	/** @var NSSync_Sidecar_Client */
	private $client;

	/** @var NSSync_Forwarder */
	private $forwarder;

	/**
	 * @param NSSync_Options        $options   Options.
	 * @param NSSync_Sidecar_Client $client    Sidecar client.
	 * @param NSSync_Forwarder      $forwarder Forwarder.
	 */
	public function __construct( NSSync_Options $options, NSSync_Sidecar_Client $client, NSSync_Forwarder $forwarder ) {
		$this->options   = $options;
		$this->client    = $client;
		$this->forwarder = $forwarder;
	}

	/**
	 * `add_meta_boxes`: high in the sidebar, on the legacy `shop_order` screen and on the HPOS orders screen.
	 */
	public function add_meta_box() {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$screen = function_exists( 'wc_get_page_screen_id' ) ? wc_get_page_screen_id( 'shop-order' ) : 'shop_order';
		add_meta_box( 'nssync-order-box', __( 'NetSuite', 'netsuite-sync-for-woocommerce' ), array( $this, 'render_box' ), $screen, 'side', 'high' );
	}

	/**
	 * The box: no sidecar call here (the state is fetched after the page has loaded).
	 *
	 * @param WP_Post|WC_Order $post_or_order Legacy screens pass the post, HPOS passes the order.
	 */
	public function render_box( $post_or_order ) {
		$order = ( $post_or_order instanceof WP_Post ) ? wc_get_order( $post_or_order->ID ) : $post_or_order;
		if ( ! $order || ! is_a( $order, 'WC_Order' ) ) {
			return;
		}
		$order_id = $order->get_id();
		echo '<div class="nssync-order-box" data-order-id="' . absint( $order_id ) . '">';
		echo '<div class="nssync-order-state" aria-live="polite"><p class="nssync-loading"><span class="spinner is-active" style="float:none;margin:0 4px 0 0"></span>' . esc_html__( 'Asking the sidecar…', 'netsuite-sync-for-woocommerce' ) . '</p>';
		echo ( new NSSync_Order_Box_View() )->pending( $this->forwarder->pending_for_order( $order_id ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the view escapes.
		echo '</div>';
		printf(
			'<p><button type="button" class="button nssync-resend" data-order-id="%d">%s</button> <span class="nssync-result" aria-live="polite"></span></p>',
			absint( $order_id ),
			esc_html__( 'Send to NetSuite again', 'netsuite-sync-for-woocommerce' )
		);
		// A dry run, asked only when clicked: what would be sent now, the customer, every problem.
		printf(
			'<p><button type="button" class="button nssync-preview-order" data-order-id="%d">%s</button> <span class="nssync-result" aria-live="polite"></span></p><div class="nssync-preview" aria-live="polite"></div>',
			absint( $order_id ),
			esc_html__( 'Preview NetSuite sales order', 'netsuite-sync-for-woocommerce' )
		);
		echo '</div>';
	}

	/**
	 * The box's content for admin-ajax: the sidecar's state of the order as HTML (nothing is written).
	 *
	 * @param int $order_id Order id.
	 * @return string HTML.
	 */
	public function state_html( $order_id ) {
		$state = null;
		$error = '';
		try {
			$state = $this->client->get( '/v1/orders/' . absint( $order_id ), self::BOX_TIMEOUT );
		} catch ( NSSync_Sidecar_Exception $e ) {
			if ( 404 !== $e->get_status() ) {
				$error = 0 === $e->get_status()
					? __( 'The sidecar does not answer, so its state of this order is unknown for now.', 'netsuite-sync-for-woocommerce' )
					: $e->getMessage();
			}
		}
		return ( new NSSync_Order_Box_View() )->render( $state, $this->forwarder->pending_for_order( $order_id ), $error );
	}

	/**
	 * Columns filter (legacy and HPOS lists): add "NetSuite" after the status column.
	 *
	 * @param array $columns Columns.
	 * @return array
	 */
	public function add_column( $columns ) {
		$out = array();
		foreach ( $columns as $key => $label ) {
			$out[ $key ] = $label;
			if ( 'order_status' === $key ) {
				$out['nssync'] = __( 'NetSuite', 'netsuite-sync-for-woocommerce' );
			}
		}
		if ( ! isset( $out['nssync'] ) ) {
			$out['nssync'] = __( 'NetSuite', 'netsuite-sync-for-woocommerce' );
		}
		return $out;
	}

	/**
	 * Legacy list: `manage_shop_order_posts_custom_column`.
	 *
	 * @param string $column  Column.
	 * @param int    $post_id Order id.
	 */
	public function render_legacy_column( $column, $post_id ) {
		if ( 'nssync' === $column ) {
			$this->render_cell( wc_get_order( $post_id ) );
		}
	}

	/**
	 * HPOS list: `manage_woocommerce_page_wc-orders_custom_column`.
	 *
	 * @param string   $column Column.
	 * @param WC_Order $order  Order.
	 */
	public function render_hpos_column( $column, $order ) {
		if ( 'nssync' === $column ) {
			$this->render_cell( $order );
		}
	}

	/**
	 * One cell of the column.
	 *
	 * @param WC_Order|false $order Order.
	 */
	private function render_cell( $order ) {
		if ( ! $order ) {
			return;
		}
		$pending    = $this->forwarder->pending_for_order( $order->get_id() );
		$remembered = $order->get_meta( '_nssync_state' );
		$remembered = is_array( $remembered ) ? $remembered : null;
		$number     = $this->sales_order_number( $order, $remembered );
		if ( $pending ) {
			$key   = $pending['attempts'] > 0 ? 'retrying' : 'queued';
			$label = $pending['attempts'] > 0 ? __( 'Retrying', 'netsuite-sync-for-woocommerce' ) : __( 'Queued', 'netsuite-sync-for-woocommerce' );
			$title = (string) $pending['last_error'];
		} elseif ( $remembered && 'failed' === $remembered['state'] ) {
			$key   = 'failed';
			$label = __( 'Failed', 'netsuite-sync-for-woocommerce' );
			$title = isset( $remembered['detail'] ) ? (string) $remembered['detail'] : '';
		} elseif ( '' !== $number ) {
			$key   = 'exported';
			$label = $number;
			$title = __( 'NetSuite sales order', 'netsuite-sync-for-woocommerce' );
		} elseif ( $remembered ) {
			$key   = sanitize_html_class( (string) $remembered['state'] );
			$label = NSSync_Order_Box_View::state_label( (string) $remembered['state'] );
			$title = isset( $remembered['detail'] ) ? (string) $remembered['detail'] : '';
		} else {
			echo '<span class="na">&ndash;</span>';
			return;
		}
		printf( '<mark class="nssync-state nssync-state-%s" title="%s">%s</mark>', esc_attr( $key ), esc_attr( $title ), esc_html( $label ) );
	}

	/**
	 * The sales order number the sidecar wrote back on the order through the REST API
	 * (`_netsuite_sales_order_number`), else one kept in the forwarding state.
	 *
	 * @param WC_Order   $order      Order.
	 * @param array|null $remembered `_nssync_state`.
	 * @return string
	 */
	private function sales_order_number( $order, $remembered ) {
		$number = (string) $order->get_meta( '_netsuite_sales_order_number' );
		if ( '' === $number && $remembered && ! empty( $remembered['ns_number'] ) ) {
			$number = (string) $remembered['ns_number'];
		}
		return $number;
	}
}
