#!/usr/bin/env bash
# The whole suite: Python tests (storage tests on SQLite and on a real PostgreSQL, pipeline tests also with huey
# on a real Redis), then the PHP plugin suite.
# Servers this script starts are stopped when it ends (pass, fail or Ctrl-C); one already listening on its port
# when the script began (another run, or yours) is used and left running.
set -euo pipefail
cd "$(dirname "$0")/.."
PGPORT=${PGPORT:-54329}
PGDIR=${PGDIR:-/tmp/nssync-pg}
REDIS_PORT=${REDIS_PORT:-56379}
export PGPORT PGDIR REDIS_PORT
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started_pg=0
started_redis=0
stop_started() {
  if [ "$started_pg" = 1 ]; then
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    runuser -u postgres -- "$bin/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 \
      && echo "make test: stopped the PostgreSQL it started on 127.0.0.1:$PGPORT" \
      || echo "make test: could not stop PostgreSQL on 127.0.0.1:$PGPORT (data in $PGDIR)" >&2
  fi
  if [ "$started_redis" = 1 ]; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    listening "$REDIS_PORT" && echo "make test: could not stop Redis on 127.0.0.1:$REDIS_PORT" >&2 \
      || echo "make test: stopped the Redis it started on 127.0.0.1:$REDIS_PORT"
  fi
}
trap stop_started EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [ -z "${SIDECAR_TEST_POSTGRES_URL:-}" ]; then
  listening "$PGPORT" && pg_before=1 || pg_before=0
  if url=$(bash scripts/start-postgres.sh 2>/tmp/nssync-pg-start.log); then
    export SIDECAR_TEST_POSTGRES_URL="$url"
    [ "$pg_before" = 0 ] && started_pg=1
  else
    echo "make test: PostgreSQL could not be started (see /tmp/nssync-pg-start.log); storage tests run on SQLite only" >&2
  fi
fi
if [ -z "${SIDECAR_TEST_REDIS_URL:-}" ]; then
  listening "$REDIS_PORT" && redis_before=1 || redis_before=0
  if url=$(bash scripts/start-redis.sh 2>/tmp/nssync-redis-start.log); then
    export SIDECAR_TEST_REDIS_URL="$url"
    [ "$redis_before" = 0 ] && started_redis=1
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
