package etcetera.api.storage;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The engine-neutral backend snapshot format, so that a snapshot taken from one engine
 * restores into any other.
 *
 * <pre>
 * magic "ETCSNAP\0" (8 bytes), version (int = 1)
 * for each bucket:  'B' name-length(int) name(UTF-8)
 *   for each entry: 'E' key-length(int) key value-length(int) value
 * 'Z' entry-count(long) crc32c(int of every byte before it)
 * </pre>
 *
 * Stateless; safe to use from any thread.
 */
public final class SnapshotFormat {

    private static final byte[] MAGIC = "ETCSNAP\0".getBytes(StandardCharsets.US_ASCII);
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;

    private SnapshotFormat() {
    }

    /** Receives the buckets and entries of a snapshot as it is read. */
    public interface Sink {
        void bucket(String name);

        void entry(String bucket, byte[] key, byte[] value);
    }

    /** Writes every bucket of {@code txn} to {@code out}; returns the bytes written. */
    public static long write(ReadTxn txn, OutputStream out, Progress progress) {
        CRC32C crc = new CRC32C();
        CountingStream counting = new CountingStream(out);
        DataOutputStream data = new DataOutputStream(new CheckedOutputStream(counting, crc));
        try {
            data.write(MAGIC);
            data.writeInt(VERSION);
            long[] entries = {0};
            IOException[] failure = {null};
            for (String bucket : txn.buckets()) {
                byte[] name = bucket.getBytes(StandardCharsets.UTF_8);
                data.writeByte('B');
                data.writeInt(name.length);
                data.write(name);
                txn.scan(bucket, new byte[0], null, false, (key, value) -> {
                    try {
                        data.writeByte('E');
                        data.writeInt(key.length);
                        data.write(key);
                        data.writeInt(value.length);
                        data.write(value);
                    } catch (IOException e) {
                        failure[0] = e;
                        return false;
                    }
                    if (++entries[0] % 4096 == 0) {
                        progress.update(counting.count, -1);
                    }
                    return true;
                });
                if (failure[0] != null) {
                    throw failure[0];
                }
            }
            data.writeByte('Z');
            data.writeLong(entries[0]);
            data.flush();
            int checksum = (int) crc.getValue();
            data.writeInt(checksum);
            data.flush();
            progress.update(counting.count, counting.count);
            return counting.count;
        } catch (IOException e) {
            throw new UncheckedIOException("writing backend snapshot failed", e);
        }
    }

    /**
     * Reads a snapshot from {@code in}, handing each bucket and entry to {@code sink}.
     *
     * @return the number of entries read
     * @throws StorageException if the stream is not a snapshot, has an unknown version, is
     *     truncated or fails its checksum
     */
    public static long read(InputStream in, Sink sink, Progress progress) {
        CRC32C crc = new CRC32C();
        CheckedInputStream checked = new CheckedInputStream(in, crc);
        DataInputStream data = new DataInputStream(checked);
        try {
            byte[] magic = data.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new StorageException("not an Etcetera backend snapshot (bad magic)");
            }
            int version = data.readInt();
            if (version != VERSION) {
                throw new StorageException("unsupported backend snapshot version " + version + " (this build reads " + VERSION + ")");
            }
            String bucket = null;
            long entries = 0;
            while (true) {
                int tag = data.readUnsignedByte();
                switch (tag) {
                    case 'B' -> {
                        bucket = new String(readBlock(data), StandardCharsets.UTF_8);
                        sink.bucket(bucket);
                    }
                    case 'E' -> {
                        if (bucket == null) {
                            throw new StorageException("corrupt backend snapshot: entry before any bucket");
                        }
                        byte[] key = readBlock(data);
                        byte[] value = readBlock(data);
                        sink.entry(bucket, key, value);
                        if (++entries % 4096 == 0) {
                            progress.update(entries, -1);
                        }
                    }
                    case 'Z' -> {
                        long count = data.readLong();
                        int expected = (int) crc.getValue();
                        int actual = data.readInt();
                        if (expected != actual) {
                            throw new StorageException("backend snapshot checksum mismatch: the file is corrupt");
                        }
                        if (count != entries) {
                            throw new StorageException("corrupt backend snapshot: trailer says " + count + " entries, read " + entries);
                        }
                        progress.update(entries, entries);
                        return entries;
                    }
                    default -> throw new StorageException("corrupt backend snapshot: unknown record tag " + tag);
                }
            }
        } catch (EOFException e) {
            throw new StorageException("backend snapshot is truncated", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading backend snapshot failed", e);
        }
    }

    private static byte[] readBlock(DataInputStream data) throws IOException {
        int length = data.readInt();
        if (length < 0) {
            throw new StorageException("corrupt backend snapshot: negative length " + length);
        }
        byte[] block = data.readNBytes(length);
        if (block.length != length) {
            throw new EOFException();
        }
        return block;
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
