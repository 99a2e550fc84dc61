package etcetera.raft.wal;

import static etcetera.raft.wal.WalFiles.METADATA;
import static etcetera.raft.wal.WalFiles.describe;
import static etcetera.raft.wal.WalFiles.entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.raft.Entry;
import etcetera.raft.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a crash during a write, and damage to the files, do to the log on the next open. */
class WalDamageTest {

    private static final WalOptions OPTIONS = WalFiles.smallSegments(64 * 1024);

    @TempDir
    Path tmp;

    /**
     * The disk as a crash during the second batch would leave it: batch one (entries 1-3) was
     * synced, batch two (a sync mark, then entry 4) was written but not synced.
     */
    private Path crashImage() throws IOException {
        Path dir = tmp.resolve("live");
        Wal wal = Wal.create(dir, OPTIONS, METADATA);
        try {
            wal.append(new HardState(1, 1, 3), entries(1, 3, 1, 40));
            wal.sync();
            wal.append(HardState.EMPTY, entries(4, 4, 1, 100));
            return WalFiles.copy(dir, tmp.resolve("image"));
        } finally {
            wal.close();
        }
    }

    private static WalFiles.Frame lastEntryFrame(Path segment) throws IOException {
        return WalFiles.frames(segment).stream().filter(f -> f.record() instanceof WalRecord.EntryRecord).toList().getLast();
    }

    @Test
    void tornLastRecordAtEveryByteOffsetReplaysToTheCompleteRecords() throws IOException {
        Path image = crashImage();
        Path segment = WalFiles.segmentFiles(image).getFirst();
        WalFiles.Frame last = lastEntryFrame(segment);
        assertEquals(4, ((WalRecord.EntryRecord) last.record()).entry().index());
        // the frame is complete once its body is: the zero padding after it carries nothing
        int bodyEnd = last.offset() + RecordFrame.HEADER_BYTES + 17 + 100;
        for (int cut = last.offset(); cut < last.offset() + last.length(); cut++) {
            for (boolean zeroFilled : new boolean[] {false, true}) {
                Path dir = WalFiles.copy(image, tmp.resolve("cut-" + cut + "-" + zeroFilled));
                Path file = dir.resolve(segment.getFileName());
                if (zeroFilled) {
                    zero(file, cut, last.offset() + last.length());
                } else {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(cut);
                    }
                }
                try (Wal wal = Wal.open(dir, OPTIONS)) {
                    WalContents c = wal.readAll(0);
                    long complete = cut < bodyEnd ? 3 : 4;
                    assertEquals(describe(entries(1, complete, 1, 40).stream()
                            .map(e -> e.index() == 4 ? WalFiles.entry(4, 1, 100) : e).toList()),
                            describe(c.entries()), "cut at " + cut + " zeroFilled=" + zeroFilled);
                    assertEquals(new HardState(1, 1, 3), c.hardState());
                    assertEquals(complete, wal.lastIndex());
                }
                WalFiles.deleteTree(dir);
            }
        }
    }

    @Test
    void repairedLogAcceptsNewRecordsAndReplaysThem() throws IOException {
        Path image = crashImage();
        Path file = WalFiles.segmentFiles(image).getFirst();
        WalFiles.Frame last = lastEntryFrame(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // garbage, not zeros, in the middle of the record's body
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}), last.offset() + 40);
        }
        try (Wal wal = Wal.open(image, OPTIONS)) {
            assertEquals(3, wal.readAll(0).entries().size());
            wal.append(new HardState(2, 2, 4), entries(4, 5, 2, 10));
            wal.sync();
        }
        try (Wal wal = Wal.open(image, OPTIONS)) {
            List<Entry> expected = new ArrayList<>(entries(1, 3, 1, 40));
            expected.addAll(entries(4, 5, 2, 10));
            WalContents c = wal.readAll(0);
            assertEquals(describe(expected), describe(c.entries()));
            assertEquals(new HardState(2, 2, 4), c.hardState());
        }
    }

    @Test
    void flippedByteInTheMiddleRecordRefusesToOpenNamingFileAndOffset() throws IOException {
        Path dir = tmp.resolve("wal");
        try (Wal wal = Wal.create(dir, OPTIONS, METADATA)) {
            for (long i = 1; i <= 3; i++) {
                wal.append(new HardState(1, 1, i), entries(i, i, 1, 50));
                wal.sync();
            }
        }
        Path file = WalFiles.segmentFiles(dir).getFirst();
        WalFiles.Frame middle = WalFiles.frames(file).stream()
                .filter(f -> f.record() instanceof WalRecord.EntryRecord(Entry e) && e.index() == 2)
                .findFirst().orElseThrow();
        flip(file, middle.offset() + 30);

        WalCorruptException e = assertThrows(WalCorruptException.class, () -> Wal.open(dir, OPTIONS));
        assertEquals(file, e.file());
        assertEquals(middle.offset(), e.offset());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset " + middle.offset()), e.getMessage());
        assertTrue(e.getMessage().contains("snapshot restore") && e.getMessage().contains("member remove"), e.getMessage());
    }

    @Test
    void damageInAnOlderSegmentRefusesToOpen() throws IOException {
        Path dir = tmp.resolve("wal");
        WalOptions options = WalFiles.smallSegments(2048);
        try (Wal wal = Wal.create(dir, options, METADATA)) {
            WalFiles.appendBatches(wal, 60, 5, 1, 100, false);
        }
        List<Path> files = WalFiles.segmentFiles(dir);
        assertTrue(files.size() >= 3, files.toString());
        Path file = files.get(1);
        WalFiles.Frame last = WalFiles.frames(file).getLast();
        flip(file, last.offset() + 20);
        WalCorruptException e = assertThrows(WalCorruptException.class, () -> Wal.open(dir, options));
        assertEquals(file, e.file());
        assertEquals(last.offset(), e.offset());
    }

    @Test
    void damagedUnsyncedTailIsATornWriteEvenWithValidLookingRecordsAfterIt() throws IOException {
        // The page cache may write back later pages of an unsynced batch before earlier ones:
        // records after the damage that no sync mark vouches for were never durable.
        Path dir = tmp.resolve("live");
        Path image;
        try (Wal wal = Wal.create(dir, OPTIONS, METADATA)) {
            wal.append(new HardState(1, 1, 2), entries(1, 2, 1, 40));
            wal.sync();
            wal.append(HardState.EMPTY, entries(3, 6, 1, 40));
            image = WalFiles.copy(dir, tmp.resolve("image"));
        }
        Path file = WalFiles.segmentFiles(image).getFirst();
        WalFiles.Frame third = WalFiles.frames(file).stream()
                .filter(f -> f.record() instanceof WalRecord.EntryRecord(Entry e) && e.index() == 3)
                .findFirst().orElseThrow();
        zero(file, third.offset() + 16, third.offset() + third.length());
        try (Wal wal = Wal.open(image, OPTIONS)) {
            assertEquals(describe(entries(1, 2, 1, 40)), describe(wal.readAll(0).entries()));
        }
    }

    @Test
    void segmentWithoutValidHeaderRefusesToOpen() throws IOException {
        Path dir = tmp.resolve("wal");
        Wal.create(dir, OPTIONS, METADATA).close();
        Path file = WalFiles.segmentFiles(dir).getFirst();
        flip(file, 14);
        WalException e = assertThrows(WalException.class, () -> Wal.open(dir, OPTIONS));
        assertInstanceOf(WalCorruptException.class, e);
        assertEquals(0, ((WalCorruptException) e).offset());
    }

    private static void flip(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
            ch.write(b, offset);
        }
    }

    private static void zero(Path file, long from, long to) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate((int) (to - from)), from);
        }
    }
}
