/**
 * etcd's v3 API on the wire: our own {@code .proto} files with etcd's packages, service
 * names, message names and field numbers, and the protobuf/grpc-java code generated from
 * them at build time. Also {@code etcetera.wire.internal}: the payload of our replicated log, and
 * {@code etcetera.wire.raft}: our peer protocol (Raft messages and snapshots between members).
 */
module etcetera.wire {
    requires transitive com.google.protobuf;
    requires transitive io.grpc;
    requires transitive io.grpc.stub;
    requires transitive io.grpc.protobuf;
    requires static com.google.common;
    // Guava is an automatic module and so declares nothing, but its futures (used by every
    // grpc-java call) need failureaccess, a named module: requiring it here resolves it for
    // every module that uses the generated stubs.
    requires com.google.common.util.concurrent.internal;

    exports etcetera.wire.mvccpb;
    exports etcetera.wire.authpb;
    exports etcetera.wire.etcdserverpb;
    exports etcetera.wire.v3lockpb;
    exports etcetera.wire.v3electionpb;
    exports etcetera.wire.internal;
    exports etcetera.wire.raft;
}
