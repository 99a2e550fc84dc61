package etcetera.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import etcetera.raft.ConfState;
import etcetera.raft.Entry;
import etcetera.raft.EntryType;
import etcetera.raft.Message;
import etcetera.raft.Snapshot;
import etcetera.raft.SnapshotMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class NettyRaftTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    static List<Message> everyStreamedKind(long from, long to) {
        byte[] ctx = "ctx".getBytes(StandardCharsets.UTF_8);
        List<Entry> entries = List.of(Entry.normal(3, 7, "put a=1".getBytes(StandardCharsets.UTF_8)),
                new Entry(3, 8, EntryType.CONF_CHANGE, new byte[] {1, 2, 3}), Entry.normal(3, 9, new byte[0]));
        return List.of(
                new Message.Append(from, to, 3, 2, 6, entries, 5),
                new Message.AppendResponse(from, to, 3, 9, true, 4, 2),
                new Message.Vote(from, to, 4, true, 3, 9, false),
                new Message.VoteResponse(from, to, 4, true, false),
                new Message.Heartbeat(from, to, 3, 5, ctx),
                new Message.HeartbeatResponse(from, to, 3, ctx),
                new Message.TimeoutNow(from, to, 3),
                new Message.ReadIndex(from, to, 0, ctx),
                new Message.ReadIndexResponse(from, to, 3, 9, ctx),
                new Message.Propose(from, to, 0, entries),
                new Message.TransferLeader(from, to, 3, from));
    }

    static void awaitConnected(TransportMember member, Long... peers) {
        Eventually.await(member.id + " connected to " + List.of(peers), WAIT,
                () -> member.transport.connectedPeers().equals(Set.of(peers)));
    }

    @Test
    void twoMembersExchangeEveryMessageKind() throws Exception {
        try (var a = new TransportMember(1, dir); var b = new TransportMember(2, dir)) {
            TransportMember.connectAll(a, b);
            awaitConnected(a, 2L);
            awaitConnected(b, 1L);

            List<Message> toB = everyStreamedKind(1, 2);
            a.transport.send(toB);
            assertEquals(Canonical.of(toB), Canonical.of(b.inbound.take(toB.size(), WAIT)));

            List<Message> toA = everyStreamedKind(2, 1);
            b.transport.send(toA);
            assertEquals(Canonical.of(toA), Canonical.of(a.inbound.take(toA.size(), WAIT)));
            assertEquals(Set.of(), a.inbound.unreachable);
            assertEquals(Set.of(), b.inbound.unreachable);
        }
    }

    @Test
    void threeMembersEachReceiveOnlyTheirOwnMessagesInOrder() throws Exception {
        try (var a = new TransportMember(1, dir, o -> o.withQueueSize(50_000));
                var b = new TransportMember(2, dir); var c = new TransportMember(3, dir)) {
            TransportMember.connectAll(a, b, c);
            awaitConnected(a, 2L, 3L);
            int count = 20_000;
            List<Message> batch = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                batch.add(new Message.Append(1, 2, 1, 1, i, List.of(Entry.normal(1, i + 1, new byte[16])), i));
                batch.add(new Message.Heartbeat(1, 3, 1, i, new byte[0]));
                if (batch.size() >= 200) {
                    a.transport.send(batch);
                    batch.clear();
                }
            }
            a.transport.send(batch);
            List<Message> atB = b.inbound.take(count, WAIT);
            List<Message> atC = c.inbound.take(count, WAIT);
            for (int i = 0; i < count; i++) {
                assertEquals(i + 1, ((Message.Append) atB.get(i)).index());
                assertEquals(i + 1, ((Message.Heartbeat) atC.get(i)).commit());
            }
            assertEquals(Set.of(), a.inbound.unreachable);
        }
    }

    @Test
    void aMessageAboveTheFrameLimitIsDroppedAloneAndTheStreamStays() throws Exception {
        try (var a = new TransportMember(1, dir, o -> new TransportOptions(o.localId(), o.clusterId(), o.snapshotDir(),
                o.dialTimeout(), o.queueSize(), o.minBackoff(), o.maxBackoff(), 2048, o.snapshotTimeout(), o.dialerHook()));
                var b = new TransportMember(2, dir)) {
            TransportMember.connectAll(a, b);
            awaitConnected(a, 2L);
            a.transport.send(List.of(
                    new Message.Append(1, 2, 1, 1, 1, List.of(Entry.normal(1, 2, new byte[4096])), 1),
                    new Message.Heartbeat(1, 2, 1, 1, new byte[0])));
            assertEquals(1, ((Message.Heartbeat) b.inbound.take(1, WAIT).getFirst()).commit());
            assertEquals(Set.of(2L), a.inbound.unreachable);
            assertEquals(Set.of(2L), a.transport.connectedPeers());
        }
    }
}
