package etcetera.raft.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
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

/**
 * The floor the WAL is measured against: one write of as many bytes as a WAL batch takes
 * ({@link #walBatchBytes}) at the tail of a preallocated 64 MiB file, then {@code fdatasync},
 * on the same disk. SampleTime, like {@link WalBenchmark}.
 *
 * <p>{@code preallocation} says how the file was prepared: {@code written} (real zero blocks,
 * so the sync has no allocation to commit: the disk's own floor) or {@code sparse} (a hole, as
 * the WAL's {@code SegmentPreallocator} makes it, so each sync also commits the allocation of
 * the blocks just written). The pair splits the WAL's distance to the floor into what the
 * sparse segments cost and what the WAL itself adds. The sparse file is punched anew each time
 * the tail wraps, so it never turns into an allocated one.
 *
 * <p>The fork runs with a fixed, pre-touched heap for the reason given on
 * {@link RaftThroughputBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class RawFsyncBenchmark {

    private static final long FILE_BYTES = 64L << 20;

    @Param({"1", "16", "128"})
    public int batch;

    @Param({"written", "sparse"})
    public String preallocation;

    private Path dir;
    private FileChannel channel;
    private ByteBuffer bytes;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath(), "fsync-bench");
        channel = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        preallocate();
        bytes = ByteBuffer.allocateDirect(walBatchBytes(batch));
    }

    /**
     * The bytes {@link WalBenchmark} writes per batch: per entry a 12-byte frame header, a 17-byte
     * body head (term, index, type) and the 128-byte payload, padded to 8 (160); plus the hard
     * state's frame (12 + 24, padded to 40). See {@code RecordFrame} and {@code RecordEncoder}.
     */
    static int walBatchBytes(int entries) {
        return entries * 160 + 40;
    }

    private void preallocate() throws IOException {
        channel.truncate(0);
        switch (preallocation) {
            case "written" -> {
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                for (long written = 0; written < FILE_BYTES; written += zeros.capacity()) {
                    zeros.clear();
                    channel.write(zeros, written);
                }
            }
            case "sparse" -> channel.write(ByteBuffer.allocate(1), FILE_BYTES - 1);
            default -> throw new IllegalArgumentException("preallocation must be written or sparse: " + preallocation);
        }
        channel.force(true);
        channel.position(0);
    }

    @Benchmark
    public long writeAndFdatasync() throws IOException {
        if (channel.position() + bytes.capacity() > FILE_BYTES) {
            if (preallocation.equals("sparse")) {
                preallocate(); // a fresh hole, as the WAL's next segment is (rare: once per 64 MiB)
            }
            channel.position(0);
        }
        bytes.clear();
        channel.write(bytes);
        channel.force(false);
        return channel.position();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        channel.close();
        deleteTree(dir);
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
