package etcetera.cli.snapshot;

import etcetera.api.storage.StorageException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A snapshot file as {@code etcdctl snapshot save} writes it: the backend snapshot, padded to
 * whole 512-byte pages, followed by the SHA-256 of everything before it. A file whose size is
 * not pages plus 32 bytes has no hash (as etcd tells them apart). Immutable.
 *
 * @param size the file's size in bytes
 * @param hashed whether the file ends in a SHA-256 of the rest
 */
record SnapshotFile(Path path, long size, boolean hashed) {

    private static final int PAGE = 512;
    private static final int SHA256_BYTES = 32;

    /**
     * Opens {@code path}, checking its SHA-256 unless {@code skipHashCheck}.
     *
     * @throws StorageException if the file is missing or its hash does not match
     */
    static SnapshotFile open(Path path, boolean skipHashCheck) {
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new StorageException("cannot read snapshot file " + path + ": " + e.getMessage(), e);
        }
        SnapshotFile file = new SnapshotFile(path, size, size % PAGE == SHA256_BYTES);
        if (file.hashed() && !skipHashCheck) {
            file.checkHash();
        }
        return file;
    }

    /** The backend snapshot's bytes (with any padding after its trailer, which readers ignore). */
    InputStream data() {
        try {
            InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
            return hashed ? new BoundedStream(in, size - SHA256_BYTES) : in;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        }
    }

    private void checkHash() {
        try (InputStream in = data(); InputStream whole = Files.newInputStream(path)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, read);
            }
            whole.skipNBytes(size - SHA256_BYTES);
            if (!Arrays.equals(sha.digest(), whole.readAllBytes())) {
                throw new StorageException("snapshot file " + path + " failed its SHA-256 check: it is corrupt or truncated"
                        + " (--skip-hash-check skips the check)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int read = in.read(b, off, (int) Math.min(len, left));
            if (read > 0) {
                left -= read;
            }
            return read;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
