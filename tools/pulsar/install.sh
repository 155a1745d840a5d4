#!/usr/bin/env bash
# Resolves the Apache Pulsar broker jars of tools/pulsar/pom.xml into a cache outside the repo (reused when present); prints the directory.
# test-server: 57 Apache Pulsar standalone (jars from Maven Central, 235 MB: 1.3-2 min the first time)
# The directory holds libs/*.jar and pulsar.cp (the classpath test/kit/pulsar.ts runs PulsarStandaloneStarter with). Logs go to stderr.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POM="$HERE/pom.xml"
VERSION=$(sed -n 's#.*<pulsar.version>\(.*\)</pulsar.version>.*#\1#p' "$POM")
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR=${IMPULSE_PULSAR_DIR:-$CACHE/pulsar-$VERSION}
STAMP=$(sha256sum "$POM" | cut -c1-16)

complete() {
  [ -f "$DIR/pulsar.cp" ] && [ "$(cat "$DIR/.pom-stamp" 2>/dev/null)" = "$STAMP" ] || return 1
  local jar
  for jar in $(tr ':' ' ' <"$DIR/pulsar.cp"); do [ -s "$jar" ] || return 1; done
}

if complete; then echo "$DIR"; exit 0; fi

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "[impulse] $tool is required to provision the Pulsar test broker (apt-get install openjdk-17-jdk-headless maven)" >&2; exit 1; }
done

mkdir -p "$CACHE"
exec 9>"$CACHE/.pulsar-$VERSION.lock"
flock 9
if complete; then echo "$DIR"; exit 0; fi

echo "[impulse] resolving Apache Pulsar $VERSION jars from Maven Central into $DIR (once, 1-2 min)" >&2
TMP="$DIR.tmp.$$"
rm -rf "$TMP"
mkdir -p "$TMP/libs"
trap 'rm -rf "$TMP"' EXIT
# A local repository of its own, dropped afterwards: the Kafka install may resolve into ~/.m2 at the same time (npm test
# installs servers in parallel lanes), and Maven does not lock its local repository. The copied jars stand alone.
mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$TMP/m2" -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$TMP/libs" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
ls "$TMP/libs"/pulsar-broker-"$VERSION".jar >/dev/null

rm -rf "$DIR"
mkdir -p "$DIR"
mv "$TMP/libs" "$DIR/libs"
(cd "$DIR/libs" && ls -1 *.jar | sed "s#^#$DIR/libs/#" | paste -sd: -) >"$DIR/pulsar.cp"
echo "$STAMP" >"$DIR/.pom-stamp"
echo "[impulse] Pulsar $VERSION ready: $(ls "$DIR/libs" | wc -l) jars, $(du -sh "$DIR" | cut -f1)" >&2
echo "$DIR"
