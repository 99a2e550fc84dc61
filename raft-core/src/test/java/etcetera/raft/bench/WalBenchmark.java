package etcetera.raft.bench;

import etcetera.raft.Entry;
import etcetera.raft.HardState;
import etcetera.raft.wal.Wal;
import etcetera.raft.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

/**
 * The WAL with group commit on this machine's disk: one append of {@code batch} 128-byte
 * entries (and a hard state), then one fsync. SampleTime gives the latency distribution of
 * append + sync (p50, p99); entries per second is {@code batch / mean}. Compare with
 * {@link RawFsyncBenchmark} run on the same disk in the same run. The fork runs with a fixed,
 * pre-touched heap for the reason given on {@link RaftThroughputBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class WalBenchmark {

    private static final byte[] PAYLOAD = new byte[128];

    @Param({"1", "16", "128"})
    public int batch;

    private Path dir;
    private Wal wal;
    private long index;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath(), "wal-bench");
        wal = Wal.create(dir.resolve("wal"), WalOptions.defaults().withMaxWals(2), new byte[16]);
    }

    @Benchmark
    public long appendAndSync() {
        List<Entry> entries = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            entries.add(Entry.normal(1, ++index, PAYLOAD));
        }
        wal.append(new HardState(1, 1, index), entries);
        wal.sync();
        if (index % 200_000 < batch) {
            // keep the disk use bounded: release and purge old segments as a snapshot would
            wal.saveSnapshotMarker(index, 1);
            wal.releaseBefore(index);
        }
        return index;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        wal.close();
        RawFsyncBenchmark.deleteTree(dir);
    }
}
