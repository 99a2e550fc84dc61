package etcetera.server.watch;

import etcetera.server.mvcc.Event;
import java.util.List;

/** What the {@link WatchHub} hands a {@link WatchSink}: one response's worth for one watcher or stream. */
public sealed interface WatchUpdate {

    /**
     * Changes for a watcher, in revision order, already filtered.
     *
     * @param revision the store revision the response reports: the revision of the changes for
     *     live events, the revision the history was read at for a catch-up (as etcd)
     * @param events never empty; each carries {@code prevKv} when the watcher asked for it and
     *     the key had a previous version
     */
    record Events(Watcher watcher, long revision, List<Event> events) implements WatchUpdate {
    }

    /** The watcher's next revision was compacted: it is removed from the hub. */
    record Compacted(Watcher watcher, long compactRevision) implements WatchUpdate {
    }

    /** The watcher is up to date at {@code revision} (a progress notification). */
    record Progress(Watcher watcher, long revision) implements WatchUpdate {
    }

    /**
     * Answer to a stream-wide progress request: every event up to {@code revision} has been
     * handed to the stream's synced watchers.
     */
    record StreamProgress(long revision) implements WatchUpdate {
    }
}
