#!/usr/bin/env bash
# Starts a throw-away PostgreSQL on 127.0.0.1:${PGPORT:-54329} for the storage tests and prints its URL.
# Uses Debian's postgresql package (installed by .ci/run); runs the server as the unprivileged postgres user.
set -euo pipefail
PGPORT=${PGPORT:-54329}
PGDIR=${PGDIR:-/tmp/nssync-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
id postgres >/dev/null 2>&1 || useradd --system --home "$PGDIR" postgres
if ! runuser -u postgres -- "$bin/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
  rm -rf "$PGDIR"; mkdir -p "$PGDIR"; chown postgres "$PGDIR"
  runuser -u postgres -- "$bin/initdb" -D "$PGDIR/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
    -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
fi
runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='nssync_test'" | grep -q 1 || \
  runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres nssync_test
echo "postgresql://postgres@127.0.0.1:$PGPORT/nssync_test"
