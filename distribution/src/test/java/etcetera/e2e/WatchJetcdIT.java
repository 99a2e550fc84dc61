package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Watch API through jetcd: live and replayed events, prev_kv, cancel, compaction, progress. */
@Timeout(60)
class WatchJetcdIT {

    @TempDir
    static Path dataDir;

    private static EtcdProcess server;
    private static Client client;
    private static KV kv;
    private static Watch watch;

    @BeforeAll
    static void start() {
        server = EtcdProcess.ours(dataDir, "--experimental-watch-progress-notify-interval=200ms").start();
        client = Client.builder().endpoints(server.endpoint()).build();
        kv = client.getKVClient();
        watch = client.getWatchClient();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Collects a watcher's events as "PUT key=value@rev[ prev=value]" lines, and its error. */
    private static final class Collector {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final BlockingQueue<WatchResponse> progress = new LinkedBlockingQueue<>();

        Watch.Listener listener() {
            return Watch.listener(response -> {
                if (response.isProgressNotify()) {
                    progress.add(response);
                }
                for (WatchEvent e : response.getEvents()) {
                    String prev = e.getPrevKV() != null && e.getPrevKV().getKey().size() > 0 ? " prev=" + str(e.getPrevKV().getValue()) : "";
                    lines.add(e.getEventType() + " " + str(e.getKeyValue().getKey())
                            + (e.getEventType() == WatchEvent.EventType.PUT ? "=" + str(e.getKeyValue().getValue()) : "")
                            + "@" + e.getKeyValue().getModRevision() + prev);
                }
            }, error::complete);
        }

        List<String> take(int n) throws InterruptedException {
            List<String> out = new ArrayList<>();
            while (out.size() < n) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("got only " + out);
                }
                out.add(line);
            }
            return out;
        }
    }

    private static long put(String key, String value) throws Exception {
        return kv.put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }

    private static long delete(String key) throws Exception {
        return kv.delete(bytes(key)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }

    @Test
    void prefixWatchSeesPutsAndDeletesOfItsKeysOnly() throws Exception {
        long now = put("jw/ready", "x");
        Collector c = new Collector();
        try (Watch.Watcher w = watch.watch(bytes("jw/p/"), WatchOption.builder().isPrefix(true).withRevision(now + 1).build(), c.listener())) {
            long r1 = put("jw/p/a", "1");
            put("jw/other", "no");
            long r2 = put("jw/p/b", "2");
            long r3 = delete("jw/p/a");
            assertEquals(List.of("PUT jw/p/a=1@" + r1, "PUT jw/p/b=2@" + r2, "DELETE jw/p/a@" + r3), c.take(3));
        }
    }

    @Test
    void startRevisionReplaysHistoryWithPreviousValuesThenFollows() throws Exception {
        long r1 = put("jw/r", "one");
        long r2 = put("jw/r", "two");
        Collector c = new Collector();
        try (Watch.Watcher w = watch.watch(bytes("jw/r"), WatchOption.builder().withRevision(r1).withPrevKV(true).build(), c.listener())) {
            assertEquals(List.of("PUT jw/r=one@" + r1, "PUT jw/r=two@" + r2 + " prev=one"), c.take(2));
            long r3 = put("jw/r", "three");
            long r4 = delete("jw/r");
            assertEquals(List.of("PUT jw/r=three@" + r3 + " prev=two", "DELETE jw/r@" + r4 + " prev=three"), c.take(2));
        }
    }

    @Test
    void closedWatcherStopsWhileAnotherOnTheSameStreamContinues() throws Exception {
        long now = put("jw/c", "0");
        Collector first = new Collector();
        Collector second = new Collector();
        WatchOption from = WatchOption.builder().withRevision(now + 1).build();
        Watch.Watcher w1 = watch.watch(bytes("jw/c"), from, first.listener());
        try (Watch.Watcher w2 = watch.watch(bytes("jw/c"), from, second.listener())) {
            long r1 = put("jw/c", "1");
            assertEquals(List.of("PUT jw/c=1@" + r1), first.take(1));
            w1.close();
            long r2 = put("jw/c", "2");
            assertEquals(List.of("PUT jw/c=1@" + r1, "PUT jw/c=2@" + r2), second.take(2));
            assertEquals(null, first.lines.poll(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void watchFromACompactedRevisionFailsWithTheCompactionRevision() throws Exception {
        long old = put("jw/z", "a");
        long now = put("jw/z", "b");
        kv.compact(now).get(10, TimeUnit.SECONDS);
        Collector c = new Collector();
        try (Watch.Watcher w = watch.watch(bytes("jw/z"), WatchOption.builder().withRevision(old).build(), c.listener())) {
            Throwable error = c.error.get(10, TimeUnit.SECONDS);
            CompactedException compacted = assertInstanceOf(CompactedException.class, error);
            assertEquals(now, compacted.getCompactedRevision());
        }
    }

    @Test
    void progressNotificationsCarryTheCurrentRevision() throws Exception {
        long now = put("jw/progress", "x");
        Collector c = new Collector();
        try (Watch.Watcher w = watch.watch(bytes("jw/quiet"), WatchOption.builder().withProgressNotify(true).build(), c.listener())) {
            WatchResponse progress = c.progress.poll(10, TimeUnit.SECONDS);
            assertTrue(progress != null, "no progress notification");
            assertTrue(progress.getHeader().getRevision() >= now);
            assertTrue(progress.getEvents().isEmpty());
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String str(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
