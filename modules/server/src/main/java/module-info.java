/**
 * The Etcetera node: MVCC store, apply loop, node driver, gRPC services, configuration and
 * {@code main}. Storage engines and bootstrap strategies are found as services.
 */
module etcetera.server {
    requires etcetera.api;
    requires etcetera.raft;
    requires etcetera.wire;
    requires io.grpc.netty;
    requires org.snakeyaml.engine.v2;
    requires java.logging;
    requires jdk.unsupported;

    uses etcetera.api.storage.StorageEngine;
    uses etcetera.api.bootstrap.ClusterBootstrap;
}
