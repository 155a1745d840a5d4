#!/usr/bin/env bash
# Installs serverless 3 + serverless-offline 13 (the local Lambda Invoke API for tests) into a cache outside the repo; prints the directory.
# test-server: 20 the Lambda Invoke API emulator (serverless-offline: ~1 min the first time)
# Reused when present; safe to run on every `npm test`. v4 of serverless needs a login, so it stays on 3.x (test-infra.md §3).
set -euo pipefail
SLS=3.40.0
OFFLINE=13.9.0
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR="$CACHE/serverless-$SLS"
ready() {
  [ -f "$DIR/node_modules/serverless/package.json" ] && [ -f "$DIR/node_modules/serverless-offline/package.json" ] \
    && grep -q "\"version\": \"$OFFLINE\"" "$DIR/node_modules/serverless-offline/package.json"
}
if ready; then echo "$DIR"; exit 0; fi
mkdir -p "$CACHE"
# Parallel runs (several clones, several helpers) share the cache: one installs, the others wait for it.
exec 9>"$CACHE/.serverless-$SLS.lock"
flock 9
if ready; then echo "$DIR"; exit 0; fi
echo "installing serverless $SLS + serverless-offline $OFFLINE into $DIR (about a minute)" >&2
TMP=$(mktemp -d "$CACHE/.serverless-$SLS.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
printf '{"name":"impulse-lambda-emulator","private":true}\n' > "$TMP/package.json"
# --ignore-scripts: serverless' postinstall only prints a banner; nothing in this tree needs a build step.
(cd "$TMP" && SLS_TELEMETRY_DISABLED=1 npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
  "serverless@$SLS" "serverless-offline@$OFFLINE") >&2
rm -rf "$DIR"
mv "$TMP" "$DIR"
trap - EXIT
ready || { echo "serverless install failed" >&2; exit 1; }
echo "$DIR"
