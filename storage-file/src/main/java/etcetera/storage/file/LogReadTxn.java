package etcetera.storage.file;

import etcetera.api.storage.EntryVisitor;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageException;
import java.util.List;
import java.util.Optional;

/** A reader pinned to one commit sequence of a {@link LogBackend}. Used by one thread. */
final class LogReadTxn implements ReadTxn {

    private static final byte[] START = new byte[0];

    private final LogBackend backend;
    private final long sequence;
    private boolean closed;

    LogReadTxn(LogBackend backend, long sequence) {
        this.backend = backend;
        this.sequence = sequence;
    }

    @Override
    public List<String> buckets() {
        ensureOpen();
        return backend.bucketNames(sequence);
    }

    @Override
    public Optional<byte[]> get(String bucket, byte[] key) {
        ensureOpen();
        return backend.get(bucket, key, sequence);
    }

    @Override
    public void scan(String bucket, byte[] from, byte[] to, boolean reverse, EntryVisitor visitor) {
        ensureOpen();
        backend.scan(bucket, from == null ? START : from, to, reverse, visitor, sequence);
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("read transaction is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            backend.release(sequence);
        }
    }
}
