package etcetera.server.transport;

import etcetera.raft.Message;
import java.nio.file.Path;

/**
 * Where a {@link RaftTransport} delivers what it receives and learns. Implemented by the node
 * driver; called on transport threads, so implementations only enqueue and return.
 */
public interface RaftInbound {

    /** A message from a peer of this cluster (the cluster ID and sender were checked). */
    void receive(Message message);

    /**
     * A snapshot from the leader: {@code backendImage} is a verified, complete file in the
     * {@link etcetera.api.storage.SnapshotFormat} that the driver restores before stepping
     * {@code message}; the driver owns (and deletes) the file from now on.
     */
    void receiveSnapshot(Message.InstallSnapshot message, Path backendImage);

    /** Sending to {@code memberId} failed; Raft should stop optimistic replication to it. */
    void reportUnreachable(long memberId);

    /** The outcome of sending a snapshot to {@code memberId}. */
    void reportSnapshot(long memberId, boolean success);

    /**
     * A peer refused this member because the cluster removed it (the member may not have
     * applied its own removal: the leader stops replicating to a removed member).
     */
    default void removedFromCluster() {
    }

    /**
     * Whether {@code memberId} was removed from the cluster: its connections are refused,
     * as etcd refuses a removed member's messages.
     */
    boolean isRemoved(long memberId);
}
