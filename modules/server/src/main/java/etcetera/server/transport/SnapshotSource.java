package etcetera.server.transport;

import etcetera.raft.Snapshot;
import java.io.OutputStream;

/**
 * Writes the backend image that goes with a Raft snapshot being sent to a follower: the
 * current backend, which has applied at least up to the snapshot's index (the follower skips
 * entries it already holds). Called on a transport thread; may take long for a large backend.
 */
public interface SnapshotSource {

    /** Writes the image in the {@link etcetera.api.storage.SnapshotFormat} to {@code out}. */
    void writeBackendImage(Snapshot snapshot, OutputStream out);
}
