package etcetera.server.concurrency;

import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.Event;
import etcetera.server.mvcc.MvccException;
import etcetera.server.mvcc.MvccStore;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * INTERIM {@link KeyChanges} until the watch hub is wired in: looks at the store's committed
 * changes from the wanted revision on whenever the store's revision has moved, checking again
 * after a bounded back-off (10 ms doubling to 200 ms). Exact (it reads the same history a
 * watcher would), only slower to notice. Thread-safe; the checks run on {@code timer}.
 */
public final class PolledKeyChanges implements KeyChanges {

    private static final long FIRST_DELAY_MILLIS = 10;
    private static final long MAX_DELAY_MILLIS = 200;

    private final MvccStore store;
    private final ScheduledExecutorService timer;

    public PolledKeyChanges(MvccStore store, ScheduledExecutorService timer) {
        this.store = store;
        this.timer = timer;
    }

    @Override
    public CompletableFuture<Event> next(byte[] key, byte[] rangeEnd, long fromRevision) {
        CompletableFuture<Event> result = new CompletableFuture<>();
        // Always answered from the timer thread, so that callers chaining waits never recurse.
        schedule(result, key, rangeEnd, Math.max(1, fromRevision), 0);
        return result;
    }

    private void check(CompletableFuture<Event> result, byte[] key, byte[] rangeEnd, long from, long delayMillis) {
        if (result.isDone()) {
            return;
        }
        long next = from;
        try {
            long now = store.currentRevision();
            if (now >= from) {
                for (Event event : store.changes(from, now)) {
                    if (inRange(event.kv().key(), key, rangeEnd)) {
                        result.complete(event);
                        return;
                    }
                }
                next = now + 1;
            }
        } catch (MvccException e) {
            result.completeExceptionally(e.kind() == MvccException.Kind.COMPACTED ? EtcdError.COMPACTED.exception() : e);
            return;
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        schedule(result, key, rangeEnd, next, delayMillis == 0 ? FIRST_DELAY_MILLIS : Math.min(MAX_DELAY_MILLIS, delayMillis * 2));
    }

    private void schedule(CompletableFuture<Event> result, byte[] key, byte[] rangeEnd, long from, long delayMillis) {
        try {
            timer.schedule(() -> check(result, key, rangeEnd, from, delayMillis), delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(EtcdError.STOPPED.exception());
        }
    }

    static boolean inRange(byte[] candidate, byte[] key, byte[] rangeEnd) {
        if (rangeEnd.length == 0) {
            return Arrays.equals(candidate, key);
        }
        if (Arrays.compareUnsigned(candidate, key) < 0) {
            return false;
        }
        return (rangeEnd.length == 1 && rangeEnd[0] == 0) || Arrays.compareUnsigned(candidate, rangeEnd) < 0;
    }
}
