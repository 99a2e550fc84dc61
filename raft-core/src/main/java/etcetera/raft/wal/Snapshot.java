package etcetera.raft.wal;

import etcetera.raft.SnapshotMetadata;

/**
 * A snapshot read back from its file: where it stands in the log and the application's bytes
 * (owned by the receiver, which must not share them while modifying them).
 *
 * @param metadata index, term and membership of the snapshot
 * @param data the application state as saved
 */
public record Snapshot(SnapshotMetadata metadata, byte[] data) {
}
