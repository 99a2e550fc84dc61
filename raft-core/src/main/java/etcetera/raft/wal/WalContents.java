package etcetera.raft.wal;

import etcetera.raft.Entry;
import etcetera.raft.HardState;
import java.util.List;

/**
 * What a replay of the WAL yields.
 *
 * @param metadata the opaque bytes given when the log was created (node and cluster id)
 * @param hardState the last hard state written, {@link HardState#EMPTY} if none
 * @param snapshot the last snapshot marker at or below the requested snapshot index,
 *     {@link SnapshotMarker#NONE} if none
 * @param entries the entries after the requested snapshot index, contiguous and ascending, as
 *     left by the truncation rule (an entry written at index i replaced every earlier-written
 *     entry at i or above)
 */
public record WalContents(byte[] metadata, HardState hardState, SnapshotMarker snapshot, List<Entry> entries) {

    public WalContents {
        metadata = metadata.clone();
        entries = List.copyOf(entries);
    }

    /** A copy of the metadata. */
    @Override
    public byte[] metadata() {
        return metadata.clone();
    }
}
