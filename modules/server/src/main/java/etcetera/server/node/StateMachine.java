package etcetera.server.node;

import etcetera.raft.ConfChange;
import etcetera.raft.ConfState;
import etcetera.raft.Entry;
import java.nio.file.Path;

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
     * Applies a committed membership change (Raft has already taken it in): records the
     * member's attributes, starts or stops talking to it.
     *
     * @param confState the membership Raft has after the change
     * @return the outcome for whoever waits on {@link ConfChange#id()}
     */
    default Outcome applyConfChange(Entry entry, ConfChange change, ConfState confState) {
        return Outcome.of(change.id(), confState);
    }

    /**
     * Makes everything applied so far visible to readers, up to {@code appliedIndex}. It need
     * not be on stable storage yet: the WAL still holds it (see {@link #sync()}).
     */
    void commit(long appliedIndex);

    /** Forces everything committed so far to stable storage, so the WAL before it may be released. */
    void sync();

    /**
     * Replaces the whole state with the backend image a leader sent (a verified file in the
     * engine-neutral snapshot format), durably; {@link #appliedIndex()} then reports the
     * image's applied index. The caller deletes the file afterwards.
     */
    default void restore(Path backendImage) {
        throw new UnsupportedOperationException("this state machine cannot restore a snapshot");
    }

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
