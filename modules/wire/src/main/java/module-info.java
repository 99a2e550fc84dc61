/**
 * etcd's v3 API on the wire: our own {@code .proto} files with etcd's packages, service
 * names, message names and field numbers, and the protobuf/grpc-java code generated from
 * them at build time.
 */
module etcetera.wire {
    requires transitive com.google.protobuf;
    requires transitive io.grpc;
    requires transitive io.grpc.stub;
    requires transitive io.grpc.protobuf;
    requires static com.google.common;

    // the generated packages are exported here as the .proto files land
}
