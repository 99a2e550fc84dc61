package etcetera.raft.wal;

import etcetera.raft.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** Test fixtures: entries with recognisable payloads, copies of a WAL directory, frame offsets. */
final class WalFiles {

    static final byte[] METADATA = "node=1 cluster=42".getBytes(StandardCharsets.UTF_8);

    private WalFiles() {
    }

    static WalOptions smallSegments(long bytes) {
        return WalOptions.defaults().withSegmentBytes(bytes);
    }

    /** Entries from..to (inclusive) of {@code term}, each with {@code size} bytes derived from index and term. */
    static List<Entry> entries(long from, long to, long term, int size) {
        return LongStream.rangeClosed(from, to).mapToObj(i -> entry(i, term, size)).toList();
    }

    /**
     * Appends entries 1..{@code last} of {@code term} in batches of {@code batch}, each batch with
     * a hard state committing its first index, syncing after each batch if {@code sync}.
     */
    static void appendBatches(Wal wal, long last, int batch, long term, int size, boolean sync) {
        for (long i = 1; i <= last; i += batch) {
            wal.append(new etcetera.raft.HardState(term, 1, i), entries(i, Math.min(last, i + batch - 1), term, size));
            if (sync) {
                wal.sync();
            }
        }
    }

    static Entry entry(long index, long term, int size) {
        byte[] data = new byte[size];
        for (int k = 0; k < size; k++) {
            data[k] = (byte) (index * 31 + term * 7 + k);
        }
        return Entry.normal(term, index, data);
    }

    /** Entries compared by value (records with arrays compare arrays by identity). */
    static List<String> describe(List<Entry> entries) {
        return entries.stream()
                .map(e -> e.index() + "/" + e.term() + "/" + e.type() + "/" + java.util.HexFormat.of().formatHex(e.data()))
                .toList();
    }

    /** Copies the WAL files of {@code from} into a new directory {@code to}: the disk as a crash would leave it. */
    static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(".wal")) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".wal")).sorted().toList();
        }
    }

    /** A valid frame of a segment: where it starts, how long it is and what it holds. */
    record Frame(int offset, int length, WalRecord record) {
    }

    static List<Frame> frames(Path segment) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (SegmentReader reader = SegmentReader.open(segment)) {
            List<int[]> starts = new ArrayList<>();
            List<WalRecord> records = new ArrayList<>();
            int end = reader.forEach(reader.size(), (offset, record) -> {
                starts.add(new int[] {offset});
                records.add(record);
            });
            for (int i = 0; i < starts.size(); i++) {
                int offset = starts.get(i)[0];
                int next = i + 1 < starts.size() ? starts.get(i + 1)[0] : end;
                frames.add(new Frame(offset, next - offset, records.get(i)));
            }
        }
        return frames;
    }
}
