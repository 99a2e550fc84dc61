package etcetera.server.transport;

import com.google.protobuf.ByteString;
import etcetera.raft.Message;
import etcetera.wire.raft.PeerFrame;
import etcetera.wire.raft.SnapshotChunk;
import etcetera.wire.raft.SnapshotTrailer;
import etcetera.wire.raft.StreamKind;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32C;

/**
 * Sends one {@link Message.InstallSnapshot} with its backend image on a connection of its
 * own, so that a large image never holds up the heartbeats of the message stream: hello,
 * the message, the image from {@link SnapshotSource} in chunks, a trailer with its size and
 * CRC32C, then waits for the addressee's acknowledgement and reports the outcome to
 * {@link RaftInbound#reportSnapshot}. Every wait is bounded by the snapshot timeout.
 *
 * <p>Threads: {@link #run} blocks, on a thread of its own (never an event loop); the
 * connection's handler completes the futures it waits for.
 */
final class SnapshotSender implements Runnable {

    private static final Logger LOG = System.getLogger("rafthttp");

    private final Message.InstallSnapshot message;
    private final List<URI> urls;
    private final NettyRaftTransport transport;
    private final EventLoop loop;
    private final CompletableFuture<PeerFrame> answer = new CompletableFuture<>();
    private final CompletableFuture<PeerFrame> verdict = new CompletableFuture<>();

    SnapshotSender(Message.InstallSnapshot message, List<URI> urls, NettyRaftTransport transport, EventLoop loop) {
        this.message = message;
        this.urls = urls;
        this.transport = transport;
        this.loop = loop;
    }

    @Override
    public void run() {
        long peer = message.to();
        Channel channel = null;
        boolean ok = false;
        try {
            channel = connect();
            channel.write(Unpooled.wrappedBuffer(PeerProtocol.PREFACE));
            channel.writeAndFlush(PeerProtocol.hello(transport.options().clusterId(), transport.options().localId(), peer,
                    StreamKind.STREAM_KIND_SNAPSHOT));
            PeerFrame first = await(answer);
            if (first.hasRefusal()) {
                throw new IOException("the peer refused the snapshot: " + first.getRefusal().getReason());
            }
            ChunkStream image = new ChunkStream(channel);
            image.send(PeerProtocol.message(message));
            transport.snapshotSource().writeBackendImage(message.snapshot(), image);
            image.finish();
            PeerFrame ack = await(verdict);
            if (!ack.getSnapshotAck().getOk()) {
                throw new IOException("the peer rejected the snapshot: " + ack.getSnapshotAck().getError());
            }
            ok = true;
            LOG.log(Level.INFO, "sent a snapshot to=" + PeerProtocol.hex(peer) + " index=" + message.snapshot().index()
                    + " bytes=" + image.size);
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.log(Level.WARNING, "failed to send a snapshot to=" + PeerProtocol.hex(peer) + " index="
                    + message.snapshot().index() + " error=\"" + e.getMessage() + "\"");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (channel != null) {
                channel.close();
            }
            transport.inbound().reportSnapshot(peer, ok);
        }
    }

    private Channel connect() throws IOException, InterruptedException {
        IOException last = new IOException("the peer has no URL");
        for (URI url : urls) {
            ChannelFuture dialled = transport.dialer().dial(loop, url, new Handler());
            if (!dialled.await(transport.options().dialTimeout().toMillis() + 1000)) {
                dialled.channel().close();
                last = new IOException("dialling " + url + " timed out");
            } else if (dialled.isSuccess()) {
                return dialled.channel();
            } else {
                last = new IOException("cannot dial " + url + ": " + dialled.cause(), dialled.cause());
            }
        }
        throw last;
    }

    private PeerFrame await(CompletableFuture<PeerFrame> frame) throws IOException, InterruptedException,
            TimeoutException {
        try {
            return frame.get(transport.options().snapshotTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * The image as chunk frames. At most one chunk is in flight beyond the one being filled:
     * a receiver that stops reading stops the writer, and a stall longer than the snapshot
     * timeout fails the transfer.
     */
    private final class ChunkStream extends OutputStream {

        private final Channel channel;
        private final CRC32C crc = new CRC32C();
        private final byte[] buffer = new byte[PeerProtocol.SNAPSHOT_CHUNK_BYTES];
        private int filled;
        private long size;
        private ChannelFuture inFlight;

        ChunkStream(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == buffer.length) {
                flushChunk();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (filled == buffer.length) {
                    flushChunk();
                }
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
            }
        }

        private void flushChunk() throws IOException {
            if (filled == 0) {
                return;
            }
            crc.update(buffer, 0, filled);
            size += filled;
            send(PeerFrame.newBuilder().setSnapshotChunk(SnapshotChunk.newBuilder()
                    .setData(ByteString.copyFrom(buffer, 0, filled))).build());
            filled = 0;
        }

        void send(PeerFrame frame) throws IOException {
            awaitInFlight();
            inFlight = channel.writeAndFlush(frame);
        }

        private void awaitInFlight() throws IOException {
            if (inFlight == null) {
                return;
            }
            try {
                if (!inFlight.await(transport.options().snapshotTimeout().toMillis())) {
                    throw new IOException("the peer took no data for " + transport.options().snapshotTimeout());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (!inFlight.isSuccess()) {
                throw new IOException("cannot write to the peer: " + inFlight.cause(), inFlight.cause());
            }
        }

        void finish() throws IOException {
            flushChunk();
            send(PeerFrame.newBuilder().setSnapshotTrailer(SnapshotTrailer.newBuilder()
                    .setSize(size).setCrc32C((int) crc.getValue())).build());
            awaitInFlight();
        }
    }

    /** Completes the sender's futures from the frames the addressee answers with. */
    private final class Handler extends SimpleChannelInboundHandler<PeerFrame> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, PeerFrame frame) {
            switch (frame.getKindCase()) {
                case WELCOME, REFUSAL -> answer.complete(frame);
                case SNAPSHOT_ACK -> verdict.complete(frame);
                default -> throw new PeerProtocolException("unexpected " + frame.getKindCase() + " on a snapshot connection");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IOException closed = new IOException("the peer closed the connection");
            answer.completeExceptionally(closed);
            verdict.completeExceptionally(closed);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(cause);
            verdict.completeExceptionally(cause);
            ctx.close();
        }
    }
}
