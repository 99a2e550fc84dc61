package etcetera.server.transport;

import etcetera.raft.Message;
import etcetera.wire.raft.PeerFrame;
import etcetera.wire.raft.StreamKind;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The long-lived outbound stream of Raft messages to one peer: dials the peer's URLs in turn,
 * says hello, and once welcomed writes what {@link #offer} queued, a batch per flush, while
 * the channel is writable. When the stream breaks it redials with jittered exponential
 * back-off. The queue is bounded and nothing is queued while the stream is down, so a slow
 * or dead peer costs a bounded amount of memory and never delays the other peers.
 *
 * <p>Threads: {@link #offer}, {@link #flushSoon}, {@link #isConnected} from any thread; all
 * other state is owned by the stream's event loop.
 */
final class PeerStream {

    private static final Logger LOG = System.getLogger("rafthttp");

    private final long peerId;
    private final TransportOptions options;
    private final RaftInbound inbound;
    private final EventLoop loop;
    private final PeerDialer dialer;
    private final BlockingQueue<Message> queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean connected;
    private volatile List<URI> urls;

    // owned by the event loop
    private Channel channel;
    private URI channelUrl;
    private int urlIndex;
    private long backoffNanos;
    private boolean closed;
    private boolean failureLogged;

    PeerStream(long peerId, List<URI> urls, TransportOptions options, RaftInbound inbound, EventLoop loop,
            PeerDialer dialer) {
        this.peerId = peerId;
        this.urls = List.copyOf(urls);
        this.options = options;
        this.inbound = inbound;
        this.loop = loop;
        this.dialer = dialer;
        this.queue = new ArrayBlockingQueue<>(options.queueSize());
        this.backoffNanos = options.minBackoff().toNanos();
    }

    long peerId() {
        return peerId;
    }

    List<URI> urls() {
        return urls;
    }

    void start() {
        loop.execute(this::dial);
    }

    /** Whether the peer welcomed this stream and it is still open. */
    boolean isConnected() {
        return connected;
    }

    /** How many messages wait, and how many bytes netty holds unsent (for tests of the bounds). */
    long[] backlog() throws InterruptedException, java.util.concurrent.ExecutionException {
        return loop.submit(() -> new long[] {queue.size(),
                channel == null || channel.unsafe().outboundBuffer() == null ? 0
                        : channel.unsafe().outboundBuffer().totalPendingWriteBytes()}).get();
    }

    /** Queues {@code message}; {@code false} if the stream is down or its queue is full. */
    boolean offer(Message message) {
        return connected && queue.offer(message);
    }

    /** Writes what is queued, soon, on the event loop; one flush for all of it. */
    void flushSoon() {
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
    }

    /** Dials the new URLs from now on; drops the stream if it uses a URL no longer listed. */
    void updateUrls(List<URI> newUrls) {
        urls = List.copyOf(newUrls);
        loop.execute(() -> {
            if (channel != null && !urls.contains(channelUrl)) {
                channel.close();
            }
        });
    }

    void close() {
        connected = false;
        loop.execute(() -> {
            closed = true;
            if (channel != null) {
                channel.close();
            }
            queue.clear();
        });
    }

    private void drain() {
        drainScheduled.set(false);
        Channel ch = channel;
        if (ch == null || !connected) {
            return;
        }
        boolean wrote = false;
        while (ch.isWritable()) {
            Message message = queue.poll();
            if (message == null) {
                break;
            }
            PeerFrame frame = PeerProtocol.message(message);
            if (frame.getSerializedSize() > options.maxFrameBytes()) {
                // the peer would refuse the frame and drop the stream with it; drop only the message
                LOG.log(Level.WARNING, "dropped a Raft message larger than the peer frame limit peer="
                        + PeerProtocol.hex(peerId) + " bytes=" + frame.getSerializedSize() + " max-frame-bytes="
                        + options.maxFrameBytes());
                inbound.reportUnreachable(peerId);
                continue;
            }
            ch.write(frame, ch.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ch.flush();
        }
    }

    private void dial() {
        if (closed || channel != null) {
            return;
        }
        List<URI> targets = urls;
        URI url = targets.get(Math.floorMod(urlIndex, targets.size()));
        Channel ch;
        try {
            ch = dialer.dial(loop, url, new Handler()).channel();
        } catch (RuntimeException e) {
            failed(url, e.toString());
            scheduleRedial();
            return;
        }
        channel = ch;
        channelUrl = url;
        ch.closeFuture().addListener(done -> onClosed(ch));
    }

    private void onClosed(Channel ch) {
        if (channel != ch) {
            return;
        }
        boolean wasConnected = connected;
        connected = false;
        channel = null;
        if (!queue.isEmpty()) {
            queue.clear();
            inbound.reportUnreachable(peerId);
        }
        if (closed) {
            return;
        }
        if (wasConnected) {
            LOG.log(Level.WARNING, "lost the Raft stream to peer peer=" + PeerProtocol.hex(peerId) + " url="
                    + channelUrl + "; redialling");
        } else {
            failed(channelUrl, "no stream");
            urlIndex++;
        }
        scheduleRedial();
    }

    private void failed(URI url, String why) {
        // a peer that stays down is logged once, not on every redial
        Level level = failureLogged ? Level.DEBUG : Level.WARNING;
        failureLogged = true;
        LOG.log(level, "cannot reach peer peer=" + PeerProtocol.hex(peerId) + " url=" + url + " reason=" + why
                + "; retrying with back-off");
    }

    private void scheduleRedial() {
        long delay = backoffNanos / 2 + ThreadLocalRandom.current().nextLong(backoffNanos / 2 + 1);
        backoffNanos = Math.min(backoffNanos * 2, options.maxBackoff().toNanos());
        loop.schedule(this::dial, delay, TimeUnit.NANOSECONDS);
    }

    private void welcomed(Channel ch) {
        if (closed) {
            ch.close();
            return;
        }
        connected = true;
        backoffNanos = options.minBackoff().toNanos();
        failureLogged = false;
        LOG.log(Level.INFO, "established the Raft stream to peer peer=" + PeerProtocol.hex(peerId) + " url="
                + channelUrl);
        drain();
    }

    /** The dialer's end of the stream: handshake, then only writes. Runs on the event loop. */
    private final class Handler extends SimpleChannelInboundHandler<PeerFrame> {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.write(Unpooled.wrappedBuffer(PeerProtocol.PREFACE));
            ctx.writeAndFlush(PeerProtocol.hello(options.clusterId(), options.localId(), peerId,
                    StreamKind.STREAM_KIND_MESSAGES));
            Channel ch = ctx.channel();
            ctx.executor().schedule(() -> {
                if (ch.isActive() && !(connected && channel == ch)) {
                    failed(channelUrl, "no answer to the handshake within " + options.dialTimeout());
                    ch.close();
                }
            }, options.dialTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, PeerFrame frame) {
            switch (frame.getKindCase()) {
                case WELCOME -> welcomed(ctx.channel());
                case REFUSAL -> {
                    LOG.log(Level.WARNING, "peer refused the Raft stream peer=" + PeerProtocol.hex(peerId) + " url="
                            + channelUrl + " reason=\"" + frame.getRefusal().getReason() + "\"; backing off");
                    failureLogged = true;
                    ctx.close();
                    if (NettyRaftTransport.REMOVED_REASON.equals(frame.getRefusal().getReason())) {
                        inbound.removedFromCluster();
                    }
                }
                default -> throw new PeerProtocolException("unexpected " + frame.getKindCase() + " on an outbound stream");
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                drain();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.DEBUG, "Raft stream to peer failed peer=" + PeerProtocol.hex(peerId) + " error=" + cause);
            ctx.close();
        }
    }
}
