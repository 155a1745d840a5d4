#!/usr/bin/env bash
# Builds pstest-server (tools/pubsub/main.go: Google's official Pub/Sub fake, pstest, as a gRPC server) into the infra cache; prints the binary.
# test-server: 60 Google Cloud Pub/Sub fake for the pubSub EventSource (pstest from cloud.google.com/go/pubsub/v2 via the Go module proxy: about 1-2 min cold on an empty cache, 22 s when the otelcol build already fetched the gRPC modules)
# Idempotent: exits at once when the binary for this go.sum is there. test/kit/pubsub.ts runs it as a child process
# on a free loopback port.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
# The sources' hash names the build: a change of main.go or of a pinned module rebuilds it.
KEY=$(cat "$HERE/main.go" "$HERE/go.mod" "$HERE/go.sum" | sha256sum | cut -c1-12)
DIR="$CACHE/pstest-$KEY"
BIN="$DIR/pstest-server"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE"
exec 9>"$CACHE/.pstest.lock"
flock 9
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
echo "building pstest-server into $DIR (a minute or two the first time)" >&2
TMP=$(mktemp -d "$CACHE/.pstest-$KEY.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export GOMODCACHE=${GOMODCACHE:-$CACHE/go-mod} GOCACHE=${GOCACHE:-$CACHE/go-build}
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
(cd "$HERE" && go build -trimpath -ldflags "-s -w" -o "$TMP/pstest-server" .) >&2
rm -rf "$DIR"
mv "$TMP" "$DIR"
trap - EXIT
[ -x "$BIN" ] || { echo "pstest-server build failed" >&2; exit 1; }
echo "$BIN"
