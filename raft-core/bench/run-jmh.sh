#!/bin/sh
# Runs raft-core's JMH benchmarks (Raft state machine throughput, WAL append+sync, raw fsync)
# on this machine's disk (bench.dir, default raft-core/target). About 4.5 minutes.
# Extra arguments go to JMH, e.g. `run-jmh.sh Wal -p batch=16`.
set -eu
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
mvn -q -pl raft-core -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="raft-core/target/test-classes:raft-core/target/classes:$(cat raft-core/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -Dbench.dir=raft-core/target -cp "$cp" org.openjdk.jmh.Main -rf json -rff raft-core/target/jmh.json \
    "${@:-etcetera.raft.bench}"
