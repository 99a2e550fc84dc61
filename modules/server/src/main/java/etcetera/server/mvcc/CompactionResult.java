package etcetera.server.mvcc;

import java.util.concurrent.CompletableFuture;

/**
 * A compaction the store has accepted.
 *
 * @param revision the compaction revision
 * @param done completes when the history at or before {@code revision} has been physically
 *     removed from the backend (etcd's {@code physical} compaction); fails with a
 *     {@link java.util.concurrent.CancellationException} if the store closes first — the
 *     compaction is then finished when the store is next opened
 */
public record CompactionResult(long revision, CompletableFuture<Void> done) {
}
