#!/usr/bin/env bash
# `make run`: a persistent local chain on 127.0.0.1:8545 with the contracts deployed, in the
# foreground until Ctrl-C. The chain lives in var/chain, so a second `make run` finds the same
# state and reuses the deployment (deployments/yilian-local.json) instead of deploying again.
# A chain already listening on 8545 (another `make run`, `brownie ... --network yilian-local`)
# is reused and left running on exit.
# `make poa` (YILIAN_CHAIN=poa): the same on the project's Clique PoA chain (EthereumJS) on 8547,
# kept in var/poa, deployed as yilian-poa, the relay's database var/relay-poa.db.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
HOST=127.0.0.1
mkdir -p var
if [[ "${YILIAN_CHAIN:-ganache}" == poa ]]; then
  PORT=8547 NETWORK=yilian-poa CHAIN_LOG=var/poa.log DB_DEFAULT=sqlite:///var/relay-poa.db
  KEYS=var/dev-api-keys-poa.env
  CHAIN_CMD=(.venv/bin/yilian chain --port "$PORT" --data-dir var/poa --log-path "$CHAIN_LOG")
  export YILIAN_POA=true
  DEPLOY_FLAGS=(--poa)
else
  PORT=8545 NETWORK=yilian-local CHAIN_LOG=var/chain.log DB_DEFAULT=sqlite:///var/relay.db
  KEYS=var/dev-api-keys.env
  CHAIN_CMD=("$PY" -m yilian.chain.localchain --host "$HOST" --port "$PORT" --db-path var/chain --log-path "$CHAIN_LOG")
  DEPLOY_FLAGS=()
fi
RPC_URL="http://$HOST:$PORT"

listening() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

CHAIN_PID=""
stop_chain() {
  if [[ -n "$CHAIN_PID" ]]; then
    echo "stopping the local chain (its state is kept in var/)"
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
  "${CHAIN_CMD[@]}" &
  CHAIN_PID=$!
  for _ in $(seq 600); do
    listening && break
    kill -0 "$CHAIN_PID" 2>/dev/null || { echo "the chain failed to start: see $CHAIN_LOG" >&2; exit 1; }
    sleep 0.1
  done
  listening || { echo "the chain did not start within 60 s: see $CHAIN_LOG" >&2; exit 1; }
fi

"$PY" -m yilian.chain.deployment --rpc-url "$RPC_URL" --network "$NETWORK" "${DEPLOY_FLAGS[@]}"

# The relay: API on 127.0.0.1:8000 (OpenAPI at /docs) and the outbox worker, in the foreground.
export YILIAN_RPC_URL="$RPC_URL"
export YILIAN_MANIFEST_PATH="deployments/$NETWORK.json"
export YILIAN_DATABASE_URL="${YILIAN_DATABASE_URL:-$DB_DEFAULT}"
if [[ ! -f "$KEYS" || ! -f "${YILIAN_DATABASE_URL#sqlite:///}" ]]; then
  .venv/bin/yilian dev api-keys --env-file "$KEYS"
fi
echo "relay: http://127.0.0.1:8000 (OpenAPI: http://127.0.0.1:8000/docs)"
echo "development API keys (one per role): $KEYS; Ctrl-C stops relay and chain"
.venv/bin/yilian relay serve --host 127.0.0.1 --port 8000
