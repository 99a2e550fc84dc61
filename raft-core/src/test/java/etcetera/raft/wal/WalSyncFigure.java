package etcetera.raft.wal;

import etcetera.raft.Entry;
import etcetera.raft.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * An informational figure, not a test: 1000 group commits of 10 entries of 100 bytes (append +
 * sync each), against the raw latency of writing the same bytes and fsyncing a plain file on
 * the same disk. Run: {@code java -cp <classes>:<test-classes>:<api jar> etcetera.raft.wal.WalSyncFigure [dir]}.
 */
public final class WalSyncFigure {

    private static final int BATCHES = 1000;

    private WalSyncFigure() {
    }

    public static void main(String[] args) throws IOException {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("wal-figure");
        long[] wal = new long[BATCHES];
        try (Wal w = Wal.create(base.resolve("wal"), WalOptions.defaults(), WalFiles.METADATA)) {
            for (int b = 0; b < BATCHES; b++) {
                List<Entry> batch = WalFiles.entries(b * 10L + 1, b * 10L + 10, 1, 100);
                long t0 = System.nanoTime();
                w.append(new HardState(1, 1, b * 10L), batch);
                w.sync();
                wal[b] = System.nanoTime() - t0;
            }
        }
        long[] raw = new long[BATCHES];
        Path file = base.resolve("raw.bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.allocateDirect(10 * 136);
            long pos = 0;
            for (int b = 0; b < BATCHES; b++) {
                long t0 = System.nanoTime();
                bytes.clear();
                pos += ch.write(bytes, pos);
                ch.force(false);
                raw[b] = System.nanoTime() - t0;
            }
        }
        System.out.println("wal append+sync (10 x 100 B):  " + summary(wal));
        System.out.println("raw write+fdatasync (1360 B):  " + summary(raw) + "  (growing file, not preallocated)");
    }

    private static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1000;
        return String.format("mean %.0f us, p50 %d us, p99 %d us, max %d us", mean, sorted[sorted.length / 2] / 1000,
                sorted[sorted.length * 99 / 100] / 1000, sorted[sorted.length - 1] / 1000);
    }
}
