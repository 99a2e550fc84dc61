#!/bin/sh
# Runs the storage engine JMH benchmarks (both engines, the server's MVCC access pattern) on
# this machine's disk (bench.dir, default storage-lmdb/target). About 2 minutes.
# Extra arguments go to JMH, e.g. `run-jmh.sh -p engine=lmdb EngineBenchmark.pointGet`.
set -eu
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
mvn -q -pl storage-lmdb -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="storage-lmdb/target/test-classes:storage-lmdb/target/classes:$(cat storage-lmdb/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -Dbench.dir=storage-lmdb/target -cp "$cp" org.openjdk.jmh.Main -rf json -rff storage-lmdb/target/jmh.json \
    "${@:-etcetera.storage.lmdb.bench}"
