#!/usr/bin/env bash
# make run: the sidecar API (gunicorn) and the worker, on the configuration in the environment.
# Stops both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$BIN/sidecar serve &
pids+=($!)
$BIN/sidecar worker &
pids+=($!)
bind=${SIDECAR_BIND:-127.0.0.1:8765}
for _ in $(seq 1 50); do curl -fsS "http://$bind/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
echo
echo "sidecar API:  http://$bind   (health: http://$bind/healthz, readiness: http://$bind/readyz, metrics: /metrics)"
echo "worker:       running (heartbeat shown in /readyz)"
echo "Ctrl-C stops both."
wait -n "${pids[@]}"
