package etcetera.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.raft.MemoryRaftStorage;
import etcetera.raft.RaftOptions;
import etcetera.raft.Role;
import etcetera.raft.wal.Snapshotter;
import etcetera.raft.wal.Wal;
import etcetera.raft.wal.WalOptions;
import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three {@link RaftNode}s with real WALs on an in-process network. */
@Timeout(60)
class RaftNodeClusterTest {

    private static final Duration TICK = Duration.ofMillis(10);
    private static final int ELECTION_TICKS = 10;

    @TempDir
    Path dir;

    private LocalNetwork network;
    private final Map<Long, RaftNode> nodes = new HashMap<>();
    private final Map<Long, RegisterMachine> machines = new HashMap<>();
    private long requestSeq;

    @AfterEach
    void stop() {
        nodes.values().forEach(RaftNode::close);
    }

    private void startCluster(long snapshotCount, long catchUp) {
        network = new LocalNetwork(dir);
        Map<Long, byte[]> voters = new LinkedHashMap<>();
        for (long id = 1; id <= 3; id++) {
            voters.put(id, new byte[0]);
        }
        for (long id = 1; id <= 3; id++) {
            Path home = dir.resolve("m" + id);
            Wal wal = Wal.create(home.resolve("wal"), WalOptions.defaults(), new byte[] {(byte) id});
            RaftNode.Log log = new RaftNode.Log(wal, new Snapshotter(home.resolve("snap"), WalOptions.defaults()),
                    new MemoryRaftStorage(), new byte[] {(byte) id});
            start(id, log, new RegisterMachine(), voters, snapshotCount, catchUp);
        }
    }

    private RaftNode start(long id, RaftNode.Log log, RegisterMachine machine, Map<Long, byte[]> voters, long snapshotCount,
            long catchUp) {
        RaftNode node = new RaftNode(id, new RaftNode.Options(TICK, snapshotCount, catchUp, Duration.ofSeconds(2)),
                RaftOptions.defaults(id).withElectionTicks(ELECTION_TICKS), log, machine, voters);
        network.join(id, node, (index, out) -> machine.writeImage(out));
        node.start(network.transportFor(id, node));
        nodes.put(id, node);
        machines.put(id, machine);
        return node;
    }

    private long awaitLeader(List<Long> among) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (long id : among) {
                RaftNode node = nodes.get(id);
                if (node.role() == Role.LEADER && among.stream().allMatch(o -> nodes.get(o).leaderId() == id)) {
                    return id;
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll with a deadline, without burning a core
        }
        throw new AssertionError("no leader among " + among + " within 10 s");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll with a deadline, without burning a core
        }
    }

    private CompletableFuture<Object> put(long on, String value) {
        long id = ++requestSeq;
        return nodes.get(on).propose(id, (id + ":" + value).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void proposalsOnAnyMemberAreAppliedInTheSameOrderOnAll() throws Exception {
        startCluster(100_000, 5_000);
        awaitLeader(List.of(1L, 2L, 3L));
        List<CompletableFuture<Object>> acks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            acks.add(put(1 + i % 3, "v" + i));
        }
        for (CompletableFuture<Object> ack : acks) {
            ack.get(10, TimeUnit.SECONDS);
        }
        await(() -> machines.values().stream().allMatch(m -> m.applied.size() == 300), "every member applied 300 entries");
        assertEquals(machines.get(1L).applied, machines.get(2L).applied);
        assertEquals(machines.get(1L).applied, machines.get(3L).applied);
    }

    @Test
    void cutOffLeaderIsReplacedAndCatchesUpAfterHealing() throws Exception {
        startCluster(100_000, 5_000);
        long leader = awaitLeader(List.of(1L, 2L, 3L));
        put(leader, "before").get(5, TimeUnit.SECONDS);
        network.isolate(leader);
        List<Long> rest = new ArrayList<>(List.of(1L, 2L, 3L));
        rest.remove(leader);
        long started = System.nanoTime();
        long next = awaitLeader(rest);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertNotEquals(leader, next);
        assertTrue(tookMs < 3 * 2 * ELECTION_TICKS * TICK.toMillis() + 1_000, "new leader after " + tookMs + " ms");
        put(next, "after").get(5, TimeUnit.SECONDS);
        network.heal(leader);
        await(() -> machines.get(leader).applied.size() == 2, "the old leader applied the new entry");
        assertEquals(machines.get(next).applied, machines.get(leader).applied);
    }

    @Test
    void memberFarBehindCatchesUpThroughSnapshot() throws Exception {
        startCluster(20, 5);
        long leader = awaitLeader(List.of(1L, 2L, 3L));
        long lagging = leader == 3 ? 2 : 3;
        network.isolate(lagging);
        for (int i = 0; i < 100; i++) {
            put(leader, "v" + i).get(5, TimeUnit.SECONDS);
        }
        network.heal(lagging);
        await(() -> machines.get(lagging).applied.size() == 100, "the lagging member caught up");
        assertEquals(machines.get(leader).applied, machines.get(lagging).applied);
        put(lagging, "after").get(5, TimeUnit.SECONDS);
        await(() -> machines.values().stream().allMatch(m -> m.applied.size() == 101), "all applied the entry after the snapshot");
    }

    @Test
    void restartedMemberReplaysItsLogAndRejoins() throws Exception {
        startCluster(100_000, 5_000);
        long leader = awaitLeader(List.of(1L, 2L, 3L));
        for (int i = 0; i < 50; i++) {
            put(leader, "v" + i).get(5, TimeUnit.SECONDS);
        }
        long follower = leader == 1 ? 2 : 1;
        await(() -> machines.get(follower).applied.size() == 50, "the follower applied everything");
        nodes.remove(follower).close();
        network.leave(follower);
        Path home = dir.resolve("m" + follower);
        RaftNode.Log log = RaftNode.readLog(Wal.open(home.resolve("wal"), WalOptions.defaults()),
                new Snapshotter(home.resolve("snap"), WalOptions.defaults()));
        RegisterMachine fresh = new RegisterMachine();
        start(follower, log, fresh, Map.of(), 100_000, 5_000);
        await(() -> fresh.applied.size() == 50, "the restarted member re-applied its log");
        await(() -> nodes.get(follower).leaderId() != 0, "the restarted member knows the leader");
        put(follower, "after-restart").get(5, TimeUnit.SECONDS);
        await(() -> fresh.applied.size() == 51, "the restarted member applied a new entry");
        assertEquals(machines.get(leader).applied.subList(0, 51), fresh.applied);
    }

    @Test
    void linearizableReadNeedsAQuorumAndTimesOutWithoutOne() throws Exception {
        startCluster(100_000, 5_000);
        long leader = awaitLeader(List.of(1L, 2L, 3L));
        long follower = leader == 1 ? 2 : 1;
        put(leader, "x").get(5, TimeUnit.SECONDS);
        long index = nodes.get(follower).readBarrier().get(5, TimeUnit.SECONDS);
        assertTrue(nodes.get(follower).appliedIndex() >= index);
        network.isolate(follower);
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> nodes.get(follower).readBarrier().get(10, TimeUnit.SECONDS));
        assertEquals(EtcdError.TIMEOUT, ((EtcdException) failure.getCause()).error());
    }
}
