<?php
/**
 * The "NetSuite" box on the order screen and the NetSuite column of the orders list (HPOS and legacy).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * The box asks the sidecar (`GET /v1/orders/<woo_id>`) for the order's sync state; the list column shows
 * what the plugin knows without a call per row: the pending outbox entry, else the last state remembered
 * on the order (`_nssync_state`, display state only).
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
	 * `add_meta_boxes`: on the legacy `shop_order` screen and on the HPOS orders screen.
	 */
	public function add_meta_box() {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$screen = function_exists( 'wc_get_page_screen_id' ) ? wc_get_page_screen_id( 'shop-order' ) : 'shop_order';
		add_meta_box( 'nssync-order-box', __( 'NetSuite', 'netsuite-sync-for-woocommerce' ), array( $this, 'render_box' ), $screen, 'side', 'default' );
	}

	/**
	 * The box.
	 *
	 * @param WP_Post|WC_Order $post_or_order Legacy screens pass the post, HPOS passes the order.
	 */
	public function render_box( $post_or_order ) {
		$order = ( $post_or_order instanceof WP_Post ) ? wc_get_order( $post_or_order->ID ) : $post_or_order;
		if ( ! $order || ! is_a( $order, 'WC_Order' ) ) {
			return;
		}
		$order_id = $order->get_id();
		$state    = null;
		$error    = '';
		try {
			$state = $this->client->get( '/v1/orders/' . $order_id, self::BOX_TIMEOUT );
		} catch ( NSSync_Sidecar_Exception $e ) {
			$error = 404 === $e->get_status()
				? __( 'The sidecar has no record of this order yet.', 'netsuite-sync-for-woocommerce' )
				: $e->getMessage();
		}
		$pending = $this->forwarder->pending_for_order( $order_id );
		if ( $state ) {
			$this->remember( $order, $state );
		}

		echo '<div class="nssync-order-box">';
		echo '<p><strong>' . esc_html__( 'Sales order:', 'netsuite-sync-for-woocommerce' ) . '</strong> ';
		$number = ( $state && ! empty( $state['ns_number'] ) ) ? (string) $state['ns_number'] : $this->sales_order_number( $order, null );
		echo esc_html( '' !== $number ? $number : '—' );
		if ( $state && ! empty( $state['ns_id'] ) ) {
			/* translators: %s: NetSuite internal id */
			echo ' <span class="description">' . esc_html( sprintf( __( '(internal id %s)', 'netsuite-sync-for-woocommerce' ), (string) $state['ns_id'] ) ) . '</span>';
		}
		echo '</p>';
		echo '<p><strong>' . esc_html__( 'Sync state:', 'netsuite-sync-for-woocommerce' ) . '</strong> ';
		echo '<mark class="nssync-state nssync-state-' . esc_attr( sanitize_html_class( $this->state_key( $state, $pending ) ) ) . '">' . esc_html( $this->state_label( $state, $pending ) ) . '</mark></p>';

		$last_error = ( $state && ! empty( $state['last_error'] ) ) ? (string) $state['last_error'] : '';
		if ( '' !== $last_error ) {
			echo '<p class="nssync-error"><strong>' . esc_html__( 'Last error:', 'netsuite-sync-for-woocommerce' ) . '</strong> ' . esc_html( $last_error ) . '</p>';
		}
		if ( $pending && '' !== $pending['last_error'] ) {
			echo '<p class="nssync-error"><strong>' . esc_html__( 'Forwarding:', 'netsuite-sync-for-woocommerce' ) . '</strong> ' . esc_html(
				sprintf(
					/* translators: 1: attempts, 2: error message */
					__( '%1$d failed attempts, retrying with back-off. %2$s', 'netsuite-sync-for-woocommerce' ),
					(int) $pending['attempts'],
					(string) $pending['last_error']
				)
			) . '</p>';
		}
		if ( '' !== $error ) {
			echo '<p class="description">' . esc_html( $error ) . '</p>';
		}
		if ( $state && ! empty( $state['history'] ) && is_array( $state['history'] ) ) {
			echo '<details><summary>' . esc_html__( 'History', 'netsuite-sync-for-woocommerce' ) . '</summary><ul class="nssync-history">';
			foreach ( array_slice( array_reverse( $state['history'] ), 0, 8 ) as $item ) {
				echo '<li>' . esc_html( $this->history_line( $item ) ) . '</li>';
			}
			echo '</ul></details>';
		}
		printf(
			'<p><button type="button" class="button nssync-resend" data-order-id="%d">%s</button> <span class="nssync-result" aria-live="polite"></span></p>',
			absint( $order_id ),
			esc_html__( 'Send to NetSuite again', 'netsuite-sync-for-woocommerce' )
		);
		echo '</div>';
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
			$label = $this->plain_state_label( (string) $remembered['state'] );
			$title = isset( $remembered['detail'] ) ? (string) $remembered['detail'] : '';
		} else {
			echo '<span class="na">&ndash;</span>';
			return;
		}
		printf( '<mark class="nssync-state nssync-state-%s" title="%s">%s</mark>', esc_attr( $key ), esc_attr( $title ), esc_html( $label ) );
	}

	/**
	 * The sales order number: the one the sidecar wrote back on the order through the REST API
	 * (`_netsuite_sales_order_number`), else the one remembered from the last look at the order box.
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

	/**
	 * Remember the sidecar's answer on the order for the list column.
	 *
	 * @param WC_Order $order Order.
	 * @param array    $state Sidecar answer.
	 */
	private function remember( $order, $state ) {
		$new = array(
			'state'     => isset( $state['status'] ) ? (string) $state['status'] : 'unknown',
			'ns_number' => isset( $state['ns_number'] ) ? (string) $state['ns_number'] : '',
			'detail'    => isset( $state['last_error'] ) ? substr( (string) $state['last_error'], 0, 300 ) : '',
			'at'        => time(),
		);
		$old = $order->get_meta( '_nssync_state' );
		if ( is_array( $old ) && $old['state'] === $new['state'] && ( isset( $old['ns_number'] ) ? $old['ns_number'] : '' ) === $new['ns_number'] ) {
			return;
		}
		$order->update_meta_data( '_nssync_state', $new );
		$order->save_meta_data();
	}

	/**
	 * @param array|null $state   Sidecar answer.
	 * @param array|null $pending Outbox entry.
	 * @return string
	 */
	private function state_key( $state, $pending ) {
		if ( $pending ) {
			return $pending['attempts'] > 0 ? 'retrying' : 'queued';
		}
		return ( $state && isset( $state['status'] ) ) ? (string) $state['status'] : 'unknown';
	}

	/**
	 * @param array|null $state   Sidecar answer.
	 * @param array|null $pending Outbox entry.
	 * @return string
	 */
	private function state_label( $state, $pending ) {
		if ( $pending ) {
			return $pending['attempts'] > 0
				? __( 'Waiting for the sidecar (retrying)', 'netsuite-sync-for-woocommerce' )
				: __( 'Queued for the sidecar', 'netsuite-sync-for-woocommerce' );
		}
		if ( ! $state ) {
			return __( 'Unknown', 'netsuite-sync-for-woocommerce' );
		}
		return $this->plain_state_label( isset( $state['status'] ) ? (string) $state['status'] : '' );
	}

	/**
	 * @param string $status Sidecar or plugin state.
	 * @return string
	 */
	private function plain_state_label( $status ) {
		$labels = array(
			'pending'  => __( 'Pending', 'netsuite-sync-for-woocommerce' ),
			'running'  => __( 'Running', 'netsuite-sync-for-woocommerce' ),
			'done'     => __( 'Exported', 'netsuite-sync-for-woocommerce' ),
			'exported' => __( 'Exported', 'netsuite-sync-for-woocommerce' ),
			'not_exported' => __( 'Not exported yet', 'netsuite-sync-for-woocommerce' ),
			'synced'   => __( 'Exported', 'netsuite-sync-for-woocommerce' ),
			'failed'   => __( 'Failed', 'netsuite-sync-for-woocommerce' ),
			'skipped'  => __( 'Skipped', 'netsuite-sync-for-woocommerce' ),
			'sent'     => __( 'Sent to sidecar', 'netsuite-sync-for-woocommerce' ),
			'retrying' => __( 'Retrying', 'netsuite-sync-for-woocommerce' ),
		);
		return isset( $labels[ $status ] ) ? $labels[ $status ] : ( '' === $status ? __( 'Unknown', 'netsuite-sync-for-woocommerce' ) : $status );
	}

	/**
	 * One history item as a line of text (the sidecar's shape is free-form: known keys first).
	 *
	 * @param mixed $item History item.
	 * @return string
	 */
	private function history_line( $item ) {
		if ( ! is_array( $item ) ) {
			return (string) $item;
		}
		$parts = array();
		foreach ( array( 'at', 'created_at', 'topic', 'source', 'status', 'outcome', 'message', 'error' ) as $key ) {
			if ( isset( $item[ $key ] ) && is_scalar( $item[ $key ] ) && '' !== (string) $item[ $key ] ) {
				$parts[] = (string) $item[ $key ];
			}
		}
		return $parts ? implode( ' · ', $parts ) : (string) wp_json_encode( $item );
	}
}
