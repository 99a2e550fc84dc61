package etcetera.api.storage;

/**
 * Options for opening a {@link Backend}.
 *
 * @param syncOnCommit whether {@link WriteBatch#commit()} forces the data to stable storage
 *     before it returns. The server keeps the Raft WAL as the source of truth and may turn
 *     this off; with it off, a commit must still survive the death of the process (kill -9),
 *     only not necessarily a crash of the machine.
 * @param initialSizeBytes a hint for preallocation; engines may ignore it
 */
public record BackendOptions(boolean syncOnCommit, long initialSizeBytes) {

    /** Durable commits, no preallocation hint. */
    public static BackendOptions defaults() {
        return new BackendOptions(true, 0);
    }

    public BackendOptions {
        if (initialSizeBytes < 0) {
            throw new IllegalArgumentException("initialSizeBytes must be >= 0, was " + initialSizeBytes);
        }
    }
}
