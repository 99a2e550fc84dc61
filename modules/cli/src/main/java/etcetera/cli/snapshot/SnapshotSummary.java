package etcetera.cli.snapshot;

import etcetera.api.storage.Progress;
import etcetera.api.storage.SnapshotFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * What {@code snapshot status} reports, as etcdctl does: a CRC-32C over every bucket name, key
 * and value in order, the highest MVCC revision (the first 8 bytes, big-endian, of the last key
 * of the {@code key} bucket, whose keys are revisions), the number of entries, and the file size.
 */
record SnapshotSummary(long hash, long revision, long totalKey, long totalSize) {

    static SnapshotSummary of(SnapshotFile file, Progress progress) {
        CRC32C crc = new CRC32C();
        long[] revision = {0};
        long entries;
        try (InputStream in = file.data()) {
            entries = SnapshotFormat.read(in, new SnapshotFormat.Sink() {
                @Override
                public void bucket(String name) {
                    crc.update(name.getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public void entry(String bucket, byte[] key, byte[] value) {
                    crc.update(key);
                    crc.update(value);
                    if (bucket.equals("key") && key.length >= 8) {
                        long main = 0;
                        for (int i = 0; i < 8; i++) {
                            main = main << 8 | (key[i] & 0xff);
                        }
                        revision[0] = Math.max(revision[0], main);
                    }
                }
            }, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.path(), e);
        }
        return new SnapshotSummary(crc.getValue(), revision[0], entries, file.size());
    }
}
