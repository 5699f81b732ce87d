<?php
/**
 * Event envelopes for `POST /v1/events` (DESIGN.md §3).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds `{"id", "topic", "resource_id", "occurred_at", "payload"}` from an outbox entry. The payload is the
 * resource as WooCommerce's REST API v3 renders it, read at send time (so it is current); the sidecar treats
 * it as a hint and re-reads the resource when it needs the truth.
 */
class NSSync_Payloads {

	const TOPICS = array( 'order.created', 'order.updated', 'order.refunded', 'order.cancelled', 'customer.created', 'customer.updated' );

	/**
	 * A new outbox entry for an event that just happened.
	 *
	 * @param string $topic       One of TOPICS.
	 * @param int    $resource_id Order or customer id.
	 * @param array  $extra       Extra hints kept with the entry (refund_id).
	 * @return array
	 */
	public function new_entry( $topic, $resource_id, $extra = array() ) {
		if ( ! in_array( $topic, self::TOPICS, true ) ) {
			throw new InvalidArgumentException( 'unknown event topic ' . $topic );
		}
		return array_merge(
			array(
				'id'           => wp_generate_uuid4(),
				'topic'        => $topic,
				'resource_id'  => absint( $resource_id ),
				'occurred_at'  => gmdate( 'Y-m-d\TH:i:s\Z' ),
				'attempts'     => 0,
				'next_attempt' => 0,
				'last_error'   => '',
				'changed'      => false,
			),
			$extra
		);
	}

	/**
	 * The envelope of an outbox entry, or null when the resource no longer exists.
	 *
	 * @param array $entry Outbox entry.
	 * @return array|null
	 */
	public function envelope( $entry ) {
		$id      = absint( $entry['resource_id'] );
		$payload = 0 === strpos( $entry['topic'], 'order.' ) ? $this->order_payload( $id ) : $this->customer_payload( $id );
		if ( null === $payload ) {
			return null;
		}
		if ( 'order.refunded' === $entry['topic'] && ! empty( $entry['refund_id'] ) ) {
			$payload['refund_id'] = absint( $entry['refund_id'] );
		}
		/**
		 * Filters the payload forwarded to the sidecar.
		 *
		 * @param array $payload Rendered resource.
		 * @param array $entry   Outbox entry (topic, resource_id, …).
		 */
		$payload = apply_filters( 'nssync_event_payload', $payload, $entry );
		return array(
			'id'          => (string) $entry['id'],
			'topic'       => (string) $entry['topic'],
			'resource_id' => $id,
			'occurred_at' => (string) $entry['occurred_at'],
			'payload'     => $payload,
		);
	}

	/**
	 * The order as REST API v3 renders it (falls back to WC_Order::get_data() when the REST classes are absent).
	 *
	 * @param int $order_id Order id.
	 * @return array|null
	 */
	public function order_payload( $order_id ) {
		$order = wc_get_order( $order_id );
		if ( ! $order || ! is_a( $order, 'WC_Order' ) ) {
			return null;
		}
		if ( class_exists( 'WC_REST_Orders_Controller' ) && class_exists( 'WP_REST_Request' ) ) {
			$controller = new WC_REST_Orders_Controller();
			$request    = new WP_REST_Request( 'GET', '/wc/v3/orders/' . $order_id );
			$request->set_param( 'context', 'view' );
			$response = $controller->prepare_object_for_response( $order, $request );
			$data     = is_wp_error( $response ) ? null : $response->get_data();
		} else {
			$data = $order->get_data();
		}
		return $this->plain( $data );
	}

	/**
	 * The customer as REST API v3 renders it (falls back to WC_Customer::get_data()).
	 *
	 * @param int $customer_id User id.
	 * @return array|null
	 */
	public function customer_payload( $customer_id ) {
		$user = get_userdata( $customer_id );
		if ( ! $user ) {
			return null;
		}
		if ( class_exists( 'WC_REST_Customers_Controller' ) && class_exists( 'WP_REST_Request' ) ) {
			$controller = new WC_REST_Customers_Controller();
			$request    = new WP_REST_Request( 'GET', '/wc/v3/customers/' . $customer_id );
			$request->set_param( 'context', 'view' );
			$response = $controller->prepare_item_for_response( $user, $request );
			$data     = is_wp_error( $response ) ? null : $response->get_data();
		} else {
			$customer = new WC_Customer( $customer_id );
			$data     = $customer->get_data();
		}
		return $this->plain( $data );
	}

	/**
	 * Objects (dates, meta) to plain JSON values, as the REST server would send them.
	 *
	 * @param mixed $data Rendered data.
	 * @return array|null
	 */
	private function plain( $data ) {
		if ( null === $data ) {
			return null;
		}
		$decoded = json_decode( (string) wp_json_encode( $data ), true );
		return is_array( $decoded ) ? $decoded : null;
	}
}
