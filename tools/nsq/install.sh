#!/usr/bin/env bash
# Builds NSQ's nsqd and nsqlookupd (the real NSQ daemons) from the Go module proxy into the infra cache; prints the bin directory.
# test-server: 60 NSQ nsqd + nsqlookupd for the nsq EventSource (Go module proxy, github.com/nsqio/nsq v1.3.0: ~2.5 min cold on an empty cache, 30 s of it CPU, the rest module downloads; 20 s with a warm module cache)
# Idempotent: exits at once when both binaries are there. test/kit/nsq.ts runs them as child processes on free loopback
# ports with their own data dir.
set -euo pipefail
VERSION=v1.3.0
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR="$CACHE/nsq-$VERSION"
BIN="$DIR/bin"
if [ -x "$BIN/nsqd" ] && [ -x "$BIN/nsqlookupd" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE"
# Parallel runs share the cache: one builds, the others wait for it.
exec 9>"$CACHE/.nsq-$VERSION.lock"
flock 9
if [ -x "$BIN/nsqd" ] && [ -x "$BIN/nsqlookupd" ]; then echo "$BIN"; exit 0; fi
echo "building nsq $VERSION into $DIR (about a minute the first time)" >&2
TMP=$(mktemp -d "$CACHE/.nsq-$VERSION.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export GOMODCACHE=${GOMODCACHE:-$CACHE/go-mod} GOCACHE=${GOCACHE:-$CACHE/go-build}
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
# nsq's go.mod carries a replace directive (go-svc), which `go install pkg@version` refuses: a wrapper module repeats
# it and builds the two apps from the published module.
mkdir -p "$TMP/src" "$TMP/bin"
cd "$TMP/src"
go mod init local.impulse/nsqbins >/dev/null 2>&1
go mod edit -replace=github.com/judwhite/go-svc=github.com/mreiferson/go-svc@v1.2.2-0.20210815184239-7a96e00010f6
go get "github.com/nsqio/nsq@$VERSION" >&2
for app in nsqd nsqlookupd; do
  go build -trimpath -ldflags "-s -w" -o "$TMP/bin/$app" "github.com/nsqio/nsq/apps/$app" >&2
done
rm -rf "$TMP/src"
rm -rf "$DIR"
mv "$TMP" "$DIR"
trap - EXIT
[ -x "$BIN/nsqd" ] || { echo "nsq install failed" >&2; exit 1; }
echo "$BIN"
