package etcetera.server.concurrency;

import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.Event;
import etcetera.server.watch.WatchHub;
import etcetera.server.watch.WatchSink;
import etcetera.server.watch.WatchSpec;
import etcetera.server.watch.WatchUpdate;
import etcetera.server.watch.Watcher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@link KeyChanges} on the member's {@link WatchHub}: each wait is a watcher that removes
 * itself at its first event (or when the wait is cancelled). Answers are completed on
 * {@code executor}, never on the hub thread, since the recipes carry on with requests of
 * their own. Thread-safe.
 */
public final class WatchedKeyChanges implements KeyChanges {

    private final WatchHub hub;
    private final Executor executor;

    public WatchedKeyChanges(WatchHub hub, Executor executor) {
        this.hub = hub;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<Event> next(byte[] key, byte[] rangeEnd, long fromRevision) {
        CompletableFuture<Event> result = new CompletableFuture<>();
        WatchSink sink = new WatchSink() {
            @Override
            public boolean offer(WatchUpdate update) {
                switch (update) {
                    case WatchUpdate.Events events -> executor.execute(() -> result.complete(events.events().getFirst()));
                    case WatchUpdate.Compacted compacted ->
                            executor.execute(() -> result.completeExceptionally(EtcdError.COMPACTED.exception()));
                    case WatchUpdate.Progress progress -> { }
                    case WatchUpdate.StreamProgress progress -> { }
                }
                return true; // one update is all this watcher needs; it is cancelled right after
            }

            @Override
            public boolean hasRoom() {
                return true;
            }
        };
        // fromRevision 0 would mean "from now" to the hub: the recipes always know where they stand.
        Watcher watcher = new Watcher(0, WatchSpec.of(key, rangeEnd, Math.max(1, fromRevision)), sink);
        hub.watch(watcher);
        result.whenComplete((event, failure) -> hub.cancel(watcher));
        return result;
    }
}
