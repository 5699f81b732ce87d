<?php
/**
 * The Sync section: one block per flow the sidecar runs (others are not offered, nor saved), each with its
 * last run, Sync now, schedule and settings; the new flow settings round-trip.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class SyncSectionTest extends TestCase {

	/** @var array|null `/v1/status` answer; null: the sidecar is down. */
	private $status;

	/** @var array */
	private $stored;

	/** @var NSSync_Settings_Page */
	private $page;

	/** @var NSSync_Settings_Map */
	private $map;

	protected function setUp(): void {
		nssync_shim_reset();
		NSSync_Settings_Save::reset();
		update_option( NSSync_Options::SHARED_SECRET, 's' );
		$this->stored = array(
			'items'         => array( 'match_by' => 'itemid' ),
			'orders'        => array( 'record' => 'cashSale', 'payment_methods' => array( 'bacs' => '7' ), 'export_statuses' => array( 'processing' ) ),
			'refunds'       => array( 'record' => 'creditMemo', 'item_id' => '55' ),
			'inventory'     => array( 'locations' => array( '1' ), 'safety_buffer' => 2 ),
			'prices'        => array( 'price_level_id' => '1', 'sale_price_level_id' => '5', 'currency_id' => '1' ),
			'products'      => array( 'item_types' => array( 'InvtPart', 'Kit' ), 'only_online' => true, 'new_status' => 'draft', 'fields' => array( 'name' => 'create_and_update', 'description' => 'create_only' ) ),
			'fulfillments'  => array( 'complete_order' => true, 'tracking_meta' => true ),
			'cancellations' => array( 'from_netsuite' => false ),
			'schedules'     => array( 'orders' => '*/10 * * * *', 'inventory' => '0 * * * *', 'inventory_full' => '30 2 * * *' ),
			'reconcile'     => array( 'tolerance' => '0.0100', 'lookback_days' => 7 ),
		);
		$this->status = array(
			'flows' => array(
				'orders'    => array( 'id' => 9, 'flow' => 'orders', 'status' => 'done', 'counts' => array( 'seen' => 3, 'changed' => 1, 'unchanged' => 2, 'unmatched' => 0, 'failed' => 0 ), 'finished_at' => gmdate( 'Y-m-d\TH:i:s.u\Z', time() - 120 ), 'errors' => array() ),
				'inventory' => array( 'id' => 8, 'flow' => 'inventory', 'status' => 'done', 'counts' => array( 'seen' => 10, 'changed' => 2, 'unchanged' => 7, 'unmatched' => 1, 'failed' => 0 ), 'finished_at' => gmdate( 'c', time() - 3600 ), 'errors' => array( 'NetSuite item 12 (MUG<1>) has no price at price level 1' ) /* run errors are strings (sidecar/flows/woo_writer.py record_error) */ ),
			),
		);
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			$path = parse_url( $url, PHP_URL_PATH );
			if ( '/v1/status' === $path ) {
				return null === $this->status ? new WP_Error( 'http_request_failed', 'down' ) : nssync_shim_response( 200, $this->status );
			}
			if ( '/v1/settings' === $path && 'GET' === $args['method'] ) {
				return nssync_shim_response( 200, $this->stored );
			}
			return nssync_shim_response( 200, json_decode( (string) $args['body'], true ) );
		};
		$options    = new NSSync_Options();
		$this->map  = new NSSync_Settings_Map();
		$this->page = new NSSync_Settings_Page( $options, new NSSync_Sidecar_Client( $options ), $this->map );
	}

	private function output() {
		$GLOBALS['current_section'] = 'sync';
		ob_start();
		$this->page->output();
		$html = ob_get_clean();
		return array( $html, $GLOBALS['nssync_shim']['output_fields'] );
	}

	private function by_id( $fields ) {
		$out = array();
		foreach ( $fields as $f ) {
			$out[ $f['id'] ] = $f;
		}
		return $out;
	}

	public function test_only_installed_flows_are_offered_each_with_its_run_and_settings() {
		list( $html, $fields ) = $this->output();
		$ids = $this->by_id( $fields );
		$this->assertArrayHasKey( 'nssync_group_orders', $ids );
		$this->assertArrayHasKey( 'nssync_group_inventory', $ids );
		$this->assertArrayHasKey( 'nssync_group_general', $ids );
		foreach ( array( 'prices', 'products', 'fulfillments', 'refunds', 'customers', 'cancellations' ) as $absent ) {
			$this->assertArrayNotHasKey( 'nssync_group_' . $absent, $ids, $absent . ' is not installed' );
		}
		$this->assertArrayNotHasKey( 'nssync_prices__price_level_id', $ids );
		$this->assertStringContainsString( 'name="nssync_groups_shown" value="general,orders,inventory"', $html );
		$this->assertSame( 10, $ids['nssync_flow_inventory']['run']['counts']['seen'] );
		$this->assertSame( 'cashSale', $ids['nssync_orders__record']['value'] );
		$this->assertSame( array( 'bacs' => '7' ), $ids['nssync_orders__payment_methods']['value'] );
		$this->assertSame( '0 * * * *', $ids['nssync_schedules__inventory']['value'] );
	}

	public function test_the_flow_row_shows_counts_time_in_words_errors_and_sync_now() {
		list( , $fields ) = $this->output();
		ob_start();
		( new NSSync_Admin_Fields() )->flow_row( $this->by_id( $fields )['nssync_flow_inventory'] );
		$row = ob_get_clean();
		$this->assertStringContainsString( 'Done · seen 10, changed 2, unchanged 7, unmatched 1, failed 0', $row );
		$this->assertStringContainsString( '1 hour ago', $row );
		$this->assertStringContainsString( 'NetSuite item 12 (MUG&lt;1&gt;) has no price at price level 1', $row );
		$this->assertStringContainsString( 'class="button nssync-sync-now" data-flow="inventory"', $row );
		ob_start();
		( new NSSync_Admin_Fields() )->flow_row( array( 'flow' => 'refunds', 'title' => 'Last run', 'sync_now' => false, 'run' => null ) );
		$row = ob_get_clean();
		$this->assertStringContainsString( 'Not run yet', $row );
		$this->assertStringNotContainsString( 'nssync-sync-now', $row, 'a row offered without Sync now has no button' );
	}

	/**
	 * A sales order closed in NetSuite reaches the store only through the cancellations run, and a refund the
	 * events missed only through the refunds poll: both flows run on a schedule too, so both get Sync now (the
	 * ajax handler already accepts them; the button was missing, so a shop owner could only wait 15 minutes).
	 */
	public function test_cancellations_and_refunds_have_sync_now() {
		foreach ( array( 'cancellations', 'refunds' ) as $flow ) {
			$this->status['flows'][ $flow ] = array( 'id' => 3, 'flow' => $flow, 'status' => 'done', 'counts' => array( 'seen' => 1, 'changed' => 1, 'unchanged' => 0, 'unmatched' => 0, 'failed' => 0 ), 'finished_at' => gmdate( 'c', time() - 60 ), 'errors' => array() );
		}
		list( , $fields ) = $this->output();
		$ids = $this->by_id( $fields );
		foreach ( array( 'cancellations', 'refunds' ) as $flow ) {
			$this->assertTrue( $ids[ 'nssync_flow_' . $flow ]['sync_now'], $flow );
			ob_start();
			( new NSSync_Admin_Fields() )->flow_row( $ids[ 'nssync_flow_' . $flow ] );
			$this->assertStringContainsString( 'class="button nssync-sync-now" data-flow="' . $flow . '"', ob_get_clean() );
			$this->assertContains( $flow, NSSync_Ajax::SYNC_FLOWS, 'the button posts a flow the ajax handler accepts' );
		}
	}

	/**
	 * The refunds poll runs on `schedules.refunds` (sidecar/store/settings.py SchedulesSchema, default
	 * every 15 minutes) like every other flow, but it was the one schedule wp-admin could not set.
	 */
	public function test_the_refunds_schedule_is_shown_and_saved_like_the_others() {
		$this->status['flows']['refunds'] = array( 'id' => 4, 'flow' => 'refunds', 'status' => 'done', 'counts' => array(), 'finished_at' => gmdate( 'c', time() - 60 ), 'errors' => array() );
		$this->stored['schedules']['refunds'] = '*/15 * * * *';
		list( , $fields ) = $this->output();
		$ids = $this->by_id( $fields );
		$this->assertArrayHasKey( 'nssync_schedules__refunds', $ids );
		$this->assertSame( '*/15 * * * *', $ids['nssync_schedules__refunds']['value'] );
		$this->assertSame( 'refunds', NSSync_Settings_Schema::group_of( 'schedules.refunds' ) );
		$post = $this->map->form_values( 'sync', $this->stored );
		foreach ( $this->map->fields( 'sync' ) as $id => $def ) {
			if ( 'bool' === $def[1] && 'yes' !== $post[ $id ] ) {
				unset( $post[ $id ] );
			}
		}
		$post['nssync_schedules__refunds'] = ' 0 * * * * ';
		$saver = new NSSync_Settings_Save( new NSSync_Options(), new NSSync_Sidecar_Client( new NSSync_Options() ), $this->map );
		$this->assertTrue( $saver->save_sidecar_section( 'sync', $post, array( 'general', 'orders', 'refunds' ) ) );
		$puts = array_values( array_filter( $GLOBALS['nssync_shim']['requests'], function ( $r ) {
			return 'PUT' === $r['args']['method'];
		} ) );
		$sent = json_decode( $puts[0]['args']['body'], true );
		$this->assertSame( '0 * * * *', $sent['schedules']['refunds'] );
		$this->assertArrayNotHasKey( 'inventory', $sent['schedules'], 'a flow not on the form keeps its schedule' );
	}

	public function test_saving_sends_only_the_offered_flows_settings() {
		$post = $this->map->form_values( 'sync', $this->stored );
		foreach ( $this->map->fields( 'sync' ) as $id => $def ) {
			if ( 'bool' === $def[1] && 'yes' !== $post[ $id ] ) {
				unset( $post[ $id ] );
			}
		}
		$post['nssync_orders__payment_methods'] = array( 'bacs' => '7', 'cheque' => ' 9 ', 'cod' => '' );
		$saver = new NSSync_Settings_Save( new NSSync_Options(), new NSSync_Sidecar_Client( new NSSync_Options() ), $this->map );
		$this->assertTrue( $saver->save_sidecar_section( 'sync', $post, array( 'general', 'orders', 'inventory' ) ) );
		$puts = array_values( array_filter( $GLOBALS['nssync_shim']['requests'], function ( $r ) {
			return 'PUT' === $r['args']['method'];
		} ) );
		$sent = json_decode( $puts[0]['args']['body'], true );
		$this->assertSame( array( 'bacs' => '7', 'cheque' => '9' ), $sent['orders']['payment_methods'] );
		$this->assertSame( 'cashSale', $sent['orders']['record'] );
		$this->assertArrayNotHasKey( 'prices', $sent, 'a flow not on the form keeps its stored settings' );
		$this->assertArrayNotHasKey( 'products', $sent );
		$this->assertEqualsCanonicalizing( array( 'orders', 'inventory', 'inventory_full' ), array_keys( $sent['schedules'] ) );
	}

	public function test_a_setting_this_sidecar_lacks_is_neither_shown_nor_sent() {
		unset( $this->stored['orders']['payment_methods'] ); // An older sidecar: no payment-method map yet.
		list( , $fields ) = $this->output();
		$this->assertArrayNotHasKey( 'nssync_orders__payment_methods', $this->by_id( $fields ) );
		$this->assertArrayHasKey( 'nssync_orders__record', $this->by_id( $fields ) );
		$post  = $this->map->form_values( 'sync', $this->stored );
		$saver = new NSSync_Settings_Save( new NSSync_Options(), new NSSync_Sidecar_Client( new NSSync_Options() ), $this->map );
		$this->assertTrue( $saver->save_sidecar_section( 'sync', $post, array( 'general', 'orders', 'inventory' ) ) );
		$puts = array_values( array_filter( $GLOBALS['nssync_shim']['requests'], function ( $r ) {
			return 'PUT' === $r['args']['method'];
		} ) );
		$sent = json_decode( $puts[0]['args']['body'], true );
		$this->assertArrayNotHasKey( 'payment_methods', $sent['orders'], 'the sidecar would refuse it as an unknown field' );
		$this->assertSame( 'cashSale', $sent['orders']['record'] );
	}

	public function test_every_flow_setting_round_trips() {
		$values = $this->map->form_values( 'sync', $this->stored );
		$this->assertSame( 'InvtPart, Kit', $values['nssync_products__item_types'] );
		$this->assertSame( "name = create_and_update\ndescription = create_only", $values['nssync_products__fields'] );
		$this->assertSame( 'yes', $values['nssync_fulfillments__tracking_meta'] );
		$this->assertSame( 'yes', $values['nssync_products__only_online'] );
		list( $patch, $errors ) = $this->map->patch_from_post( 'sync', $values );
		$this->assertSame( array(), $errors );
		foreach ( array( 'products.item_types', 'products.fields', 'products.new_status', 'prices.sale_price_level_id', 'refunds.item_id', 'fulfillments.tracking_meta', 'orders.record' ) as $path ) {
			$this->assertSame( $this->map->lookup( $this->stored, $path ), $this->map->lookup( $patch, $path ), $path );
		}
		$this->assertTrue( $patch['products']['only_online'] );
		$this->assertFalse( $patch['cancellations']['from_netsuite'] );
	}

	public function test_sidecar_down_offers_every_flow_with_the_last_known_runs() {
		$this->output(); // Seen once: cached.
		$this->status = null;
		$GLOBALS['nssync_shim']['http'] = function ( $url, $args ) {
			$path = parse_url( $url, PHP_URL_PATH );
			if ( '/v1/settings' === $path ) {
				return nssync_shim_response( 200, $this->stored );
			}
			return new WP_Error( 'http_request_failed', 'down' );
		};
		list( , $fields ) = $this->output();
		$ids = $this->by_id( $fields );
		$this->assertArrayHasKey( 'nssync_group_prices', $ids );
		$this->assertTrue( $ids['nssync_flow_inventory']['stale'] );
		$this->assertSame( 8, $ids['nssync_flow_inventory']['run']['id'], 'the last known run, not "never run"' );
	}

	protected function tearDown(): void {
		unset( $GLOBALS['current_section'] );
	}
}
