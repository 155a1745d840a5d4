#!/usr/bin/env bash
# Builds the MinIO server (S3 API + ListenBucketNotification) from the Go module proxy into the infra cache; prints the binary.
# test-server: 60 MinIO server for the minio EventSource and the s3 trigger source (Go module proxy build: about 4 min cold on an empty cache, 243 s measured beside the otelcol build at load ~5; 1.2 GB modules, 1 GB build cache)
# Reused when present; safe to run on every `npm test`. test/kit/minio.ts runs it as a child process on free loopback ports
# with its own data directory. No `mc` client: the suites talk to it with the `minio` npm package.
set -euo pipefail
# The last commit of github.com/minio/minio: RELEASE.2025-10-15T17-29-55Z plus a few fixes and README edits. The module
# proxy reachable here answers 403 for the RELEASE.* tag queries and for commit queries, and serves this pseudo-version.
VERSION=${IMPULSE_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
# -p1: built with the Flush fix below (a binary built without it is not reused).
DIR="$CACHE/minio-$VERSION-p1"
BIN="$DIR/minio"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE"
# Parallel runs (several clones, several helpers) share the cache: one builds, the others wait for it.
exec 9>"$CACHE/.minio-$VERSION.lock"
flock 9
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
echo "[impulse] building minio $VERSION into $DIR (once, many minutes on 2 cores)" >&2
# Module and build caches live beside the other test servers so that a cache restore brings them back together.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
export GOMODCACHE=${GOMODCACHE_IMPULSE:-$CACHE/go-mod} GOCACHE=${GOCACHE_IMPULSE:-$CACHE/go-build}
# Built inside the module's own tree (its go.mod and go.sum pin every dependency): `go install pkg@version` first reads
# the proxy's version list, which this proxy refuses.
src=$(go mod download -json "github.com/minio/minio@$VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -d "$src" ] || { echo "minio module download failed" >&2; exit 1; }
TMP=$(mktemp -d "$CACHE/.minio-$VERSION.XXXXXX")
trap 'chmod -R u+w "$TMP"; rm -rf "$TMP"' EXIT
cp -r "$src" "$TMP/src" && chmod -R u+w "$TMP/src"
# Upstream regression after RELEASE.2025-10-15 (commit 52eee5a2f, "Don't send multiple responses for one request"): every
# S3 handler's writer is wrapped in a trackingResponseWriter without Flush, so ListenBucketNotification never flushes its
# headers and keep-alives (a listener hangs until 4 KiB of output piled up). The tag itself cannot be fetched here; this
# adds the missing Flush, passing through to the wrapped writer, and changes nothing else.
if grep -q "type trackingResponseWriter struct" "$TMP/src/cmd/api-response.go" && ! grep -q "func (w \*trackingResponseWriter) Flush" "$TMP"/src/cmd/*.go; then
  cat > "$TMP/src/cmd/impulse-flush-fix.go" <<'GO'
package cmd

import "net/http"

// Flush passes a streaming handler's flush (ListenBucketNotification) through to the wrapped writer.
func (w *trackingResponseWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
GO
fi
(cd "$TMP/src" && go build -trimpath -ldflags "-s -w" -o "$TMP/minio" .) >&2
rm -rf "$TMP/src"
rm -rf "$DIR"
mv "$TMP" "$DIR"
trap - EXIT
[ -x "$BIN" ] || { echo "minio install failed" >&2; exit 1; }
echo "$BIN"
