package etcetera.raft.wal;

import static etcetera.raft.wal.WalFiles.METADATA;
import static etcetera.raft.wal.WalFiles.describe;
import static etcetera.raft.wal.WalFiles.entries;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.raft.Entry;
import etcetera.raft.HardState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {

    @TempDir
    Path tmp;

    @Test
    void appendedEntriesAndStateReplayAfterReopen() {
        Path dir = tmp.resolve("member/wal");
        assertFalse(Wal.exists(dir));
        try (Wal wal = Wal.create(dir, WalOptions.defaults().withSegmentBytes(64 * 1024), METADATA)) {
            assertTrue(Wal.exists(dir));
            wal.append(new HardState(1, 1, 0), entries(1, 3, 1, 10));
            wal.append(new HardState(1, 1, 3), entries(4, 5, 1, 0));
            wal.sync();
            WalContents live = wal.readAll(0);
            assertEquals(describe(entries(1, 5, 1, 10)).subList(0, 3), describe(live.entries()).subList(0, 3));
        }
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            WalContents c = wal.readAll(0);
            assertArrayEquals(METADATA, c.metadata());
            assertEquals(new HardState(1, 1, 3), c.hardState());
            assertEquals(SnapshotMarker.NONE, c.snapshot());
            List<Entry> expected = new ArrayList<>(entries(1, 3, 1, 10));
            expected.addAll(entries(4, 5, 1, 0));
            assertEquals(describe(expected), describe(c.entries()));
            assertEquals(5, wal.lastIndex());
        }
    }

    @Test
    void openWithoutWalFailsClearly() {
        WalException e = assertThrows(WalException.class, () -> Wal.open(tmp.resolve("nothing"), WalOptions.defaults()));
        assertTrue(e.getMessage().contains("no WAL in"), e.getMessage());
    }

    @Test
    void createRefusesAnExistingWal() {
        Path dir = tmp.resolve("wal");
        Wal.create(dir, WalOptions.defaults().withSegmentBytes(4096), METADATA).close();
        assertThrows(WalException.class, () -> Wal.create(dir, WalOptions.defaults(), METADATA));
    }

    @Test
    void secondOpenOfALockedWalFails() {
        Path dir = tmp.resolve("wal");
        try (Wal wal = Wal.create(dir, WalOptions.defaults().withSegmentBytes(4096), METADATA)) {
            WalException e = assertThrows(WalException.class, () -> Wal.open(dir, WalOptions.defaults()));
            assertTrue(e.getMessage().contains("locked"), e.getMessage());
        }
    }

    @Test
    void laterEntryAtAnIndexReplacesItAndEverythingAfter() {
        Path dir = tmp.resolve("wal");
        try (Wal wal = Wal.create(dir, WalOptions.defaults().withSegmentBytes(64 * 1024), METADATA)) {
            wal.append(new HardState(1, 1, 2), entries(1, 10, 1, 5));
            wal.append(new HardState(2, 2, 5), entries(6, 7, 2, 5));
            wal.sync();
        }
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            List<Entry> expected = new ArrayList<>(entries(1, 5, 1, 5));
            expected.addAll(entries(6, 7, 2, 5));
            WalContents c = wal.readAll(0);
            assertEquals(describe(expected), describe(c.entries()));
            assertEquals(new HardState(2, 2, 5), c.hardState());
            assertEquals(7, wal.lastIndex());
            // replay after a snapshot below the overwrite point
            assertEquals(describe(expected.subList(3, 7)), describe(wal.readAll(3).entries()));
        }
    }

    @Test
    void replayStartsAfterTheSnapshotAndReportsItsMarker() {
        Path dir = tmp.resolve("wal");
        try (Wal wal = Wal.create(dir, WalOptions.defaults().withSegmentBytes(64 * 1024), METADATA)) {
            wal.append(new HardState(1, 1, 10), entries(1, 10, 1, 5));
            wal.saveSnapshotMarker(8, 1);
            wal.append(HardState.EMPTY, entries(11, 12, 1, 5));
            wal.sync();
        }
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            WalContents c = wal.readAll(8);
            assertEquals(new SnapshotMarker(8, 1), c.snapshot());
            assertEquals(describe(entries(9, 12, 1, 5)), describe(c.entries()));
            assertEquals(SnapshotMarker.NONE, wal.readAll(7).snapshot());
        }
    }

    @Test
    void entriesMissingAfterTheSnapshotFailReplay() {
        Path dir = tmp.resolve("wal");
        try (Wal wal = Wal.create(dir, WalOptions.defaults().withSegmentBytes(64 * 1024), METADATA)) {
            wal.append(new HardState(1, 1, 5), entries(1, 5, 1, 5));
            // a follower installs a snapshot at 100 and continues after it
            wal.saveSnapshotMarker(100, 2);
            wal.append(new HardState(2, 0, 101), entries(101, 102, 2, 5));
            assertEquals(describe(entries(101, 102, 2, 5)), describe(wal.readAll(100).entries()));
            WalException e = assertThrows(WalException.class, () -> wal.readAll(3));
            assertTrue(e.getMessage().contains("no entries from index 6 to 100"), e.getMessage());
        }
    }

    @Test
    void fullSegmentsAreCutAndReplayCrossesThem() throws IOException {
        Path dir = tmp.resolve("wal");
        WalOptions options = WalFiles.smallSegments(2048);
        try (Wal wal = Wal.create(dir, options, METADATA)) {
            WalFiles.appendBatches(wal, 200, 10, 3, 100, true);
        }
        List<Path> files = WalFiles.segmentFiles(dir);
        assertTrue(files.size() > 5, "segments: " + files);
        long previousFirst = 0;
        for (int seq = 0; seq < files.size(); seq++) {
            SegmentName name = SegmentName.parse(files.get(seq).getFileName().toString()).orElseThrow();
            assertEquals(seq, name.seq());
            assertTrue(name.firstIndex() > previousFirst, files.toString());
            previousFirst = name.firstIndex();
        }
        try (Wal wal = Wal.open(dir, options)) {
            WalContents c = wal.readAll(0);
            assertEquals(describe(entries(1, 200, 3, 100)), describe(c.entries()));
            assertEquals(new HardState(3, 1, 191), c.hardState());
            assertArrayEquals(METADATA, c.metadata());
            wal.append(HardState.EMPTY, entries(201, 201, 3, 100));
        }
        try (Wal wal = Wal.open(dir, options)) {
            assertEquals(201, wal.readAll(0).entries().size());
        }
    }

    @Test
    void releasedSegmentsArePurgedDownToMaxWalsButNeededOnesAreKept() throws IOException {
        Path dir = tmp.resolve("wal");
        WalOptions options = WalFiles.smallSegments(2048).withMaxWals(2);
        try (Wal wal = Wal.create(dir, options, METADATA)) {
            WalFiles.appendBatches(wal, 300, 10, 1, 100, true);
            int before = WalFiles.segmentFiles(dir).size();
            assertTrue(before > 6, "segments: " + before);
            wal.releaseBefore(0);
            assertEquals(before, WalFiles.segmentFiles(dir).size(), "nothing released, nothing purged");

            wal.saveSnapshotMarker(150, 1);
            wal.releaseBefore(150);
            List<Path> kept = WalFiles.segmentFiles(dir);
            assertTrue(kept.size() < before && kept.size() >= 2, "kept: " + kept);
            WalContents c = wal.readAll(150);
            assertEquals(describe(entries(151, 300, 1, 100)), describe(c.entries()));
            assertEquals(new SnapshotMarker(150, 1), c.snapshot());
            assertThrows(WalException.class, () -> wal.readAll(10));

            wal.saveSnapshotMarker(300, 1);
            wal.releaseBefore(300);
            assertEquals(2, WalFiles.segmentFiles(dir).size());
        }
        try (Wal wal = Wal.open(dir, options)) {
            WalContents c = wal.readAll(300);
            assertEquals(List.of(), c.entries());
            assertEquals(new HardState(1, 1, 291), c.hardState());
            assertEquals(new SnapshotMarker(300, 1), c.snapshot());
        }
    }

    @Test
    void maxWalsZeroKeepsEverySegment() throws IOException {
        Path dir = tmp.resolve("wal");
        WalOptions options = WalFiles.smallSegments(2048).withMaxWals(0);
        try (Wal wal = Wal.create(dir, options, METADATA)) {
            wal.append(new HardState(1, 1, 100), entries(1, 100, 1, 100));
            int before = WalFiles.segmentFiles(dir).size();
            wal.saveSnapshotMarker(100, 1);
            wal.releaseBefore(100);
            assertEquals(before, WalFiles.segmentFiles(dir).size());
        }
    }

    @Test
    void staleTempFilesAreRemovedOnOpen() throws IOException {
        Path dir = tmp.resolve("wal");
        Wal.create(dir, WalFiles.smallSegments(4096), METADATA).close();
        Files.write(dir.resolve("next-segment.tmp"), new byte[100]);
        Wal.open(dir, WalFiles.smallSegments(4096)).close();
        assertFalse(Files.exists(dir.resolve("next-segment.tmp")));
    }

    @Test
    void failedFsyncMakesTheLogRefuseFurtherWrites() {
        Path dir = tmp.resolve("wal");
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        WalOptions options = WalFiles.smallSegments(64 * 1024).withFsync((path, channel, metadata) -> {
            if (failing.get() && path.getFileName().toString().endsWith(".wal")) {
                throw new IOException("injected fsync failure");
            }
            channel.force(metadata);
        });
        try (Wal wal = Wal.create(dir, options, METADATA)) {
            wal.append(new HardState(1, 1, 1), entries(1, 1, 1, 10));
            wal.sync();
            wal.append(new HardState(1, 1, 2), entries(2, 2, 1, 10));
            failing.set(true);
            WalException first = assertThrows(WalException.class, wal::sync);
            assertTrue(first.getMessage().contains("injected fsync failure"), first.getMessage());
            WalException later = assertThrows(WalException.class, () -> wal.append(HardState.EMPTY, entries(3, 3, 1, 10)));
            assertTrue(later.getMessage().contains("failed earlier"), later.getMessage());
        }
        try (Wal wal = Wal.open(dir, WalFiles.smallSegments(64 * 1024))) {
            assertEquals(2, wal.readAll(0).entries().size(), "the page cache still had entry 2: nothing was lost here");
        }
    }
}
