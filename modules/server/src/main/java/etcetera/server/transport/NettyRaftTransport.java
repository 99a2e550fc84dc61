package etcetera.server.transport;

import etcetera.raft.Message;
import etcetera.wire.raft.Hello;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The peer transport over netty: one long-lived {@link PeerStream} per peer for Raft
 * messages, a {@link SnapshotSender} connection per snapshot, and the listener's end of both
 * ({@link InboundStreamHandler}), which {@link PeerListener#serveRaft} puts on the peer port
 * beside the HTTP endpoints.
 *
 * <p>Threads: its own event loop dials and writes the outbound streams; inbound connections
 * run on the listener's event loop; received snapshot images are written by one writer
 * thread; each snapshot is sent from a virtual thread. The peer table is concurrent; every
 * method may be called from any thread and none blocks on the network.
 */
public final class NettyRaftTransport implements RaftTransport {

    /** The refusal a removed member gets; on it, the removed member learns that it was removed. */
    static final String REMOVED_REASON = "rejected stream from remote peer because it was removed";

    private static final Logger LOG = System.getLogger("rafthttp");

    private final TransportOptions options;
    private final RaftInbound inbound;
    private final SnapshotSource snapshotSource;
    private final EventLoopGroup loop;
    private final PeerDialer dialer;
    private final ExecutorService snapshotWriter;
    private final Map<Long, PeerStream> peers = new ConcurrentHashMap<>();
    private final Set<Long> removed = ConcurrentHashMap.newKeySet();
    private final Map<Long, Set<Channel>> inboundStreams = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private NettyRaftTransport(TransportOptions options, RaftInbound inbound, SnapshotSource snapshotSource) {
        this.options = options;
        this.inbound = inbound;
        this.snapshotSource = snapshotSource;
        this.loop = new MultiThreadIoEventLoopGroup(1,
                Thread.ofPlatform().name("etcetera-raft-out-", 0).daemon().factory(), NioIoHandler.newFactory());
        this.dialer = new PeerDialer(options);
        this.snapshotWriter = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("etcetera-snapshot-writer").daemon().factory());
    }

    /**
     * A transport that talks to no peer yet ({@link #addPeer} each) and receives nothing until
     * a {@link PeerListener} serves it ({@link PeerListener#serveRaft}).
     */
    public static NettyRaftTransport start(TransportOptions options, RaftInbound inbound, SnapshotSource snapshots) {
        return new NettyRaftTransport(options, inbound, snapshots);
    }

    @Override
    public void send(List<Message> messages) {
        Set<PeerStream> touched = new HashSet<>();
        Set<Long> unreachable = new HashSet<>();
        for (Message message : messages) {
            PeerStream stream = peers.get(message.to());
            if (stream == null || closed) {
                unreachable.add(message.to());
            } else if (message instanceof Message.InstallSnapshot install) {
                sendSnapshot(install, stream);
            } else if (stream.offer(message)) {
                touched.add(stream);
            } else {
                unreachable.add(message.to());
            }
        }
        for (PeerStream stream : touched) {
            stream.flushSoon();
        }
        for (long peer : unreachable) {
            LOG.log(Level.DEBUG, "dropped Raft messages to a peer that is down or too slow peer=" + PeerProtocol.hex(peer));
            inbound.reportUnreachable(peer);
        }
    }

    private void sendSnapshot(Message.InstallSnapshot message, PeerStream stream) {
        Thread.ofVirtual().name("etcetera-snapshot-to-" + PeerProtocol.hex(message.to()))
                .start(new SnapshotSender(message, stream.urls(), this, loop.next()));
    }

    @Override
    public void addPeer(long memberId, List<URI> urls) {
        if (memberId == options.localId()) {
            throw new IllegalArgumentException("a member is not its own peer: " + PeerProtocol.hex(memberId));
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("peer " + PeerProtocol.hex(memberId) + " has no URL");
        }
        urls.forEach(PeerDialer::check);
        removed.remove(memberId);
        PeerStream stream = new PeerStream(memberId, urls, options, inbound, loop.next(), dialer);
        PeerStream previous = peers.putIfAbsent(memberId, stream);
        if (previous != null) {
            previous.updateUrls(urls);
        } else {
            stream.start();
        }
    }

    @Override
    public void updatePeer(long memberId, List<URI> urls) {
        urls.forEach(PeerDialer::check);
        PeerStream stream = peers.get(memberId);
        if (stream == null) {
            addPeer(memberId, urls);
        } else {
            stream.updateUrls(urls);
        }
    }

    @Override
    public void removePeer(long memberId) {
        removed.add(memberId);
        PeerStream stream = peers.remove(memberId);
        if (stream != null) {
            stream.close();
        }
        Set<Channel> streams = inboundStreams.remove(memberId);
        if (streams != null) {
            streams.forEach(Channel::close);
        }
    }

    @Override
    public Set<Long> connectedPeers() {
        return peers.values().stream().filter(PeerStream::isConnected).map(PeerStream::peerId)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void close() {
        closed = true;
        peers.values().forEach(PeerStream::close);
        peers.clear();
        inboundStreams.values().forEach(streams -> streams.forEach(Channel::close));
        inboundStreams.clear();
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        snapshotWriter.shutdown();
        try {
            if (!snapshotWriter.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "the snapshot writer did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Turns an accepted connection that sent the Raft preface into a peer stream. */
    void accept(ChannelPipeline pipeline) {
        if (closed) {
            pipeline.close();
            return;
        }
        pipeline.addLast(new PeerFrameCodec(options.maxFrameBytes()), new InboundStreamHandler(this));
    }

    /** Why a dialer's hello is refused, or empty to welcome it; logs the refusal. */
    Optional<String> refusal(Hello hello) {
        String reason;
        if (hello.getProtocolVersion() != PeerProtocol.VERSION) {
            reason = "unsupported peer protocol version " + hello.getProtocolVersion() + " (this member speaks "
                    + PeerProtocol.VERSION + ")";
        } else if (hello.getClusterId() != options.clusterId()) {
            reason = "request cluster ID mismatch: local-member-cluster-id=" + PeerProtocol.hex(options.clusterId())
                    + " remote-peer-cluster-id=" + PeerProtocol.hex(hello.getClusterId());
        } else if (hello.getAddressee() != options.localId()) {
            reason = "addressee mismatch: the stream is for addressee=" + PeerProtocol.hex(hello.getAddressee());
        } else if (removed.contains(hello.getSender()) || inbound.isRemoved(hello.getSender())) {
            reason = REMOVED_REASON;
        } else if (closed) {
            reason = "the member is stopping";
        } else {
            return Optional.empty();
        }
        LOG.log(Level.WARNING, reason + " local-member-id=" + PeerProtocol.hex(options.localId())
                + " remote-peer-id=" + PeerProtocol.hex(hello.getSender()));
        return Optional.of(reason);
    }

    /** Remembers an inbound message stream, to close it if its sender is removed. */
    void registerInbound(long sender, Channel channel) {
        Set<Channel> streams = inboundStreams.computeIfAbsent(sender, id -> ConcurrentHashMap.newKeySet());
        streams.add(channel);
        channel.closeFuture().addListener(done -> streams.remove(channel));
    }

    /** The peer's stream, for tests. */
    Optional<PeerStream> stream(long memberId) {
        return Optional.ofNullable(peers.get(memberId));
    }

    TransportOptions options() {
        return options;
    }

    RaftInbound inbound() {
        return inbound;
    }

    SnapshotSource snapshotSource() {
        return snapshotSource;
    }

    PeerDialer dialer() {
        return dialer;
    }

    ExecutorService snapshotWriter() {
        return snapshotWriter;
    }
}
