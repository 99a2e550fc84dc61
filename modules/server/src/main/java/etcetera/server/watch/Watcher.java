package etcetera.server.watch;

import etcetera.server.mvcc.Event;

/**
 * One watcher of the {@link WatchHub}: the client's id for it on its stream, what it watches,
 * and where its updates go. The API layer holds it as a handle (to cancel it, ask
 * for its progress, and recognise its updates); the fields below the line are the hub's and
 * are touched only on the hub thread.
 */
public final class Watcher {

    /** Where the hub keeps a watcher. */
    enum State {
        /** Waiting for the hub thread to register it. */
        NEW,
        /** Up to date: fed from the live events. */
        SYNCED,
        /** Behind: catches up by reading history from the store. */
        UNSYNCED,
        /** Removed because its next revision was compacted. */
        COMPACTED,
        /** Removed by its client or its stream. */
        CANCELED
    }

    private final long id;
    private final WatchSpec spec;
    private final WatchSink sink;

    // Hub thread only.
    /** The first revision whose events this watcher has not been handed yet. */
    long nextRevision;
    State state = State.NEW;

    /**
     * A watcher to {@linkplain WatchHub#watch register}: {@code id} is the client's id for it,
     * {@code sink} where its updates go.
     */
    public Watcher(long id, WatchSpec spec, WatchSink sink) {
        this.id = id;
        this.spec = spec;
        this.sink = sink;
    }

    /** The id its client knows it by (unique on its stream). */
    public long id() {
        return id;
    }

    public WatchSpec spec() {
        return spec;
    }

    WatchSink sink() {
        return sink;
    }

    /** Whether the watcher wants {@code event}: in its range and not filtered out. */
    boolean wants(Event event) {
        return spec.contains(event.kv().key()) && passes(event);
    }

    /** Whether {@code event} passes the watcher's filters (the range is checked by the caller). */
    boolean passes(Event event) {
        return switch (event.type()) {
            case PUT -> !spec.noPut();
            case DELETE -> !spec.noDelete();
        };
    }

    @Override
    public String toString() {
        return "Watcher[id=" + id + ", " + spec + "]";
    }
}
