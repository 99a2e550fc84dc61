package etcetera.robustness.run;

/** The faults a run can inject, one at a time, each held for a while and then healed. */
public enum FaultKind {
    /** SIGKILL a random member, restart it on its data directory. */
    KILL,
    /** SIGKILL the leader, restart it. */
    KILL_LEADER,
    /** SIGSTOP a random member, SIGCONT it. */
    PAUSE,
    /** SIGSTOP the leader, SIGCONT it. */
    PAUSE_LEADER,
    /** Cut a random member's peer links in both directions (through the peer proxies), heal. */
    PARTITION,
    /** Cut the leader's peer links, heal. */
    PARTITION_LEADER,
    /** Delay every peer message, heal. */
    DELAY,
    /** SIGKILL a random member, tear the tail of its WAL (a write cut short, never fsynced), restart it. Our WAL format only. */
    TORN_TAIL,
    /** Remove a random member from the cluster, wipe it, add it back as a new member (3 or more members). */
    REMOVE_READD
}
