#!/bin/sh
# The compose stack's one-shot `setup` service (wordpress:cli image, as www-data, in /var/www/html): waits for the
# WordPress files and the database, installs WordPress once, pins WooCommerce 8.2.2 (the newest WooCommerce needs
# a newer WordPress than the 6.4 image), activates it and the connector, and turns on pretty permalinks so that
# /wp-json/ — the REST API the sidecar calls — answers. Safe to run again: each step is skipped when done.
set -eu
: "${WP_URL:=http://wp.localhost:8080}"
: "${WP_ADMIN_PASSWORD:?set NSSYNC_WP_ADMIN_PASSWORD in .env}"
: "${WP_ADMIN_EMAIL:=admin@example.com}"
WOOCOMMERCE_VERSION=8.2.2

db_ready() {
  php -r 'mysqli_report(MYSQLI_REPORT_OFF);
    exit(@mysqli_connect(getenv("WORDPRESS_DB_HOST"), getenv("WORDPRESS_DB_USER"),
                         getenv("WORDPRESS_DB_PASSWORD"), getenv("WORDPRESS_DB_NAME")) ? 0 : 1);'
}
tries=0
until [ -f wp-config.php ] && db_ready; do
  tries=$((tries + 1))
  [ "$tries" -le 60 ] || { echo "setup: no wp-config.php or no database after 5 minutes" >&2; exit 1; }
  echo "setup: waiting for the WordPress files and the database"
  sleep 5
done

if ! wp core is-installed 2>/dev/null; then
  wp core install --url="$WP_URL" --title="NetSuite Sync store" --admin_user=admin \
    --admin_password="$WP_ADMIN_PASSWORD" --admin_email="$WP_ADMIN_EMAIL" --skip-email
fi
wp rewrite structure '/%postname%/'
installed=$(wp plugin get woocommerce --field=version 2>/dev/null || true)
if [ "$installed" != "$WOOCOMMERCE_VERSION" ]; then
  wp plugin install woocommerce --version="$WOOCOMMERCE_VERSION" --force
fi
wp plugin activate woocommerce netsuite-sync-for-woocommerce
echo "setup: done — WordPress $(wp core version), WooCommerce $(wp plugin get woocommerce --field=version); open $WP_URL/wp-admin (user admin)"
