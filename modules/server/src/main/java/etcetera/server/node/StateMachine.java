package etcetera.server.node;

import etcetera.raft.Entry;

/**
 * What the apply loop applies committed entries to. Called only from the apply thread.
 */
public interface StateMachine {

    /** The index of the last entry whose effects are durable in the state machine. */
    long appliedIndex();

    /**
     * Applies one committed entry. Errors meant for the client are returned in the outcome,
     * not thrown: the entry is applied (as a no-op) either way.
     */
    Outcome apply(Entry entry);

    /**
     * Makes everything applied so far visible to readers, up to {@code appliedIndex}. It need
     * not be on stable storage yet: the WAL still holds it (see {@link #sync()}).
     */
    void commit(long appliedIndex);

    /** Forces everything committed so far to stable storage, so the WAL before it may be released. */
    void sync();

    /**
     * The result of applying one entry, for whoever waits on its request id.
     *
     * @param requestId the id the proposer registered, {@code 0} if nobody waits
     * @param response the response, or {@code null} when {@code error} is set
     * @param error the client-visible failure, or {@code null}
     */
    record Outcome(long requestId, Object response, RuntimeException error) {

        public static Outcome of(long requestId, Object response) {
            return new Outcome(requestId, response, null);
        }

        public static Outcome failed(long requestId, RuntimeException error) {
            return new Outcome(requestId, null, error);
        }
    }
}
