package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three-member clusters of our server processes on loopback, driven by the real etcdctl and by
 * jetcd: replication, leader loss under load, a minority that cannot write, catch-up through a
 * snapshot, and membership changes. Every acknowledged write is checked on every member.
 */
@Timeout(240)
class ClusterIT {

    /** etcd's default election timeout; the tests run with it. */
    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(1000);

    @TempDir
    Path root;

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** The leader's member ID in hex, as {@code endpoint status} prints it, asked of {@code member}. */
    private static String leaderSeenBy(EtcdProcess member) {
        Etcdctl.Result status = new Etcdctl(member.hostPort()).run("endpoint", "status", "-w", "fields");
        Matcher m = Pattern.compile("\"Leader\" : (\\d+)").matcher(status.stdout());
        return m.find() ? Long.toHexString(Long.parseUnsignedLong(m.group(1))) : "";
    }

    private static String memberId(EtcdProcess member) {
        Etcdctl.Result status = new Etcdctl(member.hostPort()).run("endpoint", "status", "-w", "fields").ok();
        Matcher m = Pattern.compile("\"MemberID\" : (\\d+)").matcher(status.stdout());
        assertTrue(m.find(), status.stdout());
        return Long.toHexString(Long.parseUnsignedLong(m.group(1)));
    }

    private static EtcdProcess awaitLeader(List<EtcdProcess> among, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (EtcdProcess candidate : among) {
                String id = memberId(candidate);
                if (among.stream().allMatch(m -> leaderSeenBy(m).equals(id))) {
                    return candidate;
                }
            }
        }
        throw new AssertionError("no leader agreed by " + among.size() + " members within " + within);
    }

    private static void checkEveryKeyOnEveryMember(List<EtcdProcess> members, Set<String> acknowledged, String prefix)
            throws Exception {
        for (EtcdProcess member : members) {
            try (Client client = Client.builder().endpoints(member.endpoint()).build()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                Set<String> missing;
                do {
                    GetResponse all = client.getKVClient().get(bytes(prefix),
                            GetOption.builder().isPrefix(true).withSerializable(true).withKeysOnly(true).build()).get(30, TimeUnit.SECONDS);
                    Set<String> present = ConcurrentHashMap.newKeySet();
                    all.getKvs().forEach(kv -> present.add(kv.getKey().toString(StandardCharsets.UTF_8)));
                    missing = new java.util.TreeSet<>(acknowledged);
                    missing.removeAll(present);
                } while (!missing.isEmpty() && System.nanoTime() < deadline);
                assertTrue(missing.isEmpty(), member.name() + " lacks " + missing.size() + " acknowledged keys, e.g. "
                        + missing.stream().limit(5).toList());
            }
        }
    }

    @Test
    void threeMembersReplicateAndAnswerEtcdctl() {
        try (EtcdCluster cluster = EtcdCluster.start(EtcdProcess.OURS, root, 3)) {
            awaitLeader(cluster.members(), Duration.ofSeconds(15));
            Etcdctl all = new Etcdctl(cluster.endpoints());
            assertEquals("OK\n", new Etcdctl(cluster.member(0).hostPort()).run("put", "greeting", "hello").ok().stdout());
            for (EtcdProcess member : cluster.members()) {
                Etcdctl one = new Etcdctl(member.hostPort());
                assertEquals("greeting\nhello\n", one.run("get", "greeting").ok().stdout(), member.name());
                assertEquals("greeting\nhello\n", one.run("get", "greeting", "--consistency=s").ok().stdout(), member.name());
            }
            String list = all.run("member", "list").ok().stdout();
            for (EtcdProcess member : cluster.members()) {
                assertTrue(list.contains(", started, " + member.name() + ", " + member.peerUrl() + ", " + member.endpoint() + ", false"),
                        list);
            }
            String health = all.run("endpoint", "health", "--cluster").ok().stdout() + all.run("endpoint", "health", "--cluster").stderr();
            for (EtcdProcess member : cluster.members()) {
                assertTrue(health.contains(member.endpoint() + " is healthy"), health);
            }
            String status = all.run("endpoint", "status", "--cluster", "-w", "table").ok().stdout();
            assertTrue(status.contains("| IS LEADER |"), status);
            assertEquals(1, status.lines().filter(l -> l.contains("|      true |")).count(), status);
            String hashes = all.run("endpoint", "hashkv", "--cluster").ok().stdout();
            assertEquals(1, hashes.lines().map(l -> l.substring(l.indexOf(','))).distinct().count(), hashes);
        }
    }

    @Test
    void leaderKilledUnderWriteLoadIsReplacedAndLosesNothing() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(EtcdProcess.OURS, root, 3)) {
            EtcdProcess leader = awaitLeader(cluster.members(), Duration.ofSeconds(15));
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger failures = new AtomicInteger();
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Client> clients = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                Client client = Client.builder().endpoints(cluster.endpointList().toArray(String[]::new)).build();
                clients.add(client);
                int writer = w;
                writers.submit(() -> {
                    KV kv = client.getKVClient();
                    for (int i = 0; writing.get(); i++) {
                        String key = "load/" + writer + "/" + i;
                        try {
                            kv.put(bytes(key), bytes("v")).get(10, TimeUnit.SECONDS);
                            acknowledged.add(key);
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                });
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < until && acknowledged.size() < 100) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll with a deadline, without burning a core
            }
            int beforeKill = acknowledged.size();
            assertTrue(beforeKill >= 100, "the load runs before the kill: " + beforeKill);
            long killedAt = System.nanoTime();
            leader.kill9();
            List<EtcdProcess> survivors = cluster.members().stream().filter(m -> m != leader).toList();
            EtcdProcess next = awaitLeader(survivors, ELECTION_TIMEOUT.multipliedBy(10));
            long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertNotEquals(leader, next);
            int atElection = acknowledged.size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acknowledged.size() < atElection + 100 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll with a deadline, without burning a core
            }
            assertTrue(acknowledged.size() >= atElection + 100, "writes continue after the new leader: " + acknowledged.size());
            leader.start();
            writing.set(false);
            writers.shutdown();
            assertTrue(writers.awaitTermination(30, TimeUnit.SECONDS));
            clients.forEach(Client::close);
            System.out.println("leader kill: acknowledged before=" + beforeKill + " total=" + acknowledged.size()
                    + " failed-or-unknown=" + failures.get() + " new-leader-after-ms=" + electedMs);
            // the status poll itself takes time; the bound is 3 election timeouts plus the polling
            assertTrue(electedMs < ELECTION_TIMEOUT.multipliedBy(3).toMillis() + 3_000, "new leader after " + electedMs + " ms");
            checkEveryKeyOnEveryMember(cluster.members(), acknowledged, "load/");
        }
    }

    @Test
    void minorityCannotWriteAndItsLinearizableReadsTimeOut() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(EtcdProcess.OURS, root, 3)) {
            awaitLeader(cluster.members(), Duration.ofSeconds(15));
            EtcdProcess lonely = cluster.member(0);
            Etcdctl alone = new Etcdctl(lonely.hostPort());
            alone.run("put", "k", "before").ok();
            cluster.member(1).pause();
            cluster.member(2).pause();
            try {
                Etcdctl.Result put = alone.run("--command-timeout=3s", "put", "k", "during");
                assertNotEquals(0, put.exitCode(), "a minority must not accept a write: " + put.stdout());
                assertEquals("k\nbefore\n", alone.run("get", "k", "--consistency=s").ok().stdout());
                Etcdctl.Result linearizable = alone.run("--command-timeout=3s", "get", "k");
                assertNotEquals(0, linearizable.exitCode(), "a minority must not serve a linearizable read");
            } finally {
                cluster.member(1).resume();
                cluster.member(2).resume();
            }
            awaitLeader(cluster.members(), Duration.ofSeconds(15));
            assertEquals("OK\n", alone.run("put", "k", "after").ok().stdout());
            for (EtcdProcess member : cluster.members()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                String got;
                do {
                    got = new Etcdctl(member.hostPort()).run("get", "k", "--consistency=s").stdout();
                } while (!got.equals("k\nafter\n") && System.nanoTime() < deadline);
                assertEquals("k\nafter\n", got, member.name());
            }
        }
    }

    @Test
    void memberFarBehindCatchesUpThroughSnapshot() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(EtcdProcess.OURS, root, 3, "--snapshot-count=500")) {
            awaitLeader(cluster.members(), Duration.ofSeconds(15));
            EtcdProcess lagging = cluster.member(2);
            lagging.stop();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            List<EtcdProcess> up = List.of(cluster.member(0), cluster.member(1));
            try (Client client = Client.builder().endpoints(up.stream().map(EtcdProcess::endpoint).toArray(String[]::new)).build()) {
                KV kv = client.getKVClient();
                List<java.util.concurrent.CompletableFuture<?>> inFlight = new ArrayList<>();
                for (int i = 0; i < 7_000; i++) {
                    String key = "behind/" + i;
                    inFlight.add(kv.put(bytes(key), bytes("v")).thenRun(() -> acknowledged.add(key)));
                    if (inFlight.size() == 64) {
                        inFlight.forEach(java.util.concurrent.CompletableFuture::join);
                        inFlight.clear();
                    }
                }
                inFlight.forEach(java.util.concurrent.CompletableFuture::join);
            }
            lagging.start();
            checkEveryKeyOnEveryMember(List.of(lagging), acknowledged, "behind/");
            assertTrue(lagging.output().stream().anyMatch(l -> l.contains("restored the backend from the leader's snapshot")),
                    "the lagging member caught up through a snapshot: " + lagging.output());
        }
    }

    @Test
    void learnerIsAddedCatchesUpAndIsPromotedThenMembersAreRemovedAndMoved() throws Exception {
        // a small snapshot interval and catch-up window, so that the learner catches up through a snapshot
        try (EtcdCluster cluster = EtcdCluster.start(EtcdProcess.OURS, root, 3, "--snapshot-count=20",
                "--experimental-snapshot-catchup-entries=5")) {
            awaitLeader(cluster.members(), Duration.ofSeconds(15));
            Etcdctl all = new Etcdctl(cluster.endpoints());
            for (int i = 0; i < 50; i++) {
                all.run("put", "before-learner/" + i, "v").ok();
            }
            int clientPort = EtcdProcess.freePort();
            int peerPort = EtcdProcess.freePort();
            String added = all.run("member", "add", "m4", "--learner", "--peer-urls=http://127.0.0.1:" + peerPort).ok().stdout();
            assertTrue(added.contains("Member") && added.contains("added to cluster"), added);
            Matcher initial = Pattern.compile("ETCD_INITIAL_CLUSTER=\"([^\"]+)\"").matcher(added);
            assertTrue(initial.find(), added);
            EtcdProcess learner = new EtcdProcess(EtcdProcess.OURS, root.resolve("m4"), clientPort, peerPort,
                    List.of("--initial-cluster-state=existing")).asMember("m4", initial.group(1));
            try (learner) {
                learner.start();
                String list = all.run("member", "list").ok().stdout();
                assertTrue(list.contains(", started, m4, http://127.0.0.1:" + peerPort + ", " + learner.endpoint() + ", true"), list);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                String got;
                do {
                    got = new Etcdctl(learner.hostPort()).run("get", "before-learner/49", "--consistency=s").stdout();
                } while (!got.contains("v") && System.nanoTime() < deadline);
                assertEquals("before-learner/49\nv\n", got);
                assertTrue(learner.output().stream().anyMatch(l -> l.contains("restored the backend from the leader's snapshot")),
                        "the learner caught up through a snapshot: " + learner.output());
                String learnerId = memberIdFromList(list, "m4");
                Etcdctl.Result promoted;
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                do {
                    promoted = all.run("member", "promote", learnerId);
                } while (promoted.exitCode() != 0 && System.nanoTime() < deadline);
                assertEquals(0, promoted.exitCode(), promoted.stderr());
                assertTrue(promoted.stdout().contains("promoted in cluster"), promoted.stdout());
                assertTrue(all.run("member", "list").ok().stdout().contains(", m4, http://127.0.0.1:" + peerPort + ", " + learner.endpoint() + ", false"));

                // remove the promoted member: it stops by itself, the others carry on
                String removed = all.run("member", "remove", learnerId).ok().stdout();
                assertTrue(removed.contains("removed from cluster"), removed);
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (learner.alive() && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll with a deadline, without burning a core
                }
                assertTrue(!learner.alive(), "a removed member stops");
                assertTrue(!all.run("member", "list").ok().stdout().contains("m4"));
                assertEquals("OK\n", all.run("put", "after-remove", "v").ok().stdout());
            }

            // node migration: stop m3, move its data dir, update its peer URL, start it there
            EtcdProcess m3 = cluster.member(2);
            String m3Id = memberIdFromList(all.run("member", "list").ok().stdout(), "m3");
            m3.stop();
            Path moved = root.resolve("m3-moved");
            java.nio.file.Files.move(root.resolve("m3"), moved);
            int newPeerPort = EtcdProcess.freePort();
            all.run("member", "update", m3Id, "--peer-urls=http://127.0.0.1:" + newPeerPort).ok();
            try (EtcdProcess relocated = new EtcdProcess(EtcdProcess.OURS, moved, EtcdProcess.freePort(), newPeerPort, List.of())
                    .asMember("m3", "m3=http://127.0.0.1:" + newPeerPort)) {
                relocated.start();
                assertEquals("OK\n", all.run("put", "after-move", "v").ok().stdout());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                String got;
                do {
                    got = new Etcdctl(relocated.hostPort()).run("get", "after-move", "--consistency=s").stdout();
                } while (!got.contains("v") && System.nanoTime() < deadline);
                assertEquals("after-move\nv\n", got);
            }
        }
    }

    @Test
    void moveLeaderSnapshotDefragAndAlarmWorkThroughEtcdctl() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(EtcdProcess.OURS, root, 3)) {
            EtcdProcess leader = awaitLeader(cluster.members(), Duration.ofSeconds(15));
            EtcdProcess target = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
            String targetId = memberId(target);
            String moved = new Etcdctl(leader.hostPort()).run("move-leader", targetId).ok().stdout();
            assertTrue(moved.contains("Leadership transferred from"), moved);
            assertEquals(targetId, leaderSeenBy(leader));
            Etcdctl all = new Etcdctl(cluster.endpoints());
            all.run("put", "snap-key", "v").ok();
            Path file = root.resolve("backup.db");
            String saved = new Etcdctl(target.hostPort()).run("snapshot", "save", file.toString()).ok().stdout();
            assertTrue(saved.contains("Snapshot saved at"), saved);
            assertTrue(java.nio.file.Files.size(file) > 0);
            String defrag = all.run("defrag", "--cluster").ok().stdout();
            assertEquals(3, defrag.lines().filter(l -> l.startsWith("Finished defragmenting etcd member")).count(), defrag);
            assertEquals("", all.run("alarm", "list").ok().stdout());
        }
    }

    private static String memberIdFromList(String list, String name) {
        return list.lines().filter(l -> l.contains(", " + name + ", ")).map(l -> l.substring(0, l.indexOf(','))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + list));
    }
}
