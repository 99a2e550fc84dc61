package etcetera.server.transport;

import etcetera.raft.Snapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * One member's peer side for tests: a {@link PeerListener} on an ephemeral loopback port
 * serving a {@link NettyRaftTransport}, recording what arrives.
 */
final class TransportMember implements AutoCloseable {

    static final long CLUSTER = 0xc1a55L;

    final long id;
    final RecordingInbound inbound = new RecordingInbound();
    final PeerListener listener;
    final NettyRaftTransport transport;
    final URI url;
    volatile byte[] image = new byte[0];

    TransportMember(long id, Path dir) {
        this(id, dir, UnaryOperator.identity());
    }

    TransportMember(long id, Path dir, UnaryOperator<TransportOptions> options) {
        this(id, dir, URI.create("http://127.0.0.1:0"), options);
    }

    /** A member listening on {@code listen} (port 0: an ephemeral one). */
    TransportMember(long id, Path dir, URI listen, UnaryOperator<TransportOptions> options) {
        this.id = id;
        listener = PeerListener.start(List.of(listen), new FixedPeerApi(CLUSTER));
        url = listener.addresses().getFirst() instanceof InetSocketAddress inet
                ? URI.create("http://127.0.0.1:" + inet.getPort())
                : listen;
        TransportOptions base = TransportOptions.of(id, CLUSTER, dir.resolve("snap-" + id))
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
        transport = NettyRaftTransport.start(options.apply(base), inbound, this::writeImage);
        listener.serveRaft(transport);
    }

    private void writeImage(Snapshot snapshot, OutputStream out) {
        try {
            out.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes each of {@code members} a peer of each other. */
    static void connectAll(TransportMember... members) {
        for (TransportMember from : members) {
            for (TransportMember to : members) {
                if (from != to) {
                    from.transport.addPeer(to.id, List.of(to.url));
                }
            }
        }
    }

    /** A free loopback port now (for a member that is to come up later). */
    static int freePort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        transport.close();
        listener.close();
    }

    /** Answers the peer HTTP endpoints with fixed content. */
    record FixedPeerApi(long clusterId) implements PeerApi {

        @Override
        public String membersJson() {
            return "[]";
        }

        @Override
        public byte[] membersProto() {
            return new byte[0];
        }

        @Override
        public CompletableFuture<byte[]> promoteForPeer(long learnerId) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("no learners here"));
        }

        @Override
        public String versionJson() {
            return "{\"etcdserver\":\"3.4.0\",\"etcdcluster\":\"3.4.0\"}";
        }
    }
}
