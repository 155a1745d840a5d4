#!/usr/bin/env bash
# Resolves the Kafka broker jars of tools/kafka/pom.xml into a cache outside the repo (reused when present); prints the directory.
# test-server: 30 Apache Kafka (jars from Maven Central: ~1 min the first time)
# The directory holds libs/*.jar and kafka.cp (the classpath test/kit/kafka.ts runs `java` with). Logs go to stderr.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POM="$HERE/pom.xml"
VERSION=$(sed -n 's#.*<kafka.version>\(.*\)</kafka.version>.*#\1#p' "$POM")
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR=${IMPULSE_KAFKA_DIR:-$CACHE/kafka-$VERSION}
# A changed pom (another SLF4J provider, say) must re-resolve even when the Kafka version is the same.
STAMP=$(sha256sum "$POM" | cut -c1-16)

complete() {
  [ -f "$DIR/kafka.cp" ] && [ "$(cat "$DIR/.pom-stamp" 2>/dev/null)" = "$STAMP" ] || return 1
  local jar
  for jar in $(tr ':' ' ' <"$DIR/kafka.cp"); do [ -s "$jar" ] || return 1; done
}

if complete; then echo "$DIR"; exit 0; fi

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "[impulse] $tool is required to provision the Kafka test broker (apt-get install openjdk-17-jdk-headless maven)" >&2; exit 1; }
done

mkdir -p "$CACHE"
# Parallel callers (two test runs) wait for each other instead of writing the same directory.
exec 9>"$CACHE/.kafka-$VERSION.lock"
flock 9
if complete; then echo "$DIR"; exit 0; fi

echo "[impulse] resolving Apache Kafka $VERSION jars from Maven Central into $DIR (once, 10-30 s)" >&2
TMP="$DIR.tmp.$$"
rm -rf "$TMP"
mkdir -p "$TMP/libs"
trap 'rm -rf "$TMP"' EXIT
# Copies rather than build-classpath into ~/.m2: the cache directory then stands alone and is checked jar by jar above.
# Maven's console library prints colour resets even in batch mode; strip them (pipefail keeps mvn's status).
mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$TMP/libs" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
ls "$TMP/libs"/kafka_2.13-"$VERSION".jar >/dev/null
ls "$TMP/libs"/slf4j-simple-*.jar >/dev/null

rm -rf "$DIR"
mv "$TMP/libs" "$TMP/libs-final"
mkdir -p "$DIR"
mv "$TMP/libs-final" "$DIR/libs"
(cd "$DIR/libs" && ls -1 *.jar | sed "s#^#$DIR/libs/#" | paste -sd: -) >"$DIR/kafka.cp"
echo "$STAMP" >"$DIR/.pom-stamp"
echo "[impulse] Kafka $VERSION ready: $(ls "$DIR/libs" | wc -l) jars, $(du -sh "$DIR" | cut -f1)" >&2
echo "$DIR"
