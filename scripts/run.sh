#!/usr/bin/env bash
# make run: with real credentials stored in the sidecar, start the API (gunicorn) and the worker against them;
# with none, run the demo (both sandboxes + sidecar + worker, a few orders end to end) and keep serving.
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if ! $BIN/python - <<'PY'
import sys
from sidecar.config import load_config, announce_generated
from sidecar.store.credentials import is_configured
from sidecar.store.runtime import init_runtime
config = load_config()
announce_generated(config)
store = init_runtime(config).credentials
sys.exit(0 if all(is_configured(s, store.get(s)) for s in ("netsuite", "woocommerce")) else 1)
PY
then
  echo "make run: no real credentials stored in the sidecar — running the demo against the local sandboxes."
  exec $BIN/sidecar demo
fi

pids=()
cleanup() {  # SIGTERM both, SIGKILL whatever is still there 10 s later
  trap - EXIT INT TERM
  kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "${pids[@]}" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
$BIN/sidecar serve &
pids+=($!)
bind=${SIDECAR_BIND:-127.0.0.1:8765}
for _ in $(seq 1 50); do
  curl -fsS "http://$bind/healthz" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "make run: the sidecar API did not start (see above)" >&2; exit 1; }
  sleep 0.2
done
$BIN/sidecar worker &
pids+=($!)
echo
echo "sidecar API:  http://$bind   (health /healthz, readiness /readyz, metrics /metrics)"
echo "worker:       running against your NetSuite and WooCommerce accounts (heartbeat in /readyz)"
echo "status:       $BIN/sidecar status      Ctrl-C stops both."
wait -n "${pids[@]}"
