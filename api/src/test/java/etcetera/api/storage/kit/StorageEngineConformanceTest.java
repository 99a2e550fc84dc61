package etcetera.api.storage.kit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.SnapshotFormat;
import etcetera.api.storage.StorageEngine;
import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage conformance kit: the contract of {@link StorageEngine} and {@link Backend},
 * written once and run against every engine. An engine's test module subclasses it and
 * implements {@link #engine()}; nothing else. The whole kit runs in well under a minute.
 *
 * <p>Each test owns its own backend in a fresh {@link TempDir}; the threads a test starts
 * are joined (with a deadline) before it returns.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class StorageEngineConformanceTest {

    /** The engine under test. */
    protected abstract StorageEngine engine();

    @TempDir
    protected Path dir;

    private static final byte[] EMPTY = new byte[0];

    // ---------------------------------------------------------------- ordering and scans

    @Test
    void keysAreOrderedByUnsignedBytes() {
        List<byte[]> keys = List.of(
                bytes(0x00), bytes(0x01), bytes(0x7f), bytes(0x80), bytes(0xff),
                bytes(0x00, 0x00), bytes(0x7f, 0xff), bytes(0x80, 0x00), bytes(0xff, 0xff),
                bytes(0xfe, 0x01, 0x02), bytes(0x81));
        try (Backend backend = open()) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                for (byte[] key : keys) {
                    batch.put("b", key, key);
                }
                batch.commit();
            }
            List<byte[]> expected = new ArrayList<>(keys);
            expected.sort(Arrays::compareUnsigned);
            try (ReadTxn txn = backend.read()) {
                assertKeys(expected, scanKeys(txn, "b", EMPTY, null, false));
                assertKeys(expected.reversed(), scanKeys(txn, "b", EMPTY, null, true));
            }
        }
    }

    @Test
    void scanRespectsFromInclusiveAndToExclusive() {
        try (Backend backend = openWithNumberedKeys("b", 100)) {
            try (ReadTxn txn = backend.read()) {
                assertEquals(range(10, 20), scanStrings(txn, "b", k(10), k(20), false));
                assertEquals(range(10, 20).reversed(), scanStrings(txn, "b", k(10), k(20), true));
                assertEquals(range(90, 100), scanStrings(txn, "b", k(90), null, false));
                assertEquals(range(90, 100).reversed(), scanStrings(txn, "b", k(90), null, true));
                assertEquals(range(0, 5), scanStrings(txn, "b", EMPTY, k(5), false));
                assertEquals(range(0, 5).reversed(), scanStrings(txn, "b", EMPTY, k(5), true));
                // bounds that fall between keys
                assertEquals(range(11, 13), scanStrings(txn, "b", utf8("k0010x"), utf8("k0012x"), false));
                assertEquals(range(11, 13).reversed(), scanStrings(txn, "b", utf8("k0010x"), utf8("k0012x"), true));
                // empty and inverted ranges
                assertEquals(List.of(), scanStrings(txn, "b", k(20), k(20), false));
                assertEquals(List.of(), scanStrings(txn, "b", k(20), k(10), false));
                assertEquals(List.of(), scanStrings(txn, "b", k(20), k(10), true));
                assertEquals(List.of(), scanStrings(txn, "b", utf8("l"), null, false));
                assertEquals(List.of(), scanStrings(txn, "b", utf8("l"), null, true));
            }
        }
    }

    @Test
    void scanStopsWhenVisitorReturnsFalse() {
        try (Backend backend = openWithNumberedKeys("b", 1000)) {
            try (ReadTxn txn = backend.read()) {
                for (boolean reverse : new boolean[] {false, true}) {
                    List<String> seen = new ArrayList<>();
                    txn.scan("b", EMPTY, null, reverse, (key, value) -> {
                        seen.add(new String(key, StandardCharsets.UTF_8));
                        return seen.size() < 3;
                    });
                    assertEquals(reverse ? List.of("k0999", "k0998", "k0997") : List.of("k0000", "k0001", "k0002"), seen);
                }
            }
        }
    }

    @Test
    void scanHandsOutValuesWithTheirKeys() {
        try (Backend backend = openWithNumberedKeys("b", 300)) {
            try (ReadTxn txn = backend.read()) {
                AtomicLong count = new AtomicLong();
                txn.scan("b", EMPTY, null, false, (key, value) -> {
                    assertArrayEquals(valueFor(key), value);
                    count.incrementAndGet();
                    return true;
                });
                assertEquals(300, count.get());
            }
        }
    }

    @Test
    void missingKeyAndMissingBucketReadAsEmpty() {
        try (Backend backend = openWithNumberedKeys("b", 10)) {
            try (ReadTxn txn = backend.read()) {
                assertEquals(Optional.empty(), txn.get("b", utf8("absent")));
                assertEquals(Optional.empty(), txn.get("b", utf8("k0005x")));
                assertEquals(Optional.empty(), txn.get("nope", k(1)));
                assertEquals(List.of(), scanStrings(txn, "nope", EMPTY, null, false));
                assertEquals(List.of(), scanStrings(txn, "nope", EMPTY, null, true));
                assertArrayEquals(valueFor(k(5)), txn.get("b", k(5)).orElseThrow());
            }
        }
    }

    @Test
    void emptyValueIsStoredAndDiffersFromMissing() {
        try (Backend backend = open()) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.put("b", utf8("empty"), EMPTY);
                batch.commit();
            }
            try (ReadTxn txn = backend.read()) {
                assertArrayEquals(EMPTY, txn.get("b", utf8("empty")).orElseThrow());
            }
        }
    }

    @Test
    void largeValueRoundTrips() {
        byte[] big = new byte[3 << 20];
        new java.util.Random(7).nextBytes(big);
        try (Backend backend = open()) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.put("b", utf8("big"), big);
                batch.commit();
            }
        }
        try (Backend backend = open(); ReadTxn txn = backend.read()) {
            assertArrayEquals(big, txn.get("b", utf8("big")).orElseThrow());
        }
    }

    @Test
    void arraysHandedInAndOutBelongToTheCaller() {
        try (Backend backend = open()) {
            byte[] key = utf8("key");
            byte[] value = utf8("value");
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.put("b", key, value);
                key[0] = 'X';
                value[0] = 'X';
                batch.commit();
            }
            try (ReadTxn txn = backend.read()) {
                byte[] got = txn.get("b", utf8("key")).orElseThrow();
                assertArrayEquals(utf8("value"), got);
                got[0] = 'Y';
                txn.scan("b", EMPTY, null, false, (k, v) -> {
                    k[0] = 'Z';
                    v[0] = 'Z';
                    return true;
                });
                assertArrayEquals(utf8("value"), txn.get("b", utf8("key")).orElseThrow());
                assertEquals(List.of("key"), scanStrings(txn, "b", EMPTY, null, false));
            }
        }
    }

    // ---------------------------------------------------------------- buckets, puts, deletes

    @Test
    void bucketsAreCreatedListedAndDeleted() {
        try (Backend backend = open()) {
            try (ReadTxn txn = backend.read()) {
                assertEquals(List.of(), txn.buckets());
            }
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("meta");
                batch.createBucket("key");
                batch.createBucket("lease");
                batch.createBucket("key"); // already there: no effect
                batch.put("key", utf8("a"), utf8("1"));
                batch.commit();
            }
            try (ReadTxn txn = backend.read()) {
                assertEquals(List.of("key", "lease", "meta"), txn.buckets());
            }
            try (WriteBatch batch = backend.write()) {
                batch.deleteBucket("key");
                batch.deleteBucket("never-was"); // absent: no effect
                batch.commit();
            }
            try (ReadTxn txn = backend.read()) {
                assertEquals(List.of("lease", "meta"), txn.buckets());
                assertEquals(Optional.empty(), txn.get("key", utf8("a")));
            }
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("key");
                batch.commit();
            }
            try (ReadTxn txn = backend.read()) {
                assertEquals(List.of("key", "lease", "meta"), txn.buckets());
                assertEquals(List.of(), scanStrings(txn, "key", EMPTY, null, false)); // recreated empty
            }
        }
        try (Backend backend = open(); ReadTxn txn = backend.read()) {
            assertEquals(List.of("key", "lease", "meta"), txn.buckets());
            assertEquals(List.of(), scanStrings(txn, "key", EMPTY, null, false));
        }
    }

    @Test
    void putOverwritesAndDeleteRemoves() {
        try (Backend backend = open()) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.put("b", utf8("x"), utf8("1"));
                batch.put("b", utf8("y"), utf8("1"));
                batch.commit();
                batch.put("b", utf8("x"), utf8("2"));
                batch.delete("b", utf8("y"));
                batch.delete("b", utf8("never-was"));
                batch.delete("no-such-bucket", utf8("x"));
                batch.commit();
            }
            try (ReadTxn txn = backend.read()) {
                assertArrayEquals(utf8("2"), txn.get("b", utf8("x")).orElseThrow());
                assertEquals(Optional.empty(), txn.get("b", utf8("y")));
                assertEquals(List.of("x"), scanStrings(txn, "b", EMPTY, null, false));
            }
        }
    }

    @Test
    void putIntoMissingBucketFails() {
        try (Backend backend = open(); WriteBatch batch = backend.write()) {
            assertThrows(StorageException.class, () -> batch.put("nope", utf8("k"), utf8("v")));
        }
    }

    // ---------------------------------------------------------------- isolation and atomicity

    @Test
    void readerOpenedBeforeCommitDoesNotSeeIt() {
        try (Backend backend = openWithNumberedKeys("b", 10)) {
            try (ReadTxn before = backend.read()) {
                try (WriteBatch batch = backend.write()) {
                    batch.put("b", k(3), utf8("changed"));
                    batch.delete("b", k(4));
                    batch.put("b", k(50), utf8("new"));
                    batch.createBucket("other");
                    batch.commit();
                }
                assertArrayEquals(valueFor(k(3)), before.get("b", k(3)).orElseThrow());
                assertArrayEquals(valueFor(k(4)), before.get("b", k(4)).orElseThrow());
                assertEquals(Optional.empty(), before.get("b", k(50)));
                assertEquals(range(0, 10), scanStrings(before, "b", EMPTY, null, false));
                assertEquals(List.of("b"), before.buckets());
            }
            try (ReadTxn after = backend.read()) {
                assertArrayEquals(utf8("changed"), after.get("b", k(3)).orElseThrow());
                assertEquals(Optional.empty(), after.get("b", k(4)));
                assertArrayEquals(utf8("new"), after.get("b", k(50)).orElseThrow());
                assertEquals(List.of("b", "other"), after.buckets());
            }
        }
    }

    @Test
    void readerDoesNotSeeUncommittedBatch() {
        try (Backend backend = openWithNumberedKeys("b", 10); WriteBatch batch = backend.write()) {
            batch.put("b", k(3), utf8("changed"));
            batch.delete("b", k(4));
            batch.put("b", k(50), utf8("new"));
            batch.createBucket("other");
            batch.deleteBucket("b");
            try (ReadTxn txn = backend.read()) {
                assertEquals(List.of("b"), txn.buckets());
                assertArrayEquals(valueFor(k(3)), txn.get("b", k(3)).orElseThrow());
                assertEquals(range(0, 10), scanStrings(txn, "b", EMPTY, null, false));
            }
        }
    }

    @Test
    void batchSeesItsOwnChanges() {
        try (Backend backend = openWithNumberedKeys("b", 10); WriteBatch batch = backend.write()) {
            batch.put("b", k(3), utf8("changed"));
            batch.delete("b", k(4));
            batch.put("b", k(50), utf8("new"));
            batch.createBucket("other");
            batch.put("other", utf8("o"), utf8("1"));
            assertArrayEquals(utf8("changed"), batch.get("b", k(3)).orElseThrow());
            assertEquals(Optional.empty(), batch.get("b", k(4)));
            assertArrayEquals(utf8("new"), batch.get("b", k(50)).orElseThrow());
            List<String> expected = new ArrayList<>(range(0, 10));
            expected.remove("k0004");
            expected.add("k0050");
            assertEquals(expected, scanStrings(batch, "b", EMPTY, null, false));
            assertEquals(expected.reversed(), scanStrings(batch, "b", EMPTY, null, true));
            assertEquals(List.of("b", "other"), batch.buckets());
            batch.deleteBucket("b");
            assertEquals(List.of("other"), batch.buckets());
            assertEquals(Optional.empty(), batch.get("b", k(3)));
        }
    }

    @Test
    void closingBatchWithoutCommitDiscardsItsChanges() {
        try (Backend backend = openWithNumberedKeys("b", 10)) {
            try (WriteBatch batch = backend.write()) {
                batch.put("b", k(3), utf8("changed"));
                batch.put("b", k(77), utf8("new"));
                batch.delete("b", k(4));
                batch.createBucket("other");
            }
            try (ReadTxn txn = backend.read(); WriteBatch batch = backend.write()) {
                for (ReadTxn view : List.of(txn, batch)) {
                    assertEquals(List.of("b"), view.buckets());
                    assertEquals(range(0, 10), scanStrings(view, "b", EMPTY, null, false));
                    assertArrayEquals(valueFor(k(3)), view.get("b", k(3)).orElseThrow());
                }
            }
        }
        try (Backend backend = open(); ReadTxn txn = backend.read()) {
            assertEquals(range(0, 10), scanStrings(txn, "b", EMPTY, null, false));
        }
    }

    @Test
    void commitKeepsBatchOpenForTheNextUnit() {
        try (Backend backend = open()) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.put("b", utf8("first"), utf8("1"));
                batch.commit();
                batch.put("b", utf8("second"), utf8("2"));
                // closed without a second commit: only the first unit stays
            }
            try (ReadTxn txn = backend.read()) {
                assertEquals(List.of("first"), scanStrings(txn, "b", EMPTY, null, false));
            }
        }
    }

    @Test
    void writeBlocksWhileAnotherBatchIsOpen() throws Exception {
        try (Backend backend = open()) {
            CountDownLatch secondOpened = new CountDownLatch(1);
            CompletableFuture<Void> second;
            try (WriteBatch first = backend.write()) {
                first.createBucket("b");
                second = CompletableFuture.runAsync(() -> {
                    try (WriteBatch batch = backend.write()) {
                        secondOpened.countDown();
                        batch.put("b", utf8("second"), utf8("2"));
                        batch.commit();
                    }
                });
                assertFalse(secondOpened.await(200, TimeUnit.MILLISECONDS), "a second batch opened while the first was open");
                first.commit();
            }
            second.get(10, TimeUnit.SECONDS);
            try (ReadTxn txn = backend.read()) {
                assertEquals(List.of("second"), scanStrings(txn, "b", EMPTY, null, false));
            }
        }
    }

    @Test
    void readersSeeBatchesWhole() throws Exception {
        int perBatch = 500;
        try (Backend backend = open()) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.commit();
            }
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> reader = pool.submit(() -> {
                    int observations = 0;
                    while (!done.get() || observations == 0) {
                        try (ReadTxn txn = backend.read()) {
                            long[] count = {0};
                            txn.scan("b", EMPTY, null, false, (key, value) -> {
                                count[0]++;
                                return true;
                            });
                            if (count[0] % perBatch != 0) {
                                fail("a reader saw " + count[0] + " keys: part of a batch of " + perBatch);
                            }
                        }
                        observations++;
                    }
                    return observations;
                });
                Future<?> writer = pool.submit(() -> {
                    try (WriteBatch batch = backend.write()) {
                        for (int n = 0; n < 20; n++) {
                            for (int i = 0; i < perBatch; i++) {
                                batch.put("b", k(n * perBatch + i), utf8("v"));
                            }
                            batch.commit();
                        }
                    } finally {
                        done.set(true);
                    }
                });
                writer.get(30, TimeUnit.SECONDS);
                assertTrue(reader.get(30, TimeUnit.SECONDS) > 0);
            } finally {
                shutdown(pool);
            }
        }
    }

    // ---------------------------------------------------------------- durability

    @Test
    void committedDataSurvivesCloseAndReopen() {
        for (boolean sync : new boolean[] {true, false}) {
            Path directory = dir.resolve(sync ? "sync" : "nosync");
            BackendOptions options = new BackendOptions(sync, 0);
            try (Backend backend = engine().open(directory, options); WriteBatch batch = backend.write()) {
                batch.createBucket("a");
                batch.createBucket("b");
                for (int i = 0; i < 100; i++) {
                    batch.put("a", k(i), valueFor(k(i)));
                }
                batch.commit();
                batch.delete("a", k(7));
                batch.put("a", k(8), utf8("eight"));
                batch.put("b", bytes(0xff, 0x00), bytes(0x80));
                batch.deleteBucket("b");
                batch.createBucket("b");
                batch.put("b", bytes(0xff), bytes(0x81));
                batch.commit();
                batch.put("a", k(9), utf8("uncommitted"));
            }
            for (int round = 0; round < 2; round++) {
                try (Backend backend = engine().open(directory, options); ReadTxn txn = backend.read()) {
                    assertEquals(List.of("a", "b"), txn.buckets());
                    List<String> expected = new ArrayList<>(range(0, 100));
                    expected.remove("k0007");
                    assertEquals(expected, scanStrings(txn, "a", EMPTY, null, false));
                    assertArrayEquals(utf8("eight"), txn.get("a", k(8)).orElseThrow());
                    assertArrayEquals(valueFor(k(9)), txn.get("a", k(9)).orElseThrow());
                    assertEquals(Optional.empty(), txn.get("b", bytes(0xff, 0x00)));
                    assertArrayEquals(bytes(0x81), txn.get("b", bytes(0xff)).orElseThrow());
                }
            }
        }
    }

    /**
     * The server commits without sync and calls {@link Backend#sync()} before it releases the
     * WAL: sync must work between commits, with a batch open or not, and leave the backend usable.
     */
    @Test
    void syncBetweenUnsyncedCommitsKeepsEverythingCommitted() {
        BackendOptions options = new BackendOptions(false, 0);
        try (Backend backend = engine().open(dir, options)) {
            backend.sync();
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.put("b", k(1), valueFor(k(1)));
                batch.commit();
                backend.sync();
                batch.put("b", k(2), valueFor(k(2)));
                batch.commit();
            }
            backend.sync();
            try (WriteBatch batch = backend.write()) {
                batch.put("b", k(3), valueFor(k(3)));
                batch.commit();
            }
            backend.sync();
        }
        try (Backend backend = engine().open(dir, options); ReadTxn txn = backend.read()) {
            assertEquals(range(1, 4), scanStrings(txn, "b", EMPTY, null, false));
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryFails() {
        try (Backend backend = open()) {
            assertThrows(StorageException.class, () -> engine().open(dir, BackendOptions.defaults()).close());
        }
        open().close(); // free again once closed
    }

    /**
     * Kills a writer process with SIGKILL in the middle of its work, without sync on commit:
     * every batch whose commit returned must be there whole, and no batch may be there in part.
     */
    @Test
    void committedBatchesSurviveKillOfTheWriterProcess() throws Exception {
        Path directory = dir.resolve("killed");
        Process process = startWriterProcess(directory, false);
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            String line;
            int committed = 0;
            while (committed < 30 && (line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("committed ")) {
                    committed++;
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            if (!process.isAlive()) {
                fail("the writer process ended by itself (exit " + process.exitValue() + "); it said: " + lines
                        + "\nstderr: " + Files.readString(dir.resolve("writer-process.err")));
            }
            process.destroyForcibly();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the writer process did not die");
            try {
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the pipe was closed when the process was reaped: nothing more to read
            }
        } finally {
            process.destroyForcibly();
        }
        int lastPrinted = -1;
        for (String line : lines) {
            if (line.startsWith("committed ")) {
                lastPrinted = Integer.parseInt(line.substring("committed ".length()));
            }
        }
        if (lastPrinted < 0) {
            fail("the writer committed nothing before it was killed; it said: " + lines
                    + "\nstderr: " + Files.readString(dir.resolve("writer-process.err")));
        }

        try (Backend backend = engine().open(directory, BackendOptions.defaults()); ReadTxn txn = backend.read()) {
            Map<Integer, Integer> keysPerBatch = new TreeMap<>();
            txn.scan(BatchWriterProcess.BUCKET, EMPTY, null, false, (key, value) -> {
                String text = new String(key, StandardCharsets.UTF_8);
                int batch = Integer.parseInt(text.substring(1, 9));
                int index = Integer.parseInt(text.substring(10));
                assertArrayEquals(BatchWriterProcess.value(batch, index), value, text);
                keysPerBatch.merge(batch, 1, Integer::sum);
                return true;
            });
            int present = keysPerBatch.size();
            assertTrue(present - 1 >= lastPrinted, "batch " + lastPrinted + " was committed but only " + present + " batches are present");
            assertTrue(present - 1 <= lastPrinted + 1, "batches beyond the one being committed are present: " + present);
            for (int n = 0; n < present; n++) {
                assertEquals(BatchWriterProcess.KEYS_PER_BATCH, keysPerBatch.getOrDefault(n, 0), "keys of batch " + n);
            }
            assertEquals(Integer.toString(present - 1),
                    new String(txn.get(BatchWriterProcess.META, BatchWriterProcess.LAST_KEY).orElseThrow(), StandardCharsets.UTF_8));
        }
        // and the reopened store takes new writes
        try (Backend backend = engine().open(directory, BackendOptions.defaults())) {
            try (WriteBatch batch = backend.write()) {
                batch.put(BatchWriterProcess.META, utf8("after"), utf8("1"));
                batch.commit();
            }
            try (ReadTxn txn = backend.read()) {
                assertArrayEquals(utf8("1"), txn.get(BatchWriterProcess.META, utf8("after")).orElseThrow());
            }
        }
    }

    private Process startWriterProcess(Path directory, boolean sync) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("cannot tell the java binary of this JVM"));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        String modulePath = System.getProperty("jdk.module.path", "");
        if (!modulePath.isEmpty()) {
            command.add("--module-path");
            command.add(modulePath);
            command.add("--add-modules");
            command.add("ALL-MODULE-PATH");
        }
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.isEmpty()) {
            command.add("-cp");
            command.add(classPath);
        }
        command.add(BatchWriterProcess.class.getName());
        command.add(engine().name());
        command.add(directory.toString());
        command.add(sync ? "sync" : "nosync");
        return new ProcessBuilder(command)
                .redirectError(dir.resolve("writer-process.err").toFile())
                .start();
    }

    // ---------------------------------------------------------------- snapshots

    @Test
    void snapshotIsOneCommittedStateWhileWritesContinue() throws Exception {
        int bulk = 20_000;
        try (Backend backend = open()) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("bulk");
                batch.createBucket("log");
                for (int j = 0; j < bulk; j++) {
                    batch.put("bulk", k(j), utf8("0"));
                }
                batch.put("log", utf8("counter"), utf8("0"));
                batch.commit();
            }
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(1);
            try {
                // commit i (i >= 1): bulk key (i*7 mod bulk) := i, log gains e<i> and loses e<i-3>, counter := i
                Future<Integer> writer = pool.submit(() -> {
                    int i = 0;
                    try (WriteBatch batch = backend.write()) {
                        while (!stop.get() && i < 100_000) {
                            i++;
                            batch.put("bulk", k((i * 7) % bulk), utf8(Integer.toString(i)));
                            batch.put("log", utf8("e" + i), utf8("x"));
                            batch.delete("log", utf8("e" + (i - 3)));
                            batch.put("log", utf8("counter"), utf8(Integer.toString(i)));
                            batch.commit();
                        }
                    }
                    return i;
                });
                List<byte[]> snapshots = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    long written = backend.writeSnapshot(out, (done, total) -> { });
                    assertEquals(out.size(), written);
                    snapshots.add(out.toByteArray());
                }
                stop.set(true);
                int commits = writer.get(30, TimeUnit.SECONDS);
                assertTrue(commits > 0, "the writer made no commit while snapshots were taken");
                for (byte[] snapshot : snapshots) {
                    Map<String, TreeMap<String, String>> state = readSnapshot(snapshot);
                    int i = Integer.parseInt(state.get("log").get("counter"));
                    assertEquals(expectedSnapshotState(i, bulk), state, "snapshot at commit " + i);
                }
            } finally {
                stop.set(true);
                shutdown(pool);
            }
        }
    }

    private static Map<String, TreeMap<String, String>> expectedSnapshotState(int i, int bulk) {
        TreeMap<String, String> bulkBucket = new TreeMap<>();
        for (int j = 0; j < bulk; j++) {
            bulkBucket.put(str(k(j)), "0");
        }
        for (int c = 1; c <= i; c++) {
            bulkBucket.put(str(k((c * 7) % bulk)), Integer.toString(c));
        }
        TreeMap<String, String> log = new TreeMap<>();
        for (int c = Math.max(1, i - 2); c <= i; c++) {
            log.put("e" + c, "x");
        }
        log.put("counter", Integer.toString(i));
        return Map.of("bulk", bulkBucket, "log", log);
    }

    @Test
    void snapshotRestoresIntoAnotherBackend() {
        Path source = dir.resolve("source");
        Path target = dir.resolve("target");
        byte[] snapshot;
        Map<String, TreeMap<String, String>> original;
        try (Backend backend = engine().open(source, BackendOptions.defaults())) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("empty");
                batch.createBucket("key");
                batch.createBucket("meta");
                for (int i = 0; i < 2000; i++) {
                    batch.put("key", k(i), valueFor(k(i)));
                }
                batch.put("meta", bytes(0xff, 0x80), bytes(0x00));
                batch.put("meta", bytes(0x01), EMPTY);
                batch.commit();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            backend.writeSnapshot(out, (done, total) -> { });
            snapshot = out.toByteArray();
            original = dump(backend);
        }
        try (Backend backend = engine().open(target, BackendOptions.defaults())) {
            try (WriteBatch batch = backend.write()) {
                long entries = SnapshotFormat.read(new ByteArrayInputStream(snapshot), new SnapshotFormat.Sink() {
                    @Override
                    public void bucket(String name) {
                        batch.createBucket(name);
                    }

                    @Override
                    public void entry(String bucket, byte[] key, byte[] value) {
                        batch.put(bucket, key, value);
                    }
                }, (done, total) -> { });
                assertEquals(2002, entries);
                batch.commit();
            }
            assertEquals(original, dump(backend));
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            backend.writeSnapshot(again, (done, total) -> { });
            assertArrayEquals(snapshot, again.toByteArray(), "a restored backend snapshots to the same bytes");
        }
        try (Backend backend = engine().open(target, BackendOptions.defaults())) {
            assertEquals(original, dump(backend));
        }
    }

    // ---------------------------------------------------------------- size and defragment

    @Test
    void defragmentGivesBackSpaceOfDeletedDataAndKeepsLiveData() {
        int count = 4000;
        byte[] value = new byte[1024];
        Arrays.fill(value, (byte) 0x5a);
        try (Backend backend = open()) {
            long emptySize = backend.size();
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                for (int i = 0; i < count; i++) {
                    batch.put("b", k(i), value);
                    if (i % 500 == 499) {
                        batch.commit();
                    }
                }
                batch.commit();
            }
            long fullSize = backend.size();
            assertTrue(fullSize >= emptySize + (long) count * value.length, "size " + fullSize + " is below the data it holds");
            assertTrue(backend.sizeInUse() >= (long) count * value.length, "sizeInUse " + backend.sizeInUse() + " is below the live data");
            assertTrue(backend.sizeInUse() <= backend.size(), "sizeInUse exceeds size");

            try (WriteBatch batch = backend.write()) {
                for (int i = 0; i < count; i++) {
                    if (i % 10 != 0) {
                        batch.delete("b", k(i));
                    }
                }
                batch.commit();
            }
            long inUseAfterDelete = backend.sizeInUse();
            assertTrue(inUseAfterDelete < fullSize / 2, "sizeInUse " + inUseAfterDelete + " after deleting 90% of " + fullSize);
            long sizeBeforeDefrag = backend.size();
            AtomicLong progressCalls = new AtomicLong();
            backend.defragment((done, total) -> progressCalls.incrementAndGet());
            long defragmented = backend.size();
            assertTrue(defragmented < sizeBeforeDefrag / 2, "size " + defragmented + " after defragment, was " + sizeBeforeDefrag);
            assertTrue(backend.sizeInUse() <= defragmented, "sizeInUse exceeds size after defragment");
            assertLiveData(backend, count, value);
            try (WriteBatch batch = backend.write()) {
                batch.put("b", utf8("after"), utf8("defragment"));
                batch.commit();
            }
        }
        try (Backend backend = open()) {
            assertTrue(backend.size() < (long) count * value.length / 2, "size after reopen " + backend.size());
            assertLiveData(backend, count, value);
            try (ReadTxn txn = backend.read()) {
                assertArrayEquals(utf8("defragment"), txn.get("b", utf8("after")).orElseThrow());
            }
        }
    }

    /**
     * A reader open across a defragment keeps its view. The engine may run the defragment
     * alongside the reader or make it wait until the reader closes; either way it finishes.
     */
    @Test
    void readerOpenDuringDefragmentKeepsItsView() throws Exception {
        try (Backend backend = openWithNumberedKeys("b", 500)) {
            try (WriteBatch batch = backend.write()) {
                for (int i = 0; i < 500; i += 2) {
                    batch.delete("b", k(i));
                }
                batch.commit();
            }
            List<String> expected = new ArrayList<>();
            for (int i = 1; i < 500; i += 2) {
                expected.add(str(k(i)));
            }
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> defragment;
                try (ReadTxn before = backend.read()) {
                    assertEquals(expected, scanStrings(before, "b", EMPTY, null, false));
                    defragment = pool.submit(() -> backend.defragment((done, total) -> { }));
                    for (int round = 0; round < 20; round++) {
                        assertEquals(expected, scanStrings(before, "b", EMPTY, null, round % 2 == 0).stream().sorted().toList());
                        assertArrayEquals(valueFor(k(1)), before.get("b", k(1)).orElseThrow());
                    }
                }
                defragment.get(30, TimeUnit.SECONDS);
                try (ReadTxn after = backend.read()) {
                    assertEquals(expected, scanStrings(after, "b", EMPTY, null, false));
                    assertArrayEquals(valueFor(k(499)), after.get("b", k(499)).orElseThrow());
                }
            } finally {
                shutdown(pool);
            }
        }
    }

    private static void assertLiveData(Backend backend, int count, byte[] value) {
        try (ReadTxn txn = backend.read()) {
            List<String> keys = new ArrayList<>();
            txn.scan("b", k(0), k(count), false, (key, v) -> {
                assertArrayEquals(value, v);
                keys.add(str(key));
                return true;
            });
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < count; i += 10) {
                expected.add(str(k(i)));
            }
            assertEquals(expected, keys);
        }
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void readersRunAlongsideTheWriter() throws Exception {
        int readers = 3;
        try (Backend backend = open()) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.put("b", utf8("count"), utf8("0"));
                batch.commit();
            }
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
            try {
                List<Future<Long>> readerFutures = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    boolean reverse = r % 2 == 1;
                    readerFutures.add(pool.submit(() -> {
                        long reads = 0;
                        while (!done.get() || reads == 0) {
                            try (ReadTxn txn = backend.read()) {
                                int count = Integer.parseInt(str(txn.get("b", utf8("count")).orElseThrow()));
                                List<String> entries = scanStrings(txn, "b", utf8("e"), utf8("f"), reverse);
                                assertEquals(count, entries.size(), "entries in the view of count " + count);
                                if (count > 0) {
                                    assertTrue(txn.get("b", utf8("e%05d".formatted(count - 1))).isPresent());
                                }
                            }
                            reads++;
                        }
                        return reads;
                    }));
                }
                Future<?> writer = pool.submit(() -> {
                    try (WriteBatch batch = backend.write()) {
                        for (int n = 0; n < 300; n++) {
                            batch.put("b", utf8("e%05d".formatted(n)), utf8("v"));
                            batch.put("b", utf8("count"), utf8(Integer.toString(n + 1)));
                            batch.commit();
                        }
                    } finally {
                        done.set(true);
                    }
                });
                writer.get(30, TimeUnit.SECONDS);
                for (Future<Long> reader : readerFutures) {
                    assertTrue(reader.get(30, TimeUnit.SECONDS) > 0);
                }
            } finally {
                done.set(true);
                shutdown(pool);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Opens the backend in {@link #dir} with durable commits. */
    protected Backend open() {
        return engine().open(dir, BackendOptions.defaults());
    }

    private Backend openWithNumberedKeys(String bucket, int count) {
        Backend backend = open();
        try (WriteBatch batch = backend.write()) {
            batch.createBucket(bucket);
            for (int i = 0; i < count; i++) {
                batch.put(bucket, k(i), valueFor(k(i)));
            }
            batch.commit();
        }
        return backend;
    }

    private static Map<String, TreeMap<String, String>> dump(Backend backend) {
        Map<String, TreeMap<String, String>> state = new TreeMap<>();
        try (ReadTxn txn = backend.read()) {
            for (String bucket : txn.buckets()) {
                TreeMap<String, String> entries = new TreeMap<>();
                txn.scan(bucket, EMPTY, null, false, (key, value) -> {
                    entries.put(HexFormat.of().formatHex(key), HexFormat.of().formatHex(value));
                    return true;
                });
                state.put(bucket, entries);
            }
        }
        return state;
    }

    private static Map<String, TreeMap<String, String>> readSnapshot(byte[] snapshot) {
        Map<String, TreeMap<String, String>> state = new TreeMap<>();
        SnapshotFormat.read(new ByteArrayInputStream(snapshot), new SnapshotFormat.Sink() {
            @Override
            public void bucket(String name) {
                state.put(name, new TreeMap<>());
            }

            @Override
            public void entry(String bucket, byte[] key, byte[] value) {
                state.get(bucket).put(str(key), str(value));
            }
        }, (done, total) -> { });
        return state;
    }

    private static void shutdown(ExecutorService pool) {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                fail("test threads did not stop within " + Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<byte[]> scanKeys(ReadTxn txn, String bucket, byte[] from, byte[] to, boolean reverse) {
        List<byte[]> keys = new ArrayList<>();
        txn.scan(bucket, from, to, reverse, (key, value) -> keys.add(key));
        return keys;
    }

    private static List<String> scanStrings(ReadTxn txn, String bucket, byte[] from, byte[] to, boolean reverse) {
        return scanKeys(txn, bucket, from, to, reverse).stream().map(StorageEngineConformanceTest::str).toList();
    }

    private static void assertKeys(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.stream().map(HexFormat.of()::formatHex).toList(), actual.stream().map(HexFormat.of()::formatHex).toList());
    }

    private static List<String> range(int from, int to) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add(str(k(i)));
        }
        return keys;
    }

    private static byte[] k(int i) {
        return utf8("k%04d".formatted(i));
    }

    private static byte[] valueFor(byte[] key) {
        return utf8("value of " + str(key));
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
