#!/usr/bin/env bash
# Starts a throw-away Redis on 127.0.0.1:${REDIS_PORT:-56379} for the Redis-mode pipeline tests and prints its URL.
# Uses Debian's redis-server package (installed by scripts/test-deps.sh); daemonized, no persistence (no RDB
# snapshots, no AOF), so nothing survives a restart. Does nothing but print the URL when it is already running.
set -euo pipefail
REDIS_PORT=${REDIS_PORT:-56379}
REDIS_DIR=${REDIS_DIR:-/tmp/nssync-redis}
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  mkdir -p "$REDIS_DIR"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" --appendonly no \
    --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/log" >/dev/null
  for _ in $(seq 50); do  # daemonize returns before the port is open
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG || {
    echo "start-redis: redis-server did not answer on 127.0.0.1:$REDIS_PORT (see $REDIS_DIR/log)" >&2; exit 1; }
fi
echo "redis://127.0.0.1:$REDIS_PORT/0"
