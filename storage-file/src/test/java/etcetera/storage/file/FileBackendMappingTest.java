package etcetera.storage.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.Progress;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory mappings of the data file are let go as soon as no one can read through them, so
 * the space of a file replaced by defragment comes back when its last reader closes. Reads
 * the process's own mappings from {@code /proc/self/maps}, so it runs on Linux only.
 */
class FileBackendMappingTest {

    private static final Path MAPS = Path.of("/proc/self/maps");

    @TempDir
    Path dir;

    @Test
    void replacedFileIsUnmappedWhenItsLastReaderCloses() throws IOException {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps");
        Path data = dir.toRealPath().resolve(FileBackend.DATA);
        byte[] value = new byte[4096];
        try (Backend backend = new FileStorageEngine().open(dir, new BackendOptions(false, 0))) {
            try (WriteBatch batch = backend.write()) {
                batch.createBucket("b");
                for (int i = 0; i < 1000; i++) {
                    batch.put("b", key(i), value);
                    if (i % 100 == 99) {
                        batch.commit();
                    }
                }
                batch.commit();
            }
            assertEquals(0, mappings(data, true), "nothing deleted is mapped yet");
            assertEquals(1, mappings(data, false), "the committed data is mapped once: superseded mappings of the growing chunk are gone");
            try (ReadTxn reader = backend.read()) {
                backend.defragment(Progress.none());
                assertTrue(mappings(data, true) > 0, "the open reader still maps the replaced file");
                assertArrayEquals(value, reader.get("b", key(999)).orElseThrow());
            }
            assertEquals(0, mappings(data, true), "the replaced file is unmapped once its reader closed");
        }
        assertEquals(0, mappings(data, false), "a closed backend maps nothing");
    }

    private static byte[] key(int i) {
        return "k%05d".formatted(i).getBytes(StandardCharsets.UTF_8);
    }

    /** The mappings of {@code file} (those of the unlinked inode if {@code deleted}). */
    private static long mappings(Path file, boolean deleted) throws IOException {
        List<String> lines = Files.readAllLines(MAPS);
        String name = file.toString();
        return lines.stream()
                .filter(line -> line.contains(name))
                .filter(line -> line.endsWith("(deleted)") == deleted)
                .count();
    }
}
