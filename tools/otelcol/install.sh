#!/usr/bin/env bash
# Builds a minimal OpenTelemetry Collector (OTLP receiver, otlphttp and debug exporters) from the Go module proxy; prints the binary.
# test-server: 60 the OTLP receiver of the tracing suite (OpenTelemetry Collector v0.165.0 core components from the Go module proxy: about 3 min cold on an empty cache, 172 s measured beside the MinIO build at load ~5; 20 s with warm Go caches)
# Reused when present; safe to run on every `npm test`. test/kit/otelcol.ts runs it on free loopback ports for
# test/suites/tracing/. Jaeger v2 (queryable by trace id) was measured first: its cold build was still running after 30 min
# under the same load, so the suite reads the spans this collector re-exports as OTLP/JSON instead (docs/tracing.md).
set -euo pipefail
VERSION=v0.165.0
# The stable (v1) modules of the same collector release.
STABLE=v1.71.0
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR="$CACHE/otelcol-$VERSION"
BIN="$DIR/bin/otelcol"
if [ "${1:-}" = "--bin" ]; then echo "$BIN"; exit 0; fi
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE"
# Parallel runs share the cache: one builds, the others wait for it.
exec 9>"$CACHE/.otelcol-$VERSION.lock"
flock 9
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
echo "building the OpenTelemetry Collector $VERSION into $DIR (minutes the first time)" >&2
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
export GOMODCACHE=${GOMODCACHE_IMPULSE:-$CACHE/go-mod} GOCACHE=${GOCACHE_IMPULSE:-$CACHE/go-build}
TMP=$(mktemp -d "$CACHE/.otelcol-$VERSION.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$TMP/src" "$TMP/bin"
cp "$HERE/main.go" "$TMP/src/"
(
  cd "$TMP/src"
  go mod init local.impulse/otelcol >/dev/null 2>&1
  # One release: the v0.x modules at $VERSION; their v1.x siblings come in at the versions that release requires.
  go get go.opentelemetry.io/collector/otelcol@$VERSION go.opentelemetry.io/collector/service@$VERSION \
    go.opentelemetry.io/collector/receiver/otlpreceiver@$VERSION go.opentelemetry.io/collector/exporter/otlphttpexporter@$VERSION \
    go.opentelemetry.io/collector/exporter/debugexporter@$VERSION go.opentelemetry.io/collector/confmap/provider/envprovider@$STABLE >&2
  go build -trimpath -ldflags "-s -w" -o "$TMP/bin/otelcol" .
) >&2
rm -rf "$DIR"
mkdir -p "$DIR"
mv "$TMP/bin" "$DIR/bin"
[ -x "$BIN" ] || { echo "otelcol install failed" >&2; exit 1; }
echo "$BIN"
