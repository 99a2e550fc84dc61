package etcetera.server.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import etcetera.raft.ConfState;
import etcetera.raft.Message;
import etcetera.raft.Snapshot;
import etcetera.raft.SnapshotMetadata;
import etcetera.wire.raft.PeerFrame;
import etcetera.wire.raft.SnapshotChunk;
import etcetera.wire.raft.SnapshotTrailer;
import etcetera.wire.raft.StreamKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots travel on a connection of their own and arrive verified or not at all. */
@Timeout(60)
class SnapshotTransferTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static Message.InstallSnapshot install(long from, long to) {
        return new Message.InstallSnapshot(from, to, 5, new Snapshot(
                new SnapshotMetadata(100, 5, ConfState.ofVoters(List.of(1L, 2L))),
                "raft-side data".getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] image(int size) {
        long seed = System.nanoTime();
        System.out.println("snapshot image seed=" + seed + " size=" + size);
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static List<Path> files(Path snapDir) throws IOException {
        if (!Files.isDirectory(snapDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(snapDir)) {
            return files.toList();
        }
    }

    @Test
    void aMultiMegabyteSnapshotArrivesVerifiedWhileHeartbeatsFlow() throws Exception {
        try (var a = new TransportMember(1, dir); var b = new TransportMember(2, dir)) {
            TransportMember.connectAll(a, b);
            Eventually.await("a connected to b", WAIT, () -> a.transport.connectedPeers().contains(2L));
            a.image = image(6 * 1024 * 1024 + 12_345);

            Message.InstallSnapshot message = install(1, 2);
            a.transport.send(List.of(message));
            a.transport.send(List.of(new Message.Heartbeat(1, 2, 5, 1, new byte[0])));

            RecordingInbound.ReceivedSnapshot received = b.inbound.snapshots.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(Canonical.of(message), Canonical.of(received.message()));
            assertArrayEquals(a.image, Files.readAllBytes(received.image()));
            assertEquals(new RecordingInbound.SnapshotReport(2, true),
                    a.inbound.snapshotReports.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(List.of(received.image()), files(b.transport.options().snapshotDir()));
            assertEquals(1, ((Message.Heartbeat) b.inbound.take(1, WAIT).getFirst()).commit());
        }
    }

    @Test
    void anImageCorruptedInTransitIsRejectedAndLeavesNothing() throws Exception {
        try (var b = new TransportMember(2, dir); var peer = new RawPeer(b.url, WAIT)) {
            byte[] image = image(300_000);
            CRC32C crc = new CRC32C();
            crc.update(image);
            image[150_000] ^= 1;
            peer.send(PeerProtocol.hello(TransportMember.CLUSTER, 1, 2, StreamKind.STREAM_KIND_SNAPSHOT));
            assertTrue(peer.read().orElseThrow().hasWelcome());
            peer.send(PeerProtocol.message(install(1, 2)));
            for (int at = 0; at < image.length; at += 64 * 1024) {
                peer.send(PeerFrame.newBuilder().setSnapshotChunk(SnapshotChunk.newBuilder()
                        .setData(ByteString.copyFrom(image, at, Math.min(64 * 1024, image.length - at)))).build());
            }
            peer.send(PeerFrame.newBuilder().setSnapshotTrailer(SnapshotTrailer.newBuilder()
                    .setSize(image.length).setCrc32C((int) crc.getValue())).build());

            PeerFrame verdict = peer.read().orElseThrow();
            assertFalse(verdict.getSnapshotAck().getOk());
            assertTrue(verdict.getSnapshotAck().getError().contains("does not match its trailer"),
                    verdict.getSnapshotAck().getError());
            assertTrue(peer.read().isEmpty(), "the connection is closed after the verdict");
            assertTrue(b.inbound.snapshots.isEmpty());
            assertEquals(List.of(), files(b.transport.options().snapshotDir()));
        }
    }

    @Test
    void aTruncatedTransferReachesRaftNotAtAllAndLeavesNothing() throws Exception {
        try (var b = new TransportMember(2, dir)) {
            try (var peer = new RawPeer(b.url, WAIT)) {
                peer.send(PeerProtocol.hello(TransportMember.CLUSTER, 1, 2, StreamKind.STREAM_KIND_SNAPSHOT));
                assertTrue(peer.read().orElseThrow().hasWelcome());
                peer.send(PeerProtocol.message(install(1, 2)));
                peer.send(PeerFrame.newBuilder().setSnapshotChunk(SnapshotChunk.newBuilder()
                        .setData(ByteString.copyFrom(image(50_000)))).build());
                Eventually.await("the temporary file exists", WAIT,
                        () -> !filesUnchecked(b.transport.options().snapshotDir()).isEmpty());
            }
            Eventually.await("the temporary file is removed", WAIT,
                    () -> filesUnchecked(b.transport.options().snapshotDir()).isEmpty());
            assertTrue(b.inbound.snapshots.isEmpty());
        }
    }

    @Test
    void aReceiverThatStopsReadingFailsTheTransferAfterTheTimeout() throws Exception {
        try (var stalled = new StalledPeer();
                var a = new TransportMember(1, dir, o -> o.withSnapshotTimeout(Duration.ofMillis(500)))) {
            a.transport.addPeer(2, List.of(stalled.url()));
            a.image = new byte[16 * 1024 * 1024]; // more than the socket buffers hold
            long start = System.nanoTime();
            a.transport.send(List.of(install(1, 2)));
            assertEquals(new RecordingInbound.SnapshotReport(2, false),
                    a.inbound.snapshotReports.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start < WAIT.toNanos());
        }
    }

    @Test
    void aSnapshotToAnUnknownPeerIsReportedUnreachable() {
        try (var a = new TransportMember(1, dir)) {
            a.transport.send(List.of(install(1, 9)));
            assertEquals(java.util.Set.of(9L), a.inbound.unreachable);
        }
    }

    private static List<Path> filesUnchecked(Path snapDir) {
        try {
            return files(snapDir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
