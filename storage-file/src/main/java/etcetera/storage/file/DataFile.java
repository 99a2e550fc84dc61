package etcetera.storage.file;

import etcetera.api.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
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

    byte[] read(long offset, int length) {
        byte[] value = new byte[length];
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
