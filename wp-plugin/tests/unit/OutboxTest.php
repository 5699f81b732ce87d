<?php
/**
 * The outbox table: created by dbDelta, one row per (topic, resource), the backlog in one query, 0.1.0's
 * option rows moved in on upgrade, and uninstall removing the table and the plugin's order meta.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class OutboxTest extends TestCase {

	/** @var NSSync_Outbox */
	private $outbox;

	/** @var NSSync_Payloads */
	private $payloads;

	protected function setUp(): void {
		nssync_shim_reset();
		$this->outbox   = new NSSync_Outbox();
		$this->payloads = new NSSync_Payloads();
	}

	public function test_activation_creates_the_table_and_records_the_schema_version() {
		global $wpdb;
		$this->outbox->drop();
		$this->assertFalse( $wpdb->has_table( 'wp_nssync_outbox' ) );
		NSSync_Plugin::activate();
		$this->assertTrue( $wpdb->has_table( 'wp_nssync_outbox' ) );
		$this->assertSame( NSSync_Outbox::DB_VERSION, get_option( NSSync_Outbox::DB_VERSION_OPTION ) );
		$this->assertStringContainsString( 'PRIMARY KEY  (id)', $this->outbox->schema(), 'dbDelta needs two spaces' );
		$this->assertStringContainsString( 'UNIQUE KEY topic_resource (topic,resource_id)', $this->outbox->schema() );
	}

	public function test_an_upgrade_installs_once_and_moves_the_old_option_rows_in() {
		global $wpdb;
		$this->outbox->drop();
		$old = $this->payloads->new_entry( 'order.updated', 77, array( 'attempts' => 3, 'last_error' => 'refused' ) );
		update_option( 'nssync_outbox_order_updated_77', $old );
		$this->outbox->maybe_upgrade();
		$this->assertTrue( $wpdb->has_table( 'wp_nssync_outbox' ) );
		$this->assertFalse( get_option( 'nssync_outbox_order_updated_77' ) );
		$moved = $this->outbox->get( 'order.updated', 77 );
		$this->assertSame( $old['id'], $moved['id'] );
		$this->assertSame( 3, $moved['attempts'] );
		$this->assertSame( 'refused', $moved['last_error'] );
		$creates = count( $GLOBALS['nssync_shim']['dbdelta'] );
		$this->outbox->maybe_upgrade();
		$this->assertCount( $creates, $GLOBALS['nssync_shim']['dbdelta'], 'no dbDelta when the version is current' );
	}

	public function test_one_row_per_topic_and_resource_and_extras_round_trip() {
		$entry = $this->payloads->new_entry( 'order.refunded', 5, array( 'refund_id' => 9 ) );
		$this->assertTrue( $this->outbox->add( $entry ) );
		$this->assertFalse( $this->outbox->add( $this->payloads->new_entry( 'order.refunded', 5 ) ), 'a second pending row is refused' );
		$this->assertTrue( $this->outbox->add( $this->payloads->new_entry( 'order.updated', 5 ) ) );
		$got = $this->outbox->get( 'order.refunded', 5 );
		$this->assertSame( $entry['id'], $got['id'] );
		$this->assertSame( 9, $got['refund_id'] );
		$this->assertFalse( $got['changed'] );
		$got['changed']  = true;
		$got['attempts'] = 2;
		$this->outbox->update( $got );
		$this->assertTrue( $this->outbox->get( 'order.refunded', 5 )['changed'] );
		$this->assertCount( 2, $this->outbox->for_order( 5 ) );
		$this->outbox->delete( 'order.refunded', 5 );
		$this->assertNull( $this->outbox->get( 'order.refunded', 5 ) );
	}

	public function test_the_backlog_summary_counts_orders_in_one_query() {
		global $wpdb;
		foreach ( array( 'order.created', 'order.updated' ) as $topic ) {
			foreach ( array( 1, 2, 3 ) as $id ) {
				$this->outbox->add( $this->payloads->new_entry( $topic, $id ) );
			}
		}
		$this->outbox->add( $this->payloads->new_entry( 'customer.created', 1 ) );
		$failing             = $this->outbox->get( 'order.updated', 2 );
		$failing['attempts'] = 6;
		$this->outbox->update( $failing );

		$before = count( $wpdb->queries );
		$counts = $this->outbox->counts( 5 );
		$this->assertSame( 1, count( $wpdb->queries ) - $before, 'the notice costs one query' );
		$this->assertSame( 7, $counts['pending'] );
		$this->assertSame( 3, $counts['orders'], 'orders, not events' );
		$this->assertSame( 1, $counts['failing'] );
		$this->assertGreaterThan( 0, $counts['oldest'] );
	}

	public function test_due_rows_come_from_the_next_attempt_index() {
		$a                 = $this->payloads->new_entry( 'order.updated', 1 );
		$b                 = $this->payloads->new_entry( 'order.updated', 2 );
		$b['next_attempt'] = time() + 600;
		$this->outbox->add( $a );
		$this->outbox->add( $b );
		$this->assertSame( array( 1 ), array_column( $this->outbox->due( time() ), 'resource_id' ) );
		$this->assertCount( 2, $this->outbox->due( time() + 601 ) );
	}

	public function test_uninstall_removes_the_plugins_order_meta_in_both_storages() {
		global $wpdb;
		$wpdb->query( 'CREATE TABLE wp_wc_orders_meta (id INTEGER PRIMARY KEY, order_id INTEGER, meta_key TEXT, meta_value TEXT)' );
		$wpdb->query( "INSERT INTO wp_postmeta (post_id, meta_key, meta_value) VALUES (1, '_nssync_state', 'a'), (1, '_billing_email', 'x@example.com')" );
		$wpdb->query( "INSERT INTO wp_wc_orders_meta (order_id, meta_key, meta_value) VALUES (2, '_nssync_state', 'b'), (2, '_other', 'y')" );
		( new NSSync_Uninstaller() )->run();
		$this->assertSame( array( '_billing_email' ), $wpdb->get_col( 'SELECT meta_key FROM wp_postmeta' ) );
		$this->assertSame( array( '_other' ), $wpdb->get_col( 'SELECT meta_key FROM wp_wc_orders_meta' ) );
		$this->assertFalse( $wpdb->has_table( 'wp_nssync_outbox' ) );
	}

	public function test_uninstall_without_hpos_tables_still_cleans_postmeta() {
		global $wpdb;
		$wpdb->query( "INSERT INTO wp_postmeta (post_id, meta_key, meta_value) VALUES (1, '_nssync_state', 'a')" );
		$this->assertSame( 1, ( new NSSync_Uninstaller() )->delete_order_meta() );
	}
}
