package etcetera.raft;

/**
 * Where a snapshot stands in the log.
 *
 * @param index the index of the last entry the snapshot includes
 * @param term the term of that entry
 * @param confState the membership as of that entry
 */
public record SnapshotMetadata(long index, long term, ConfState confState) {

    /** The metadata of "no snapshot". */
    public static final SnapshotMetadata EMPTY = new SnapshotMetadata(0, 0, ConfState.EMPTY);
}
