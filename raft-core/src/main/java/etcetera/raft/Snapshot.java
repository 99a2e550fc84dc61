package etcetera.raft;

/**
 * A point-in-time image of the application state together with where it stands in the log.
 * The {@code data} array is owned by the snapshot once constructed and must not be modified.
 *
 * @param metadata the log position and membership the image includes
 * @param data the application's encoded state (opaque to Raft)
 */
public record Snapshot(SnapshotMetadata metadata, byte[] data) {

    private static final byte[] NO_DATA = new byte[0];

    /** The "no snapshot" value a fresh storage returns. */
    public static final Snapshot EMPTY = new Snapshot(SnapshotMetadata.EMPTY, NO_DATA);

    public Snapshot {
        if (metadata == null) {
            throw new IllegalArgumentException("metadata must not be null");
        }
        if (data == null) {
            data = NO_DATA;
        }
    }

    /** The index of the last entry the snapshot covers. */
    public long index() {
        return metadata.index();
    }

    /** The term of the last entry the snapshot covers. */
    public long term() {
        return metadata.term();
    }

    /** Whether this is the "no snapshot" value (index 0). */
    public boolean isEmpty() {
        return metadata.index() == 0;
    }
}
