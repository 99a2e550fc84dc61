package etcetera.storage.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the file backend does with a data file that a crash or a disk left damaged. */
class FileBackendRecoveryTest {

    @TempDir
    Path dir;

    /** Writes three batches; returns the file length after the second. */
    private long writeThreeBatches() {
        try (Backend backend = open(); WriteBatch batch = backend.write()) {
            batch.createBucket("b");
            batch.put("b", utf8("one"), utf8("1"));
            batch.commit();
            batch.put("b", utf8("two"), utf8("2"));
            batch.delete("b", utf8("one"));
            batch.commit();
            long afterSecond = backend.size();
            for (int i = 0; i < 50; i++) {
                batch.put("b", utf8("three-" + i), utf8("3".repeat(40)));
            }
            batch.commit();
            return afterSecond;
        }
    }

    @Test
    void tornLastBatchIsCutOffAtEveryCutPoint() throws IOException {
        long afterSecond = writeThreeBatches();
        Path data = dir.resolve(FileBackend.DATA);
        byte[] whole = Files.readAllBytes(data);
        List<Integer> cuts = new ArrayList<>();
        for (int cut = (int) afterSecond; cut < whole.length; cut += Math.max(1, (whole.length - (int) afterSecond) / 25)) {
            cuts.add(cut);
        }
        cuts.add(whole.length - 1);
        for (int cut : cuts) {
            Files.write(data, java.util.Arrays.copyOf(whole, cut));
            try (Backend backend = open(); ReadTxn txn = backend.read()) {
                assertStateAfterSecondBatch(txn, "cut at " + cut);
                assertEquals(afterSecond, backend.size(), "the torn tail is cut off");
            }
            assertEquals(afterSecond, Files.size(data));
        }
    }

    @Test
    void lastBatchWithBadChecksumIsDroppedAndWritesGoOn() throws IOException {
        long afterSecond = writeThreeBatches();
        Path data = dir.resolve(FileBackend.DATA);
        try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
            long at = file.length() - 10;
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x40);
        }
        try (Backend backend = open()) {
            try (ReadTxn txn = backend.read()) {
                assertStateAfterSecondBatch(txn, "flipped bit");
            }
            try (WriteBatch batch = backend.write()) {
                batch.put("b", utf8("four"), utf8("4"));
                batch.commit();
            }
        }
        try (Backend backend = open(); ReadTxn txn = backend.read()) {
            assertArrayEquals(utf8("4"), txn.get("b", utf8("four")).orElseThrow());
            assertArrayEquals(utf8("2"), txn.get("b", utf8("two")).orElseThrow());
        }
    }

    @Test
    void zeroFilledTailIsCutOff() throws IOException {
        long afterSecond = writeThreeBatches();
        Path data = dir.resolve(FileBackend.DATA);
        byte[] whole = Files.readAllBytes(data);
        byte[] zeroed = java.util.Arrays.copyOf(whole, whole.length + 4096);
        java.util.Arrays.fill(zeroed, (int) afterSecond, zeroed.length, (byte) 0);
        Files.write(data, zeroed);
        try (Backend backend = open(); ReadTxn txn = backend.read()) {
            assertStateAfterSecondBatch(txn, "zeroed tail");
        }
    }

    @Test
    void leftoverOfAnInterruptedDefragmentIsRemoved() throws IOException {
        writeThreeBatches();
        Files.write(dir.resolve(FileBackend.COMPACT), utf8("half a defragment"));
        try (Backend backend = open(); ReadTxn txn = backend.read()) {
            assertEquals(51, count(txn));
        }
        assertFalse(Files.exists(dir.resolve(FileBackend.COMPACT)));
    }

    @Test
    void fileThatIsNotABackendIsRefused() throws IOException {
        Files.write(dir.resolve(FileBackend.DATA), utf8("this is not a data file of ours"));
        StorageException e = assertThrows(StorageException.class, this::open);
        assertEquals(true, e.getMessage().contains("bad magic"), e.getMessage());
        openIsPossibleAfterRefusal();
    }

    private void openIsPossibleAfterRefusal() throws IOException {
        // the refused open let go of the lock
        Files.delete(dir.resolve(FileBackend.DATA));
        open().close();
    }

    @Test
    void batchLargerThanTheSpillSizeIsWholeOrAbsent() throws IOException {
        byte[] value = new byte[1 << 20];
        int values = FileWriteBatch.SPILL_BYTES / value.length * 2 + 3;
        Path crashed = dir.resolve("crashed");
        Files.createDirectories(crashed);
        long committedSize;
        try (Backend backend = open()) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                batch.put("b", utf8("small"), utf8("1"));
                batch.commit();
            }
            committedSize = backend.size();
            try (WriteBatch batch = backend.write()) {
                for (int i = 0; i < values; i++) {
                    value[0] = (byte) i;
                    batch.put("b", utf8("big-" + i), value);
                }
                assertEquals(values + 1, count(batch), "the batch sees its own spilled changes");
                value[0] = 5;
                assertArrayEquals(value, batch.get("b", utf8("big-5")).orElseThrow());
                try (ReadTxn txn = backend.read()) {
                    assertEquals(1, count(txn), "readers do not see a spilled batch");
                }
                // what a crash now would leave behind: frames written ahead, no final frame
                Files.copy(dir.resolve(FileBackend.DATA), crashed.resolve(FileBackend.DATA));
                // closed without commit: the frames written ahead are cut off again
            }
            assertEquals(committedSize, Files.size(dir.resolve(FileBackend.DATA)));
            try (WriteBatch batch = backend.write()) {
                for (int i = 0; i < values; i++) {
                    value[0] = (byte) i;
                    batch.put("b", utf8("big-" + i), value);
                }
                batch.commit();
            }
        }
        try (Backend backend = open(); ReadTxn txn = backend.read()) {
            assertEquals(values + 1, count(txn));
            value[0] = (byte) (values - 1);
            assertArrayEquals(value, txn.get("b", utf8("big-" + (values - 1))).orElseThrow());
        }
        try (Backend backend = new FileStorageEngine().open(crashed, BackendOptions.defaults()); ReadTxn txn = backend.read()) {
            assertEquals(1, count(txn), "an unfinished large batch is dropped on open");
            assertEquals(committedSize, backend.size());
        }
    }

    private static void assertStateAfterSecondBatch(ReadTxn txn, String context) {
        assertEquals(Optional.empty(), txn.get("b", utf8("one")), context);
        assertArrayEquals(utf8("2"), txn.get("b", utf8("two")).orElseThrow(), context);
        assertEquals(1, count(txn), context);
    }

    private static int count(ReadTxn txn) {
        int[] count = {0};
        txn.scan("b", new byte[0], null, false, (k, v) -> ++count[0] > 0);
        return count[0];
    }

    private Backend open() {
        return new FileStorageEngine().open(dir, BackendOptions.defaults());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
