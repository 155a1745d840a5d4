#!/usr/bin/env bash
# Installs Node 24 LTS from the npm registry (package `node`) into a cache outside the repo; prints its bin dir.
set -euo pipefail
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR="$CACHE/node-24"
BIN="$DIR/node_modules/.bin"
if [ ! -x "$BIN/node" ] || ! "$BIN/node" --version | grep -q '^v24\.'; then
  mkdir -p "$DIR"
  npm install --prefix "$DIR" --no-audit --no-fund --no-save node@24 >&2
fi
echo "$BIN"
