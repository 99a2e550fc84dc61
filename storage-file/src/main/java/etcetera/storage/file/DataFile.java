package etcetera.storage.file;

import etcetera.api.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One open data file: positional and mapped reads for any thread, appends for the writer,
 * and a reference count so that the file stays open while a reader still holds a view into it
 * after defragment has switched to a new file. The backend holds one reference while the file
 * is current; each reader holds one, and one on the {@link ChunkMapping} it reads through,
 * while it is open. Thread-safe; the mapping is replaced only by the writer.
 */
final class DataFile {

    /**
     * The last chunk is mapped again once this much has been committed past its mapped end;
     * values in between are read through the channel. Large enough that mappings are made
     * rarely, small enough that few reads miss them.
     */
    static final long REMAP_AFTER_BYTES = 1L << 20;

    final Path path;
    private final FileChannel channel;
    private final References references = new References();
    private volatile ChunkMapping mapping = ChunkMapping.empty();

    DataFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Takes a reference unless the file has already been let go; false then. */
    boolean tryRetain() {
        return references.tryRetain();
    }

    /** Gives a reference back; the last one unmaps and closes the file. */
    void release() {
        if (references.release()) {
            ChunkMapping last = mapping;
            last.retireAll();
            last.release();
            try {
                channel.close();
            } catch (IOException e) {
                throw new StorageException("closing " + path + " failed", e);
            }
        }
    }

    /** The current mapping, retained for a reader; the reader releases it when it closes. */
    ChunkMapping acquireMapping() {
        while (true) {
            ChunkMapping current = mapping;
            if (current.tryRetain()) {
                return current;
            }
            // the writer replaced it just now: the next one is already published
        }
    }

    /**
     * Maps the committed bytes up to {@code end} for reading, if enough has been added since
     * the last time to be worth a new mapping. Called by the writer after each commit.
     */
    void mapUpTo(long end) {
        ChunkMapping current = mapping;
        if (end - current.end < REMAP_AFTER_BYTES) {
            return;
        }
        ChunkMapping next = current.extendedTo(channel, end);
        if (next != current) {
            mapping = next;
            current.release();
        }
    }

    /** Reads a value for the writer (the only thread that replaces the mapping). */
    byte[] read(long offset, int length) {
        return read(mapping, offset, length);
    }

    /** Reads a value through {@code through}, which the caller holds a reference on, or the channel. */
    byte[] read(ChunkMapping through, long offset, int length) {
        byte[] value = new byte[length];
        if (through.copy(offset, value)) {
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
