#!/usr/bin/env bash
# Resolves Hadoop's MiniDFSCluster jars (tools/hdfs/pom.xml) and compiles MiniHdfs.java into a cache outside the repo (reused when present); prints the directory.
# test-server: 57 HDFS with WebHDFS (Hadoop's MiniDFSCluster: 90 MB of jars from Maven Central, 17 s the first time, Maven plugins included)
# The directory holds libs/*.jar, classes/MiniHdfs.class and hdfs.cp (the classpath test/kit/hdfs.ts runs it with). Logs go to stderr.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POM="$HERE/pom.xml"
VERSION=$(sed -n 's#.*<hadoop.version>\(.*\)</hadoop.version>.*#\1#p' "$POM")
CACHE=${IMPULSE_INFRA_CACHE:-$HOME/.cache/impulse-infra}
DIR=${IMPULSE_HDFS_DIR:-$CACHE/hdfs-$VERSION}
# A changed pom or main re-resolves even when the Hadoop version is the same.
STAMP=$(cat "$POM" "$HERE/MiniHdfs.java" | sha256sum | cut -c1-16)

complete() {
  [ -f "$DIR/hdfs.cp" ] && [ -s "$DIR/classes/MiniHdfs.class" ] && [ "$(cat "$DIR/.stamp" 2>/dev/null)" = "$STAMP" ] || return 1
  local entry
  for entry in $(tr ':' ' ' <"$DIR/hdfs.cp"); do [ -e "$entry" ] || return 1; done
}

if complete; then echo "$DIR"; exit 0; fi

for tool in java javac mvn; do
  command -v "$tool" >/dev/null || { echo "[impulse] $tool is required to provision the HDFS test server (apt-get install openjdk-17-jdk-headless maven)" >&2; exit 1; }
done

mkdir -p "$CACHE"
exec 9>"$CACHE/.hdfs-$VERSION.lock"
flock 9
if complete; then echo "$DIR"; exit 0; fi

echo "[impulse] resolving Hadoop $VERSION MiniDFSCluster jars from Maven Central into $DIR (once, ~15 s)" >&2
TMP="$DIR.tmp.$$"
rm -rf "$TMP"
mkdir -p "$TMP/libs" "$TMP/classes"
trap 'rm -rf "$TMP"' EXIT
# Its own local repository, dropped afterwards: other installs may resolve into ~/.m2 at the same time, and Maven does
# not lock its local repository.
mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$TMP/m2" -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$TMP/libs" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
ls "$TMP/libs"/hadoop-client-minicluster-"$VERSION".jar >/dev/null
javac -nowarn -cp "$TMP/libs/*" -d "$TMP/classes" "$HERE/MiniHdfs.java" >&2

rm -rf "$DIR"
mkdir -p "$DIR"
mv "$TMP/libs" "$DIR/libs"
mv "$TMP/classes" "$DIR/classes"
(echo "$DIR/classes"; cd "$DIR/libs" && ls -1 *.jar | sed "s#^#$DIR/libs/#") | paste -sd: - >"$DIR/hdfs.cp"
echo "$STAMP" >"$DIR/.stamp"
echo "[impulse] HDFS $VERSION ready: $(ls "$DIR/libs" | wc -l) jars, $(du -sh "$DIR" | cut -f1)" >&2
echo "$DIR"
