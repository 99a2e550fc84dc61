package etcetera.server.watch;

import java.time.Duration;

/**
 * The {@link WatchHub}'s tuning, each default written once.
 *
 * @param syncInterval how often the hub tries to catch unsynced watchers up when nothing wakes
 *     it sooner (etcd: 100 ms)
 * @param catchUpRevisions the most revisions read from the store for one catch-up step (etcd
 *     sends an unsynced watcher at most 1000 revisions at a time)
 * @param watchersPerSync the most unsynced watchers served by one catch-up step (etcd: 512)
 * @param maxPendingBytes the estimated size of committed events the apply thread may queue for
 *     the hub; beyond it the events are dropped and every synced watcher catches up from the
 *     store instead, so the apply thread never waits and memory stays bounded
 */
public record WatchOptions(Duration syncInterval, int catchUpRevisions, int watchersPerSync, long maxPendingBytes) {

    public static WatchOptions defaults() {
        return new WatchOptions(Duration.ofMillis(100), 1000, 512, 64L << 20);
    }

    public WatchOptions withMaxPendingBytes(long bytes) {
        return new WatchOptions(syncInterval, catchUpRevisions, watchersPerSync, bytes);
    }

    public WatchOptions withSyncInterval(Duration interval) {
        return new WatchOptions(interval, catchUpRevisions, watchersPerSync, maxPendingBytes);
    }

    public WatchOptions withCatchUpRevisions(int revisions) {
        return new WatchOptions(syncInterval, revisions, watchersPerSync, maxPendingBytes);
    }
}
