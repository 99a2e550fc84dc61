package etcetera.server.watch;

import etcetera.server.mvcc.Event;
import etcetera.server.mvcc.KeyValue;
import etcetera.server.mvcc.MvccException;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.mvcc.ReadView;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands every watcher the changes of its key range, in revision order, each exactly once, from
 * its start revision on — etcd's watchable store.
 *
 * <p>Input is the events of committed revisions ({@link #publish}), given by the apply thread
 * after each batch commit: key-value writes, and any other change that the apply path turns
 * into events (lease revokes delete keys the same way). Watchers are kept in two groups:
 * <ul>
 *   <li><b>synced</b>: every event up to {@link #handedOutRevision} that they want has been
 *       handed to them; new events go straight to their sinks;</li>
 *   <li><b>unsynced</b>: they start in the past or fell behind (their sink was full, or the
 *       hub's input overflowed); a catch-up step reads their missing history from the store
 *       ({@link MvccStore#changes}), a window of revisions at a time, and moves them to the
 *       synced group once they have reached the events the hub hands out live. A watcher whose
 *       next revision has been compacted is told so and removed.</li>
 * </ul>
 * Nothing is held for a slow watcher except its place in the unsynced group: its sink's buffer
 * bounds what it costs, and the store holds the history it still has to read.
 *
 * <p>Threads: one hub thread owns both groups and every watcher's position; all other threads
 * talk to it through a queue of commands. {@link #publish} never blocks: when the events
 * queued for the hub exceed {@link WatchOptions#maxPendingBytes} they are dropped and the hub,
 * once it notices, moves every synced watcher to the unsynced group.
 */
public final class WatchHub implements AutoCloseable {

    private static final Logger LOG = System.getLogger("etcetera.server.watch");
    private static final long NONE = Long.MIN_VALUE;
    private static final byte[] SINGLE_KEY = new byte[0];

    private sealed interface Command {
    }

    private record Publish(long revision, List<Event> events, long bytes) implements Command {
    }

    private record Register(Watcher watcher) implements Command {
    }

    private record Cancel(Watcher watcher) implements Command {
    }

    private record Progress(Watcher watcher) implements Command {
    }

    private record StreamProgress(WatchSink sink) implements Command {
    }

    private record Wake() implements Command {
    }

    private record Restored() implements Command {
    }

    private record Stop() implements Command {
    }

    private final MvccStore store;
    private final WatchOptions options;
    private final LinkedBlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    // Shared between the apply thread (writer) and the hub thread.
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong publishesQueued = new AtomicLong();
    /** The first revision whose events the apply thread dropped, NONE when it is not dropping. */
    private final AtomicLong droppedFrom = new AtomicLong(NONE);
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    // Hub thread only.
    private final WatcherGroup synced = new WatcherGroup();
    private final WatcherGroup unsynced = new WatcherGroup();
    private long publishesHandled;
    /** Every event up to here has been handed to the synced watchers that want it. */
    private long handedOut;

    private WatchHub(MvccStore store, WatchOptions options) {
        this.store = store;
        this.options = options;
        this.handedOut = store.currentRevision();
        this.thread = Thread.ofPlatform().name("etcetera-watch").daemon().unstarted(this::run);
    }

    /** Starts a hub over {@code store}, at its current revision. */
    public static WatchHub start(MvccStore store, WatchOptions options) {
        WatchHub hub = new WatchHub(store, options);
        hub.thread.start();
        return hub;
    }

    // ---- input, apply thread -------------------------------------------------------------

    /**
     * Hands the hub the events of revisions that have just been committed (readers see them).
     * Apply thread only, in revision order; never blocks.
     *
     * @param revision the store's revision after the commit
     * @param events the changes of the committed batch, in revision order; the hub keeps the list
     */
    public void publish(long revision, List<Event> events) {
        if (events.isEmpty() || closed) {
            return;
        }
        if (droppedFrom.get() != NONE) {
            return; // still overflowing: the hub will catch everyone up from the store
        }
        long bytes = 0;
        for (Event e : events) {
            bytes += estimate(e);
        }
        if (pendingBytes.get() + bytes > options.maxPendingBytes()) {
            droppedFrom.set(events.getFirst().kv().modRevision());
            return;
        }
        pendingBytes.addAndGet(bytes);
        publishesQueued.incrementAndGet();
        commands.add(new Publish(revision, events, bytes));
    }

    private static long estimate(Event e) {
        long size = 96 + e.kv().key().length + e.kv().value().length;
        return e.prevKv().map(p -> size + 64 + p.value().length).orElse(size);
    }

    // ---- watchers, any thread ------------------------------------------------------------

    /**
     * Registers a watcher. Its updates go to its sink, starting with the events of
     * {@link WatchSpec#startRevision()} (0: the first revision after those already handed out).
     * Register a watcher once.
     */
    public void watch(Watcher watcher) {
        commands.add(new Register(watcher));
    }

    /** Removes a watcher; its sink gets nothing more from the hub thread after this is handled. */
    public void cancel(Watcher watcher) {
        commands.add(new Cancel(watcher));
    }

    /**
     * Asks for a progress notification: if the watcher is synced, its sink gets a
     * {@link WatchUpdate.Progress} at the revision handed out so far (nothing if it is behind or
     * its sink is full, as in etcd).
     */
    public void requestProgress(Watcher watcher) {
        commands.add(new Progress(watcher));
    }

    /** Has the hub answer {@code sink} with a {@link WatchUpdate.StreamProgress}, after everything already queued. */
    public void requestStreamProgress(WatchSink sink) {
        commands.add(new StreamProgress(sink));
    }

    /** Tells the hub that a sink has room again, so that unsynced watchers catch up without waiting. */
    public void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            commands.add(new Wake());
        }
    }

    /**
     * Tells the hub that the store was replaced by a snapshot's image (apply thread, after the
     * events published before it): every synced watcher catches up from the new store, which
     * holds at least the revisions already handed out.
     */
    public void restored() {
        commands.add(new Restored());
    }

    /** The revision the store has committed (what a new watch's "now" is). */
    public long currentRevision() {
        return store.currentRevision();
    }

    /** Stops the hub thread; watchers get nothing more. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        commands.add(new Stop());
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- hub thread ----------------------------------------------------------------------

    private void run() {
        long syncIntervalNanos = options.syncInterval().toNanos();
        long nextCatchUp = System.nanoTime();
        boolean more = false;
        List<Command> batch = new ArrayList<>();
        try {
            while (true) {
                long wait = unsynced.isEmpty() ? TimeUnit.SECONDS.toNanos(1)
                        : more ? 0 : Math.max(0, nextCatchUp - System.nanoTime());
                Command first = wait == 0 ? commands.poll() : commands.poll(wait, TimeUnit.NANOSECONDS);
                boolean catchUpNow = false;
                if (first != null) {
                    batch.add(first);
                    // A bounded batch, so that catching up interleaves with live delivery.
                    commands.drainTo(batch, 1023);
                    for (Command command : batch) {
                        if (command instanceof Stop) {
                            return;
                        }
                        catchUpNow |= handle(command);
                    }
                    batch.clear();
                }
                checkOverflow();
                if (unsynced.isEmpty()) {
                    more = false;
                } else if (catchUpNow || more || System.nanoTime() - nextCatchUp >= 0) {
                    more = catchUp();
                    nextCatchUp = System.nanoTime() + syncIntervalNanos;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "watch hub failed; watchers get no further events. Restart the member", e);
        }
    }

    /** @return whether a catch-up step should run now */
    private boolean handle(Command command) {
        switch (command) {
            case Publish p -> {
                pendingBytes.addAndGet(-p.bytes());
                publishesHandled++;
                deliver(p.events());
                handedOut = Math.max(handedOut, p.revision());
            }
            case Register r -> {
                Watcher w = r.watcher();
                long start = w.spec().startRevision();
                w.nextRevision = start == 0 ? handedOut + 1 : start;
                if (w.nextRevision > handedOut) {
                    w.state = Watcher.State.SYNCED;
                    synced.add(w);
                } else {
                    w.state = Watcher.State.UNSYNCED;
                    unsynced.add(w);
                    return true;
                }
            }
            case Cancel c -> {
                Watcher w = c.watcher();
                if (!synced.remove(w)) {
                    unsynced.remove(w);
                }
                w.state = Watcher.State.CANCELED;
            }
            case Progress p -> {
                Watcher w = p.watcher();
                if (w.state == Watcher.State.SYNCED) {
                    w.sink().offer(new WatchUpdate.Progress(w, handedOut));
                }
            }
            case StreamProgress p -> p.sink().offer(new WatchUpdate.StreamProgress(handedOut));
            case Wake w -> {
                wakeQueued.set(false);
                return true;
            }
            case Restored r -> {
                unsyncAll(handedOut + 1, "the store was restored from a snapshot");
                handedOut = Math.max(handedOut, store.currentRevision());
                return true;
            }
            case Stop s -> throw new IllegalStateException("handled by the loop");
        }
        return false;
    }

    /**
     * If the apply thread dropped events and every event it queued before has been handled, the
     * synced watchers have missed the dropped ones: they all catch up from the store.
     */
    private void checkOverflow() {
        long from = droppedFrom.get();
        if (from == NONE || publishesHandled != publishesQueued.get()) {
            return;
        }
        droppedFrom.set(NONE);
        // Every dropped revision was committed before the flag was cleared.
        long committed = store.currentRevision();
        unsyncAll(from, "events arrived faster than watchers took them (to-revision=" + committed + ")");
        handedOut = Math.max(handedOut, committed);
    }

    /** Moves every synced watcher to the unsynced group, to read history from {@code from} on. */
    private void unsyncAll(long from, String why) {
        if (synced.isEmpty()) {
            return;
        }
        LOG.log(Level.WARNING, "watch: synced watchers catch up from the store watchers=" + synced.size()
                + " from-revision=" + from + " reason=" + why);
        for (Watcher w : List.copyOf(synced.watchers())) {
            synced.remove(w);
            w.nextRevision = Math.max(w.nextRevision, from);
            w.state = Watcher.State.UNSYNCED;
            unsynced.add(w);
        }
    }

    /** Hands the synced watchers the events of one committed batch, one update per revision. */
    private void deliver(List<Event> events) {
        if (synced.isEmpty()) {
            return;
        }
        List<Watcher> full = new ArrayList<>();
        int n = events.size();
        int i = 0;
        while (i < n) {
            long revision = events.get(i).kv().modRevision();
            int j = i + 1;
            while (j < n && events.get(j).kv().modRevision() == revision) {
                j++;
            }
            if (revision > handedOut) {
                deliverRevision(revision, events.subList(i, j), full);
            }
            i = j;
        }
    }

    private void deliverRevision(long revision, List<Event> events, List<Watcher> full) {
        if (events.size() == 1) {
            Event event = events.getFirst();
            List<Event> one = List.of(event);
            synced.forEachWatching(event.kv().key(), w -> {
                if (revision >= w.nextRevision && w.passes(event)
                        && !w.sink().offer(new WatchUpdate.Events(w, revision, one))) {
                    full.add(w);
                }
            });
        } else {
            Map<Watcher, List<Event>> byWatcher = new LinkedHashMap<>();
            for (Event event : events) {
                synced.forEachWatching(event.kv().key(), w -> {
                    if (revision >= w.nextRevision && w.passes(event)) {
                        byWatcher.computeIfAbsent(w, k -> new ArrayList<>()).add(event);
                    }
                });
            }
            byWatcher.forEach((w, mine) -> {
                if (!w.sink().offer(new WatchUpdate.Events(w, revision, mine))) {
                    full.add(w);
                }
            });
        }
        for (Watcher w : full) {
            // Its sink is full: it reads this revision and the rest back from the store later.
            synced.remove(w);
            w.nextRevision = revision;
            w.state = Watcher.State.UNSYNCED;
            unsynced.add(w);
        }
        full.clear();
    }

    /**
     * One catch-up step for the unsynced watchers whose sinks have room: those behind the
     * compaction revision are told and removed; the others get the next window of history.
     *
     * @return whether another step should follow at once (progress was made and work is left)
     */
    private boolean catchUp() {
        long current = store.currentRevision();
        long compacted = store.compactRevision();
        List<Watcher> chosen = new ArrayList<>();
        List<Watcher> gone = new ArrayList<>();
        for (Watcher w : unsynced.watchers()) {
            if (chosen.size() >= options.watchersPerSync()) {
                break;
            }
            if (!w.sink().hasRoom()) {
                continue;
            }
            if (w.nextRevision < compacted) {
                if (w.sink().offer(new WatchUpdate.Compacted(w, compacted))) {
                    gone.add(w);
                }
                continue;
            }
            chosen.add(w);
        }
        for (Watcher w : gone) {
            unsynced.remove(w);
            w.state = Watcher.State.COMPACTED;
        }
        if (chosen.isEmpty()) {
            return !gone.isEmpty() && !unsynced.isEmpty();
        }
        long from = Long.MAX_VALUE;
        for (Watcher w : chosen) {
            from = Math.min(from, w.nextRevision);
        }
        long to = Math.min(current, from + options.catchUpRevisions() - 1);
        List<Event> history;
        try {
            history = from > to ? List.of() : store.changes(from, to);
        } catch (MvccException e) {
            return true; // compacted meanwhile: the next step tells the watchers concerned
        }
        Map<Watcher, List<Event>> byWatcher = match(chosen, history);
        boolean progressed = !gone.isEmpty();
        for (Watcher w : chosen) {
            List<Event> mine = byWatcher.get(w);
            if (mine != null && !w.sink().offer(new WatchUpdate.Events(w, current, mine))) {
                continue; // sink filled up meanwhile: retried when it drains
            }
            if (w.nextRevision <= to) {
                w.nextRevision = to + 1;
                progressed = true;
            }
            if (w.nextRevision > handedOut) {
                unsynced.remove(w);
                w.state = Watcher.State.SYNCED;
                synced.add(w);
            }
        }
        return progressed && !unsynced.isEmpty();
    }

    /** The history each chosen watcher wants, with the previous versions read for those that ask. */
    private Map<Watcher, List<Event>> match(List<Watcher> chosen, List<Event> history) {
        Map<Watcher, List<Event>> byWatcher = new HashMap<>();
        if (history.isEmpty()) {
            return byWatcher;
        }
        WatcherGroup group = new WatcherGroup();
        chosen.forEach(group::add);
        Map<Event, Event> withPrevious = new IdentityHashMap<>();
        ReadView[] view = {null};
        try {
            for (Event event : history) {
                long revision = event.kv().modRevision();
                group.forEachWatching(event.kv().key(), w -> {
                    if (revision >= w.nextRevision && w.passes(event)) {
                        Event e = w.spec().prevKv() ? withPrevious.computeIfAbsent(event, ev -> previous(ev, view)) : event;
                        byWatcher.computeIfAbsent(w, k -> new ArrayList<>()).add(e);
                    }
                });
            }
        } finally {
            if (view[0] != null) {
                view[0].close();
            }
        }
        return byWatcher;
    }

    /**
     * The event with the version it replaced, read at the revision before it (as etcd does for
     * history); a creation has none, and neither has a change whose previous version is compacted.
     */
    private Event previous(Event event, ReadView[] view) {
        KeyValue kv = event.kv();
        if (event.type() == Event.Type.PUT && kv.createRevision() == kv.modRevision()) {
            return event;
        }
        if (view[0] == null) {
            view[0] = store.read();
        }
        try {
            List<KeyValue> found = view[0].range(kv.key(), SINGLE_KEY, kv.modRevision() - 1, 1, false).kvs();
            return found.isEmpty() ? event : new Event(event.type(), kv, Optional.of(found.getFirst()));
        } catch (MvccException e) {
            return event;
        }
    }
}
