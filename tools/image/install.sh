#!/usr/bin/env bash
# Builds the stand-in for node:24-slim that test/suites/packaging/image.test.ts builds the Dockerfile on; prints its image name.
# test-server: 80 buildah + a stand-in for node:24-slim (Debian packages, mmdebstrap, Node 24 from npm: ~4 min the first time)
# A test device, not a release base: Debian bookworm minbase (mmdebstrap) + Node 24 from the npm registry's `node@24` package
# + npm from the registry's `npm` package + a `node` user uid/gid 1000, committed with buildah into a storage of its own under
# ~/.cache/impulse-infra/containers (vfs driver: no overlay or fuse needed). Reused when present: an unchanged script and
# Node version do not rebuild. Installs Debian's buildah and mmdebstrap when missing (as root, with apt-get).
#   --ref      print the image name if it is built, nothing otherwise (never builds: for the test)
#   --rootfs   print the path of the cached Debian root filesystem (a tarball) the base starts from
# Exits 0 without an image, saying why on stderr, where buildah cannot be had (no apt-get, not root): the suite then skips.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR="$CACHE/image"
STORE="$CACHE/containers"
SUITE=bookworm
NPM_MAJOR=11
# The base is rebuilt when this script's code changes (its recipe; comments do not count) or when Node 24 moves on
# (install-node24.sh takes the newest 24.x).
STAMP=$(grep -v '^[[:space:]]*#' "$0" | sha256sum | cut -c1-12)
bah() { buildah --root "$STORE/storage" --runroot "$STORE/run" --storage-driver vfs "$@"; }
ref_for() { echo "localhost/impulse-node-base:$1-$STAMP"; }
built() { [ -s "$DIR/base.ref" ] && command -v buildah >/dev/null && bah inspect --type image "$(cat "$DIR/base.ref")" >/dev/null 2>&1 \
  && case "$(cat "$DIR/base.ref")" in *"-$STAMP") true ;; *) false ;; esac; }

ROOTFS="$DIR/rootfs-$SUITE-minbase-ca.tar"
if [ "${1:-}" = "--rootfs" ]; then echo "$ROOTFS"; exit 0; fi
if [ "${1:-}" = "--ref" ]; then
  if built; then cat "$DIR/base.ref"; fi
  exit 0
fi

if ! command -v buildah >/dev/null || ! command -v mmdebstrap >/dev/null; then
  if ! command -v apt-get >/dev/null; then
    echo "[impulse] no apt-get: cannot install buildah/mmdebstrap; the image suite will skip" >&2; exit 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "[impulse] buildah/mmdebstrap missing and not root: apt-get install buildah mmdebstrap; the image suite will skip" >&2; exit 0
  fi
  echo "[impulse] installing Debian's buildah and mmdebstrap (once, about a minute)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends buildah mmdebstrap >&2
fi
if [ "$(id -u)" != 0 ]; then
  echo "[impulse] the stand-in base is built as root (mmdebstrap, buildah chroot isolation); the image suite will skip" >&2; exit 0
fi

mkdir -p "$DIR" "$STORE"
# Parallel callers (two test runs) wait for each other instead of building the same image.
exec 9>"$DIR/.lock"
flock 9
NODE_BIN=$(bash "$ROOT/tools/node/install-node24.sh")/node
NODE_VERSION=$("$NODE_BIN" --version)
REF=$(ref_for "${NODE_VERSION#v}")
if built && [ "$(cat "$DIR/base.ref")" = "$REF" ]; then echo "$REF"; exit 0; fi

START=$(date +%s)
TMP=$(mktemp -d "$DIR/.build.XXXXXX")
CTR=
cleanup() { [ -z "$CTR" ] || bah rm "$CTR" >/dev/null 2>&1 || true; rm -rf "$TMP"; }
trap cleanup EXIT

# 1. The Debian root filesystem, cached on its own: it depends only on the suite and the package list.
if [ ! -s "$ROOTFS" ]; then
  echo "[impulse] mmdebstrap: Debian $SUITE minbase + ca-certificates (once, 15 s to 2 min)" >&2
  # mmdebstrap runs apt with a configuration of its own: the host's apt settings that reach the mirror here (proxy, and
  # validity checks of a snapshot mirror) are passed on; the CA of an intercepting proxy is the host's trust store already.
  APTOPTS=()
  while IFS= read -r line; do APTOPTS+=(--aptopt="$line"); done < <(apt-config dump 2>/dev/null \
    | grep -E '^Acquire::(https?::Proxy|https?::CaInfo|Check-Valid-Until|Check-Date)' || true)
  mmdebstrap --quiet --variant=minbase --include=ca-certificates "${APTOPTS[@]}" \
    --customize-hook='rm -f "$1"/etc/resolv.conf "$1"/etc/hostname' "$SUITE" "$TMP/rootfs.tar" >&2
  mv "$TMP/rootfs.tar" "$ROOTFS"
fi

# 2. npm from the registry's tarball (it bundles its dependencies), unpacked where node:24-slim keeps it.
NPM_VERSION=$(npm view "npm@$NPM_MAJOR" version --json | "$NODE_BIN" -e 'const v=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log([].concat(v).at(-1))')
mkdir -p "$TMP/npm/usr/local/lib/node_modules/npm" "$TMP/npm/usr/local/bin"
(cd "$TMP" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
tar -xzf "$TMP/npm-$NPM_VERSION.tgz" -C "$TMP/npm/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$TMP/npm/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$TMP/npm/usr/local/bin/npx"
cp "$NODE_BIN" "$TMP/npm/usr/local/bin/node"

# 3. One image: rootfs, then Node and npm, then the `node` user as in the official image.
echo "[impulse] buildah: committing $REF (Node $NODE_VERSION, npm $NPM_VERSION)" >&2
CTR=$(bah from --quiet scratch)
bah add --quiet "$CTR" "$ROOTFS" / >&2
bah add --quiet "$CTR" "$TMP/npm/" / >&2
bah run --isolation chroot --network host "$CTR" -- sh -c \
  'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node && node --version && npm --version' >&2
bah config --env NODE_VERSION="${NODE_VERSION#v}" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --cmd node --label org.opencontainers.image.description="Impulse test stand-in for node:24-slim (not for release)" "$CTR"
bah commit --quiet --rm "$CTR" "$REF" >&2
CTR=
# Older stand-ins (another Node or recipe) only take space.
for old in $(bah images --format '{{.Name}}:{{.Tag}}' 2>/dev/null | grep '^localhost/impulse-node-base:' | grep -vx "$REF" || true); do
  bah rmi "$old" >/dev/null 2>&1 || true
done
echo "$REF" >"$DIR/base.ref"
echo "[impulse] stand-in base $REF ready in $(( $(date +%s) - START )) s" >&2
echo "$REF"
