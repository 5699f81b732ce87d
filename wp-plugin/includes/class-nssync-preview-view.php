<?php
/**
 * A dry run's answer as HTML: what exporting an order would do, the customer, every problem, the body.
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders `POST /v1/preview/orders/<id>` (`{order_id, number, status, ok, would, sales_order, customer,
 * problems}`) and `POST /v1/preview/settings` (`{saved: false, orders: [...], problems: n}`) defensively (every
 * part may be absent). Returns escaped HTML; prints nothing.
 */
class NSSync_Preview_View {

	/**
	 * One order's preview: the verdict, what would happen, the customer, the problems, the lines and the body.
	 *
	 * @param array $p        Preview.
	 * @param bool  $compact  In a list of orders (no repeated "nothing was sent" line).
	 * @return string HTML.
	 */
	public function order( $p, $compact = false ) {
		$problems = self::problems_of( $p );
		$ok       = ! empty( $p['ok'] ) && ! $problems;
		$html     = '<div class="nssync-preview-result">';
		$html    .= '<p><mark class="nssync-state nssync-state-' . ( $ok ? 'done' : 'failed' ) . '">' . esc_html( $ok ? __( 'Would go through', 'netsuite-sync-for-woocommerce' ) : sprintf( /* translators: %d: number of problems */ _n( '%d problem', '%d problems', max( 1, count( $problems ) ), 'netsuite-sync-for-woocommerce' ), max( 1, count( $problems ) ) ) ) . '</mark> ';
		$html    .= esc_html( self::would_text( isset( $p['would'] ) && is_scalar( $p['would'] ) ? (string) $p['would'] : '' ) ) . '</p>';
		$html    .= '<p class="nssync-preview-customer"><strong>' . esc_html__( 'Customer:', 'netsuite-sync-for-woocommerce' ) . '</strong> ' . esc_html( self::customer_text( isset( $p['customer'] ) && is_array( $p['customer'] ) ? $p['customer'] : null ) ) . '</p>';
		if ( $problems ) {
			$html .= '<ul class="nssync-problems">';
			foreach ( $problems as $problem ) {
				$html .= '<li>' . ( '' !== $problem['field'] ? '<code>' . esc_html( $problem['field'] ) . '</code> ' : '' ) . esc_html( $problem['message'] ) . '</li>';
			}
			$html .= '</ul>';
		}
		$body = isset( $p['sales_order'] ) && is_array( $p['sales_order'] ) ? $p['sales_order'] : null;
		if ( $body ) {
			$html .= $this->lines( $body );
			$html .= '<details class="nssync-preview-json"><summary>' . esc_html__( 'The sales order as it would be sent (JSON)', 'netsuite-sync-for-woocommerce' ) . '</summary><pre>' . esc_html( self::pretty( $body ) ) . '</pre></details>';
		} elseif ( ! $compact ) {
			$html .= '<p class="description">' . esc_html__( 'No sales order could be built: fix the problems above first.', 'netsuite-sync-for-woocommerce' ) . '</p>';
		}
		if ( ! $compact ) {
			$html .= '<p class="description">' . esc_html__( 'A dry run: nothing was sent to NetSuite or changed in WooCommerce.', 'netsuite-sync-for-woocommerce' ) . '</p>';
		}
		return $html . '</div>';
	}

	/**
	 * "Try these settings": a verdict line and one row per order (problems listed, body folded away).
	 *
	 * @param array $answer `POST /v1/preview/settings` answer.
	 * @return string HTML.
	 */
	public function orders( $answer ) {
		$orders = isset( $answer['orders'] ) && is_array( $answer['orders'] ) ? array_values( array_filter( $answer['orders'], 'is_array' ) ) : array();
		if ( ! $orders ) {
			return '<p>' . esc_html__( 'No order in the export statuses to try these settings on yet. Nothing was saved.', 'netsuite-sync-for-woocommerce' ) . '</p>';
		}
		$bad = 0;
		foreach ( $orders as $p ) {
			$bad += ( empty( $p['ok'] ) || self::problems_of( $p ) ) ? 1 : 0;
		}
		$html  = '<p class="nssync-try-summary"><strong>' . esc_html(
			sprintf(
				/* translators: 1: orders tried, 2: orders that would go through, 3: orders with problems */
				__( 'Tried on %1$d orders: %2$d would go through, %3$d would fail.', 'netsuite-sync-for-woocommerce' ),
				count( $orders ),
				count( $orders ) - $bad,
				$bad
			)
		) . '</strong> ' . esc_html__( 'Nothing was saved or sent.', 'netsuite-sync-for-woocommerce' ) . '</p>';
		$html .= '<table class="widefat striped nssync-table nssync-try-results"><thead><tr><th>' . esc_html__( 'Order', 'netsuite-sync-for-woocommerce' ) . '</th><th>' . esc_html__( 'Result', 'netsuite-sync-for-woocommerce' ) . '</th></tr></thead><tbody>';
		foreach ( $orders as $p ) {
			$id     = isset( $p['order_id'] ) ? absint( $p['order_id'] ) : 0;
			$number = isset( $p['number'] ) && is_scalar( $p['number'] ) && '' !== (string) $p['number'] ? (string) $p['number'] : (string) $id;
			$status = isset( $p['status'] ) && is_scalar( $p['status'] ) ? (string) $p['status'] : '';
			$html  .= '<tr><td>' . ( $id ? '<a href="' . esc_url( NSSync_Format::order_url( $id ) ) . '">#' . esc_html( $number ) . '</a>' : esc_html( '#' . $number ) )
				. ( '' !== $status ? ' <span class="description">' . esc_html( $status ) . '</span>' : '' ) . '</td><td>' . $this->order( $p, true ) . '</td></tr>';
		}
		return $html . '</tbody></table>';
	}

	/**
	 * The body's lines as a table: item, description, quantity, rate, amount.
	 *
	 * @param array $body Sales order body.
	 * @return string HTML ('' without lines).
	 */
	private function lines( $body ) {
		$lines = isset( $body['item']['items'] ) && is_array( $body['item']['items'] ) ? array_values( array_filter( $body['item']['items'], 'is_array' ) ) : array();
		if ( ! $lines ) {
			return '';
		}
		$html = '<table class="widefat striped nssync-preview-lines"><thead><tr>';
		foreach ( array( __( 'NetSuite item', 'netsuite-sync-for-woocommerce' ), __( 'Description', 'netsuite-sync-for-woocommerce' ), __( 'Qty', 'netsuite-sync-for-woocommerce' ), __( 'Rate', 'netsuite-sync-for-woocommerce' ), __( 'Amount', 'netsuite-sync-for-woocommerce' ) ) as $h ) {
			$html .= '<th>' . esc_html( $h ) . '</th>';
		}
		$html .= '</tr></thead><tbody>';
		foreach ( $lines as $line ) {
			$item  = isset( $line['item'] ) ? $line['item'] : '';
			$item  = is_array( $item ) ? ( isset( $item['id'] ) && is_scalar( $item['id'] ) ? (string) $item['id'] : '' ) : ( is_scalar( $item ) ? (string) $item : '' );
			$html .= '<tr><td>' . esc_html( $item ) . '</td>';
			foreach ( array( 'description', 'quantity', 'rate', 'amount' ) as $k ) {
				$html .= '<td>' . esc_html( isset( $line[ $k ] ) && is_scalar( $line[ $k ] ) ? (string) $line[ $k ] : '' ) . '</td>';
			}
			$html .= '</tr>';
		}
		return $html . '</tbody></table>';
	}

	/**
	 * JSON indented by two spaces (it is read in the narrow order box).
	 *
	 * @param mixed $data Data.
	 * @return string
	 */
	public static function pretty( $data ) {
		$json = (string) wp_json_encode( $data, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
		return (string) preg_replace_callback(
			'/^( {4})+/m',
			static function ( $m ) {
				return str_repeat( '  ', strlen( $m[0] ) / 4 );
			},
			$json
		);
	}

	/**
	 * The problems of a preview as `['field' => dotted or '', 'message' => text]`.
	 *
	 * @param array $p Preview.
	 * @return array[]
	 */
	public static function problems_of( $p ) {
		$out = array();
		foreach ( isset( $p['problems'] ) && is_array( $p['problems'] ) ? $p['problems'] : array() as $problem ) {
			if ( is_array( $problem ) && isset( $problem['message'] ) && is_scalar( $problem['message'] ) ) {
				$out[] = array(
					'field'   => isset( $problem['field'] ) && is_scalar( $problem['field'] ) ? (string) $problem['field'] : '',
					'message' => (string) $problem['message'],
				);
			} elseif ( is_scalar( $problem ) ) {
				$out[] = array(
					'field'   => '',
					'message' => (string) $problem,
				);
			}
		}
		return $out;
	}

	/**
	 * What exporting would do, in words.
	 *
	 * @param string $would `create`, `wait`, `nothing`, `nothing: already exported as SO1043`.
	 * @return string
	 */
	public static function would_text( $would ) {
		if ( 'create' === $would ) {
			return __( 'Exporting would create this sales order in NetSuite.', 'netsuite-sync-for-woocommerce' );
		}
		if ( 'wait' === $would ) {
			return __( 'The order waits: its status is not one of the statuses to export.', 'netsuite-sync-for-woocommerce' );
		}
		if ( 0 === strpos( $would, 'nothing: ' ) ) {
			/* translators: %s: the sidecar's reason, e.g. "already exported as SO1043" */
			return sprintf( __( 'Nothing would be sent: %s.', 'netsuite-sync-for-woocommerce' ), substr( $would, strlen( 'nothing: ' ) ) );
		}
		if ( 'nothing' === $would ) {
			return __( 'Nothing would be sent.', 'netsuite-sync-for-woocommerce' );
		}
		return $would;
	}

	/**
	 * The customer the order would be sold to, in words.
	 *
	 * @param array|null $c `{action: use|link|create|none, id, source, body}`.
	 * @return string
	 */
	public static function customer_text( $c ) {
		$action = $c && isset( $c['action'] ) && is_scalar( $c['action'] ) ? (string) $c['action'] : 'none';
		$id     = $c && isset( $c['id'] ) && is_scalar( $c['id'] ) ? (string) $c['id'] : '';
		$source = $c && isset( $c['source'] ) && is_scalar( $c['source'] ) ? (string) $c['source'] : '';
		if ( 'use' === $action ) {
			/* translators: 1: NetSuite customer internal id, 2: where it comes from */
			return sprintf( __( 'NetSuite customer %1$s (%2$s).', 'netsuite-sync-for-woocommerce' ), $id, $source );
		}
		if ( 'link' === $action ) {
			/* translators: 1: NetSuite customer internal id, 2: how it was found */
			return sprintf( __( 'NetSuite customer %1$s, found and linked (%2$s).', 'netsuite-sync-for-woocommerce' ), $id, $source );
		}
		if ( 'create' === $action ) {
			$body = isset( $c['body'] ) && is_array( $c['body'] ) ? $c['body'] : array();
			$who  = array();
			foreach ( array( 'companyName', 'firstName', 'lastName', 'email' ) as $k ) {
				if ( isset( $body[ $k ] ) && is_scalar( $body[ $k ] ) && '' !== (string) $body[ $k ] ) {
					$who[] = (string) $body[ $k ];
				}
			}
			return $who
				/* translators: %s: name and e-mail of the customer to create */
				? sprintf( __( 'A new NetSuite customer would be created: %s.', 'netsuite-sync-for-woocommerce' ), implode( ' ', $who ) )
				: __( 'A new NetSuite customer would be created.', 'netsuite-sync-for-woocommerce' );
		}
		return __( 'None could be determined.', 'netsuite-sync-for-woocommerce' );
	}
}
