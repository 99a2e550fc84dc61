package etcetera.storage.lmdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the LMDB engine does beyond the conformance kit: its map, its defragment, its key limit. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LmdbBackendTest {

    private static final long SMALL_MAP = 1L << 20;
    private static final byte[] VALUE = filled(2000);

    @TempDir
    Path dir;

    private final LmdbStorageEngine engine = new LmdbStorageEngine(SMALL_MAP);

    @Test
    void oneUnitLargerThanTheMapCommitsAfterTheMapGrows() {
        int count = 4000; // about 8 MB in one commit: eight times the first map
        try (Backend backend = engine.open(dir, BackendOptions.defaults())) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                for (int i = 0; i < count; i++) {
                    batch.put("b", key(i), VALUE);
                }
                batch.commit();
            }
            assertTrue(backend.size() > 4 * SMALL_MAP, "file size " + backend.size());
            assertKeys(backend, count);
        }
        try (Backend backend = engine.open(dir, BackendOptions.defaults())) {
            assertKeys(backend, count);
        }
    }

    @Test
    void manySmallCommitsGrowTheMapAhead() {
        int count = 5000;
        try (Backend backend = engine.open(dir, new BackendOptions(false, 0))) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                for (int i = 0; i < count; i++) {
                    batch.put("b", key(i), VALUE);
                    if (i % 50 == 49) {
                        batch.commit();
                    }
                }
                batch.commit();
            }
            backend.sync();
            assertKeys(backend, count);
        }
        try (Backend backend = engine.open(dir, BackendOptions.defaults())) {
            assertKeys(backend, count);
        }
    }

    @Test
    void fullMapWaitsForAnOpenReaderThenGrows() throws Exception {
        try (Backend backend = engine.open(dir, BackendOptions.defaults())) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.put("b", key(0), VALUE);
                batch.commit();
            }
            CompletableFuture<Void> writer;
            try (ReadTxn reader = backend.read()) {
                writer = CompletableFuture.runAsync(() -> {
                    try (WriteBatch batch = backend.write()) {
                        for (int i = 1; i < 2000; i++) {
                            batch.put("b", key(i), VALUE);
                        }
                        batch.commit();
                    }
                });
                assertThrows(TimeoutException.class, () -> writer.get(500, TimeUnit.MILLISECONDS), "the map grew under an open reader");
                assertEquals(List.of("k000000"), keysOf(reader));
            }
            writer.get(30, TimeUnit.SECONDS);
            assertKeys(backend, 2000);
        }
    }

    @Test
    void defragmentShrinksTheFileReportsProgressAndKeepsBucketsUsable() {
        int count = 3000;
        try (Backend backend = engine.open(dir, BackendOptions.defaults())) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.createBucket("other");
                for (int i = 0; i < count; i++) {
                    batch.put("b", key(i), VALUE);
                }
                batch.put("other", key(1), VALUE);
                batch.commit();
                for (int i = 0; i < count; i++) {
                    if (i % 3 != 0) {
                        batch.delete("b", key(i));
                    }
                }
                batch.commit();
            }
            long before = backend.size();
            List<long[]> updates = new ArrayList<>();
            backend.defragment((done, total) -> updates.add(new long[] {done, total}));
            long after = backend.size();
            assertTrue(after < before / 2, "size " + after + " after defragment, was " + before);
            long[] last = updates.getLast();
            assertEquals(count / 3 + 1 + 2, last[0], "entries copied (data and the two buckets)");
            assertEquals(last[0], last[1]);
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("new");
                batch.put("new", key(7), VALUE);
                batch.put("b", key(1), VALUE);
                batch.commit();
            }
            try (ReadTxn txn = backend.read()) {
                assertEquals(List.of("b", "new", "other"), txn.buckets());
                assertArrayEquals(VALUE, txn.get("new", key(7)).orElseThrow());
                assertArrayEquals(VALUE, txn.get("other", key(1)).orElseThrow());
                assertEquals(count / 3 + 1, countOf(txn, "b"));
            }
        }
        assertFalse(Files.exists(dir.resolve("defragment.tmp")), "the defragment's work directory was left behind");
        try (Backend backend = engine.open(dir, BackendOptions.defaults()); ReadTxn txn = backend.read()) {
            assertEquals(List.of("b", "new", "other"), txn.buckets());
            assertEquals(count / 3 + 1, countOf(txn, "b"));
        }
    }

    @Test
    void deletedBucketDoesNotComeBackWhenRecreated() {
        try (Backend backend = engine.open(dir, BackendOptions.defaults()); WriteBatch batch = backend.write()) {
            batch.createBucket("a");
            batch.createBucket("b");
            batch.put("a", key(1), VALUE);
            batch.put("b", key(1), VALUE);
            batch.commit();
            batch.deleteBucket("a");
            batch.commit();
        }
        try (Backend backend = engine.open(dir, BackendOptions.defaults())) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("a");
                batch.commit();
            }
            try (ReadTxn txn = backend.read()) {
                assertEquals(0, countOf(txn, "a"));
                assertEquals(1, countOf(txn, "b"));
            }
        }
    }

    @Test
    void keyLongerThanLmdbTakesIsRefusedWithAStorageError() {
        try (Backend backend = engine.open(dir, BackendOptions.defaults()); WriteBatch batch = backend.write()) {
            batch.createBucket("b");
            byte[] longest = filled(507);
            batch.put("b", longest, VALUE);
            StorageException error = assertThrows(StorageException.class, () -> batch.put("b", filled(508), VALUE));
            assertTrue(error.getMessage().contains("longer than the 507 bytes"), error.getMessage());
            batch.commit();
            assertArrayEquals(VALUE, batch.get("b", longest).orElseThrow());
            assertTrue(batch.get("b", filled(600)).isEmpty());
            List<byte[]> keys = new ArrayList<>();
            batch.scan("b", new byte[0], filled(600), true, (k, v) -> keys.add(k));
            assertEquals(1, keys.size(), "reverse scan below an end bound past the key limit");
            batch.scan("b", filled(600), null, false, (k, v) -> keys.add(k));
            assertEquals(1, keys.size(), "forward scan from a start bound past the key limit");
        }
    }

    private static void assertKeys(Backend backend, int count) {
        try (ReadTxn txn = backend.read()) {
            int[] seen = {0};
            txn.scan("b", new byte[0], null, false, (k, v) -> {
                assertArrayEquals(key(seen[0]), k);
                assertArrayEquals(VALUE, v);
                seen[0]++;
                return true;
            });
            assertEquals(count, seen[0]);
        }
    }

    private static List<String> keysOf(ReadTxn txn) {
        List<String> keys = new ArrayList<>();
        txn.scan("b", new byte[0], null, false, (k, v) -> keys.add(new String(k, StandardCharsets.UTF_8)));
        return keys;
    }

    private static int countOf(ReadTxn txn, String bucket) {
        int[] count = {0};
        txn.scan(bucket, new byte[0], null, false, (k, v) -> ++count[0] > 0);
        return count[0];
    }

    private static byte[] key(int i) {
        return "k%06d".formatted(i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] filled(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }
}
