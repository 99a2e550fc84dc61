package etcetera.robustness.check;

/** The kinds of violation the checkers report. */
public enum AnomalyKind {
    /** No linearization of a key's operations exists, and no more specific kind applies. */
    NOT_LINEARIZABLE,
    /** A read saw a state older than one a completed write (or an earlier read) had already made visible. */
    STALE_READ,
    /** An acknowledged write is missing: a later read sees the state from before it, and nothing ever saw it. */
    LOST_WRITE,
    /** A compare-and-swap's outcome contradicts the state it must have compared against. */
    CAS_ANOMALY,
    /** A read returned a value that no write ever wrote (or before the write that wrote it began). */
    PHANTOM_READ,
    /** Two acknowledged writes carry revisions against their real-time order (a later write, a lower revision). */
    REVISION_ORDER,
    /** Two acknowledged writes carry the same revision. */
    DUPLICATE_REVISION,
    /** A response's revision is lower than the revision of a write that completed before it was invoked. */
    REVISION_WENT_BACK,
    /** A read's value and mod revision disagree with what the write history says held at its revision. */
    READ_REVISION_MISMATCH,
    /** A watcher received the same event twice. */
    WATCH_DUPLICATE,
    /** A watcher missed an event between two it received (or between a resume point and the next). */
    WATCH_GAP,
    /** A watcher received events out of revision order. */
    WATCH_ORDER,
    /** A watch event disagrees with the KV history or with another watcher at the same revision. */
    WATCH_MISMATCH,
    /** The search for a linearization ran out of budget: neither a proof nor a violation. */
    CHECK_INCOMPLETE
}
