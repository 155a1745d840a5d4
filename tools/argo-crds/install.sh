#!/usr/bin/env bash
# Fetches Argo Rollouts' and Argo CD's own CRDs from the Go module proxy for the notification catalogs' suites; prints the directory.
# test-server: 46 Argo Rollouts + Argo CD CRDs (from the Go module proxy: 7-13 s the first time, measured with an empty module cache)
# Reused when present. The CRDs are the modules' manifests/crds (what `kubectl apply -k` of each project installs).
set -euo pipefail
ROLLOUTS=${IMPULSE_ARGO_ROLLOUTS_VERSION:-v1.8.3}
ARGOCD=${IMPULSE_ARGO_CD_VERSION:-v3.2.0}
OUT=${IMPULSE_ARGO_CRDS_DIR:-$HOME/.cache/impulse-infra/argo-crds-rollouts-$ROLLOUTS-cd-$ARGOCD}
# --dir: print where the files go without fetching (a test must never start a download).
if [ "${1:-}" = "--dir" ]; then echo "$OUT"; exit 0; fi
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
export GOMODCACHE=${GOMODCACHE_IMPULSE:-$HOME/.cache/impulse-infra/go-mod} GOCACHE=${GOCACHE_IMPULSE:-$HOME/.cache/impulse-infra/go-build}
if [ ! -f "$OUT/application-crd.yaml" ] || [ ! -f "$OUT/rollout-crd.yaml" ]; then
  echo "[impulse] fetching Argo Rollouts $ROLLOUTS and Argo CD $ARGOCD CRDs (once, seconds)" >&2
  rollouts=$(go mod download -json "github.com/argoproj/argo-rollouts@$ROLLOUTS" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  argocd=$(go mod download -json "github.com/argoproj/argo-cd/v3@$ARGOCD" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp"
  cp "$rollouts"/manifests/crds/rollout-crd.yaml "$rollouts"/manifests/crds/analysis-run-crd.yaml "$OUT.tmp/"
  cp "$argocd"/manifests/crds/application-crd.yaml "$OUT.tmp/"
  rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
fi
echo "$OUT"
