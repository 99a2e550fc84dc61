package etcetera.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.raft.Entry;
import etcetera.raft.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A peer that stops reading must cost bounded memory and must not hold up the others. */
@Timeout(60)
class BackPressureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aPeerThatStopsReadingCostsBoundedMemoryAndDoesNotDelayTheOthers() throws Exception {
        int queueSize = 64;
        try (var stalled = new StalledPeer();
                var a = new TransportMember(1, dir, o -> o.withQueueSize(queueSize));
                var c = new TransportMember(3, dir)) {
            a.transport.addPeer(2, List.of(stalled.url()));
            TransportMember.connectAll(a, c);
            Eventually.await("a connected to 2 and 3", WAIT, () -> a.transport.connectedPeers().equals(Set.of(2L, 3L)));

            byte[] payload = new byte[64 * 1024];
            int rounds = 1_000; // 64 MiB offered to the peer that does not read
            long slowestRound = 0;
            for (int i = 1; i <= rounds; i++) {
                long start = System.nanoTime();
                a.transport.send(List.of(
                        new Message.Append(1, 2, 1, 1, i, List.of(Entry.normal(1, i + 1, payload)), i),
                        new Message.Heartbeat(1, 3, 1, i, new byte[0])));
                assertEquals(i, ((Message.Heartbeat) c.inbound.take(1, WAIT).getFirst()).commit());
                slowestRound = Math.max(slowestRound, System.nanoTime() - start);
            }
            assertEquals(Set.of(2L), a.inbound.unreachable, "only the stalled peer is reported");
            long[] backlog = a.transport.stream(2).orElseThrow().backlog();
            assertTrue(backlog[0] <= queueSize, "queued messages " + backlog[0]);
            assertTrue(backlog[1] <= 1024 * 1024 + 2 * payload.length, "bytes held by netty " + backlog[1]);
            System.out.println("slowest round trip to the healthy peer ms=" + slowestRound / 1_000_000.0);
            assertTrue(slowestRound < Duration.ofSeconds(2).toNanos(), "slowest round took ns=" + slowestRound);
        }
    }
}
