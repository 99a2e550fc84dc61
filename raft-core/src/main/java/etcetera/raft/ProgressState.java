package etcetera.raft;

/** How a leader is currently replicating to one follower. */
public enum ProgressState {
    /** Sends one append at a time until it learns where the follower's log matches. */
    PROBE,
    /** Streams appends optimistically, up to the in-flight window. */
    REPLICATE,
    /** Waits while the follower installs a snapshot. */
    SNAPSHOT
}
