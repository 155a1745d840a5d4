#!/usr/bin/env bash
# Builds the helm CLI from the Go module proxy into a cache outside the repo (for the chart render test); prints its directory.
# test-server: 40 helm (built from the Go module proxy: ~4 min the first time)
# Reused when present. A cold build takes 3-6 minutes on 2 cores, seconds when the Go build cache is warm.
set -euo pipefail
HELM=${IMPULSE_HELM_VERSION:-v3.22.0}
OUT=${IMPULSE_HELM_DIR:-$HOME/.cache/impulse-infra/helm-$HELM}
# --dir: print where the binary goes without building (a test must never start a build).
if [ "${1:-}" = "--dir" ]; then echo "$OUT"; exit 0; fi
if [ ! -x "$OUT/helm" ]; then
  echo "[impulse] building helm $HELM (once, 3-6 min)" >&2
  mkdir -p "$OUT"
  # Unlike k8s.io/kubernetes, helm's go.mod has no local replaces, so a plain `go install pkg@version` works.
  # The -X stamps mirror helm's Makefile: without them `helm version` says v3.22 and .Capabilities.KubeVersion
  # defaults to v1.20, which is older than any cluster Impulse supports. 1.37 = the client-go minor helm v3.22 is built with.
  ldf="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  ldf="$ldf -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37"
  ldf="$ldf -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=37"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$tmp" go install -trimpath -ldflags "$ldf" "helm.sh/helm/v3/cmd/helm@$HELM" >&2
  mv "$tmp/helm" "$OUT/helm"
fi
echo "$OUT"
