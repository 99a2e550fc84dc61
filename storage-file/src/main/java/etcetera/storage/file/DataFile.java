package etcetera.storage.file;

import etcetera.api.storage.StorageException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open data file: positional reads for any thread, appends for the writer, and a
 * reference count so that the file stays open while a reader still holds a view into it
 * after defragment has switched to a new file. The backend holds one reference while the
 * file is current; each reader holds one while it is open. Thread-safe.
 */
final class DataFile {

    final Path path;
    private final FileChannel channel;
    private final AtomicInteger references = new AtomicInteger(1);
    /** The committed part of the file that is mapped; replaced by the writer, read by anyone. */
    private volatile Mapping mapping = Mapping.NONE;

    /** The file is mapped in chunks of this size, so that growth remaps only the last one. */
    static final long CHUNK_BYTES = 64L << 20;
    /**
     * The last chunk is mapped again once this much has been committed past its mapped end;
     * values in between are read through the channel. Large enough that mappings are made
     * (and left for the collector to unmap) rarely, small enough that few reads miss them.
     */
    static final long REMAP_AFTER_BYTES = 1L << 20;

    /**
     * Read-only mappings of the file's chunks, covering [0, end). Immutable. Each mapping
     * belongs to an automatic arena: the garbage collector unmaps it once no reader can
     * reach it, so a reader never touches unmapped memory and nobody has to count users.
     */
    private record Mapping(MemorySegment[] chunks, long end) {
        static final Mapping NONE = new Mapping(new MemorySegment[0], 0);

        Mapping extendedTo(FileChannel channel, long newEnd) {
            int count = (int) ((newEnd + CHUNK_BYTES - 1) / CHUNK_BYTES);
            MemorySegment[] next = Arrays.copyOf(chunks, count);
            try {
                for (int c = 0; c < count; c++) {
                    long start = c * CHUNK_BYTES;
                    long size = Math.min(CHUNK_BYTES, newEnd - start);
                    if (next[c] == null || next[c].byteSize() < size) {
                        next[c] = channel.map(FileChannel.MapMode.READ_ONLY, start, size, Arena.ofAuto());
                    }
                }
            } catch (IOException | UnsupportedOperationException e) {
                // mapping is an optimisation: without it, reads go through the channel
                return this;
            }
            return new Mapping(next, newEnd);
        }

        /** Copies [offset, offset + value.length) into {@code value} if mapped in one chunk. */
        boolean copy(long offset, byte[] value) {
            long last = offset + value.length;
            if (last > end) {
                return false;
            }
            int chunk = (int) (offset / CHUNK_BYTES);
            long within = offset - chunk * CHUNK_BYTES;
            if (within + value.length > CHUNK_BYTES) {
                return false;
            }
            MemorySegment.copy(chunks[chunk], ValueLayout.JAVA_BYTE, within, value, 0, value.length);
            return true;
        }
    }

    DataFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Takes a reference unless the file has already been let go; false then. */
    boolean tryRetain() {
        while (true) {
            int count = references.get();
            if (count <= 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the file. */
    void release() {
        if (references.decrementAndGet() == 0) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new StorageException("closing " + path + " failed", e);
            }
        }
    }

    /**
     * Maps the committed bytes up to {@code end} for reading, if enough has been added since
     * the last time to be worth a new mapping. Called by the writer after each commit.
     */
    void mapUpTo(long end) {
        Mapping current = mapping;
        if (end - current.end < REMAP_AFTER_BYTES) {
            return;
        }
        mapping = current.extendedTo(channel, end);
    }

    byte[] read(long offset, int length) {
        byte[] value = new byte[length];
        if (mapping.copy(offset, value)) {
            return value;
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        try {
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, offset + buffer.position());
                if (n < 0) {
                    throw new StorageException("data file " + path + " ends before offset " + (offset + length));
                }
            }
        } catch (IOException e) {
            throw new StorageException("reading " + path + " failed", e);
        }
        return value;
    }

    /** Reads into {@code buffer} from {@code offset} until it is full or the file ends; returns bytes read. */
    int readUpTo(ByteBuffer buffer, long offset) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, offset + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    void write(byte[] bytes, int length, long offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer, offset + buffer.position());
        }
    }

    void force() throws IOException {
        channel.force(false);
    }

    long length() throws IOException {
        return channel.size();
    }

    void truncate(long length) throws IOException {
        channel.truncate(length);
    }
}
