<?php
/**
 * Which sidecar settings the Sync and Mappings sections show, grouped by flow (pure definitions).
 *
 * @package NSSync
 */

defined( 'ABSPATH' ) || exit;

/**
 * Field definitions: settings path => [kind, input type, title, help, choices key]. Kinds: text, id (a NetSuite
 * internal id or empty → null), list, csv (comma-separated list), locations, int, bool, pairs, json. Each Sync
 * field belongs to a group named for the flow that uses it, so a flow the sidecar does not run is not offered.
 */
class NSSync_Settings_Schema {

	/**
	 * Sync section groups, in display order: group => settings paths. A group is offered when the sidecar
	 * reports its flow (`general` always).
	 *
	 * @var array
	 */
	const SYNC_GROUPS = array(
		'general'       => array( 'items.match_by' ),
		'orders'        => array( 'orders.export_statuses', 'orders.record', 'orders.guest_customer', 'orders.subsidiary_id', 'orders.location_id', 'orders.payment_methods', 'schedules.orders' ),
		'refunds'       => array( 'refunds.record', 'refunds.item_id', 'schedules.refunds' ),
		'cancellations' => array( 'cancellations.from_netsuite', 'schedules.cancellations' ),
		'customers'     => array( 'customers.roles', 'schedules.customers' ),
		'inventory'     => array( 'inventory.locations', 'inventory.safety_buffer', 'inventory.hold_unexported_orders', 'schedules.inventory', 'schedules.inventory_full' ),
		'prices'        => array( 'prices.price_level_id', 'prices.sale_price_level_id', 'prices.currency_id', 'schedules.prices' ),
		'products'      => array( 'products.item_types', 'products.only_online', 'products.new_status', 'products.fields', 'schedules.products' ),
		'fulfillments'  => array( 'fulfillments.complete_order', 'fulfillments.tracking_meta', 'schedules.fulfillments' ),
		'reconcile'     => array( 'reconcile.tolerance', 'reconcile.lookback_days', 'schedules.reconcile' ),
	);

	/**
	 * NetSuite references picked by name: settings path (or map) => lookup kind of
	 * `GET /v1/netsuite/lookups/<kind>?q=`. A typed internal id is accepted as well.
	 *
	 * @var array
	 */
	const LOOKUPS = array(
		'orders.subsidiary_id'       => 'subsidiary',
		'orders.location_id'         => 'location',
		'orders.guest_customer'      => 'customer',
		'orders.shipping_item_id'    => 'shipitem',
		'orders.ship_methods'        => 'shipitem',
		'orders.discount_item_id'    => 'item',
		'orders.payment_methods'     => 'paymentmethod',
		'orders.currencies'          => 'currency',
		'refunds.item_id'            => 'item',
		'inventory.locations'        => 'location',
		'prices.price_level_id'      => 'pricelevel',
		'prices.sale_price_level_id' => 'pricelevel',
		'prices.currency_id'         => 'currency',
	);

	/**
	 * Every lookup kind the sidecar answers.
	 *
	 * @var string[]
	 */
	const LOOKUP_KINDS = array( 'subsidiary', 'location', 'department', 'classification', 'currency', 'shipitem', 'item', 'pricelevel', 'paymentmethod', 'customer' );

	/**
	 * Choices a picker offers besides NetSuite records.
	 *
	 * @param string $path Settings path.
	 * @return array value => label.
	 */
	public static function lookup_extras( $path ) {
		if ( 'orders.guest_customer' === $path ) {
			return array( 'create' => __( 'Create a NetSuite customer for each guest', 'netsuite-sync-for-woocommerce' ) );
		}
		if ( 'inventory.locations' === $path ) {
			return array( 'all' => __( 'All locations', 'netsuite-sync-for-woocommerce' ) );
		}
		return array( '' => '' );
	}

	/**
	 * Flows with a Sync now button (`POST /v1/sync/<flow>`): every flow with a run of its own. Cancellations is
	 * the only way a sales order closed in NetSuite reaches the store, refunds the poll for refunds the events
	 * missed; without the button both waited for their schedule.
	 *
	 * @var string[]
	 */
	const SYNC_NOW_FLOWS = array( 'orders', 'customers', 'inventory', 'prices', 'products', 'fulfillments', 'refunds', 'cancellations', 'reconcile' );

	/**
	 * Group titles and one line on what each flow does.
	 *
	 * @return array group => [title, description].
	 */
	public static function group_labels() {
		return array(
			'general'       => array( __( 'Item matching', 'netsuite-sync-for-woocommerce' ), __( 'How a WooCommerce product finds its NetSuite item, for every flow.', 'netsuite-sync-for-woocommerce' ) ),
			'orders'        => array( __( 'Orders', 'netsuite-sync-for-woocommerce' ), __( 'WooCommerce orders become NetSuite sales orders (or cash sales); Sync now runs the catch-up for orders that were missed.', 'netsuite-sync-for-woocommerce' ) ),
			'refunds'       => array( __( 'Refunds', 'netsuite-sync-for-woocommerce' ), __( 'A WooCommerce refund becomes a credit memo or a cash refund.', 'netsuite-sync-for-woocommerce' ) ),
			'cancellations' => array( __( 'Cancellations', 'netsuite-sync-for-woocommerce' ), __( 'A cancelled order closes its sales order; optionally, a sales order closed in NetSuite cancels the order.', 'netsuite-sync-for-woocommerce' ) ),
			'customers'     => array( __( 'Customers', 'netsuite-sync-for-woocommerce' ), __( 'Store customers become NetSuite customers.', 'netsuite-sync-for-woocommerce' ) ),
			'inventory'     => array( __( 'Inventory', 'netsuite-sync-for-woocommerce' ), __( 'Stock from NetSuite locations, less a safety buffer, is published to the store.', 'netsuite-sync-for-woocommerce' ) ),
			'prices'        => array( __( 'Prices', 'netsuite-sync-for-woocommerce' ), __( 'Regular and sale prices from NetSuite price levels.', 'netsuite-sync-for-woocommerce' ) ),
			'products'      => array( __( 'Products', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite items create and update store products (matrix items become variable products).', 'netsuite-sync-for-woocommerce' ) ),
			'fulfillments'  => array( __( 'Fulfillments', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite item fulfillments add tracking to the order and can complete it.', 'netsuite-sync-for-woocommerce' ) ),
			'reconcile'     => array( __( 'Reconciliation', 'netsuite-sync-for-woocommerce' ), __( 'A report that compares the store\'s orders with NetSuite\'s sales orders (missing, twice, totals, customer, status); it reads both and changes nothing. Sync now makes one over the look-back days; the Reconciliation section shows the reports.', 'netsuite-sync-for-woocommerce' ) ),
		);
	}

	/**
	 * Definitions of one section: settings path => [kind, type, title, help, choices].
	 *
	 * @param string $section `sync` or `mappings`.
	 * @return array
	 */
	public static function definitions( $section ) {
		if ( 'mappings' === $section ) {
			return array(
				'orders.shipping_item_id' => array( 'id', 'text', __( 'Default shipping item', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite internal id of the shipping item used when a method has no mapping below.', 'netsuite-sync-for-woocommerce' ) ),
				'orders.ship_methods'     => array( 'map', 'nssync_map_table', __( 'Ship methods → NetSuite ship items', 'netsuite-sync-for-woocommerce' ), __( 'The NetSuite ship item of each shipping method of this store; a method left empty uses the default shipping item.', 'netsuite-sync-for-woocommerce' ), 'shipping_methods' ),
				'orders.currencies'       => array( 'map', 'nssync_map_table', __( 'Currencies → NetSuite currencies', 'netsuite-sync-for-woocommerce' ), __( 'The NetSuite currency of each currency the store sells in; none mapped: the customer\'s own currency is used.', 'netsuite-sync-for-woocommerce' ), 'currencies' ),
				'orders.discount_item_id' => array( 'id', 'text', __( 'Discount item', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite internal id of the discount item for coupons.', 'netsuite-sync-for-woocommerce' ) ),
				'orders.field_map'        => array( 'pairs', 'textarea', __( 'Field map', 'netsuite-sync-for-woocommerce' ), __( 'One per line: WooCommerce field or meta key = NetSuite body field id, e.g. customer_note = memo.', 'netsuite-sync-for-woocommerce' ) ),
				'orders.rules'            => array( 'json', 'nssync_rules', __( 'Conditional rules', 'netsuite-sync-for-woocommerce' ), __( 'JSON list: [{"field": "payment_method", "equals": "cod", "set": {"custbody_terms": "3"}}]; use one of equals, in, matches.', 'netsuite-sync-for-woocommerce' ) ),
			);
		}
		$defs = array(
			'items.match_by'              => array( 'text', 'text', __( 'Match SKU to', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite item field holding the WooCommerce SKU: itemid, upccode, externalid or a custom field such as custitem_woo_sku.', 'netsuite-sync-for-woocommerce' ) ),
			'orders.export_statuses'      => array( 'list', 'multiselect', __( 'Order statuses to export', 'netsuite-sync-for-woocommerce' ), __( 'An order is sent to NetSuite when it reaches one of these statuses.', 'netsuite-sync-for-woocommerce' ), 'statuses' ),
			'orders.record'               => array( 'text', 'select', __( 'Orders become', 'netsuite-sync-for-woocommerce' ), __( 'A sales order (fulfilled and billed in NetSuite), or a cash sale for orders paid and delivered at once.', 'netsuite-sync-for-woocommerce' ), 'order_records' ),
			'orders.guest_customer'       => array( 'text', 'text', __( 'Guest orders', 'netsuite-sync-for-woocommerce' ), __( '"create" makes a NetSuite customer per guest; or the internal id of one customer record that takes every guest order.', 'netsuite-sync-for-woocommerce' ) ),
			'orders.subsidiary_id'        => array( 'id', 'text', __( 'Subsidiary', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite subsidiary internal id (OneWorld accounts).', 'netsuite-sync-for-woocommerce' ) ),
			'orders.location_id'          => array( 'id', 'text', __( 'Order location', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite location internal id set on sales orders.', 'netsuite-sync-for-woocommerce' ) ),
			'orders.payment_methods'      => array( 'map', 'nssync_map_table', __( 'Payment methods', 'netsuite-sync-for-woocommerce' ), __( 'The NetSuite payment method of each payment gateway of this store.', 'netsuite-sync-for-woocommerce' ), 'gateways' ),
			'refunds.record'              => array( 'text', 'select', __( 'Refunds become', 'netsuite-sync-for-woocommerce' ), __( 'The NetSuite record created for a WooCommerce refund.', 'netsuite-sync-for-woocommerce' ), 'refund_records' ),
			'refunds.item_id'             => array( 'id', 'text', __( 'Refund item', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite item internal id for amounts refunded without items (e.g. a goodwill refund).', 'netsuite-sync-for-woocommerce' ) ),
			'cancellations.from_netsuite' => array( 'bool', 'checkbox', __( 'Cancel orders closed in NetSuite', 'netsuite-sync-for-woocommerce' ), __( 'When a sales order is closed or cancelled in NetSuite, cancel the WooCommerce order.', 'netsuite-sync-for-woocommerce' ) ),
			'customers.roles'             => array( 'list', 'multiselect', __( 'Customer roles', 'netsuite-sync-for-woocommerce' ), __( 'Users with these roles are synced as NetSuite customers.', 'netsuite-sync-for-woocommerce' ), 'roles' ),
			'inventory.locations'         => array( 'locations', 'multiselect', __( 'Inventory locations', 'netsuite-sync-for-woocommerce' ), __( 'The NetSuite locations whose stock is added up for the store; "All locations" or none chosen counts every location.', 'netsuite-sync-for-woocommerce' ) ),
			'inventory.safety_buffer'     => array( 'int', 'number', __( 'Safety buffer', 'netsuite-sync-for-woocommerce' ), __( 'Units held back from the stock published to the store.', 'netsuite-sync-for-woocommerce' ) ),
			'inventory.hold_unexported_orders' => array( 'bool', 'checkbox', __( 'Hold units of orders not yet in NetSuite', 'netsuite-sync-for-woocommerce' ), __( 'Units sold in the store whose order has not reached NetSuite yet (waiting, failed, or on hold for payment) are not offered again, so a stock update never reopens stock that is already sold.', 'netsuite-sync-for-woocommerce' ) ),
			'schedules.inventory_full'    => array( 'text', 'text', __( 'Full run', 'netsuite-sync-for-woocommerce' ), __( 'When every item is read again (the frequent schedule reads only items whose stock changed): a cron expression such as 30 2 * * *, or "off".', 'netsuite-sync-for-woocommerce' ) ),
			'prices.price_level_id'       => array( 'id', 'text', __( 'Price level', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite price level internal id of the regular price (1 is usually Base Price).', 'netsuite-sync-for-woocommerce' ) ),
			'prices.sale_price_level_id'  => array( 'id', 'text', __( 'Sale price level', 'netsuite-sync-for-woocommerce' ), __( 'Optional: the price level published as the sale price.', 'netsuite-sync-for-woocommerce' ) ),
			'prices.currency_id'          => array( 'id', 'text', __( 'Price currency', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite currency internal id of the prices to publish.', 'netsuite-sync-for-woocommerce' ) ),
			'products.item_types'         => array( 'csv', 'text', __( 'Item types', 'netsuite-sync-for-woocommerce' ), __( 'NetSuite item types that become products, separated by commas: InvtPart (inventory), NonInvtPart (non-inventory), Kit, Assembly, Service, OthCharge, GiftCert.', 'netsuite-sync-for-woocommerce' ) ),
			'products.only_online'        => array( 'bool', 'checkbox', __( 'Only items shown online', 'netsuite-sync-for-woocommerce' ), __( 'Only items with "Display in Web Site" checked in NetSuite.', 'netsuite-sync-for-woocommerce' ) ),
			'products.new_status'         => array( 'text', 'select', __( 'New products are', 'netsuite-sync-for-woocommerce' ), __( 'The status of a product created from a new NetSuite item.', 'netsuite-sync-for-woocommerce' ), 'product_statuses' ),
			'products.fields'             => array( 'pairs', 'textarea', __( 'Fields kept in step', 'netsuite-sync-for-woocommerce' ), __( 'One per line: product field = create_and_update (NetSuite overwrites it on every run) or create_only (set when the product is created, then left to the store). Fields: name, description, short_description, weight, regular_price, stock_quantity, status.', 'netsuite-sync-for-woocommerce' ) ),
			'fulfillments.complete_order' => array( 'bool', 'checkbox', __( 'Complete orders on fulfillment', 'netsuite-sync-for-woocommerce' ), __( 'Mark the WooCommerce order completed when NetSuite fulfills it.', 'netsuite-sync-for-woocommerce' ) ),
			'fulfillments.tracking_meta'  => array( 'bool', 'checkbox', __( 'Tracking for Shipment Tracking', 'netsuite-sync-for-woocommerce' ), __( 'Also write the tracking numbers to the order meta _wc_shipment_tracking_items, as the Shipment Tracking extension reads them; off: an order note only.', 'netsuite-sync-for-woocommerce' ) ),
			'reconcile.tolerance'         => array( 'text', 'text', __( 'Tolerance', 'netsuite-sync-for-woocommerce' ), __( 'Totals and tax that differ by no more than this amount count as equal, e.g. 0.01.', 'netsuite-sync-for-woocommerce' ) ),
			'reconcile.lookback_days'     => array( 'int', 'number', __( 'Look back (days)', 'netsuite-sync-for-woocommerce' ), __( 'The scheduled report and Sync now compare the orders of this many past days.', 'netsuite-sync-for-woocommerce' ) ),
		);
		foreach ( array( 'orders', 'customers', 'refunds', 'cancellations', 'fulfillments', 'inventory', 'prices', 'products', 'reconcile' ) as $flow ) {
			$defs[ 'schedules.' . $flow ] = array(
				'text',
				'text',
				__( 'Schedule', 'netsuite-sync-for-woocommerce' ),
				__( 'When it runs by itself: a cron expression such as */15 * * * * (every 15 minutes) or 0 3 * * * (03:00 daily), or "off".', 'netsuite-sync-for-woocommerce' ),
			);
		}
		return $defs;
	}

	/**
	 * The group of a Sync settings path ('' when none).
	 *
	 * @param string $path Settings path.
	 * @return string
	 */
	public static function group_of( $path ) {
		foreach ( self::SYNC_GROUPS as $group => $paths ) {
			if ( in_array( $path, $paths, true ) ) {
				return $group;
			}
		}
		return '';
	}

	/**
	 * The groups offered for the sidecar's installed flows (`GET /v1/status` → `flows`, keyed by flow name;
	 * a flow absent from it is not installed). Null (unknown) offers every group.
	 *
	 * @param array|null $installed Flow names, or null.
	 * @return string[]
	 */
	public static function offered_groups( $installed ) {
		$groups = array_keys( self::SYNC_GROUPS );
		if ( null === $installed ) {
			return $groups;
		}
		return array_values(
			array_filter(
				$groups,
				static function ( $g ) use ( $installed ) {
					return 'general' === $g || in_array( $g, $installed, true );
				}
			)
		);
	}
}
