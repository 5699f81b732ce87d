#!/usr/bin/env bash
# The whole suite: Python tests (storage tests on SQLite and on a real PostgreSQL, pipeline tests also with huey
# on a real Redis), then the PHP plugin suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SIDECAR_TEST_POSTGRES_URL:-}" ]; then
  if url=$(bash scripts/start-postgres.sh 2>/tmp/nssync-pg-start.log); then
    export SIDECAR_TEST_POSTGRES_URL="$url"
  else
    echo "make test: PostgreSQL could not be started (see /tmp/nssync-pg-start.log); storage tests run on SQLite only" >&2
  fi
fi
if [ -z "${SIDECAR_TEST_REDIS_URL:-}" ]; then
  if url=$(bash scripts/start-redis.sh 2>/tmp/nssync-redis-start.log); then
    export SIDECAR_TEST_REDIS_URL="$url"
  else
    echo "make test: Redis could not be started (see /tmp/nssync-redis-start.log); Redis-mode tests are skipped" >&2
  fi
fi
echo "== Python suite (backends: sqlite${SIDECAR_TEST_POSTGRES_URL:+, postgresql}${SIDECAR_TEST_REDIS_URL:+, redis})"
status=0
.venv/bin/python -m pytest -q -p no:cacheprovider tests || status=$?
if [ -d wp-plugin/tests ] && command -v phpunit >/dev/null 2>&1; then
  echo "== PHP: php -l on every plugin file"
  find wp-plugin -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null
  echo "php -l: $(find wp-plugin -name '*.php' | wc -l) files, no syntax errors"
  echo "== PHP suite (PHPUnit)"
  phpunit --configuration wp-plugin/phpunit.xml.dist
fi
exit $status
