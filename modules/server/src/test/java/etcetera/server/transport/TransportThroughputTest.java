package etcetera.server.transport;

import etcetera.raft.Entry;
import etcetera.raft.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages per second between two transports on loopback: Appends of one 100-byte entry,
 * sent in batches of 64 as a leader's Ready would. A measurement, not a check; run it with
 * {@code mvn -o -pl modules/server test -Dtest=TransportThroughputTest -Detcetera.bench=true}.
 */
@EnabledIfSystemProperty(named = "etcetera.bench", matches = "true")
class TransportThroughputTest {

    @TempDir
    Path dir;

    @Test
    void appendsPerSecondOnLoopback() throws Exception {
        int batch = 64;
        int total = 1_000_000;
        try (var a = new TransportMember(1, dir, o -> o.withQueueSize(8192)); var b = new TransportMember(2, dir)) {
            TransportMember.connectAll(a, b);
            Eventually.await("connected", Duration.ofSeconds(10), () -> a.transport.connectedPeers().equals(Set.of(2L)));
            byte[] payload = new byte[100];
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                int received = 0;
                for (int sent = 0; sent < total; sent += batch) {
                    List<Message> messages = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++) {
                        messages.add(new Message.Append(1, 2, 1, 1, sent + i, List.of(Entry.normal(1, sent + i + 1, payload)), 0));
                    }
                    a.transport.send(messages);
                    // keep at most a few batches in flight, as Raft's flow control does
                    while (sent + batch - received > 4096) {
                        received += b.inbound.take(batch, Duration.ofSeconds(10)).size();
                    }
                }
                received += b.inbound.take(total - received, Duration.ofSeconds(30)).size();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("round %d: %d Appends in %.2f s = %.0f messages/s, dropped=%s%n", round, received, seconds,
                        received / seconds, a.inbound.unreachable);
            }
        }
    }
}
