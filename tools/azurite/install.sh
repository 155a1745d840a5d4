#!/usr/bin/env bash
# Installs Azurite (Microsoft's Azure Storage emulator, npm package `azurite`) into the infra cache; prints the directory.
# test-server: 58 Azurite queue emulator (npm package azurite: ~40 s the first time)
# Idempotent: exits at once when the pinned version is already there. test/kit/azurite.ts runs its azurite-queue
# binary as a child process on a free port with its own --location.
set -euo pipefail
VERSION=3.37.0
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR=${IMPULSE_AZURITE_DIR:-$CACHE/azurite-$VERSION}
BIN="$DIR/node_modules/.bin/azurite-queue"
if [ -x "$BIN" ] && [ -f "$DIR/.complete" ]; then echo "$DIR"; exit 0; fi
echo "installing azurite $VERSION into $DIR" >&2
mkdir -p "$DIR"
# Its own prefix (not the repo's workspaces): a test server, not a dependency of any package.
npm install --prefix "$DIR" --no-audit --no-fund --no-save --loglevel=error "azurite@$VERSION" >&2
[ -x "$BIN" ] || { echo "azurite install failed: $BIN missing" >&2; exit 1; }
touch "$DIR/.complete"
echo "$DIR"
