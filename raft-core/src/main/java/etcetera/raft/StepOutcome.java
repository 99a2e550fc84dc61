package etcetera.raft;

/**
 * What became of an input handed to the state machine. Dropped inputs are normal under
 * leader changes: the driver maps every {@code DROPPED_*} value to etcd's
 * "raft proposal dropped" error and lets the client retry.
 */
public enum StepOutcome {
    /** Taken in: appended, forwarded to the leader, or processed. */
    ACCEPTED,
    /** This member knows no leader, so there is nowhere to send the proposal or read. */
    DROPPED_NO_LEADER,
    /** The leader is handing over leadership and accepts no proposals meanwhile. */
    DROPPED_LEADER_TRANSFER,
    /** The leader's uncommitted tail already exceeds {@code maxUncommittedEntriesSize}. */
    DROPPED_TOO_MANY_UNCOMMITTED,
    /** A membership change is still unapplied; only one may be pending at a time. */
    DROPPED_CONF_CHANGE_PENDING,
    /** Proposal forwarding is disabled on this follower. */
    DROPPED_FORWARDING_DISABLED,
    /** A message that is stale (older term) or not meaningful in the current role. */
    IGNORED;

    /** Whether the input was dropped (the caller should retry or report an error). */
    public boolean isDropped() {
        return name().startsWith("DROPPED_");
    }
}
