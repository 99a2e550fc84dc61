package etcetera.server.http;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.netty.channel.ChannelHandler;
import io.netty.util.AsciiString;

/**
 * Plugs protocol sniffing into grpc-java's server pipeline, so that gRPC and HTTP/1.1 share
 * the client port as in etcd. It wraps grpc-java's plaintext negotiation and puts a
 * {@link ProtocolSniffer} in front of it. (grpc-java offers this hook only through its
 * {@code Internal*} classes; it is used in this one place.)
 */
public final class ClientPortNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {

    private final InternalProtocolNegotiator.ProtocolNegotiator grpc = InternalProtocolNegotiators.serverPlaintext();
    private final HttpApi api;

    public ClientPortNegotiator(HttpApi api) {
        this.api = api;
    }

    @Override
    public AsciiString scheme() {
        return grpc.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler handler) {
        return new ProtocolSniffer(grpc.newHandler(handler), api);
    }

    @Override
    public void close() {
        grpc.close();
    }
}
