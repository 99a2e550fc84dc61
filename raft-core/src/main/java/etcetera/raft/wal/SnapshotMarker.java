package etcetera.raft.wal;

/**
 * A record in the WAL saying that a snapshot was taken at {@code index} (of {@code term}):
 * replay may start from that snapshot.
 *
 * @param index the last log index the snapshot includes
 * @param term the term of that entry
 */
public record SnapshotMarker(long index, long term) {

    /** No snapshot: replay from the start of the log. */
    public static final SnapshotMarker NONE = new SnapshotMarker(0, 0);

    public SnapshotMarker {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("index and term must be >= 0: index=" + index + " term=" + term);
        }
    }
}
