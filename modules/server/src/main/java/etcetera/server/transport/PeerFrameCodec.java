package etcetera.server.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import etcetera.wire.raft.PeerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import java.io.IOException;
import java.util.List;

/**
 * Frames {@link PeerFrame}s on a byte stream: a 4-byte big-endian length, then the encoded
 * frame. A length above the configured maximum, or bytes that do not parse, raise a
 * {@link PeerProtocolException} before anything is allocated for them. Other outbound
 * {@link ByteBuf}s (the preface) pass through untouched. Runs on the channel's event loop.
 */
final class PeerFrameCodec extends ByteToMessageCodec<PeerFrame> {

    private final int maxFrameBytes;
    private boolean broken;

    PeerFrameCodec(int maxFrameBytes) {
        super(PeerFrame.class);
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PeerFrame frame, ByteBuf out) throws IOException {
        int size = frame.getSerializedSize();
        out.ensureWritable(4 + size);
        out.writeInt(size);
        frame.writeTo(new ByteBufOutputStream(out));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= 4) {
            int size = in.getInt(in.readerIndex());
            if (size < 0 || size > maxFrameBytes) {
                throw refuse(in, "a peer frame of " + Integer.toUnsignedString(size) + " bytes exceeds the maximum of "
                        + maxFrameBytes, null);
            }
            if (in.readableBytes() < 4 + size) {
                return;
            }
            in.skipBytes(4);
            try {
                out.add(PeerFrame.parseFrom(in.nioBuffer(in.readerIndex(), size)));
            } catch (InvalidProtocolBufferException e) {
                throw refuse(in, "a peer frame that does not parse: " + e.getMessage(), e);
            }
            in.skipBytes(size);
        }
    }

    /** After a bad frame nothing more is read: the stream cannot be resynchronised, and it is being closed. */
    private PeerProtocolException refuse(ByteBuf in, String why, Throwable cause) {
        broken = true;
        in.skipBytes(in.readableBytes());
        return new PeerProtocolException(why, cause);
    }
}
