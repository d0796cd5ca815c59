#!/usr/bin/env bash
# Runs the JMH microbenchmarks of cluster-server (test sources under io.cairn.server.jmh).
#   bash tools/jmh.sh [JMH arguments, e.g. a benchmark name regex]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl cluster-server test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
cp="cluster-server/target/test-classes:cluster-server/target/classes:$(cat cluster-server/target/test-classpath.txt)"
exec java -cp "$cp" org.openjdk.jmh.Main "$@"
