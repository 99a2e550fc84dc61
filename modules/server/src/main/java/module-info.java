/**
 * The Etcetera node: MVCC store, apply loop, node driver, gRPC services, configuration and
 * {@code main}. Storage engines and bootstrap strategies are found as services.
 */
module etcetera.server {
    requires etcetera.api;
    requires etcetera.raft;
    requires etcetera.wire;
    requires io.grpc.netty;
    // netty's own modules, for HTTP/1.1 beside gRPC on the client port; named explicitly
    // because an automatic module (grpc-netty) does not make them readable.
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires org.snakeyaml.engine.v2;
    requires java.logging;
    requires java.net.http;
    requires jdk.unsupported;

    uses etcetera.api.storage.StorageEngine;
    uses etcetera.api.bootstrap.ClusterBootstrap;
}
