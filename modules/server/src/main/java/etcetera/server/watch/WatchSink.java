package etcetera.server.watch;

/**
 * Where the {@link WatchHub} puts the updates of the watchers of one stream: a bounded buffer
 * drained by the API layer. Called on the hub thread; must never block.
 */
public interface WatchSink {

    /**
     * Takes {@code update} if the buffer has room. A refused {@link WatchUpdate.Events} moves
     * its watcher to the unsynced group: it catches up from the store once the buffer drains.
     * A {@link WatchUpdate.StreamProgress} should always be taken.
     *
     * @return whether the update was taken
     */
    boolean offer(WatchUpdate update);

    /** Whether an {@link #offer} of events would be taken now (the catch-up skips full sinks). */
    boolean hasRoom();
}
