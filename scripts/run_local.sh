#!/usr/bin/env bash
# `make run`: a persistent local chain on 127.0.0.1:8545 with the contracts deployed, in the
# foreground until Ctrl-C. The chain lives in var/chain, so a second `make run` finds the same
# state and reuses the deployment (deployments/yilian-local.json) instead of deploying again.
# A chain already listening on 8545 (another `make run`, `brownie ... --network yilian-local`)
# is reused and left running on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
HOST=127.0.0.1
PORT=8545
NETWORK=yilian-local
RPC_URL="http://$HOST:$PORT"
mkdir -p var

listening() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

CHAIN_PID=""
stop_chain() {
  if [[ -n "$CHAIN_PID" ]]; then
    echo "stopping the local chain (state kept in var/chain)"
    # The Python supervisor turns SIGTERM into a clean ganache shutdown (database closed).
    kill -TERM "$CHAIN_PID" 2>/dev/null || true
    wait "$CHAIN_PID" 2>/dev/null || true
    CHAIN_PID=""
  fi
}
trap stop_chain EXIT
trap 'exit 130' INT TERM

if listening; then
  echo "a chain is already listening on $RPC_URL: using it"
else
  "$PY" -m yilian.chain.localchain --host "$HOST" --port "$PORT" \
    --db-path var/chain --log-path var/chain.log &
  CHAIN_PID=$!
  for _ in $(seq 600); do
    listening && break
    kill -0 "$CHAIN_PID" 2>/dev/null || { echo "the chain failed to start: see var/chain.log" >&2; exit 1; }
    sleep 0.1
  done
  listening || { echo "the chain did not start within 60 s: see var/chain.log" >&2; exit 1; }
fi

"$PY" -m yilian.chain.deployment --rpc-url "$RPC_URL" --network "$NETWORK"

# The relay: API on port 8000 (OpenAPI at /docs) and the outbox worker, in the foreground. It
# listens on every interface so that a phone on the same network can open a certificate's QR code
# (public pages need no key; every other route needs an API key; the chain stays on 127.0.0.1).
# YILIAN_RELAY_HOST=127.0.0.1 keeps it on this machine.
RELAY_HOST="${YILIAN_RELAY_HOST:-0.0.0.0}"
export YILIAN_RPC_URL="$RPC_URL"
export YILIAN_MANIFEST_PATH="deployments/$NETWORK.json"
export YILIAN_DATABASE_URL="${YILIAN_DATABASE_URL:-sqlite:///var/relay.db}"
if [[ ! -f var/dev-api-keys.env || ! -f var/relay.db ]]; then
  .venv/bin/yilian dev api-keys --env-file var/dev-api-keys.env
fi
echo "relay: http://127.0.0.1:8000 (OpenAPI: http://127.0.0.1:8000/docs)"
echo "public pages: <base>/certificates/<number>?hash=…, <base>/stats (base: YILIAN_PUBLIC_BASE_URL, default this machine's LAN address)"
echo "development API keys (one per role): var/dev-api-keys.env; Ctrl-C stops relay and chain"
.venv/bin/yilian relay serve --host "$RELAY_HOST" --port 8000
