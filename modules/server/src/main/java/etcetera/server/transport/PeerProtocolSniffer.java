package etcetera.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.Consumer;

/**
 * The first handler of an accepted peer connection: reads the first bytes, and if they are
 * the Raft {@link PeerProtocol#PREFACE} consumes it and sets up the Raft stream, otherwise
 * sets up HTTP; then steps aside, passing on what it buffered. Runs on the channel's event loop.
 */
final class PeerProtocolSniffer extends ByteToMessageDecoder {

    private final Consumer<ChannelPipeline> raft;
    private final Consumer<ChannelPipeline> http;

    PeerProtocolSniffer(Consumer<ChannelPipeline> raft, Consumer<ChannelPipeline> http) {
        this.raft = raft;
        this.http = http;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        byte[] preface = PeerProtocol.PREFACE;
        int seen = Math.min(in.readableBytes(), preface.length);
        for (int i = 0; i < seen; i++) {
            if (in.getByte(in.readerIndex() + i) != preface[i]) {
                http.accept(ctx.pipeline());
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (seen == preface.length) {
            in.skipBytes(preface.length);
            raft.accept(ctx.pipeline());
            ctx.pipeline().remove(this);
        }
    }
}
