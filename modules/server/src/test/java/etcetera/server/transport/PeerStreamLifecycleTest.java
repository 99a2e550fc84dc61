package etcetera.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.raft.Message;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How peer streams come, go and are refused. */
@Timeout(60)
class PeerStreamLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static Message heartbeat(long from, long to, long commit) {
        return new Message.Heartbeat(from, to, 1, commit, new byte[0]);
    }

    private static void awaitConnected(TransportMember member, Long... peers) {
        Eventually.await(member.id + " connected to exactly " + List.of(peers), WAIT,
                () -> member.transport.connectedPeers().equals(Set.of(peers)));
    }

    private static UnaryOperator<TransportOptions> cluster(long clusterId) {
        return o -> new TransportOptions(o.localId(), clusterId, o.snapshotDir(), o.dialTimeout(), o.queueSize(),
                o.minBackoff(), o.maxBackoff(), o.maxFrameBytes(), o.snapshotTimeout(), o.dialerHook());
    }

    @Test
    void aPeerThatIsDownIsReportedUnreachableAndReachedOnceItComesUp() throws Exception {
        URI later = URI.create("http://127.0.0.1:" + TransportMember.freePort());
        try (var a = new TransportMember(1, dir)) {
            a.transport.addPeer(2, List.of(later));
            a.transport.send(List.of(heartbeat(1, 2, 1)));
            assertEquals(Set.of(2L), a.inbound.unreachable);
            assertEquals(Set.of(), a.transport.connectedPeers());

            try (var b = new TransportMember(2, dir, later, UnaryOperator.identity())) {
                awaitConnected(a, 2L);
                a.transport.send(List.of(heartbeat(1, 2, 2)));
                assertEquals(2, ((Message.Heartbeat) b.inbound.take(1, WAIT).getFirst()).commit());
            }
            awaitConnected(a);
            a.inbound.unreachable.clear();
            a.transport.send(List.of(heartbeat(1, 2, 3)));
            assertEquals(Set.of(2L), a.inbound.unreachable);

            try (var b = new TransportMember(2, dir, later, UnaryOperator.identity())) {
                awaitConnected(a, 2L);
                a.transport.send(List.of(heartbeat(1, 2, 4)));
                assertEquals(4, ((Message.Heartbeat) b.inbound.take(1, WAIT).getFirst()).commit());
            }
        }
    }

    @Test
    void aPeerOfAnotherClusterIsRefusedWithTheReasonLoggedOnBothSides() throws Exception {
        try (var logs = new LogCapture("rafthttp"); var a = new TransportMember(1, dir);
                var b = new TransportMember(2, dir, cluster(0xbad))) {
            a.transport.addPeer(2, List.of(b.url));
            logs.awaitLine("request cluster ID mismatch", WAIT);
            logs.awaitLine("peer refused the Raft stream peer=2", WAIT);
            assertEquals(Set.of(), a.transport.connectedPeers());
            a.transport.send(List.of(heartbeat(1, 2, 1)));
            assertEquals(Set.of(2L), a.inbound.unreachable);
            assertTrue(b.inbound.messages.isEmpty());
        }
    }

    @Test
    void aStreamAddressedToAnotherMemberIsRefused() throws Exception {
        try (var logs = new LogCapture("rafthttp"); var a = new TransportMember(1, dir);
                var b = new TransportMember(2, dir)) {
            a.transport.addPeer(3, List.of(b.url));
            logs.awaitLine("addressee mismatch: the stream is for addressee=3 local-member-id=2 remote-peer-id=1", WAIT);
            assertEquals(Set.of(), a.transport.connectedPeers());
        }
    }

    @Test
    void aRemovedMemberIsRefused() throws Exception {
        try (var logs = new LogCapture("rafthttp"); var a = new TransportMember(1, dir);
                var b = new TransportMember(2, dir)) {
            b.inbound.removed.add(1L);
            a.transport.addPeer(2, List.of(b.url));
            logs.awaitLine("rejected stream from remote peer because it was removed local-member-id=2 remote-peer-id=1", WAIT);
            assertEquals(Set.of(), a.transport.connectedPeers());
        }
    }

    @Test
    void removingAPeerClosesItsStreamsAndRefusesItFromThenOn() throws Exception {
        try (var logs = new LogCapture("rafthttp"); var a = new TransportMember(1, dir);
                var b = new TransportMember(2, dir)) {
            TransportMember.connectAll(a, b);
            awaitConnected(a, 2L);
            awaitConnected(b, 1L);

            b.transport.removePeer(1);
            awaitConnected(a);
            awaitConnected(b);
            logs.awaitLine("rejected stream from remote peer because it was removed local-member-id=2 remote-peer-id=1", WAIT);
            b.transport.send(List.of(heartbeat(2, 1, 1)));
            assertEquals(Set.of(1L), b.inbound.unreachable);
        }
    }

    @Test
    void updatingAPeersUrlsMovesItsStream() throws Exception {
        try (var a = new TransportMember(1, dir); var b = new TransportMember(2, dir);
                var b2 = new TransportMember(2, dir)) {
            a.transport.addPeer(2, List.of(b.url));
            awaitConnected(a, 2L);
            a.transport.updatePeer(2, List.of(b2.url));
            a.transport.send(List.of(heartbeat(1, 2, 1)));
            Eventually.await("a heartbeat reaches the member at the new URL", WAIT, () -> {
                a.transport.send(List.of(heartbeat(1, 2, 2)));
                return !b2.inbound.messages.isEmpty();
            });
        }
    }

    @Test
    void urlsAreTriedInTurn() throws Exception {
        URI nobody = URI.create("http://127.0.0.1:" + TransportMember.freePort());
        try (var a = new TransportMember(1, dir); var b = new TransportMember(2, dir)) {
            a.transport.addPeer(2, List.of(nobody, b.url));
            awaitConnected(a, 2L);
        }
    }

    @Test
    void membersTalkOverUnixSockets() throws Exception {
        String name = "transport-test-" + ProcessHandle.current().pid();
        try (var a = new TransportMember(1, dir, URI.create("unix://" + name + ":1"), UnaryOperator.identity());
                var b = new TransportMember(2, dir, URI.create("unix://" + name + ":2"), UnaryOperator.identity())) {
            TransportMember.connectAll(a, b);
            awaitConnected(a, 2L);
            awaitConnected(b, 1L);
            a.transport.send(List.of(heartbeat(1, 2, 7)));
            assertEquals(7, ((Message.Heartbeat) b.inbound.take(1, WAIT).getFirst()).commit());
        }
    }

    @Test
    void thePeerHttpEndpointsStillAnswerOnThePortOfTheRaftStreams() throws Exception {
        try (var a = new TransportMember(1, dir); var b = new TransportMember(2, dir)) {
            TransportMember.connectAll(a, b);
            awaitConnected(a, 2L);
            try (var socket = new java.net.Socket(b.url.getHost(), b.url.getPort())) {
                socket.setSoTimeout((int) WAIT.toMillis());
                socket.getOutputStream().write(("GET /version HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
                assertTrue(response.endsWith("{\"etcdserver\":\"3.4.0\",\"etcdcluster\":\"3.4.0\"}"), response);
            }
            a.transport.send(List.of(heartbeat(1, 2, 9)));
            assertEquals(9, ((Message.Heartbeat) b.inbound.take(1, WAIT).getFirst()).commit());
        }
    }

    @Test
    void aConnectionThatSaysNoHelloIsClosed() throws Exception {
        try (var b = new TransportMember(2, dir); var silent = new RawPeer(b.url, WAIT)) {
            long start = System.nanoTime();
            assertTrue(silent.read().isEmpty());
            assertTrue(System.nanoTime() - start < WAIT.toNanos());
        }
    }

    @Test
    void aListenerNotYetServingRaftRefusesWithAReason() throws Exception {
        try (var listener = PeerListener.start(List.of(URI.create("http://127.0.0.1:0")),
                new TransportMember.FixedPeerApi(TransportMember.CLUSTER))) {
            int port = ((java.net.InetSocketAddress) listener.addresses().getFirst()).getPort();
            try (var peer = new RawPeer(URI.create("http://127.0.0.1:" + port), WAIT)) {
                peer.send(PeerProtocol.hello(TransportMember.CLUSTER, 1, 2, etcetera.wire.raft.StreamKind.STREAM_KIND_MESSAGES));
                assertEquals("the member does not take Raft messages yet", peer.read().orElseThrow().getRefusal().getReason());
                assertTrue(peer.read().isEmpty());
            }
        }
    }
}
