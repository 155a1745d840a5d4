#!/usr/bin/env bash
# Fetches Argo Workflows' own CRDs from the Go module proxy and, with --with-cli, builds the `argo` CLI (the argoWorkflow trigger's reference); prints the directory.
# test-server: 45 Argo Workflows CRDs (from the Go module proxy: ~5 s the first time)
# Reused when present. The CRDs are the module's manifests/base/crds/minimal (what Argo installs: the "full" ones are not
# structural for recent apiservers); the CLI is built from the same module version.
set -euo pipefail
ARGO=${IMPULSE_ARGO_WORKFLOWS_VERSION:-v3.6.10}
OUT=${IMPULSE_ARGO_DIR:-$HOME/.cache/impulse-infra/argo-workflows-$ARGO}
# --dir: print where the files go without fetching or building (a test must never start a build).
if [ "${1:-}" = "--dir" ]; then echo "$OUT"; exit 0; fi
# The CLI is opt-in: its cold build took 52 min here (2 cores shared with other builds), past the CI budget for one reference suite
# (test/suites/sensor/argo-workflow-cli.test.ts skips without it). `--with-cli` builds it once into the cache.
WITH_CLI=0; [ "${1:-}" = "--with-cli" ] && WITH_CLI=1
# Module and build caches live beside the other test servers so that a cache restore brings them back together.
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
export GOMODCACHE=${GOMODCACHE_IMPULSE:-$HOME/.cache/impulse-infra/go-mod} GOCACHE=${GOCACHE_IMPULSE:-$HOME/.cache/impulse-infra/go-build}
MOD=github.com/argoproj/argo-workflows/v3
mkdir -p "$OUT"
if [ ! -f "$OUT/crds/argoproj.io_workflows.yaml" ]; then
  echo "[impulse] fetching Argo Workflows $ARGO CRDs (once, seconds)" >&2
  dir=$(go mod download -json "$MOD@$ARGO" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf "$OUT/crds.tmp" && mkdir -p "$OUT/crds.tmp"
  cp "$dir"/manifests/base/crds/minimal/argoproj.io_*.yaml "$OUT/crds.tmp/"
  rm -rf "$OUT/crds" && mv "$OUT/crds.tmp" "$OUT/crds"
fi
if [ "$WITH_CLI" = 1 ] && [ ! -x "$OUT/argo" ]; then
  echo "[impulse] building the argo CLI $ARGO (once, 30-50 min on 2 cores)" >&2
  # Built inside a copy of the module's own tree (its go.mod and go.sum pin every dependency): `go install pkg@version`
  # would first read the proxy's version list for deprecations, which this proxy refuses (403). The -X stamp is what
  # the Makefile sets (without it `argo version` says untagged). No UI static files: the CLI never serves them.
  dir=$(go mod download -json "$MOD@$ARGO" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
  cp -r "$dir" "$tmp/src" && chmod -R u+w "$tmp/src"
  (cd "$tmp/src" && go build -trimpath -ldflags "-s -w -X $MOD.version=$ARGO" -o "$tmp/argo" ./cmd/argo) >&2
  mv "$tmp/argo" "$OUT/argo"
fi
echo "$OUT"
