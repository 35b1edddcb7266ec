#!/usr/bin/env bash
# Run a command against a throwaway Ganache 7 (test mnemonic, shanghai) on a free port:
#   tools/with-ganache.sh ape run demo   ->   ape run demo --network http://127.0.0.1:PORT
# ape-foundry only drives Anvil, so Ganache is reached through Ape's generic node provider by URL.
set -euo pipefail
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ganache --server.host 127.0.0.1 --server.port "$port" --wallet.mnemonic \
  "test test test test test test test test test test test junk" --wallet.totalAccounts 10 \
  --chain.hardfork shanghai --chain.chainId 31337 --logging.quiet &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$port"; then
    break
  fi
  sleep 0.2
done
"$@" --network "http://127.0.0.1:$port"
