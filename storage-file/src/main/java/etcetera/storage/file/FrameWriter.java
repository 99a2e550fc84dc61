package etcetera.storage.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Encodes records into the frame that will next be appended to the data file, and appends
 * it. Knows the file offset the frame will land at, so each value's final location is known
 * as soon as it is encoded; until the frame is written, {@link #read} serves those values
 * from the buffer.
 *
 * <p>A batch larger than the spill size is written ahead in frames marked
 * {@link LogFormat#CONTINUED}, so that a batch of any size (a snapshot restore) needs only a
 * bounded buffer; they count on replay only together with the final frame that
 * {@link #flush} writes. Until then they lie past the committed end, where readers never look,
 * and an abandoned batch cuts them off again. Owned by the writer.
 */
final class FrameWriter {

    /** Buffers above this size are dropped after a flush rather than kept for reuse. */
    private static final int RETAINED_CAPACITY = 1 << 22;

    private final DataFile file;
    private final int spillBytes;
    private byte[] buffer = new byte[1 << 16];
    private int position = LogFormat.FRAME_HEADER_SIZE;
    private long base;
    private final CRC32C crc = new CRC32C();

    /**
     * @param file where frames go
     * @param base the file offset of the next frame
     * @param spillBytes the pending size above which a frame is written ahead as continued
     */
    FrameWriter(DataFile file, long base, int spillBytes) {
        this.file = file;
        this.base = base;
        this.spillBytes = spillBytes;
    }

    /** The file offset the pending frame will be written at. */
    long base() {
        return base;
    }

    boolean isEmpty() {
        return position == LogFormat.FRAME_HEADER_SIZE;
    }

    int pendingBytes() {
        return position;
    }

    void createBucket(int id, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        ensure(1 + 5 + 5 + bytes.length);
        buffer[position++] = LogFormat.CREATE_BUCKET;
        varint(id);
        varint(bytes.length);
        copy(bytes);
    }

    void deleteBucket(int id) {
        ensure(1 + 5);
        buffer[position++] = LogFormat.DELETE_BUCKET;
        varint(id);
    }

    /** Encodes a put; returns the file offset its value will have. */
    long put(int id, byte[] key, byte[] value) {
        ensure(1 + 5 + 5 + key.length + 5 + value.length);
        buffer[position++] = LogFormat.PUT;
        varint(id);
        varint(key.length);
        copy(key);
        varint(value.length);
        long offset = base + position;
        copy(value);
        return offset;
    }

    void delete(int id, byte[] key) {
        ensure(1 + 5 + 5 + key.length);
        buffer[position++] = LogFormat.DELETE;
        varint(id);
        varint(key.length);
        copy(key);
    }

    /** A value that {@link #put} placed at {@code offset} in the pending frame. */
    byte[] read(long offset, int length) {
        int from = Math.toIntExact(offset - base);
        byte[] value = new byte[length];
        System.arraycopy(buffer, from, value, 0, length);
        return value;
    }

    /** True if {@code offset} lies in the pending frame rather than the file. */
    boolean holds(long offset) {
        return offset >= base;
    }

    /** Appends the pending frame as the last of its batch; returns the offset just past it. */
    long flush() throws IOException {
        write(false);
        return base;
    }

    private void write(boolean continued) throws IOException {
        int payload = position - LogFormat.FRAME_HEADER_SIZE;
        putInt(0, continued ? payload | LogFormat.CONTINUED : payload);
        crc.reset();
        crc.update(buffer, 0, 4);
        crc.update(buffer, LogFormat.FRAME_HEADER_SIZE, payload);
        putInt(4, (int) crc.getValue());
        file.write(buffer, position, base);
        reset(base + position);
    }

    /** Drops the pending frame; the next one goes at {@code newBase}. */
    void reset(long newBase) {
        base = newBase;
        position = LogFormat.FRAME_HEADER_SIZE;
        if (buffer.length > RETAINED_CAPACITY) {
            buffer = new byte[1 << 16];
        }
    }

    private void ensure(int extra) {
        if (position + (long) extra > spillBytes && !isEmpty()) {
            try {
                write(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long needed = (long) position + extra;
        if (needed > buffer.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new etcetera.api.storage.StorageException("a batch may not exceed 2 GiB");
            }
            buffer = java.util.Arrays.copyOf(buffer, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * buffer.length)));
        }
    }

    private void varint(int value) {
        while ((value & ~0x7f) != 0) {
            buffer[position++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buffer[position++] = (byte) value;
    }

    private void copy(byte[] bytes) {
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    private void putInt(int at, int value) {
        buffer[at] = (byte) (value >>> 24);
        buffer[at + 1] = (byte) (value >>> 16);
        buffer[at + 2] = (byte) (value >>> 8);
        buffer[at + 3] = (byte) value;
    }
}
