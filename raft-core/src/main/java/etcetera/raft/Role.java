package etcetera.raft;

/** The role a member currently plays in its group. */
public enum Role {
    /** Follows a leader (or waits for one); the initial role. */
    FOLLOWER,
    /** Asks for pre-votes without raising its term, to avoid disrupting a healthy leader. */
    PRE_CANDIDATE,
    /** Raised its term and asks for votes. */
    CANDIDATE,
    /** Accepts proposals and replicates the log. */
    LEADER
}
