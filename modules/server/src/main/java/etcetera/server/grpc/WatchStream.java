package etcetera.server.grpc;

import com.google.protobuf.CodedOutputStream;
import etcetera.server.watch.WatchHub;
import etcetera.server.watch.WatchSink;
import etcetera.server.watch.WatchSpec;
import etcetera.server.watch.WatchUpdate;
import etcetera.server.watch.Watcher;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.WatchCreateRequest;
import etcetera.wire.etcdserverpb.WatchRequest;
import etcetera.wire.etcdserverpb.WatchResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One client watch stream: turns the client's create, cancel and progress requests into
 * watchers of the {@link WatchHub}, and is the {@link WatchSink} of those watchers — a bounded
 * buffer of updates that a sender drains into gRPC as fast as the client takes them.
 *
 * <p>Threads: gRPC's thread for this call delivers the requests (one at a time); the hub thread
 * offers updates; one sender task at a time (on the sender executor) converts and sends them,
 * so that the response observer is never used concurrently. Requests are read one at a time
 * and not while too many control responses wait to be sent, so a client that sends requests
 * without reading costs bounded memory (etcd's control buffer blocks its reader likewise).
 */
final class WatchStream implements StreamObserver<WatchRequest>, WatchSink {

    /** etcd's id for "no watcher" in responses (a refused create, a stream-wide progress). */
    private static final long NO_WATCH_ID = -1;
    /** A client-given id of 0 asks the server to choose. */
    private static final long AUTO_WATCH_ID = 0;
    /** Updates a stream buffers (etcd's per-stream channel), plus two per watcher (see {@link #capacity}). */
    private static final int BASE_CAPACITY = 128;
    /** Control responses that may wait to be sent before the stream stops reading requests. */
    private static final int MAX_PENDING_CONTROL = 64;
    private static final String EMPTY_RANGE = "mvcc: watcher range is empty";
    private static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

    private final WatchHub hub;
    private final ServerCallStreamObserver<WatchResponse> out;
    private final LongFunction<ResponseHeader> headers;
    private final int fragmentBytes;
    private final Duration progressInterval;
    private final Executor sender;
    private final ScheduledExecutorService timers;
    private final Consumer<WatchStream> onEnd;

    /** The watchers by client id; an update whose watcher is no longer here is not sent. */
    private final Map<Long, Watcher> watchers = new ConcurrentHashMap<>();
    /** For watchers with progress_notify: whether a notification is due at the next tick (no events since the last). */
    private final Map<Watcher, AtomicBoolean> progressDue = new ConcurrentHashMap<>();
    /** Control responses (built) and hub updates, in the order they must be sent. */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingUpdates = new AtomicInteger();
    private final AtomicInteger pendingControl = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean readingPaused = new AtomicBoolean();
    /** Set when an update was refused, so that the hub is woken once the buffer drains. */
    private volatile boolean refused;
    private volatile Status ending;
    private volatile boolean ended;

    private final WatchEncoder encoder = new WatchEncoder();
    private volatile ScheduledFuture<?> ticker;

    // The request thread's.
    private long nextId;

    WatchStream(WatchHub hub, ServerCallStreamObserver<WatchResponse> out, LongFunction<ResponseHeader> headers, int fragmentBytes,
            Duration progressInterval, Executor sender, ScheduledExecutorService timers, Consumer<WatchStream> onEnd) {
        this.hub = hub;
        this.out = out;
        this.headers = headers;
        this.fragmentBytes = fragmentBytes;
        this.progressInterval = progressInterval;
        this.sender = sender;
        this.timers = timers;
        this.onEnd = onEnd;
    }

    /** Called from the service method, before it returns. */
    void start() {
        out.disableAutoRequest();
        out.setOnReadyHandler(this::scheduleDrain);
        out.setOnCancelHandler(this::release);
        out.request(1);
    }

    // ---- requests, gRPC's thread ---------------------------------------------------------

    @Override
    public void onNext(WatchRequest request) {
        switch (request.getRequestUnionCase()) {
            case CREATE_REQUEST -> create(request.getCreateRequest());
            case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
            case PROGRESS_REQUEST -> hub.requestStreamProgress(this);
            default -> {
                // etcd ignores a request it does not know rather than ending the stream
            }
        }
        if (pendingControl.get() < MAX_PENDING_CONTROL) {
            out.request(1);
        } else {
            readingPaused.set(true);
            resumeReadingIfDrained();
        }
    }

    private void create(WatchCreateRequest request) {
        byte[] key = request.getKey().isEmpty() ? new byte[] {0} : request.getKey().toByteArray();
        byte[] end = request.getRangeEnd().toByteArray();
        long now = hub.currentRevision();
        long start = request.getStartRevision() == 0 ? now + 1 : request.getStartRevision();
        boolean noPut = false;
        boolean noDelete = false;
        for (WatchCreateRequest.FilterType filter : request.getFiltersList()) {
            noPut |= filter == WatchCreateRequest.FilterType.NOPUT;
            noDelete |= filter == WatchCreateRequest.FilterType.NODELETE;
        }
        WatchSpec spec = new WatchSpec(key, end, start, noPut, noDelete, request.getPrevKv(), request.getProgressNotify(),
                request.getFragment());
        long id = request.getWatchId();
        if (spec.emptyRange()) {
            control(WatchResponse.newBuilder().setHeader(headers.apply(now)).setWatchId(NO_WATCH_ID)
                    .setCreated(true).setCanceled(true).setCancelReason(EMPTY_RANGE).build());
            return;
        }
        if (id == AUTO_WATCH_ID) {
            while (watchers.containsKey(nextId)) {
                nextId++;
            }
            id = nextId++;
        } else if (watchers.containsKey(id)) {
            control(WatchResponse.newBuilder().setHeader(headers.apply(now)).setWatchId(NO_WATCH_ID)
                    .setCreated(true).setCanceled(true).setCancelReason(DUPLICATE_ID).build());
            return;
        }
        Watcher watcher = new Watcher(id, spec, this);
        watchers.put(id, watcher);
        if (spec.progressNotify()) {
            progressDue.put(watcher, new AtomicBoolean(true));
            startTicker();
        }
        // Queued before the hub can queue any event of the watcher.
        control(WatchResponse.newBuilder().setHeader(headers.apply(now)).setWatchId(id).setCreated(true).build());
        hub.watch(watcher);
    }

    private void cancel(long id) {
        Watcher watcher = watchers.remove(id);
        if (watcher == null) {
            return; // etcd answers nothing for an unknown id
        }
        progressDue.remove(watcher);
        hub.cancel(watcher);
        control(WatchResponse.newBuilder().setHeader(headers.apply(hub.currentRevision())).setWatchId(id).setCanceled(true).build());
    }

    private void startTicker() {
        if (ticker != null) {
            return;
        }
        // Jitter of up to a tenth, as etcd, so that streams created together do not tick together.
        long nanos = progressInterval.toNanos();
        long period = nanos + ThreadLocalRandom.current().nextLong(Math.max(1, nanos / 10));
        ticker = timers.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
    }

    /** A progress tick: a notification for each progress watcher that got no events since the last tick. */
    private void tick() {
        progressDue.forEach((watcher, due) -> {
            if (due.getAndSet(true)) {
                hub.requestProgress(watcher);
            }
        });
    }

    @Override
    public void onError(Throwable t) {
        release();
    }

    @Override
    public void onCompleted() {
        // As etcd: the client closing its side ends nothing; the stream lives until the call does.
    }

    // ---- the sink, hub thread ------------------------------------------------------------

    @Override
    public boolean offer(WatchUpdate update) {
        if (ending != null) {
            return true; // swallowed: the stream is going away
        }
        if (update instanceof WatchUpdate.StreamProgress) {
            pendingControl.incrementAndGet();
        } else if (pendingUpdates.get() >= capacity()) {
            refused = true;
            return false;
        } else {
            pendingUpdates.incrementAndGet();
        }
        queue.add(update);
        drainHere();
        return true;
    }

    @Override
    public boolean hasRoom() {
        return pendingUpdates.get() < capacity();
    }

    /**
     * etcd buffers 128 responses per stream; two more per watcher let one event reach every
     * watcher of a crowded stream without sending them all to catch up from the store.
     */
    private int capacity() {
        return BASE_CAPACITY + 2 * watchers.size();
    }

    // ---- sending, one sender task at a time ----------------------------------------------

    private void control(WatchResponse response) {
        pendingControl.incrementAndGet();
        queue.add(response);
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            sender.execute(this::drain);
        }
    }

    /**
     * Sends on the calling thread if no sender is at work, else leaves the update to it. Used
     * for the hub's updates: it saves a thread hop per event on the latency path, and costs the
     * hub thread only the encoding (gRPC hands the bytes to the connection's event loop).
     */
    private void drainHere() {
        if (draining.compareAndSet(false, true)) {
            drain();
        }
    }

    private void drain() {
        do {
            try {
                if (ending != null) {
                    finish();
                    return;
                }
                Object item;
                while (out.isReady() && (item = queue.poll()) != null) {
                    send(item);
                }
                if (refused && pendingUpdates.get() < capacity() / 2) {
                    refused = false;
                    hub.wake();
                }
                resumeReadingIfDrained();
            } catch (RuntimeException e) {
                // The call is gone (cancelled under us): nothing more can be sent.
                release();
                return;
            } finally {
                draining.set(false);
            }
        } while ((ending != null || out.isReady() && !queue.isEmpty()) && draining.compareAndSet(false, true));
    }

    private void resumeReadingIfDrained() {
        if (pendingControl.get() < MAX_PENDING_CONTROL && readingPaused.compareAndSet(true, false)) {
            out.request(1);
        }
    }

    private void send(Object item) {
        switch (item) {
            case WatchResponse control -> {
                pendingControl.decrementAndGet();
                out.onNext(control);
            }
            case WatchUpdate.StreamProgress p -> {
                pendingControl.decrementAndGet();
                out.onNext(WatchResponse.newBuilder().setHeader(headers.apply(p.revision())).setWatchId(NO_WATCH_ID).build());
            }
            case WatchUpdate.Events e -> {
                pendingUpdates.decrementAndGet();
                if (current(e.watcher())) {
                    AtomicBoolean due = progressDue.get(e.watcher());
                    if (due != null) {
                        due.set(false);
                    }
                    sendEvents(encoder.events(headers.apply(e.revision()), e), e.watcher().spec().fragment());
                }
            }
            case WatchUpdate.Compacted c -> {
                pendingUpdates.decrementAndGet();
                if (current(c.watcher())) {
                    // etcd reports the compaction with an empty header revision and no reason text.
                    out.onNext(WatchResponse.newBuilder().setHeader(headers.apply(0)).setWatchId(c.watcher().id())
                            .setCompactRevision(c.compactRevision()).setCanceled(true).build());
                }
            }
            case WatchUpdate.Progress p -> {
                pendingUpdates.decrementAndGet();
                if (current(p.watcher())) {
                    out.onNext(WatchResponse.newBuilder().setHeader(headers.apply(p.revision())).setWatchId(p.watcher().id()).build());
                }
            }
            default -> throw new IllegalStateException("unexpected item in a watch stream: " + item);
        }
    }

    private boolean current(Watcher watcher) {
        return watchers.get(watcher.id()) == watcher;
    }

    /**
     * Sends a response, split as etcd does when the watcher accepts fragments and it is too
     * large: as many events per fragment as fit under the limit (at least one), every fragment
     * but the last marked {@code fragment}.
     */
    private void sendEvents(WatchResponse response, boolean fragment) {
        int count = response.getEventsCount();
        if (!fragment || count < 2 || response.getSerializedSize() < fragmentBytes) {
            out.onNext(response);
            return;
        }
        WatchResponse.Builder base = response.toBuilder().clearEvents().setFragment(true);
        int baseSize = base.build().getSerializedSize();
        int next = 0;
        while (next < count) {
            WatchResponse.Builder part = base.clone();
            long size = baseSize;
            while (next < count) {
                int eventSize = response.getEvents(next).getSerializedSize();
                size += 1 + CodedOutputStream.computeUInt32SizeNoTag(eventSize) + eventSize;
                if (part.getEventsCount() >= 1 && size >= fragmentBytes) {
                    break;
                }
                part.addEvents(response.getEvents(next));
                next++;
            }
            if (next == count) {
                part.setFragment(false);
            }
            out.onNext(part.build());
        }
    }

    // ---- the end -------------------------------------------------------------------------

    /** Ends the stream with {@code status} (the server is stopping). Any thread. */
    void end(Status status) {
        ending = status;
        release();
        scheduleDrain();
    }

    /** On the sender: tells the client, once. */
    private void finish() {
        if (!ended) {
            ended = true;
            queue.clear();
            try {
                out.onError(ending.asRuntimeException());
            } catch (RuntimeException e) {
                // already cancelled by the client
            }
        }
    }

    /** Removes every watcher from the hub and stops the ticker. Idempotent; any thread. */
    private void release() {
        if (ending == null) {
            ending = Status.CANCELLED;
        }
        for (Watcher watcher : List.copyOf(watchers.values())) {
            hub.cancel(watcher);
        }
        watchers.clear();
        progressDue.clear();
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
        onEnd.accept(this);
    }
}
