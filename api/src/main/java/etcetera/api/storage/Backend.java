package etcetera.api.storage;

import java.io.OutputStream;

/**
 * An open store of named, ordered buckets. Keys within a bucket are ordered by unsigned
 * lexicographic comparison of their bytes.
 *
 * <p>Concurrency: any number of {@link ReadTxn}s may be open at once from any threads, each
 * seeing the state as of the last commit before it was opened, untouched by later commits.
 * At most one {@link WriteBatch} is open at a time; its changes become visible to new readers,
 * all at once, when it commits.
 */
public interface Backend extends AutoCloseable {

    /** Opens a read transaction over a consistent view of the current committed state. */
    ReadTxn read();

    /**
     * Opens the write batch. Blocks while another batch is open.
     */
    WriteBatch write();

    /**
     * Forces every committed batch to stable storage. With {@link BackendOptions#syncOnCommit()}
     * off, this is how the owner makes a point durable (e.g. before it releases the log that
     * could rebuild it); with it on, it is a cheap no-op.
     */
    void sync();

    /** Bytes the backend occupies on disk. */
    long size();

    /** Bytes of live data; {@code size() - sizeInUse()} is what {@link #defragment()} can give back. */
    long sizeInUse();

    /**
     * Rewrites the backend to give back the space of deleted and overwritten data. Readers
     * and the writer may be blocked while it runs.
     *
     * @param progress told how far it has come; never {@code null}
     */
    void defragment(Progress progress);

    /**
     * Writes a consistent snapshot of every bucket to {@code out} in the engine-neutral
     * format of {@link SnapshotFormat}, while writes may continue. Does not close {@code out}.
     *
     * @return the number of bytes written
     */
    default long writeSnapshot(OutputStream out, Progress progress) {
        try (ReadTxn txn = read()) {
            return SnapshotFormat.write(txn, out, progress);
        }
    }

    /** Closes the backend. Open transactions must be closed first. */
    @Override
    void close();
}
