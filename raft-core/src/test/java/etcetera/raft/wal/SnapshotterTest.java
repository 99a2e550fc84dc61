package etcetera.raft.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.raft.ConfState;
import etcetera.raft.SnapshotMetadata;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotterTest {

    private static final ConfState JOINT = new ConfState(List.of(1L, 2L, 3L), List.of(4L), List.of(1L, 2L, 5L),
            List.of(5L), true);

    @TempDir
    Path tmp;

    private static byte[] data(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void savedSnapshotLoadsWithItsMetadataAndMembership() {
        Snapshotter snap = new Snapshotter(tmp.resolve("snap"), WalOptions.defaults());
        assertEquals(Optional.empty(), snap.loadNewest());
        Path file = snap.save(new SnapshotMetadata(100, 3, JOINT), data("state at 100"));
        assertEquals("0000000000000003-0000000000000064.snap", file.getFileName().toString());
        Snapshot loaded = snap.loadNewest().orElseThrow();
        assertEquals(new SnapshotMetadata(100, 3, JOINT), loaded.metadata());
        assertArrayEquals(data("state at 100"), loaded.data());
    }

    @Test
    void streamedSnapshotOfUnknownSizeLoads() {
        Snapshotter snap = new Snapshotter(tmp.resolve("snap"), WalOptions.defaults());
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 13);
        }
        snap.save(new SnapshotMetadata(7, 1, ConfState.ofVoters(List.of(1L))), new ByteArrayInputStream(big));
        assertArrayEquals(big, snap.loadNewest().orElseThrow().data());
    }

    @Test
    void newestIsByTermThenIndexAndPredicateSkipsUnusable() {
        Snapshotter snap = new Snapshotter(tmp.resolve("snap"), WalOptions.defaults());
        snap.save(new SnapshotMetadata(10, 1, ConfState.EMPTY), data("10"));
        snap.save(new SnapshotMetadata(20, 2, ConfState.EMPTY), data("20"));
        snap.save(new SnapshotMetadata(15, 1, ConfState.EMPTY), data("15"));
        assertEquals(20, snap.loadNewest().orElseThrow().metadata().index());
        assertEquals(15, snap.loadNewest(m -> m.index() < 20).orElseThrow().metadata().index());
    }

    @Test
    void corruptNewestIsRenamedBrokenAndTheOlderOneLoads() throws IOException {
        Snapshotter snap = new Snapshotter(tmp.resolve("snap"), WalOptions.defaults());
        snap.save(new SnapshotMetadata(10, 1, ConfState.EMPTY), data("older"));
        Path newest = snap.save(new SnapshotMetadata(20, 1, ConfState.EMPTY), data("newer"));
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'X'}), 40);
        }
        Snapshot loaded = snap.loadNewest().orElseThrow();
        assertEquals(10, loaded.metadata().index());
        assertArrayEquals(data("older"), loaded.data());
        assertFalse(Files.exists(newest));
        assertTrue(Files.exists(newest.resolveSibling(newest.getFileName() + ".broken")));
    }

    @Test
    void truncatedSnapshotIsSkipped() throws IOException {
        Snapshotter snap = new Snapshotter(tmp.resolve("snap"), WalOptions.defaults());
        Path only = snap.save(new SnapshotMetadata(10, 1, ConfState.EMPTY), data("data"));
        try (FileChannel ch = FileChannel.open(only, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        assertEquals(Optional.empty(), snap.loadNewest());
    }

    @Test
    void saveKeepsOnlyMaxSnapshotsNewestFiles() throws IOException {
        Path dir = tmp.resolve("snap");
        Snapshotter snap = new Snapshotter(dir, WalOptions.defaults().withMaxSnapshots(3));
        for (long i = 1; i <= 6; i++) {
            snap.save(new SnapshotMetadata(i * 10, 1, ConfState.EMPTY), data("s" + i));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(Snapshotter.fileName(1, 40), Snapshotter.fileName(1, 50), Snapshotter.fileName(1, 60)),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void leftoverTempFileOfAnInterruptedSaveIsIgnoredAndRemoved() throws IOException {
        Path dir = tmp.resolve("snap");
        Snapshotter snap = new Snapshotter(dir, WalOptions.defaults());
        snap.save(new SnapshotMetadata(10, 1, ConfState.EMPTY), data("good"));
        Path temp = dir.resolve(Snapshotter.fileName(1, 20) + ".tmp");
        Files.write(temp, data("half written"));
        assertEquals(10, snap.loadNewest().orElseThrow().metadata().index());
        assertFalse(Files.exists(temp));
    }
}
