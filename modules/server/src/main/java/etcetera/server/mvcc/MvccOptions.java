package etcetera.server.mvcc;

/**
 * Tuning of an {@link MvccStore}.
 *
 * @param compactionBatchLimit how many backend records a compaction step examines (and how
 *     many keys of the index it compacts) per hold of the writer lock; etcd's
 *     {@code --experimental-compaction-batch-limit}, default 1000
 */
public record MvccOptions(int compactionBatchLimit) {

    public MvccOptions {
        if (compactionBatchLimit < 1) {
            throw new IllegalArgumentException("compactionBatchLimit must be >= 1, was " + compactionBatchLimit);
        }
    }

    public static MvccOptions defaults() {
        return new MvccOptions(1000);
    }
}
