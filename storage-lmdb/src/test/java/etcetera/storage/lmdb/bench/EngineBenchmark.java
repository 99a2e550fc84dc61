package etcetera.storage.lmdb.bench;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageEngine;
import etcetera.api.storage.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Both storage engines on the server's MVCC access pattern: the {@code key} bucket keyed by
 * 17-byte revisions (8-byte main revision, '_', 8-byte sub revision) with ~256-byte values, as
 * the apply loop writes it (batches of increasing revisions, commits without sync: the WAL is
 * the source of truth), point reads of one revision, range scans of 100 revisions (a range
 * request), and compaction (deleting the oldest revisions while new ones arrive). Backends are
 * opened with {@code syncOnCommit=false}, as the server opens them.
 *
 * <p>The engines are created by class name: the file engine's module exports nothing, and JMH
 * runs on the class path (bench/run-jmh.sh).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class EngineBenchmark {

    private static final String BUCKET = "key";
    private static final int PRELOAD = 100_000;
    private static final int BATCH = 100;
    private static final int SCAN = 100;

    @Param({"file", "lmdb"})
    public String engine;

    private Path directory;
    private Backend backend;
    private WriteBatch writer;
    private final byte[] value = new byte[256];
    /** Revisions [oldest, next) are live. Touched by the benchmark thread only (writes are single-threaded). */
    private long oldest = 1;
    private long next = 1;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "target")), "engine-bench-" + engine);
        backend = create(engine).open(directory, new BackendOptions(false, 0));
        ThreadLocalRandom.current().nextBytes(value);
        writer = backend.write();
        writer.createBucket(BUCKET);
        while (next <= PRELOAD) {
            putBatch();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        writer.close();
        backend.close();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The apply loop: one commit of 100 puts at increasing revisions. */
    @Benchmark
    public void putBatch() {
        for (int i = 0; i < BATCH; i++) {
            writer.put(BUCKET, revision(next++), value);
        }
        writer.commit();
    }

    /** A read of one revision, in its own read transaction (as a serializable Get of one key). */
    @Benchmark
    public void pointGet(Blackhole hole) {
        try (ReadTxn txn = backend.read()) {
            hole.consume(txn.get(BUCKET, revision(randomLive())));
        }
    }

    /** A range of 100 revisions, in its own read transaction. */
    @Benchmark
    public void rangeScan(Blackhole hole) {
        long from = randomLive();
        try (ReadTxn txn = backend.read()) {
            txn.scan(BUCKET, revision(from), revision(from + SCAN), false, (k, v) -> {
                hole.consume(v);
                return true;
            });
        }
    }

    /** Compaction: one commit that deletes the 100 oldest revisions while 100 new ones arrive. */
    @Benchmark
    public void compactBatch() {
        for (int i = 0; i < BATCH; i++) {
            writer.delete(BUCKET, revision(oldest++));
            writer.put(BUCKET, revision(next++), value);
        }
        writer.commit();
    }

    private long randomLive() {
        return ThreadLocalRandom.current().nextLong(oldest, Math.max(oldest + 1, next - SCAN));
    }

    private static byte[] revision(long main) {
        byte[] key = new byte[17];
        for (int i = 7; i >= 0; i--) {
            key[i] = (byte) main;
            main >>>= 8;
        }
        key[8] = '_';
        return key;
    }

    private static StorageEngine create(String name) {
        String type = switch (name) {
            case "file" -> "etcetera.storage.file.FileStorageEngine";
            case "lmdb" -> "etcetera.storage.lmdb.LmdbStorageEngine";
            default -> throw new IllegalArgumentException("unknown engine " + name);
        };
        try {
            return (StorageEngine) Class.forName(type).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the " + name + " engine", e);
        }
    }
}
