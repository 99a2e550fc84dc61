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
 * The floor the WAL is measured against: a plain write of the same bytes as a WAL batch
 * ({@code batch} x 128 bytes) into a preallocated file, then {@code fdatasync}, on the same
 * disk. SampleTime, like {@link WalBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class RawFsyncBenchmark {

    private static final long FILE_BYTES = 64L << 20;

    @Param({"1", "16", "128"})
    public int batch;

    private Path dir;
    private FileChannel channel;
    private ByteBuffer bytes;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath(), "fsync-bench");
        channel = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        // preallocate with real blocks, as a WAL segment is, so fdatasync has no size to update
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long written = 0; written < FILE_BYTES; written += zeros.capacity()) {
            zeros.clear();
            channel.write(zeros, written);
        }
        channel.force(true);
        bytes = ByteBuffer.allocateDirect(batch * 128 + 64);
    }

    @Benchmark
    public long writeAndFdatasync() throws IOException {
        if (channel.position() + bytes.capacity() > FILE_BYTES) {
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
