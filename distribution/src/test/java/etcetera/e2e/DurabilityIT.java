package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost: writers put keys through jetcd while the server is killed
 * with SIGKILL; after a restart on the same data dir every acknowledged key is there with its
 * value. And SIGTERM shuts down cleanly with exit status 0.
 */
class DurabilityIT {

    private static final int WRITERS = 8;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        EtcdProcess server = EtcdProcess.ours(dataDir);
        try {
            for (int round = 0; round < 3; round++) {
                server.start();
                writeUntilKilled(server, round, acknowledged);
            }
            server.start();
            try (Client client = Client.builder().endpoints(server.endpoint()).build()) {
                KV kv = client.getKVClient();
                GetResponse all = kv.get(bytes("key/"), GetOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS);
                Set<String> present = ConcurrentHashMap.newKeySet();
                all.getKvs().forEach(k -> {
                    String key = k.getKey().toString(StandardCharsets.UTF_8);
                    assertEquals("value-of-" + key, k.getValue().toString(StandardCharsets.UTF_8), "value of " + key);
                    present.add(key);
                });
                Set<String> lost = ConcurrentHashMap.newKeySet();
                lost.addAll(acknowledged);
                lost.removeAll(present);
                assertTrue(acknowledged.size() > 100, "the writers got writes acknowledged: " + acknowledged.size());
                assertEquals(Set.of(), lost, "acknowledged writes lost across kill -9");
            }
        } finally {
            server.close();
        }
    }

    private static void writeUntilKilled(EtcdProcess server, int round, Set<String> acknowledged) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try (Client client = Client.builder().endpoints(server.endpoint()).build()) {
            KV kv = client.getKVClient();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.execute(() -> {
                    for (int i = 0; writing.get() && i < 100_000; i++) {
                        String key = "key/" + round + "/" + writer + "/" + i;
                        try {
                            kv.put(bytes(key), bytes("value-of-" + key)).get(5, TimeUnit.SECONDS);
                            acknowledged.add(key);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
            }
            long target = acknowledged.size() + 300;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acknowledged.size() < target && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            server.kill9();
            writing.set(false);
        } finally {
            writers.shutdownNow();
            writers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermStopsCleanlyWithStatusZeroAndRestartKeepsData() throws Exception {
        EtcdProcess server = EtcdProcess.ours(dataDir);
        try {
            server.start();
            new Etcdctl(server.hostPort()).run("put", "kept", "yes").ok();
            assertEquals(0, server.stop(), "exit status after SIGTERM");
            server.start();
            assertEquals("kept\nyes\n", new Etcdctl(server.hostPort()).run("get", "kept").ok().stdout());
        } finally {
            server.close();
        }
    }

    @Test
    void walReleasedEverySnapshotCountStillRestoresEverythingAfterKillNine() throws Exception {
        EtcdProcess server = EtcdProcess.ours(dataDir, "--snapshot-count=100");
        try {
            server.start();
            try (Client client = Client.builder().endpoints(server.endpoint()).build()) {
                KV kv = client.getKVClient();
                for (int i = 0; i < 450; i++) {
                    kv.put(bytes("released/" + i), bytes("v" + i)).get(10, TimeUnit.SECONDS);
                }
            }
            assertTrue(server.output().stream().anyMatch(line -> line.contains("snapshot taken; WAL released behind it")),
                    "the WAL was released behind the durable backend: " + server.output());
            server.kill9();
            server.start();
            try (Client client = Client.builder().endpoints(server.endpoint()).build()) {
                GetResponse all = client.getKVClient().get(bytes("released/"), GetOption.builder().isPrefix(true).build())
                        .get(30, TimeUnit.SECONDS);
                assertEquals(450, all.getCount());
            }
        } finally {
            server.close();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
