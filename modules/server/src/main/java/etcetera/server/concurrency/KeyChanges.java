package etcetera.server.concurrency;

import etcetera.server.mvcc.Event;
import java.util.concurrent.CompletableFuture;

/**
 * One-shot waits for key changes: what the recipes watch for. Thread-safe.
 */
@FunctionalInterface
public interface KeyChanges {

    /**
     * The first change (put or delete) of a key in the range at a revision
     * {@code >= fromRevision}, in revision order. Cancelling the future stops the wait.
     *
     * @param rangeEnd as in a range request: empty for {@code key} alone
     * @return fails with COMPACTED if changes from {@code fromRevision} are no longer kept
     */
    CompletableFuture<Event> next(byte[] key, byte[] rangeEnd, long fromRevision);
}
