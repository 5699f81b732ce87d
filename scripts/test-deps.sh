#!/usr/bin/env bash
# Installs what the whole suite needs beyond Python (Debian packages): PHP 8.2 + PHPUnit for the plugin's
# tests, PostgreSQL for the storage tests, Redis for the Redis-mode pipeline tests and the docker-compose client
# for the compose file check. Does nothing for what is already there.
set -euo pipefail
need=()
command -v php >/dev/null 2>&1 || need+=(php-cli php-curl php-mbstring php-xml)
command -v phpunit >/dev/null 2>&1 || need+=(phpunit)
# The plugin's tests load WordPress's real formatting functions (Debian's wordpress package ships
# wp-includes/formatting.php) and run the outbox's SQL on SQLite.
[ -f /usr/share/wordpress/wp-includes/formatting.php ] || need+=(wordpress)
php -m 2>/dev/null | grep -qi '^pdo_sqlite$' || need+=(php-sqlite3)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# docker-compose.yml is checked with `docker-compose config -q`: Debian's client alone (a few Python packages,
# no container engine: docker.io is only a Recommends).
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "test-deps: missing ${need[*]}; install them (apt-get install ${need[*]}) or run as root" >&2; exit 1
  fi
fi
echo "test-deps: installing ${need[*]}" >&2
${SUDO:-} apt-get update -qq
DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a cluster (and a redis-server on 6379) on install where it can; ours are started by
# scripts/start-postgres.sh and scripts/start-redis.sh instead.
