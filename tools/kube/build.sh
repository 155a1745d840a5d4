#!/usr/bin/env bash
# Builds kube-apiserver, etcd and kubectl for the test kit from the Go module proxy into a cache outside the repo; prints the directory.
# test-server: 10 kube-apiserver + etcd + kubectl (built from the Go module proxy: ~10 min the first time)
# Reused when present. A cold build takes 8-20 minutes on 2 cores (see ../shared/reference/test-infra.md §1b, §1c).
set -euo pipefail
K8S=${IMPULSE_K8S_VERSION:-v1.36.3}
ETCD=${IMPULSE_ETCD_VERSION:-v3.6.16}
OUT=${IMPULSE_KUBE_DIR:-$HOME/.cache/impulse-infra/kube-$K8S-etcd-$ETCD}
# --dir: print where the binaries go without building (the test kit asks; a test must never start a long build).
if [ "${1:-}" = "--dir" ]; then echo "$OUT"; exit 0; fi
mkdir -p "$OUT"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

build_k8s_cmd() {
  # $1: the command under k8s.io/kubernetes/cmd/ (kube-apiserver, kubectl).
  # k8s.io/kubernetes requires its staging modules at v0.0.0 with local replaces; a wrapper module maps each to the
  # published v0.X.Y of the same release (kubernetes/kubernetes#79384), generated from the release's own go.mod.
  local w; w=$(mktemp -d); trap 'rm -rf "$w"' RETURN
  (
    cd "$w"
    go mod init local.impulse/kubebins >/dev/null 2>&1
    local gomod staging minor ldf
    gomod=$(go mod download -json "k8s.io/kubernetes@$K8S" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    staging=v0.${K8S#v1.}
    for m in $(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) v0\.0\.0\([[:space:]]*//.*\)\{0,1\}$#\1#p' "$gomod"); do
      go mod edit -replace="$m=$m@$staging"
    done
    go get "k8s.io/kubernetes/cmd/$1@$K8S" >/dev/null
    minor=$(echo "$K8S" | cut -d. -f2)
    # Without the version stamp /version says v0.0.0-master and clients that parse it misbehave.
    ldf="-s -w -X k8s.io/component-base/version.gitVersion=$K8S -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
    go build -trimpath -ldflags "$ldf" -o "$OUT/$1.tmp" "k8s.io/kubernetes/cmd/$1"
    mv "$OUT/$1.tmp" "$OUT/$1"
  )
}

build_etcd() {
  # etcd's own go.mod files carry local replaces (etcd-io/etcd#18501); a separate wrapper module sidesteps them
  # and keeps MVS from bumping the apiserver's dependencies.
  local w; w=$(mktemp -d); trap 'rm -rf "$w"' RETURN
  (
    cd "$w"
    go mod init local.impulse/etcdbin >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@$ETCD" >/dev/null
    go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3
    mv "$OUT/etcd.tmp" "$OUT/etcd"
  )
}

[ -x "$OUT/etcd" ] || { echo "[impulse] building etcd $ETCD (once, 1-3 min)" >&2; build_etcd >&2; }
[ -x "$OUT/kube-apiserver" ] || { echo "[impulse] building kube-apiserver $K8S (once, 8-20 min)" >&2; build_k8s_cmd kube-apiserver >&2; }
# kubectl (for `kubectl explain` against the test apiserver) shares the module and build caches: a few minutes after the apiserver.
[ -x "$OUT/kubectl" ] || { echo "[impulse] building kubectl $K8S (once, 3-10 min)" >&2; build_k8s_cmd kubectl >&2; }
echo "$OUT"
