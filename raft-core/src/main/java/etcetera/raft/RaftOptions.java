package etcetera.raft;

/**
 * How one member runs the algorithm. Every default is written once, here.
 *
 * @param id this member's id (non-zero)
 * @param electionTicks ticks a follower waits without hearing from a leader before it
 *     campaigns; the actual timeout is drawn from {@code [electionTicks, 2*electionTicks)}.
 *     Default 10 (etcd: 1000 ms election timeout with 100 ms ticks)
 * @param heartbeatTicks ticks between a leader's heartbeats; must be less than
 *     {@code electionTicks}. Default 1 (etcd: 100 ms)
 * @param applied the index this member's state machine has already applied when it starts;
 *     {@code 0} means "the snapshot's index". Default 0
 * @param preVote run a pre-vote round before raising the term, so a member rejoining from a
 *     partition does not disrupt a healthy leader. Default true
 * @param checkQuorum a leader steps down when it has not heard from a quorum within an
 *     election timeout, and followers that heard from a leader within one refuse votes
 *     (leader stickiness). Default true
 * @param maxSizePerMsg the most entry bytes in one {@link Message.Append} (always at least one
 *     entry). Default 1 MiB (etcd's server uses 1 MiB)
 * @param maxInflightMsgs the most un-acknowledged {@link Message.Append}s per follower in
 *     the replicating state. Default 256 (etcd's server: 4096/16)
 * @param maxUncommittedEntriesSize the most payload bytes a leader holds uncommitted before
 *     it drops proposals; {@code 0} means no limit. Default 1 GiB
 * @param maxCommittedSizePerReady the most entry bytes handed to the application in one
 *     {@link Ready}. Default 64 MiB
 * @param disableProposalForwarding followers drop proposals instead of forwarding them to
 *     the leader. Default false
 */
public record RaftOptions(long id, int electionTicks, int heartbeatTicks, long applied, boolean preVote,
        boolean checkQuorum, long maxSizePerMsg, int maxInflightMsgs, long maxUncommittedEntriesSize,
        long maxCommittedSizePerReady, boolean disableProposalForwarding) {

    public static final int DEFAULT_ELECTION_TICKS = 10;
    public static final int DEFAULT_HEARTBEAT_TICKS = 1;
    public static final long DEFAULT_MAX_SIZE_PER_MSG = 1L << 20;
    public static final int DEFAULT_MAX_INFLIGHT_MSGS = 256;
    public static final long DEFAULT_MAX_UNCOMMITTED_ENTRIES_SIZE = 1L << 30;
    public static final long DEFAULT_MAX_COMMITTED_SIZE_PER_READY = 64L << 20;

    public RaftOptions {
        if (id == 0) {
            throw new IllegalArgumentException("id must not be 0 (0 means 'none')");
        }
        if (heartbeatTicks <= 0) {
            throw new IllegalArgumentException("heartbeatTicks must be > 0: " + heartbeatTicks);
        }
        if (electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("electionTicks (" + electionTicks + ") must be greater than heartbeatTicks ("
                    + heartbeatTicks + ")");
        }
        if (maxInflightMsgs <= 0) {
            throw new IllegalArgumentException("maxInflightMsgs must be > 0: " + maxInflightMsgs);
        }
        if (maxSizePerMsg <= 0 || maxCommittedSizePerReady <= 0 || maxUncommittedEntriesSize < 0 || applied < 0) {
            throw new IllegalArgumentException("sizes must be positive and applied >= 0");
        }
    }

    /** The defaults for member {@code id}. */
    public static RaftOptions defaults(long id) {
        return new RaftOptions(id, DEFAULT_ELECTION_TICKS, DEFAULT_HEARTBEAT_TICKS, 0, true, true,
                DEFAULT_MAX_SIZE_PER_MSG, DEFAULT_MAX_INFLIGHT_MSGS, DEFAULT_MAX_UNCOMMITTED_ENTRIES_SIZE,
                DEFAULT_MAX_COMMITTED_SIZE_PER_READY, false);
    }

    public RaftOptions withElectionTicks(int ticks) {
        return new RaftOptions(id, ticks, heartbeatTicks, applied, preVote, checkQuorum, maxSizePerMsg,
                maxInflightMsgs, maxUncommittedEntriesSize, maxCommittedSizePerReady, disableProposalForwarding);
    }

    public RaftOptions withHeartbeatTicks(int ticks) {
        return new RaftOptions(id, electionTicks, ticks, applied, preVote, checkQuorum, maxSizePerMsg,
                maxInflightMsgs, maxUncommittedEntriesSize, maxCommittedSizePerReady, disableProposalForwarding);
    }

    public RaftOptions withApplied(long index) {
        return new RaftOptions(id, electionTicks, heartbeatTicks, index, preVote, checkQuorum, maxSizePerMsg,
                maxInflightMsgs, maxUncommittedEntriesSize, maxCommittedSizePerReady, disableProposalForwarding);
    }

    public RaftOptions withPreVote(boolean on) {
        return new RaftOptions(id, electionTicks, heartbeatTicks, applied, on, checkQuorum, maxSizePerMsg,
                maxInflightMsgs, maxUncommittedEntriesSize, maxCommittedSizePerReady, disableProposalForwarding);
    }

    public RaftOptions withCheckQuorum(boolean on) {
        return new RaftOptions(id, electionTicks, heartbeatTicks, applied, preVote, on, maxSizePerMsg,
                maxInflightMsgs, maxUncommittedEntriesSize, maxCommittedSizePerReady, disableProposalForwarding);
    }

    public RaftOptions withMaxSizePerMsg(long bytes) {
        return new RaftOptions(id, electionTicks, heartbeatTicks, applied, preVote, checkQuorum, bytes,
                maxInflightMsgs, maxUncommittedEntriesSize, maxCommittedSizePerReady, disableProposalForwarding);
    }

    public RaftOptions withMaxInflightMsgs(int count) {
        return new RaftOptions(id, electionTicks, heartbeatTicks, applied, preVote, checkQuorum, maxSizePerMsg,
                count, maxUncommittedEntriesSize, maxCommittedSizePerReady, disableProposalForwarding);
    }

    public RaftOptions withMaxUncommittedEntriesSize(long bytes) {
        return new RaftOptions(id, electionTicks, heartbeatTicks, applied, preVote, checkQuorum, maxSizePerMsg,
                maxInflightMsgs, bytes, maxCommittedSizePerReady, disableProposalForwarding);
    }

    public RaftOptions withDisableProposalForwarding(boolean on) {
        return new RaftOptions(id, electionTicks, heartbeatTicks, applied, preVote, checkQuorum, maxSizePerMsg,
                maxInflightMsgs, maxUncommittedEntriesSize, maxCommittedSizePerReady, on);
    }
}
