<?php
/**
 * A second copy of the plugin in another folder shows a notice instead of a PHP fatal.
 *
 * @package NSSync
 */

use PHPUnit\Framework\TestCase;

class DuplicateCopyTest extends TestCase {

	public function test_a_second_copy_loads_without_a_fatal_and_says_so() {
		nssync_shim_reset();
		$dir = sys_get_temp_dir() . '/nssync-copy-' . getmypid() . '/netsuite-sync-for-woocommerce-2';
		if ( ! is_dir( $dir ) ) {
			mkdir( $dir, 0777, true );
		}
		copy( dirname( __DIR__, 2 ) . '/netsuite-sync-for-woocommerce.php', $dir . '/netsuite-sync-for-woocommerce.php' );
		$this->assertTrue( class_exists( 'NSSync_Plugin', false ), 'the first copy is loaded' );

		require $dir . '/netsuite-sync-for-woocommerce.php'; // Would be "Cannot declare class NSSync_Plugin".

		$this->assertArrayHasKey( 'admin_notices', $GLOBALS['nssync_shim']['hooks'] );
		$this->assertArrayNotHasKey( 'plugins_loaded', $GLOBALS['nssync_shim']['hooks'], 'the second copy does not boot' );
		ob_start();
		do_action( 'admin_notices' );
		$html = ob_get_clean();
		$this->assertStringContainsString( 'is installed twice', $html );
		$this->assertStringContainsString( 'netsuite-sync-for-woocommerce-2', $html );
		unlink( $dir . '/netsuite-sync-for-woocommerce.php' );
		rmdir( $dir );
		rmdir( dirname( $dir ) );
	}
}
