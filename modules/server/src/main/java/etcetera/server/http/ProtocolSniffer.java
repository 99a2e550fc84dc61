package etcetera.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks at the first bytes of a client connection: the HTTP/2 connection preface
 * ({@code PRI * HTTP/2.0}) hands the connection to gRPC; anything else is HTTP/1.1 and goes
 * to {@link HttpApiHandler}. Holds gRPC's negotiation events until it knows, so that gRPC's
 * handler sees them in order before the bytes. Owned by the connection's event loop.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    private static final int MAX_HTTP_REQUEST_BYTES = 64 * 1024;

    private final ChannelHandler grpcNegotiation;
    private final HttpApi api;
    private final List<Object> heldEvents = new ArrayList<>();

    ProtocolSniffer(ChannelHandler grpcNegotiation, HttpApi api) {
        this.grpcNegotiation = grpcNegotiation;
        this.api = api;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        heldEvents.add(event);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 3) {
            return;
        }
        int start = in.readerIndex();
        boolean http2 = in.getByte(start) == 'P' && in.getByte(start + 1) == 'R' && in.getByte(start + 2) == 'I';
        if (http2) {
            ctx.pipeline().addAfter(ctx.name(), null, grpcNegotiation);
            for (Object event : heldEvents) {
                ctx.fireUserEventTriggered(event);
            }
        } else {
            ctx.pipeline().addAfter(ctx.name(), "http-api", new HttpApiHandler(api));
            ctx.pipeline().addAfter(ctx.name(), "http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
            ctx.pipeline().addAfter(ctx.name(), "http-codec", new HttpServerCodec());
        }
        heldEvents.clear();
        // Removing a decoder hands the bytes it has read on to the handler now after it.
        ctx.pipeline().remove(this);
    }
}
