#!/usr/bin/env bash
# Builds Mailpit (a real SMTP server with STARTTLS, implicit TLS, AUTH and an HTTP API to read what it received) into a cache outside the repo.
# test-server: 55 the SMTP server for the email trigger (Mailpit from the Go module proxy: ~2 min cold on 2 idle cores, 7.6 min under heavy load)
# Reused when present; safe to run on every `npm test`. The email trigger suite (test/suites/sensor/email-trigger.test.ts) runs it
# on free loopback ports through test/kit/mailpit.ts.
set -euo pipefail
VERSION=v1.33.1
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR="$CACHE/mailpit-$VERSION"
BIN="$DIR/bin/mailpit"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE"
# Parallel runs (several clones, several helpers) share the cache: one builds, the others wait for it.
exec 9>"$CACHE/.mailpit-$VERSION.lock"
flock 9
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
echo "building mailpit $VERSION into $DIR (a few minutes the first time)" >&2
TMP=$(mktemp -d "$CACHE/.mailpit-$VERSION.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/bin"
# Pure Go (its SQLite is modernc.org/sqlite): no C toolchain needed.
GOBIN="$TMP/bin" GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 \
  go install -trimpath -ldflags "-s -w" "github.com/axllent/mailpit@$VERSION" >&2
rm -rf "$DIR"
mv "$TMP" "$DIR"
trap - EXIT
[ -x "$BIN" ] || { echo "mailpit install failed" >&2; exit 1; }
echo "$BIN"
