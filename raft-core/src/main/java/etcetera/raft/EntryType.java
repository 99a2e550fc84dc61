package etcetera.raft;

/** What a log entry carries. */
public enum EntryType {
    /** An application proposal (or an empty entry a new leader appends). */
    NORMAL,
    /** A membership change. */
    CONF_CHANGE
}
